"""The recommenders demo seeder: every step of the chain is present in the open QC edition, through the real
services, and a second run changes nothing."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import Membership, User
from applications import demo as applications_demo
from applications.enums import Status
from applications.models import Application, ApplicationEvent
from awards import demo as awards_demo
from core.models import AuditEntry
from recommenders import demo
from recommenders.enums import EndorsementLevel
from recommenders.models import Dossier, Endorsement, Evaluation, HandIn

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def seeded():
    out = io.StringIO()
    accounts_demo.seed(stdout=out)
    awards_demo.seed(stdout=out)
    applications_demo.seed(stdout=out)
    logins = demo.seed(stdout=out)
    return logins, out.getvalue()


def _snapshot():
    return {
        model.__name__: sorted(model.objects.values_list(), key=repr)
        for model in (Application, ApplicationEvent, Endorsement, Evaluation, Dossier, HandIn, AuditEntry, Membership)
    }


def _unit_of(email):
    return Membership.objects.get(user__email=email, role="unit").unit


def _recommender_of(email):
    return Membership.objects.get(user__email=email, role="recommender").recommender


def test_demo_unit_has_work_waiting_and_one_returned_to_its_group(seeded):
    edition = demo._open_qc_edition(timezone.now())
    statuses = list(
        Application.objects.filter(edition=edition, unit=_unit_of(demo.UNIT_EMAIL)).values_list(
            "status", "return_reason"
        )
    )
    assert sorted(statuses) == sorted(
        [
            (Status.DRAFT, ""),  # the demo group's draft
            (Status.SUBMITTED, ""),  # the demo group's submitted application
            (Status.SUBMITTED, ""),
            (Status.RETURNED_TO_GROUP, demo.UNIT_STEPS[1][3]),
        ]
    )


def test_demo_recommender_has_endorsed_recommended_and_returned_applications(seeded):
    recommender = _recommender_of(demo.RECOMMENDER_EMAIL)
    edition = demo._open_qc_edition(timezone.now())
    applications = list(Application.objects.filter(edition=edition, unit__recommender=recommender))
    by_status = {}
    for application in applications:
        by_status.setdefault(application.status, []).append(application)
    endorsed = by_status[Status.ENDORSED]
    assert len(endorsed) == 3
    assert len({a.unit_id for a in endorsed}) == 3
    assert len(by_status[Status.RECOMMENDED]) == 1
    assert [a.return_reason for a in by_status[Status.RETURNED_TO_UNIT]] == [demo.RECOMMENDER_STEPS[4][4]]
    for application in endorsed + by_status[Status.RECOMMENDED]:
        unit_endorsement = Endorsement.objects.get(application=application, level=EndorsementLevel.UNIT)
        assert unit_endorsement.scan_mime == "image/png" and unit_endorsement.opinion == demo.UNIT_OPINION
        assert Evaluation.objects.filter(application=application, level=EndorsementLevel.UNIT).count() == 1
    sheets = sorted(
        Evaluation.objects.filter(application__in=endorsed, level=EndorsementLevel.RECOMMENDER)
        .values_list("application__title", flat=True)
        .distinct()
    )
    assert sheets == sorted([demo.RECOMMENDER_STEPS[0][0], demo.RECOMMENDER_STEPS[1][0]])
    assert Evaluation.objects.filter(application__title=demo.RECOMMENDER_STEPS[0][0]).exclude(level="unit").count() == 2
    dossier = Dossier.objects.get(recommender=recommender, edition=edition)
    assert dossier.statistics["employees"] == 86000


def test_demo_groups_own_applications_are_left_as_seeded(seeded):
    statuses = sorted(
        Application.objects.filter(group__leader__email=applications_demo.LEADER_EMAIL, edition__year__gte=2026)
        .exclude(title=applications_demo.PAST_TITLE)
        .values_list("title", "status")
    )
    assert statuses == sorted(
        [(applications_demo.SUBMITTED_TITLE, Status.SUBMITTED), (applications_demo.DRAFT_TITLE, Status.DRAFT)]
    )


def test_demo_recommender_sees_its_queue_and_the_second_reviewer_exists(seeded):
    logins, _output = seeded
    assert [login for login, _ in logins] == [demo.REVIEWER[0]]
    recommender = _recommender_of(demo.RECOMMENDER_EMAIL)
    assert _recommender_of(demo.REVIEWER[0]) == recommender
    client = Client()
    client.force_login(User.objects.get(email=demo.RECOMMENDER_EMAIL))
    response = client.get(reverse("recommenders:recommender_queue", args=[recommender.pk]))
    assert response.context["row_count"] == 5
    statuses = sorted(a.status for g in response.context["groups"] for a in g["rows"])
    assert statuses == sorted(
        [Status.ENDORSED, Status.ENDORSED, Status.ENDORSED, Status.RECOMMENDED, Status.RETURNED_TO_UNIT]
    )


def test_demo_seed_twice_changes_nothing(seeded):
    before = _snapshot()
    again = demo.seed(stdout=io.StringIO())
    assert again == seeded[0]
    assert _snapshot() == before


def test_demo_second_reviewer_scores_but_only_the_contact_decides(seeded):
    duties = dict(
        Membership.objects.filter(
            role="recommender", user__email__in=[demo.RECOMMENDER_EMAIL, demo.REVIEWER[0]]
        ).values_list("user__email", "can_decide")
    )
    assert duties == {demo.RECOMMENDER_EMAIL: True, demo.REVIEWER[0]: False}
    assert Evaluation.objects.filter(reviewer__email=demo.REVIEWER[0]).exists()
