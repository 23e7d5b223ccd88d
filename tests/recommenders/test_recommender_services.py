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
from recommenders import selectors, services
from recommenders.enums import Decision, EndorsementLevel
from recommenders.models import Endorsement, Evaluation
from tests.factories import RecommenderFactory, UnitFactory, recommender_member
from tests.factories.recommenders import category_of, decided, default_scores, endorsed_application, qc_edition, ranked

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
    ranked(member, application)
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
        decided(application, member)
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
    decided(application, member, recommend=False)
    result = decided(application, member)
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
    decided(application, member)
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
    assert (
        error.value.message
        == "“Choice of topic”: enter a number. “Cause analysis”: the score must be between 0 and 30.0."
    )
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
        decided(application, member)
    with pytest.raises(BusinessRuleError) as error:
        decided(third, member)
    assert error.value.code == "quota"
    assert error.value.message == (
        "上海华瑞精密机械有限公司 already has 2 recommended application(s); at most 2 per unit."
    )
    third.refresh_from_db()
    assert third.status == Status.ENDORSED


def test_quota_per_unit_and_category_refuses_a_second_of_the_same_type(edition, unit, member):
    first = endorsed(edition, unit, "problem_solving", "课题一")
    second = endorsed(edition, unit, "problem_solving", "课题二")
    decided(first, member)
    with pytest.raises(BusinessRuleError) as error:
        decided(second, member)
    assert error.value.message == (
        "上海华瑞精密机械有限公司 already has 1 recommended application(s) of the type “问题解决型”; "
        "at most 1 per unit and type."
    )


def test_quota_per_recommender_refuses_beyond_its_total(unit, member):
    edition = qc_edition(recommender_total_quota=1)
    first = endorsed(edition, unit, title="课题一")
    second = endorsed(edition, UnitFactory(recommender=unit.recommender), title="课题二")
    decided(first, member)
    with pytest.raises(BusinessRuleError) as error:
        decided(second, member)
    assert error.value.message == (
        "Your organisation has already recommended 1 application(s), its quota for this edition."
    )


def test_reconsidering_frees_the_quota(edition, unit, member):
    first = endorsed(edition, unit, title="课题一")
    second = endorsed(edition, unit, title="课题二")
    decided(first, member)
    services.recommender_reconsider(actor=member, application=first, recommender=unit.recommender)
    result = decided(second, member)
    assert result.status == Status.RECOMMENDED


# --- Deadline -----------------------------------------------------------------------------------------------------


def test_after_the_recommendation_deadline_everything_is_locked(edition, unit, member):
    application = endorsed(edition, unit)
    decided(application, member)
    close_recommendation(edition)
    end = timezone.localtime(edition.phase(PhaseKind.RECOMMENDATION).ends_at)
    message = f"The Recommendation phase ended at {end:%Y-%m-%d %H:%M} (Beijing time); decisions are locked."
    attempts = [
        lambda: services.recommender_reconsider(actor=member, application=application, recommender=unit.recommender),
        lambda: services.recommender_decide(
            actor=member, application=application, recommender=unit.recommender, recommend=False, opinion="理由"
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


# --- Ranking and decisions (issue 8) -------------------------------------------------------------------------------


def rank(member, unit, edition, ranks, category="problem_solving"):
    services.recommender_rank(
        actor=member,
        recommender=unit.recommender,
        edition=edition,
        category=category_of(edition, category),
        ranks=ranks,
    )


def test_duplicate_ranks_are_refused_and_nothing_is_saved(edition, unit, member):
    first = endorsed(edition, unit, title="课题一")
    second = endorsed(edition, UnitFactory(recommender=unit.recommender), title="课题二")

    with pytest.raises(BusinessRuleError) as error:
        rank(member, unit, edition, {first.pk: "1", second.pk: "1"})

    assert error.value.code == "ranking"
    assert error.value.message == (
        f"Ranks must be 1 to 2, each given once: Rank 1 is given to “{first.number}”、“{second.number}”; each rank "
        "goes to one application."
    )
    assert not Endorsement.objects.filter(level=EndorsementLevel.RECOMMENDER, rank__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="recommender.ranked").exists()


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        (("1", "3"), "“{second}”: the rank must be a whole number from 1 to 2."),
        (("2", "0"), "“{second}”: the rank must be a whole number from 1 to 2."),
        (("1", "x"), "“{second}”: the rank must be a whole number from 1 to 2."),
        (("1", ""), "“{second}” has no rank."),
    ],
)
def test_ranks_must_be_one_to_n(edition, unit, member, typed, problem):
    first = endorsed(edition, unit, title="课题一")
    second = endorsed(edition, UnitFactory(recommender=unit.recommender), title="课题二")

    with pytest.raises(BusinessRuleError) as error:
        rank(member, unit, edition, {first.pk: typed[0], second.pk: typed[1]})

    assert error.value.message == "Ranks must be 1 to 2, each given once: " + problem.format(second=second.number)


def test_a_ranking_that_leaves_out_an_application_is_refused(edition, unit, member):
    first = endorsed(edition, unit, title="课题一")
    second = endorsed(edition, UnitFactory(recommender=unit.recommender), title="课题二")

    with pytest.raises(BusinessRuleError) as error:
        services.recommender_rank(
            actor=member, recommender=unit.recommender, edition=edition, category=first.category, ordered_ids=[first.pk]
        )

    assert error.value.message == f"Ranks must be 1 to 2, each given once: “{second.number}” has no rank."


def test_recommending_needs_a_complete_ranking_of_the_category(edition, unit, member):
    first = endorsed(edition, unit, title="课题一")
    problem = (
        "Rank the applications of “问题解决型” first (1 to 1, each rank once) and save the ranking: "
        f"“{first.number}” has no rank."
    )
    with pytest.raises(BusinessRuleError) as error:
        services.recommender_decide(
            actor=member, application=first, recommender=unit.recommender, recommend=True, opinion="同意推荐。"
        )
    assert (error.value.code, error.value.message) == ("ranking", problem)

    rank(member, unit, edition, {first.pk: 1})
    second = endorsed(edition, UnitFactory(recommender=unit.recommender), title="课题二")  # arrives unranked
    with pytest.raises(BusinessRuleError) as error:
        services.recommender_decide(
            actor=member, application=first, recommender=unit.recommender, recommend=True, opinion="同意推荐。"
        )
    assert error.value.message.endswith(f"“{second.number}” has no rank.")

    rank(member, unit, edition, {first.pk: 2, second.pk: 1})
    result = services.recommender_decide(
        actor=member, application=first, recommender=unit.recommender, recommend=True, opinion="同意推荐。"
    )
    assert result.status == Status.RECOMMENDED
    assert recommender_endorsement(first).rank == 2


def test_declining_needs_no_ranking(edition, unit, member):
    application = endorsed(edition, unit)

    result = services.recommender_decide(
        actor=member, application=application, recommender=unit.recommender, recommend=False, opinion="创新点不足。"
    )

    assert result.status == Status.DECLINED


@pytest.mark.parametrize(
    ("recommend", "message"),
    [(True, "Write the recommendation opinion."), (False, "Give the reason for not recommending the application.")],
)
def test_a_decision_needs_the_opinion_or_the_reason(edition, unit, member, recommend, message):
    application = endorsed(edition, unit)
    ranked(member, application)

    with pytest.raises(BusinessRuleError) as error:
        services.recommender_decide(
            actor=member, application=application, recommender=unit.recommender, recommend=recommend, opinion="  \n "
        )

    assert (error.value.code, error.value.message) == ("opinion", message)
    application.refresh_from_db()
    assert application.status == Status.ENDORSED
    assert not ApplicationEvent.objects.filter(application=application, action__in=["recommend", "decline"]).exists()


def test_quota_usage_counts_what_the_quota_checks_count(edition, unit, member):
    first = endorsed(edition, unit, "problem_solving", "课题一")
    second = endorsed(edition, unit, "problem_solving", "课题二")
    decided(first, member)

    usage = {u.kind: (u.used, u.quota, u.full) for u in selectors.quota_usage(second)}

    assert usage == {"per_unit": (1, 2, False), "per_unit_category": (1, 1, True)}
    assert services.quota_problem(application=second, recommender=unit.recommender) == (
        "上海华瑞精密机械有限公司 already has 1 recommended application(s) of the type “问题解决型”; "
        "at most 1 per unit and type."
    )
