"""Assigning experts to a round's applications (分配), pair rules, the experts' answers, progress and reminders.

`round_assign` turns the database into the pure solver's input (`reviews.assignment`) and saves what it adds:

- experts: the programme's active pool entries available during the round (availability overlapping the round's
  dates), eligible for the categories listed in the entry (Category.code), capped by `max_load` for the round;
  expertise: a category whose name or code appears in the entry's fields of expertise;
- applications: the edition's admitted applications (参评);
- kept as they are: ACCEPTED assignments (accepted) and OFFERED ones (passed as pinned: an offer already sent is
  not taken back by a re-run), and staff's pinned pairs;
- never assigned: conflicts (application- and organisation-level), staff's forbidden pairs, and every pair that
  was DECLINED, RECUSED or REMOVED before.

New rows are OFFERED; each application gets a blind code "R{round}-0007" the first time it is assigned, kept for
the round. The round row is locked for the whole run, so two runs never both fill the same slots.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import roles
from core.audit import audit_record
from core.exceptions import BusinessRuleError
from core.mail import mail_after_commit

from . import assignment as solver
from .conflicts import conflict_pairs, conflicts_refresh, round_applications, round_pool
from .enums import (
    LIVE_ASSIGNMENT_STATES,
    AssignmentSource,
    AssignmentState,
    PairRuleKind,
    RoundKind,
    RoundState,
    SheetState,
)
from .models import Assignment, PairRule, ReviewRound

CLOSED_PAIR_STATES = (AssignmentState.DECLINED, AssignmentState.RECUSED, AssignmentState.REMOVED)
# The scheduled reminder mails experts daily while an open round closes within this many days.
REMIND_WITHIN_DAYS = 3


class RoundInfeasible(BusinessRuleError):
    """The solver found no assignment; `messages` are the reasons in the staff's words, one per problem."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages), code="assignment_infeasible")
        self.messages = messages


@dataclass
class AssignOutcome:
    created: int = 0
    kept: int = 0
    applications: int = 0
    experts: int = 0
    problems: list[str] = field(default_factory=list)


def _locked_round(round_: ReviewRound) -> ReviewRound:
    round_ = ReviewRound.objects.select_for_update().get(pk=round_.pk)
    if round_.is_closed:
        raise BusinessRuleError(_("The round is closed."), code="round_closed")
    return round_


def _available_entries(round_: ReviewRound):
    opens, closes = timezone.localdate(round_.opens_at), timezone.localdate(round_.closes_at)
    return round_pool(round_).filter(
        Q(available_from__isnull=True) | Q(available_from__lte=closes),
        Q(available_until__isnull=True) | Q(available_until__gte=opens),
    )


def _next_number(codes) -> int:
    numbers = [int(code.rsplit("-", 1)[1]) for code in codes if code and code.rsplit("-", 1)[-1].isdigit()]
    return max(numbers, default=0) + 1


def _solve_and_save(*, round_: ReviewRound, application_ids: set[int] | None) -> AssignOutcome:
    """Solve for the round's admitted applications (all, or those in `application_ids`) and save the new rows.
    Live assignments on applications outside the problem lower the experts' caps. Raises RoundInfeasible."""
    applications = list(round_applications(round_).select_related("category"))
    if application_ids is not None:
        applications = [a for a in applications if a.id in application_ids]
    entries = list(_available_entries(round_))
    codes = sorted({a.category.code for a in applications} | {code for e in entries for code in e.categories})
    category_index = {code: i for i, code in enumerate(codes)}
    category_names = {category_index[a.category.code]: str(a.category) for a in applications}
    app_ids = {a.id for a in applications}

    rows = list(Assignment.objects.filter(round=round_).values("id", "expert_id", "application_id", "state", "code"))
    live_elsewhere: dict[int, int] = defaultdict(int)
    accepted, pinned, forbidden = set(), set(), set()
    for row in rows:
        pair = (row["expert_id"], row["application_id"])
        if row["application_id"] not in app_ids:
            if row["state"] in LIVE_ASSIGNMENT_STATES:
                live_elsewhere[row["expert_id"]] += 1
        elif row["state"] == AssignmentState.ACCEPTED:
            accepted.add(pair)
        elif row["state"] == AssignmentState.OFFERED:
            pinned.add(pair)
        else:
            forbidden.add(pair)
    for expert_id, application_id, kind in PairRule.objects.filter(
        round=round_, application_id__in=app_ids
    ).values_list("expert_id", "application_id", "kind"):
        (pinned if kind == PairRuleKind.PIN else forbidden).add((expert_id, application_id))
    existing_pairs = {(r["expert_id"], r["application_id"]) for r in rows}

    experts = []
    for entry in entries:
        eligible = frozenset(category_index[c] for c in entry.categories if c in category_index)
        text = entry.fields.lower()
        expertise = frozenset(
            category_index[a.category.code]
            for a in applications
            if text and (a.category.name.lower() in text or a.category.code.lower() in text)
        )
        cap = max(0, entry.max_load - live_elsewhere.get(entry.expert_id, 0))
        experts.append(solver.Expert(id=entry.expert_id, cap=cap, eligible=eligible, expertise=expertise))
    try:
        result = solver.assign(
            applications=[solver.Application(id=a.id, category=category_index[a.category.code]) for a in applications],
            experts=experts,
            k=round_.experts_per_application,
            conflicts={p for p in conflict_pairs(round_) if p[1] in app_ids},
            pinned=pinned,
            forbidden=forbidden,
            accepted=accepted,
        )
    except solver.AssignmentInfeasible as error:
        names = {e.expert_id: str(e.expert.user.full_name) for e in entries}
        numbers = {a.id: a.number or str(a.id) for a in applications}
        raise RoundInfeasible(
            error.reason.messages(categories=category_names, applications=numbers, experts=names)
        ) from error

    code_of = {r["application_id"]: r["code"] for r in rows if r["code"]}
    number = _next_number(code_of.values())
    new_rows = []
    for item in result.assignments:
        if (item.expert, item.application) in existing_pairs:
            continue
        if item.application not in code_of:
            code_of[item.application] = f"R{round_.pk}-{number:04d}"
            number += 1
        new_rows.append(
            Assignment(
                round=round_,
                application_id=item.application,
                expert_id=item.expert,
                source=AssignmentSource.PINNED if item.source == "pinned" else AssignmentSource.SOLVER,
                state=AssignmentState.OFFERED,
                code=code_of[item.application],
            )
        )
    Assignment.objects.bulk_create(new_rows)
    return AssignOutcome(
        created=len(new_rows),
        kept=len(result.assignments) - len(new_rows),
        applications=len(applications),
        experts=len({a.expert for a in result.assignments}),
    )


# Rounds the solver staffs; presentation judges sit per session and on-site panels per visit, set by staff.
SOLVER_ROUND_KINDS = frozenset({RoundKind.DOCUMENT})


@transaction.atomic
def round_assign(*, actor, round: ReviewRound) -> AssignOutcome:
    """Refresh the round's automatic conflicts, then give every admitted application exactly k experts.

    Accepted and offered assignments and pinned pairs are kept; new rows are OFFERED. Locks the round row; audited
    `round.assigned` with the counts. Raises `RoundInfeasible` (a BusinessRuleError) with the solver's reasons
    (e.g. which categories are short, by how many slots) and saves nothing then. Running it again when every
    application is full adds nothing."""
    round_ = _locked_round(round)
    if round_.kind not in SOLVER_ROUND_KINDS:
        raise BusinessRuleError(
            _("This round's experts are set per session or visit, not by the automatic assignment."),
            code="panel_round",
        )
    conflicts_refresh(round=round_)
    outcome = _solve_and_save(round_=round_, application_ids=None)
    audit_record(
        actor=actor,
        obj=round_,
        action="round.assigned",
        changes={
            "created": [None, outcome.created],
            "kept": [None, outcome.kept],
            "applications": [None, outcome.applications],
        },
    )
    return outcome


def refill_applications(*, actor, round_: ReviewRound, application_ids: set[int]) -> AssignOutcome:
    """Give the named applications their k experts again (after a decline, recusal or removal), best effort: when
    the solver cannot, nothing is added and the reasons are returned in `problems` (staff see the application
    short on the assignment page). Call inside the transaction that holds the round's lock. A presentation round
    or on-site round is not refilled: its session's or visit's other members score the application."""
    if round_.kind not in SOLVER_ROUND_KINDS:
        return AssignOutcome()
    try:
        with transaction.atomic():
            outcome = _solve_and_save(round_=round_, application_ids=set(application_ids))
    except RoundInfeasible as error:
        return AssignOutcome(problems=error.messages)
    if outcome.created:
        audit_record(
            actor=actor,
            obj=round_,
            action="round.assigned",
            changes={"created": [None, outcome.created], "applications": [None, sorted(application_ids)]},
            note="refill",
        )
    return outcome


@transaction.atomic
def pair_rule_set(*, actor, round: ReviewRound, expert, application, kind: str | None) -> PairRule | None:
    """Pin (always assign) or forbid an expert–application pair, or clear the rule (`kind` None). Pinning a
    conflicted pair is refused; forbidding a pair that is assigned is refused (remove the assignment, with a
    reason, first). Takes effect at the next run. Locks the round; audited `pair_rule.set`."""
    round_ = _locked_round(round)
    if kind is not None and kind not in PairRuleKind.values:
        raise BusinessRuleError(_("Choose pin or forbid."), code="pair_rule_kind")
    if application.edition_id != round_.edition_id:
        raise BusinessRuleError(_("The application is not part of this round's edition."), code="pair_rule_target")
    if kind == PairRuleKind.PIN and (expert.pk, application.pk) in conflict_pairs(round_):
        raise BusinessRuleError(
            _("%(expert)s has a conflict of interest with this application and cannot be pinned to it.")
            % {"expert": expert.user.full_name},
            code="pair_rule_conflict",
        )
    if (
        kind == PairRuleKind.FORBID
        and Assignment.objects.filter(
            round=round_, expert=expert, application=application, state__in=LIVE_ASSIGNMENT_STATES
        ).exists()
    ):
        raise BusinessRuleError(
            _("The pair is assigned: remove the assignment (with a reason) before forbidding it."),
            code="pair_rule_assigned",
        )
    old = PairRule.objects.filter(round=round_, expert=expert, application=application).first()
    old_kind = old.kind if old else None
    if old_kind == kind:
        return old
    if kind is None:
        old.delete()
        rule = None
    else:
        rule, _created = PairRule.objects.update_or_create(
            round=round_, expert=expert, application=application, defaults={"kind": kind, "created_by": actor}
        )
    audit_record(
        actor=actor,
        obj=round_,
        action="pair_rule.set",
        changes={"kind": [old_kind, kind], "expert": [None, expert.pk], "application": [None, application.pk]},
    )
    return rule


def _locked_assignment(assignment: Assignment) -> Assignment:
    assignment = Assignment.objects.select_for_update().select_related("round").get(pk=assignment.pk)
    if assignment.round.is_closed:
        raise BusinessRuleError(_("The round is closed."), code="round_closed")
    return assignment


def _check_expert_or_staff(actor, assignment: Assignment) -> None:
    if not (roles.is_staff(actor) or getattr(actor, "pk", None) == assignment.expert.user_id):
        raise BusinessRuleError(_("Only the assigned expert can answer this assignment."), code="not_yours")


def _has_submitted_sheet(assignment: Assignment) -> bool:
    sheet = getattr(assignment, "sheet", None)
    return sheet is not None and sheet.state == SheetState.SUBMITTED


@transaction.atomic
def assignment_accept(*, actor, assignment: Assignment) -> Assignment:
    """The expert accepts an offered assignment. Locks the assignment; audited `assignment.accepted`; accepting
    twice is a no-op."""
    assignment = _locked_assignment(assignment)
    _check_expert_or_staff(actor, assignment)
    if assignment.state == AssignmentState.ACCEPTED:
        return assignment
    if assignment.state != AssignmentState.OFFERED:
        raise BusinessRuleError(_("This assignment is no longer open for an answer."), code="assignment_state")
    assignment.state = AssignmentState.ACCEPTED
    assignment.responded_at = timezone.now()
    assignment.save(update_fields=["state", "responded_at", "updated_at"])
    audit_record(actor=actor, obj=assignment, action="assignment.accepted", changes={"state": ["offered", "accepted"]})
    return assignment


@transaction.atomic
def assignment_decline(*, actor, assignment: Assignment, reason: str) -> Assignment:
    """The expert declines an offered or accepted assignment (not once its sheet is submitted), with a reason.
    The pair is never offered again, and the application is refilled by the solver (best effort). Locks the round
    and the assignment; audited `assignment.declined`."""
    reason = (reason or "").strip()
    if not reason:
        raise BusinessRuleError(_("Say why you decline."), code="reason_required")
    round_ = _locked_round(assignment.round)
    assignment = _locked_assignment(assignment)
    _check_expert_or_staff(actor, assignment)
    if assignment.state not in LIVE_ASSIGNMENT_STATES:
        raise BusinessRuleError(_("This assignment is no longer open for an answer."), code="assignment_state")
    if _has_submitted_sheet(assignment):
        raise BusinessRuleError(_("The scores are submitted; the assignment can no longer be declined."))
    old = assignment.state
    assignment.state = AssignmentState.DECLINED
    assignment.reason = reason
    assignment.responded_at = timezone.now()
    assignment.save(update_fields=["state", "reason", "responded_at", "updated_at"])
    audit_record(
        actor=actor,
        obj=assignment,
        action="assignment.declined",
        changes={"state": [old, AssignmentState.DECLINED]},
        note=reason,
    )
    refill_applications(actor=actor, round_=round_, application_ids={assignment.application_id})
    return assignment


@transaction.atomic
def assignment_remove(*, actor, assignment: Assignment, reason: str) -> AssignOutcome:
    """Staff take an assignment away from an expert, with a reason; the application is refilled (best effort,
    the outcome's `problems` say why not). Locks the round and the assignment; audited `assignment.removed`."""
    reason = (reason or "").strip()
    if not reason:
        raise BusinessRuleError(_("Give the reason for removing the assignment."), code="reason_required")
    round_ = _locked_round(assignment.round)
    assignment = _locked_assignment(assignment)
    if assignment.state not in LIVE_ASSIGNMENT_STATES:
        raise BusinessRuleError(_("This assignment is not active."), code="assignment_state")
    old = assignment.state
    assignment.state = AssignmentState.REMOVED
    assignment.reason = reason
    assignment.save(update_fields=["state", "reason", "updated_at"])
    audit_record(
        actor=actor,
        obj=assignment,
        action="assignment.removed",
        changes={"state": [old, AssignmentState.REMOVED]},
        note=reason,
    )
    return refill_applications(actor=actor, round_=round_, application_ids={assignment.application_id})


# --- Progress and reminders --------------------------------------------------------------------------------------


@dataclass
class ExpertProgress:
    expert_id: int
    name: str
    email: str
    assigned: int = 0  # live: offered or accepted
    accepted: int = 0
    submitted: int = 0
    declined: int = 0

    @property
    def unsubmitted(self) -> int:
        return self.assigned - self.submitted


@dataclass
class ApplicationProgress:
    application_id: int
    number: str
    title: str
    category: str
    code: str = ""
    experts: int = 0
    submitted: int = 0


@dataclass
class RoundProgress:
    experts: list[ExpertProgress]
    applications: list[ApplicationProgress]
    k: int

    @property
    def short(self) -> list[ApplicationProgress]:
        return [a for a in self.applications if a.experts < self.k]


def round_progress(round_: ReviewRound) -> RoundProgress:
    """Per expert (assigned, accepted, submitted, declined) and per application (experts, submitted sheets), in
    two queries whatever the size of the round."""
    experts: dict[int, ExpertProgress] = {}
    apps = {
        a.id: ApplicationProgress(a.id, a.number or "", a.title, str(a.category))
        for a in round_applications(round_).select_related("category").order_by("number", "id")
    }
    for assignment in (
        Assignment.objects.filter(round=round_)
        .select_related("expert__user", "sheet")
        .only(
            "state",
            "code",
            "application_id",
            "expert__id",
            "expert__user__full_name",
            "expert__user__email",
            "sheet__state",
        )
    ):
        user = assignment.expert.user
        row = experts.setdefault(assignment.expert_id, ExpertProgress(assignment.expert_id, user.full_name, user.email))
        app = apps.get(assignment.application_id)
        if app is not None and assignment.code:
            app.code = assignment.code
        if assignment.state == AssignmentState.DECLINED:
            row.declined += 1
            continue
        if assignment.state not in LIVE_ASSIGNMENT_STATES:
            continue
        row.assigned += 1
        row.accepted += assignment.state == AssignmentState.ACCEPTED
        submitted = _has_submitted_sheet(assignment)
        row.submitted += submitted
        if app is not None:
            app.experts += 1
            app.submitted += submitted
    return RoundProgress(
        experts=sorted(experts.values(), key=lambda e: (e.name, e.expert_id)),
        applications=list(apps.values()),
        k=round_.experts_per_application,
    )


def _remind(round_: ReviewRound) -> int:
    progress = round_progress(round_)
    pending = [e for e in progress.experts if e.unsubmitted > 0 and e.email]
    for row in pending:
        mail_after_commit(
            to=[row.email],
            template="reviews/round_reminder",
            context={
                "round": round_,
                "name": row.name,
                "count": row.unsubmitted,
                "closes_at": timezone.localtime(round_.closes_at),
            },
        )
    return len(pending)


@transaction.atomic
def round_remind(*, actor, round: ReviewRound) -> int:
    """Mail every expert with live, unsubmitted work in the round (after commit); return how many. Only while the
    round is open. Audited `round.reminded` with the count."""
    round_ = ReviewRound.objects.select_for_update().get(pk=round.pk)
    if round_.state != RoundState.OPEN:
        raise BusinessRuleError(_("Reminders are sent only while the round is open."), code="round_state")
    count = _remind(round_)
    audit_record(actor=actor, obj=round_, action="round.reminded", changes={"experts": [None, count]})
    return count


def rounds_remind_due(*, now=None) -> dict[int, int]:
    """The scheduled reminder: once a day (Asia/Shanghai), mail the experts of every open round that closes within
    REMIND_WITHIN_DAYS. Idempotent per round and day (notifications.Reminder records it). Returns {round: mails}."""
    from django.db import IntegrityError

    from notifications.models import Reminder

    now = now or timezone.now()
    sent = {}
    due = ReviewRound.objects.filter(
        state=RoundState.OPEN, closes_at__gt=now, closes_at__lte=now + timezone.timedelta(days=REMIND_WITHIN_DAYS)
    )
    for round_ in due:
        key = f"review-round:{round_.pk}:{timezone.localdate(now).isoformat()}"
        try:
            with transaction.atomic():
                Reminder.objects.create(key=key)
                count = _remind(round_)
                Reminder.objects.filter(key=key).update(recipients=min(count, 32767))
                audit_record(actor=None, obj=round_, action="round.reminded", changes={"experts": [None, count]})
        except IntegrityError:
            continue  # sent today already
        sent[round_.pk] = count
    return sent


# --- Selectors for the pages ---------------------------------------------------------------------------------------


def round_assignments(round_: ReviewRound):
    return (
        Assignment.objects.filter(round=round_)
        .select_related("expert__user", "application__category")
        .order_by("code", "application_id", "expert__user__full_name")
    )


def round_pair_rules(round_: ReviewRound):
    return PairRule.objects.filter(round=round_).select_related("expert__user", "application").order_by("id")


def assignment_for_staff(round_: ReviewRound, pk: int) -> Assignment:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Assignment.objects.select_related("round", "expert__user"), round=round_, pk=pk)


def pool_experts_of_round(round_: ReviewRound):
    """The round's pool experts (for the pin/forbid form)."""
    from accounts.models import Expert

    return (
        Expert.objects.filter(pool_entries__programme_id=round_.edition.programme_id, pool_entries__is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    )


def round_admitted_applications(round_: ReviewRound):
    return round_applications(round_).order_by("number", "id")
