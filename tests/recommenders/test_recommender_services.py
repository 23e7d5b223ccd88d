"""The recommender's steps through the real services: score, recommend, decline, reconsider, return, rank; the
quotas (per unit, per unit and category type, per recommender) and the deadline lock."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.enums import Status
from applications.models import ApplicationEvent
from awards.enums import PhaseKind
from awards.models import Phase
from core.exceptions import BusinessRuleError
from core.models import AuditEntry
from recommenders import services
from recommenders.enums import Decision, EndorsementLevel
from recommenders.models import Endorsement, Evaluation
from tests.factories import RecommenderFactory, UnitFactory, recommender_member
from tests.factories.recommenders import category_of, default_scores, endorsed_application, qc_edition

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def edition():
    return qc_edition()


@pytest.fixture
def recommender():
    return RecommenderFactory(name="浦东新区市场监督管理局")


@pytest.fixture
def unit(recommender):
    return UnitFactory(recommender=recommender, name="上海华瑞精密机械有限公司")


@pytest.fixture
def member(recommender):
    return recommender_member(recommender, full_name="王慧敏")


def endorsed(edition, unit, category="problem_solving", title="降低精密轴承外圈磨削不良率"):
    return endorsed_application(edition=edition, unit=unit, category=category, title=title)


def recommender_endorsement(application):
    return Endorsement.objects.get(application=application, level=EndorsementLevel.RECOMMENDER)


def close_recommendation(edition):
    now = timezone.now()
    Phase.objects.filter(edition=edition, kind=PhaseKind.RECOMMENDATION).update(
        starts_at=now - datetime.timedelta(days=10), ends_at=now - datetime.timedelta(minutes=1)
    )
    edition.refresh_from_db()


# --- Transitions --------------------------------------------------------------------------------------------------


def test_recommend_moves_the_application_to_the_association_and_records_the_decision(edition, unit, member):
    application = endorsed(edition, unit)
    result = services.recommender_decide(
        actor=member, application=application, recommender=unit.recommender, recommend=True, opinion="同意推荐。"
    )
    assert result.status == Status.RECOMMENDED
    endorsement = recommender_endorsement(application)
    assert (endorsement.decision, endorsement.opinion, endorsement.decided_by) == (
        Decision.RECOMMENDED,
        "同意推荐。",
        member,
    )
    event = ApplicationEvent.objects.filter(application=application).last()
    assert (event.action, event.from_status, event.to_status, event.note) == (
        "recommend",
        Status.ENDORSED,
        Status.RECOMMENDED,
        "同意推荐。",
    )
    assert AuditEntry.objects.filter(object_id=str(application.pk), action="application.recommend").count() == 1


def test_recommending_twice_is_a_no_op(edition, unit, member):
    application = endorsed(edition, unit)
    for _ in range(2):
        services.recommender_decide(actor=member, application=application, recommender=unit.recommender, recommend=True)
    assert ApplicationEvent.objects.filter(application=application, action="recommend").count() == 1


def test_decline_then_reconsider_returns_the_application_to_waiting(edition, unit, member):
    application = endorsed(edition, unit)
    declined = services.recommender_decide(
        actor=member, application=application, recommender=unit.recommender, recommend=False, opinion="创新点不足。"
    )
    assert declined.status == Status.DECLINED
    assert recommender_endorsement(application).decision == Decision.DECLINED
    again = services.recommender_reconsider(actor=member, application=declined, recommender=unit.recommender)
    assert again.status == Status.ENDORSED
    assert recommender_endorsement(application).decision == Decision.PENDING


def test_a_declined_application_can_be_recommended_before_the_deadline(edition, unit, member):
    application = endorsed(edition, unit)
    services.recommender_decide(actor=member, application=application, recommender=unit.recommender, recommend=False)
    result = services.recommender_decide(
        actor=member, application=application, recommender=unit.recommender, recommend=True
    )
    assert result.status == Status.RECOMMENDED


def test_return_to_the_unit_needs_a_reason_and_records_it(edition, unit, member):
    application = endorsed(edition, unit)
    with pytest.raises(BusinessRuleError) as error:
        services.recommender_return(actor=member, application=application, recommender=unit.recommender, reason=" ")
    assert error.value.message == "Give the reason for returning the application."
    result = services.recommender_return(
        actor=member, application=application, recommender=unit.recommender, reason="自评分与附件不一致，请核对。"
    )
    assert (result.status, result.return_reason) == (Status.RETURNED_TO_UNIT, "自评分与附件不一致，请核对。")
    unit_endorsement = Endorsement.objects.get(application=application, level=EndorsementLevel.UNIT)
    assert unit_endorsement.decision == Decision.RETURNED
    assert recommender_endorsement(application).decision == Decision.RETURNED


def test_a_recommended_application_cannot_be_returned(edition, unit, member):
    application = endorsed(edition, unit)
    services.recommender_decide(actor=member, application=application, recommender=unit.recommender, recommend=True)
    with pytest.raises(BusinessRuleError) as error:
        services.recommender_return(actor=member, application=application, recommender=unit.recommender, reason="x")
    assert error.value.code == "bad_transition"
    assert error.value.message == (
        "This application is “Recommended, at the association”; “Return to the unit” is not possible now."
    )


def test_another_organisation_cannot_decide(edition, unit):
    application = endorsed(edition, unit)
    other = RecommenderFactory()
    with pytest.raises(BusinessRuleError) as error:
        services.recommender_decide(
            actor=recommender_member(other), application=application, recommender=other, recommend=True
        )
    assert error.value.message == "This application is not under your organisation."


def test_reviewer_scores_are_bounded_and_summed(edition, unit, member):
    application = endorsed(edition, unit)
    with pytest.raises(BusinessRuleError) as error:
        services.recommender_evaluation_save(
            actor=member,
            application=application,
            recommender=unit.recommender,
            scores={**default_scores(application), "cause": "31", "topic": "abc"},
        )
    assert error.value.message == "“选题”: enter a number. “原因分析”: the score must be between 0 and 30.0."
    sheet = services.recommender_evaluation_save(
        actor=member,
        application=application,
        recommender=unit.recommender,
        scores={"topic": "14", "cause": "28.5", "measures": "18", "effect": "17", "report": "4", "feature": "8"},
    )
    assert sheet.total == Decimal("89.5")
    assert sheet.scores == {
        "topic": "14.0",
        "cause": "28.5",
        "measures": "18.0",
        "effect": "17.0",
        "report": "4.0",
        "feature": "8.0",
    }
    assert Evaluation.objects.filter(application=application, level=EndorsementLevel.RECOMMENDER).count() == 1


def test_rank_stores_the_order_per_category(edition, unit, member):
    first = endorsed(edition, unit, title="课题一")
    second = endorsed(edition, UnitFactory(recommender=unit.recommender), title="课题二")
    services.recommender_rank(
        actor=member,
        recommender=unit.recommender,
        edition=edition,
        category=category_of(edition),
        ordered_ids=[second.pk, first.pk],
    )
    assert recommender_endorsement(second).rank == 1
    assert recommender_endorsement(first).rank == 2
    with pytest.raises(BusinessRuleError) as error:
        services.recommender_rank(
            actor=member,
            recommender=unit.recommender,
            edition=edition,
            category=category_of(edition, "innovation"),
            ordered_ids=[second.pk, first.pk],
        )
    assert error.value.message == "The ranking must list each application of the category once."


# --- Quotas -------------------------------------------------------------------------------------------------------


def test_quota_per_unit_refuses_the_third_recommendation(edition, unit, member):
    assert (edition.recommend_per_unit, edition.recommend_per_unit_category) == (2, 1)
    solving = endorsed(edition, unit, "problem_solving", "课题一")
    innovation = endorsed(edition, unit, "innovation", "课题二")
    third = endorsed(edition, unit, "problem_solving", "课题三")
    for application in (solving, innovation):
        services.recommender_decide(actor=member, application=application, recommender=unit.recommender, recommend=True)
    with pytest.raises(BusinessRuleError) as error:
        services.recommender_decide(actor=member, application=third, recommender=unit.recommender, recommend=True)
    assert error.value.code == "quota"
    assert error.value.message == (
        "上海华瑞精密机械有限公司 already has 2 recommended application(s); at most 2 per unit."
    )
    third.refresh_from_db()
    assert third.status == Status.ENDORSED


def test_quota_per_unit_and_category_refuses_a_second_of_the_same_type(edition, unit, member):
    first = endorsed(edition, unit, "problem_solving", "课题一")
    second = endorsed(edition, unit, "problem_solving", "课题二")
    services.recommender_decide(actor=member, application=first, recommender=unit.recommender, recommend=True)
    with pytest.raises(BusinessRuleError) as error:
        services.recommender_decide(actor=member, application=second, recommender=unit.recommender, recommend=True)
    assert error.value.message == (
        "上海华瑞精密机械有限公司 already has 1 recommended application(s) of the type “问题解决型”; "
        "at most 1 per unit and type."
    )


def test_quota_per_recommender_refuses_beyond_its_total(unit, member):
    edition = qc_edition(recommender_total_quota=1)
    first = endorsed(edition, unit, title="课题一")
    second = endorsed(edition, UnitFactory(recommender=unit.recommender), title="课题二")
    services.recommender_decide(actor=member, application=first, recommender=unit.recommender, recommend=True)
    with pytest.raises(BusinessRuleError) as error:
        services.recommender_decide(actor=member, application=second, recommender=unit.recommender, recommend=True)
    assert error.value.message == (
        "Your organisation has already recommended 1 application(s), its quota for this edition."
    )


def test_reconsidering_frees_the_quota(edition, unit, member):
    first = endorsed(edition, unit, title="课题一")
    second = endorsed(edition, unit, title="课题二")
    services.recommender_decide(actor=member, application=first, recommender=unit.recommender, recommend=True)
    services.recommender_reconsider(actor=member, application=first, recommender=unit.recommender)
    result = services.recommender_decide(actor=member, application=second, recommender=unit.recommender, recommend=True)
    assert result.status == Status.RECOMMENDED


# --- Deadline -----------------------------------------------------------------------------------------------------


def test_after_the_recommendation_deadline_everything_is_locked(edition, unit, member):
    application = endorsed(edition, unit)
    services.recommender_decide(actor=member, application=application, recommender=unit.recommender, recommend=True)
    close_recommendation(edition)
    end = timezone.localtime(edition.phase(PhaseKind.RECOMMENDATION).ends_at)
    message = f"The Recommendation phase ended at {end:%Y-%m-%d %H:%M} (Beijing time); decisions are locked."
    attempts = [
        lambda: services.recommender_reconsider(actor=member, application=application, recommender=unit.recommender),
        lambda: services.recommender_decide(
            actor=member, application=application, recommender=unit.recommender, recommend=False
        ),
        lambda: services.recommender_evaluation_save(
            actor=member,
            application=application,
            recommender=unit.recommender,
            scores=default_scores(application),
        ),
        lambda: services.recommender_rank(
            actor=member,
            recommender=unit.recommender,
            edition=edition,
            category=category_of(edition),
            ordered_ids=[application.pk],
        ),
        lambda: services.statistics_save(
            actor=member, dossier=services.dossier_for(recommender=unit.recommender, edition=edition), data={}
        ),
    ]
    for attempt in attempts:
        with pytest.raises(BusinessRuleError) as error:
            attempt()
        assert (error.value.code, error.value.message) == ("phase_closed", message)
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED
