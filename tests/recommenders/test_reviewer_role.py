"""A recommending organisation's reviewers score; only its deciders recommend, decline, reconsider, return to the
unit, rank and hand in (issue 7: "a second reviewer can decide, return and reconsider like its lead")."""

import re

import pytest
from django.urls import reverse

from applications.enums import Status
from core import roles
from core.exceptions import BusinessRuleError
from recommenders import services
from recommenders.enums import EndorsementLevel, HandInKind
from recommenders.models import Dossier, Endorsement, Evaluation, HandIn
from tests.factories import RecommenderFactory, UnitFactory, recommender_member
from tests.factories.recommenders import category_of, endorsed_application, pdf_bytes, qc_edition, ranked, upload
from tests.helpers import client_for, messages_of

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

SCORES = {"topic": "14", "cause": "28", "measures": "18", "effect": "17", "report": "4", "feature": "9"}
DECIDE_BUTTONS = ["decide-form", "recommend", "decline", "return-form", "return", "reconsider"]
REVIEWER_REFUSAL = "Only a member who decides for your organisation can do this; reviewers score."


def marked(response, *names) -> list[str]:
    found = re.findall(r'data-testid="([^"]+)"', response.content.decode())
    return [name for name in found if name in names]


@pytest.fixture
def edition():
    return qc_edition()


@pytest.fixture
def recommender():
    return RecommenderFactory(name="浦东新区市场监督管理局")


@pytest.fixture
def lead(recommender):
    return recommender_member(recommender, full_name="王慧敏")


@pytest.fixture
def reviewer(recommender, lead):
    return recommender_member(recommender, can_decide=False, full_name="李评审")


@pytest.fixture
def application(edition, recommender):
    return endorsed_application(edition=edition, unit=UnitFactory(recommender=recommender), title="降低轴承不良率")


def decide(application, recommender, lead, *, recommend: bool):
    """The lead's decision through the services (ranked first: a recommendation needs the rank)."""
    services.recommender_rank(
        actor=lead,
        recommender=recommender,
        edition=application.edition,
        category=application.category,
        ordered_ids=[application.pk],
    )
    return services.recommender_decide(
        actor=lead, application=application, recommender=recommender, recommend=recommend, opinion="同意推荐。"
    )


def url(application, action=""):
    name = f"recommenders:recommender_{action}" if action else "recommenders:recommender_application"
    return reverse(name, args=[application.pk])


def test_roles_lists_only_the_organisations_a_person_decides_for(recommender, lead, reviewer):
    assert roles.decider_recommender_ids(lead) == {recommender.pk}
    assert roles.decider_recommender_ids(reviewer) == set()
    assert roles.recommender_ids(reviewer) == {recommender.pk}


@pytest.mark.parametrize("decision", ["recommend", "decline"])
def test_a_reviewer_cannot_recommend_or_decline_and_the_decider_can(application, recommender, lead, reviewer, decision):
    services.recommender_rank(
        actor=lead,
        recommender=recommender,
        edition=application.edition,
        category=application.category,
        ordered_ids=[application.pk],
    )
    data = {"decision": decision, "opinion": "同意推荐", "confirm": "on"}
    assert client_for(reviewer).post(url(application, "decide"), data).status_code == 403
    application.refresh_from_db()
    assert application.status == Status.ENDORSED
    assert not application.events.filter(to_status__in=[Status.RECOMMENDED, Status.DECLINED]).exists()

    response = client_for(lead).post(url(application, "decide"), data, follow=True)
    application.refresh_from_db()
    assert application.status == (Status.RECOMMENDED if decision == "recommend" else Status.DECLINED)
    assert messages_of(response) == [
        "The application is recommended." if decision == "recommend" else "The application is not recommended."
    ]


def test_a_reviewer_cannot_reconsider_and_the_decider_can(application, recommender, lead, reviewer):
    decide(application, recommender, lead, recommend=True)
    assert client_for(reviewer).post(url(application, "reconsider")).status_code == 403
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED

    client_for(lead).post(url(application, "reconsider"))
    application.refresh_from_db()
    assert application.status == Status.ENDORSED


def test_a_reviewer_cannot_return_to_the_unit_and_the_decider_can(application, lead, reviewer):
    data = {"reason": "请补充数据"}
    assert client_for(reviewer).post(url(application, "return"), data).status_code == 403
    application.refresh_from_db()
    assert (application.status, application.return_reason) == (Status.ENDORSED, "")

    client_for(lead).post(url(application, "return"), data)
    application.refresh_from_db()
    assert (application.status, application.return_reason) == (Status.RETURNED_TO_UNIT, "请补充数据")


def test_a_reviewer_cannot_save_a_ranking_and_sees_no_rank_inputs(edition, recommender, application, lead, reviewer):
    second = endorsed_application(edition=edition, unit=UnitFactory(recommender=recommender), title="课题二")
    rank_url = reverse("recommenders:recommender_rank", args=[recommender.pk, edition.pk, category_of(edition).pk])
    data = {f"rank_{second.pk}": "1", f"rank_{application.pk}": "2"}

    page = client_for(reviewer).get(rank_url)
    assert page.status_code == 200
    assert marked(page, "save-ranking", "move-up") == []
    assert client_for(reviewer).post(rank_url, data).status_code == 403
    assert not Endorsement.objects.filter(level=EndorsementLevel.RECOMMENDER, rank__isnull=False).exists()

    assert marked(client_for(lead).get(rank_url), "save-ranking") == ["save-ranking"]
    response = client_for(lead).post(rank_url, data, follow=True)
    assert messages_of(response) == ["The ranking is saved."]
    ranks = dict(Endorsement.objects.filter(level=EndorsementLevel.RECOMMENDER).values_list("application_id", "rank"))
    assert ranks == {second.pk: 1, application.pk: 2}


def test_a_reviewer_cannot_hand_in_or_save_statistics(edition, recommender, lead, reviewer):
    dossier_args = [recommender.pk, edition.pk]
    reviewer_client = client_for(reviewer)
    page = reviewer_client.get(reverse("recommenders:recommender_dossier", args=dossier_args))
    assert page.status_code == 200
    assert marked(page, "statistics-form", "uploads", f"handin-{HandInKind.RECOMMENDATION_TABLE}") == []
    upload_url = reverse("recommenders:recommender_handin_upload", args=dossier_args)
    data = {"kind": HandInKind.ACTIVITY_SUMMARY, "file": upload("总结.pdf", pdf_bytes())}
    assert reviewer_client.post(upload_url, data).status_code == 403
    statistics_url = reverse("recommenders:recommender_statistics", args=dossier_args)
    fields = edition.statistics_fields
    assert reviewer_client.post(statistics_url, {f["code"]: "3" for f in fields}).status_code == 403
    generated_url = reverse("recommenders:recommender_handin_generated", args=dossier_args)
    assert reviewer_client.post(generated_url, {"kind": HandInKind.RECOMMENDATION_TABLE}).status_code == 403
    assert not HandIn.objects.exists()
    assert Dossier.objects.get(recommender=recommender, edition=edition).statistics in ({}, None)

    data = {"kind": HandInKind.ACTIVITY_SUMMARY, "file": upload("总结.pdf", pdf_bytes())}
    response = client_for(lead).post(upload_url, data, follow=True)
    assert messages_of(response) == [f"“{HandInKind.ACTIVITY_SUMMARY.label}” is handed in."]
    assert HandIn.objects.get().handed_in_by == lead


def test_a_reviewer_scores_and_sees_no_decision_buttons(application, lead, reviewer):
    client = client_for(reviewer)
    page = client.get(url(application))
    assert marked(page, *DECIDE_BUTTONS) == []
    assert marked(page, "score-form", "reviewer-note") == ["reviewer-note", "score-form"]

    response = client.post(url(application, "score"), {f"score_{k}": v for k, v in SCORES.items()}, follow=True)
    assert messages_of(response) == ["Your score sheet is saved."]
    assert Evaluation.objects.get(level=EndorsementLevel.RECOMMENDER, reviewer=reviewer).total == 90

    lead_page = client_for(lead).get(url(application))
    # Recommending waits for the category's ranking: the page says so instead of offering the button.
    assert marked(lead_page, *DECIDE_BUTTONS) == ["decide-form", "decline", "return-form", "return"]
    assert marked(lead_page, "reviewer-note") == []
    ranked(lead, application)
    lead_page = client_for(lead).get(url(application))
    assert marked(lead_page, *DECIDE_BUTTONS) == ["decide-form", "recommend", "decline", "return-form", "return"]


def test_the_decider_sees_reconsider_on_a_decided_application(application, recommender, lead, reviewer):
    decide(application, recommender, lead, recommend=False)
    assert marked(client_for(lead).get(url(application)), *DECIDE_BUTTONS) == ["decide-form", "recommend", "reconsider"]
    assert marked(client_for(reviewer).get(url(application)), *DECIDE_BUTTONS) == []


def test_services_refuse_a_reviewer_whatever_the_page_showed(edition, recommender, application, reviewer):
    calls = [
        lambda: services.recommender_decide(
            actor=reviewer, application=application, recommender=recommender, recommend=True, opinion="同意推荐。"
        ),
        lambda: services.recommender_return(
            actor=reviewer, application=application, recommender=recommender, reason="x"
        ),
        lambda: services.recommender_reconsider(actor=reviewer, application=application, recommender=recommender),
        lambda: services.recommender_rank(
            actor=reviewer,
            recommender=recommender,
            edition=edition,
            category=category_of(edition),
            ordered_ids=[application.pk],
        ),
        lambda: services.statistics_save(
            actor=reviewer, dossier=services.dossier_for(recommender=recommender, edition=edition), data={}
        ),
        lambda: services.hand_in(
            actor=reviewer,
            dossier=services.dossier_for(recommender=recommender, edition=edition),
            kind=HandInKind.ACTIVITY_SUMMARY,
            data=pdf_bytes(),
            file_name="总结.pdf",
        ),
    ]
    for call in calls:
        with pytest.raises(BusinessRuleError) as error:
            call()
        assert (error.value.code, error.value.message) == ("not_decider", REVIEWER_REFUSAL)
    application.refresh_from_db()
    assert application.status == Status.ENDORSED
