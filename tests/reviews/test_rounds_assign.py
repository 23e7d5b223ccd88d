"""Assigning experts on real rows: k each, no conflict, caps, pins and forbids, re-runs, declines, progress."""

from collections import Counter

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.exceptions import BusinessRuleError
from core.models import AuditEntry
from reviews import assign
from reviews.enums import AssignmentSource, AssignmentState, PairRuleKind, RoundState, SheetState
from reviews.models import Assignment, Conflict, RoundRubric, ScoreSheet
from tests.factories import staff_user
from tests.factories.awards import open_edition
from tests.factories.reviews import assigned, pool_expert, quick_admitted, review_round

pytestmark = pytest.mark.django_db

LIVE = [AssignmentState.OFFERED, AssignmentState.ACCEPTED]


@pytest.fixture
def edition():
    return open_edition()


def _live(round_):
    return Assignment.objects.filter(round=round_, state__in=LIVE)


def _world(edition, *, experts=5, cap=20, applications=(("problem_solving", 4), ("innovation", 2))):
    apps = [quick_admitted(edition, category=code) for code, n in applications for _ in range(n)]
    pool = [pool_expert(edition.programme, max_load=cap) for _ in range(experts)]
    return apps, pool


def test_round_assign_gives_each_application_k_experts_without_conflicts_within_caps(edition):
    apps, pool = _world(edition, experts=5, cap=4)
    # One expert works at the first application's unit: a conflict the run finds itself.
    pool[0].pool_entries.update(employer=apps[0].unit)
    round_ = review_round(edition, experts_per_application=3)

    outcome = assign.round_assign(actor=staff_user(), round=round_)

    live = list(_live(round_))
    assert outcome.created == len(live) == 6 * 3
    per_app = Counter(a.application_id for a in live)
    assert per_app == {a.pk: 3 for a in apps}
    assert all(a.state == AssignmentState.OFFERED and a.source == AssignmentSource.SOLVER for a in live)
    conflicts = set(Conflict.objects.filter(round=round_).values_list("expert_id", "application_id"))
    assert (pool[0].pk, apps[0].pk) in conflicts
    assert not conflicts & {(a.expert_id, a.application_id) for a in live}
    loads = Counter(a.expert_id for a in live)
    assert max(loads.values()) <= 4
    assert max(loads.values()) - min(loads.values()) <= 1
    codes = {a.application_id: a.code for a in live}
    assert sorted(codes.values()) == [f"R{round_.pk}-{n:04d}" for n in range(1, 7)]
    assert all(a.code == codes[a.application_id] for a in live)
    entry = AuditEntry.objects.get(action="round.assigned", object_id=str(round_.pk))
    assert entry.changes["created"] == [None, 18]


def test_round_assign_twice_adds_nothing_and_keeps_codes(edition):
    _world(edition)
    round_ = review_round(edition)
    assign.round_assign(actor=staff_user(), round=round_)
    before = set(_live(round_).values_list("pk", "expert_id", "application_id", "code"))
    outcome = assign.round_assign(actor=staff_user(), round=round_)
    assert outcome.created == 0
    assert set(_live(round_).values_list("pk", "expert_id", "application_id", "code")) == before


def test_round_assign_infeasible_names_the_short_category(edition):
    quick_admitted(edition, category="innovation")
    quick_admitted(edition, category="innovation")
    for _ in range(2):
        pool_expert(edition.programme, categories=["innovation"])
    round_ = review_round(edition, experts_per_application=3)
    with pytest.raises(BusinessRuleError) as caught:
        assign.round_assign(actor=staff_user(), round=round_)
    assert caught.value.messages[0] == (
        "Category Innovation: 2 applications × 3 experts = 6 slots, capacity of eligible experts without conflicts 4: "
        "short by 2."
    )
    assert str(caught.value).startswith(caught.value.messages[0])
    assert not Assignment.objects.filter(round=round_).exists()


def test_round_assign_honours_pins_and_forbids(edition):
    apps, pool = _world(edition, experts=4, applications=(("problem_solving", 2),))
    round_ = review_round(edition, experts_per_application=2)
    staff = staff_user()
    assign.pair_rule_set(actor=staff, round=round_, expert=pool[3], application=apps[0], kind=PairRuleKind.PIN)
    assign.pair_rule_set(actor=staff, round=round_, expert=pool[0], application=apps[0], kind=PairRuleKind.FORBID)
    assign.round_assign(actor=staff, round=round_)
    experts_of_first = set(_live(round_).filter(application=apps[0]).values_list("expert_id", flat=True))
    assert pool[3].pk in experts_of_first
    assert pool[0].pk not in experts_of_first
    assert _live(round_).get(application=apps[0], expert=pool[3]).source == AssignmentSource.PINNED
    assert AuditEntry.objects.filter(action="pair_rule.set", object_id=str(round_.pk)).count() == 2


def test_pinning_a_conflicted_pair_is_refused(edition):
    application = quick_admitted(edition)
    expert = pool_expert(edition.programme)
    round_ = review_round(edition)
    Conflict.objects.create(round=round_, expert=expert, application=application, source="declared", reason="x")
    with pytest.raises(BusinessRuleError, match="conflict of interest"):
        assign.pair_rule_set(actor=staff_user(), round=round_, expert=expert, application=application, kind="pin")


def test_rerun_keeps_accepted_work_and_refills_what_was_removed(edition):
    apps, pool = _world(edition, experts=4, applications=(("problem_solving", 2),))
    round_ = review_round(edition, experts_per_application=2)
    staff = staff_user()
    assign.round_assign(actor=staff, round=round_)
    first = _live(round_).filter(application=apps[0]).order_by("expert_id")
    kept, gone = first[0], first[1]
    assign.assignment_accept(actor=kept.expert.user, assignment=kept)
    # Removed outside the service (as if a refill had failed): the re-run fills the slot again.
    Assignment.objects.filter(pk=gone.pk).update(state=AssignmentState.REMOVED, reason="test")

    assign.round_assign(actor=staff, round=round_)

    kept.refresh_from_db()
    assert kept.state == AssignmentState.ACCEPTED
    now_first = set(_live(round_).filter(application=apps[0]).values_list("expert_id", flat=True))
    assert len(now_first) == 2
    assert kept.expert_id in now_first
    assert gone.expert_id not in now_first


def test_decline_needs_a_reason_and_is_reassigned_to_someone_else(edition):
    apps, pool = _world(edition, experts=4, applications=(("problem_solving", 1),))
    round_ = review_round(edition, experts_per_application=3)
    assign.round_assign(actor=staff_user(), round=round_)
    offer = _live(round_).first()
    with pytest.raises(BusinessRuleError, match="why"):
        assign.assignment_decline(actor=offer.expert.user, assignment=offer, reason=" ")

    assign.assignment_decline(actor=offer.expert.user, assignment=offer, reason="出差，无法按时评审")

    offer.refresh_from_db()
    assert (offer.state, offer.reason) == (AssignmentState.DECLINED, "出差，无法按时评审")
    experts = set(_live(round_).values_list("expert_id", flat=True))
    assert len(experts) == 3
    assert offer.expert_id not in experts
    newcomer = _live(round_).exclude(expert_id__in=[offer.expert_id]).order_by("-id").first()
    assert newcomer.code == offer.code


def test_someone_else_cannot_answer_an_assignment(edition):
    application = quick_admitted(edition)
    round_ = review_round(edition)
    offer = assigned(round_, application, pool_expert(edition.programme), state=AssignmentState.OFFERED)
    stranger = pool_expert(edition.programme)
    with pytest.raises(BusinessRuleError, match="Only the assigned expert"):
        assign.assignment_accept(actor=stranger.user, assignment=offer)


def test_staff_remove_needs_a_reason_and_refills(edition):
    apps, pool = _world(edition, experts=3, applications=(("problem_solving", 1),))
    round_ = review_round(edition, experts_per_application=2)
    assign.round_assign(actor=staff_user(), round=round_)
    victim = _live(round_).first()
    with pytest.raises(BusinessRuleError):
        assign.assignment_remove(actor=staff_user(), assignment=victim, reason="")
    outcome = assign.assignment_remove(actor=staff_user(), assignment=victim, reason="专业不对口")
    assert outcome.created == 1
    assert _live(round_).count() == 2
    assert not _live(round_).filter(expert=victim.expert).exists()


def test_closed_round_refuses_assignment(edition):
    round_ = review_round(edition, state=RoundState.CLOSED)
    with pytest.raises(BusinessRuleError, match="closed"):
        assign.round_assign(actor=staff_user(), round=round_)


def _scored(round_, assignment):
    rubric = RoundRubric.objects.filter(round=round_, category=assignment.application.category).first()
    ScoreSheet.objects.create(assignment=assignment, rubric=rubric, state=SheetState.SUBMITTED)


def test_round_progress_counts_per_expert_and_application(edition):
    apps, pool = _world(edition, experts=3, applications=(("problem_solving", 2),))
    round_ = review_round(edition, experts_per_application=2)
    a1 = assigned(round_, apps[0], pool[0])
    assigned(round_, apps[0], pool[1], state=AssignmentState.OFFERED)
    assigned(round_, apps[1], pool[0], state=AssignmentState.DECLINED)
    _scored(round_, a1)
    progress = assign.round_progress(round_)
    by_expert = {e.expert_id: (e.assigned, e.accepted, e.submitted, e.declined) for e in progress.experts}
    assert by_expert == {pool[0].pk: (1, 1, 1, 1), pool[1].pk: (1, 0, 0, 0)}
    by_app = {a.application_id: (a.experts, a.submitted) for a in progress.applications}
    assert by_app == {apps[0].pk: (2, 1), apps[1].pk: (0, 0)}
    assert [a.application_id for a in progress.short] == [apps[1].pk]


@pytest.mark.parametrize("size", [1, 3])
def test_round_progress_query_count_is_constant(edition, size):
    apps, pool = _world(edition, experts=size, applications=(("problem_solving", size),))
    round_ = review_round(edition, experts_per_application=1)
    for application, expert in zip(apps, pool, strict=True):
        _scored(round_, assigned(round_, application, expert))
    round_.edition  # noqa: B018 - loaded before counting, as the view has it
    with CaptureQueriesContext(connection) as queries:
        progress = assign.round_progress(round_)
    assert len(queries) == 2
    assert sum(e.submitted for e in progress.experts) == size


def test_round_remind_mails_experts_with_unsubmitted_work(edition, django_capture_on_commit_callbacks):
    apps, pool = _world(edition, experts=2, applications=(("problem_solving", 2),))
    round_ = review_round(edition, experts_per_application=1)
    _scored(round_, assigned(round_, apps[0], pool[0]))
    assigned(round_, apps[1], pool[1])
    with django_capture_on_commit_callbacks(execute=True):
        count = assign.round_remind(actor=staff_user(), round=round_)
    assert count == 1
    assert [m.to for m in mail.outbox] == [[pool[1].user.email]]
    assert round_.name in mail.outbox[0].subject
    assert AuditEntry.objects.get(action="round.reminded", object_id=str(round_.pk)).changes == {"experts": [None, 1]}


def test_scheduled_reminder_runs_once_a_day_for_rounds_closing_soon(edition, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    apps, pool = _world(edition, experts=1, applications=(("problem_solving", 1),))
    soon = review_round(edition, closes_at=timezone.now() + datetime.timedelta(days=2))
    later = review_round(edition, closes_at=timezone.now() + datetime.timedelta(days=9))
    assigned(soon, apps[0], pool[0])
    assigned(later, apps[0], pool[0])
    with django_capture_on_commit_callbacks(execute=True):
        assert assign.rounds_remind_due() == {soon.pk: 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert assign.rounds_remind_due() == {}
    assert len(mail.outbox) == 1
