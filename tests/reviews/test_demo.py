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
from awards.models import Edition
from core.models import AuditEntry
from core.seeding import DEMO_PASSWORD
from notices.workflow import ResultStatus
from reviews import formal
from reviews.enums import AssignmentState, ReviewStatus, RoundKind, RoundState, SheetState
from reviews.models import (
    Assignment,
    AwardLevel,
    DeclarationSignature,
    FormalReview,
    LevelDecision,
    LevelScheme,
    PairRule,
    PoolEntry,
    PresentationSession,
    ReviewRound,
    RoundResult,
    ScoreSheet,
    SessionSlot,
)
from reviews.selectors_expert import visible_assignments
from reviews.workflow_levels import LevelStatus

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
    LevelScheme,
    AwardLevel,
    LevelDecision,
    PresentationSession,
    SessionSlot,
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
    assert first["LevelDecision"] and first["SessionSlot"]


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


def test_last_years_result_list_is_released_with_levels(seeded):
    current = demo_round().edition
    past = Edition.objects.get(programme=current.programme, year=current.year - 1)
    scheme = LevelScheme.objects.get(edition=past)
    assert scheme.is_released
    assert not LevelScheme.objects.filter(edition=current).exists()  # this year's stays with the open round
    counted = list(scheme.rounds.select_related("round"))
    assert [(sr.round.state, sr.weight) for sr in counted] == [(RoundState.CLOSED, 100)]
    decided = {d.application_id: d for d in LevelDecision.objects.filter(scheme=scheme).select_related("level")}
    applications = list(Application.objects.filter(edition=past, pk__in=decided).select_related("group"))
    assert len(applications) == len(decided) >= 3
    outcome = {a.pk: (a.status, decided[a.pk].level.name if decided[a.pk].level else None) for a in applications}
    assert all(d.released for d in decided.values())
    # Awarded, and since the publication demo finalised last year's list, confirmed.
    awarded = {LevelStatus.AWARDED, ResultStatus.AWARD_CONFIRMED}
    assert all((status in awarded) == (level is not None) for status, level in outcome.values())
    assert {level for _status, level in outcome.values()} >= {"标杆级", None}  # awarded and not awarded
    # The demo group's entry: awarded 标杆级, and its leader sees it on the dashboard and the overview.
    own = next(a for a in applications if a.group.leader.email == "group@demo.saq.test")
    assert outcome[own.pk] == (ResultStatus.AWARD_CONFIRMED, "标杆级")
    client = sign_in("group@demo.saq.test")
    dashboard = client.get(reverse("accounts:group_dashboard", args=[own.group_id])).content.decode()
    shown = {"标杆级", "Benchmark"}  # the level's name in the page's language
    assert 'data-testid="level-results"' in dashboard and own.title in dashboard
    assert any(name in dashboard for name in shown)
    detail = client.get(reverse("applications:detail", args=[own.pk])).content.decode()
    assert any(f'data-testid="level-result-level">{name}<' in detail for name in shown)
    assert AwardLevel.objects.filter(scheme=scheme, min_score__isnull=False).count() == 3  # score bands


def test_this_years_presentation_sessions_have_a_running_order_from_a_closed_document_round(seeded):
    current = demo_round().edition
    sessions = list(
        PresentationSession.objects.filter(round__edition=current, round__kind=RoundKind.PRESENTATION)
        .select_related("round")
        .prefetch_related("judges__user")
    )
    assert sessions
    closed = ReviewRound.objects.filter(edition=current, kind=RoundKind.DOCUMENT, state=RoundState.CLOSED)
    assert closed.exists() and demo_round().state == RoundState.OPEN  # the demo expert's round stays open
    passed = set(RoundResult.objects.filter(round__in=closed).values_list("application_id", flat=True))
    for session in sessions:
        assert session.venue and session.starts_at and session.instructions
        assert "expert@demo.saq.test" in {j.user.email for j in session.judges.all()}
        slots = list(SessionSlot.objects.filter(session=session).order_by("position"))
        assert [s.position for s in slots] == list(range(1, len(slots) + 1))
        assert {s.application_id for s in slots} <= passed
    placed = SessionSlot.objects.filter(session__in=sessions).count()
    assert placed == len(passed)
    # The demo expert judges them: one live assignment per slot of each session.
    judge = Assignment.objects.filter(
        round=sessions[0].round, expert__user__email="expert@demo.saq.test", state=AssignmentState.ACCEPTED
    )
    assert judge.count() == placed


def test_last_years_results_went_through_publicity_with_an_objection_and_are_final(seeded):
    """The publication demo (notices.demo_results, after the levels demo): kept here to reuse this module's seed."""
    from notices.models_results import Objection, ObjectionState, ResultsPublicity

    current = demo_round().edition
    past = Edition.objects.get(programme=current.programme, year=current.year - 1)
    publicity = ResultsPublicity.objects.get(edition=past)
    assert publicity.is_finalised and publicity.ends_at < publicity.finalised_at
    objection = Objection.objects.get(publicity=publicity)
    assert objection.state == ObjectionState.DISMISSED and objection.answer
    assert not Application.objects.filter(edition=past, status=LevelStatus.AWARDED).exists()
    assert Application.objects.filter(edition=past, status=ResultStatus.AWARD_CONFIRMED).count() >= 2
    final = Client().get(reverse("notices:results_final", args=[past.pk])).content.decode()
    own = Application.objects.get(edition=past, group__leader__email="group@demo.saq.test")
    assert own.title in final and "13812345678" not in final
    # Their certificates are built and verify on the public page.
    from notices.models import Certificate

    certificate = Certificate.objects.get(application=own)
    assert certificate.file and not certificate.error
    page = Client().get(reverse("notices:certificate_verify"), {"number": certificate.number}).content.decode()
    assert 'data-state="valid"' in page and own.title in page
