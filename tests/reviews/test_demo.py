"""The reviews demo seeder (through `seed_demo`, all seeders in order): a formal-review queue for the demo staff
login, an open round with work for the demo expert and other experts' submitted sheets, and a rerun that changes
nothing."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications.enums import Status
from applications.models import Application, ApplicationEvent
from core.models import AuditEntry
from core.seeding import DEMO_PASSWORD
from reviews import formal
from reviews.enums import AssignmentState, ReviewStatus, RoundState, SheetState
from reviews.models import (
    Assignment,
    DeclarationSignature,
    FormalReview,
    PairRule,
    PoolEntry,
    ReviewRound,
    ScoreSheet,
)
from reviews.selectors_expert import visible_assignments

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

MODELS = (
    Application,
    ApplicationEvent,
    FormalReview,
    PoolEntry,
    ReviewRound,
    Assignment,
    PairRule,
    ScoreSheet,
    DeclarationSignature,
    AuditEntry,
)


def rows() -> dict:
    """Every row of the models the review chain writes, every column (the audit log by count: it has timestamps)."""
    return {
        model.__name__: model.objects.count() if model is AuditEntry else sorted(model.objects.values_list(), key=repr)
        for model in MODELS
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """seed_demo twice for the module, in a transaction rolled back at its end; the rows after each run."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        first = rows()
        call_command("seed_demo", stdout=io.StringIO())
        yield first, rows()
        transaction.set_rollback(True)


def sign_in(email: str) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD}).status_code == 302
    return client


def demo_round() -> ReviewRound:
    return ReviewRound.objects.select_related("edition").get(name__endswith="（演示）")


def test_seeding_twice_changes_nothing(seeded):
    first, second = seeded
    assert first == second
    assert first["ReviewRound"] and first["Assignment"] and first["ScoreSheet"]


def test_staff_finds_a_recommended_application_waiting_in_the_formal_review_queue(seeded):
    edition = demo_round().edition
    waiting = formal.formal_queue(edition, status=formal.QUEUE)
    assert Status.RECOMMENDED in {a.status for a in waiting}

    response = sign_in("staff@demo.saq.test").get(reverse("reviews:formal_queue"), {"status": formal.QUEUE})
    assert response.status_code == 200
    assert all(a.number in response.content.decode() for a in waiting)


def test_the_open_round_reviews_admitted_applications_with_pool_experts(seeded):
    round_ = demo_round()
    assert round_.state == RoundState.OPEN
    admitted = Application.objects.filter(edition=round_.edition, status=ReviewStatus.ADMITTED)
    assert admitted.count() >= 3
    assert all(FormalReview.objects.get(application=a).outcome == "admit" for a in admitted)
    live = Assignment.objects.filter(round=round_, state__in=(AssignmentState.OFFERED, AssignmentState.ACCEPTED))
    per_application = {a.pk: live.filter(application=a).count() for a in admitted}
    assert set(per_application.values()) == {round_.experts_per_application}
    pool = set(PoolEntry.objects.filter(programme=round_.edition.programme).values_list("expert_id", flat=True))
    assert set(live.values_list("expert_id", flat=True)) <= pool
    # Other experts have submitted on some applications, not on all: the progress page has something to show.
    submitted = ScoreSheet.objects.filter(assignment__round=round_, state=SheetState.SUBMITTED).exclude(
        assignment__expert__user__email="expert@demo.saq.test"
    )
    scored = set(submitted.values_list("assignment__application_id", flat=True))
    assert scored and scored < set(per_application)


def test_the_demo_expert_has_tasks_to_accept_and_a_draft_to_finish(seeded):
    round_ = demo_round()
    tasks = list(visible_assignments(User.objects.get(email="expert@demo.saq.test")).filter(round=round_))
    states = sorted(a.state for a in tasks)
    assert states.count(AssignmentState.ACCEPTED) == 1 and states.count(AssignmentState.OFFERED) >= 1
    accepted = next(a for a in tasks if a.state == AssignmentState.ACCEPTED)
    assert ScoreSheet.objects.get(assignment=accepted).state == SheetState.DRAFT

    client = sign_in("expert@demo.saq.test")
    page = client.get(reverse("reviews:expert_round", args=[round_.pk]))
    assert page.status_code == 200
    assert client.get(reverse("reviews:expert_assignment", args=[accepted.pk])).status_code == 200
