"""Experts' score sheets (评分) in a round: save (partial), submit (complete), and staff corrections after close.

Every score goes through `awards.scores` (the same fields as the form, with the round's step, 0.5 by default).
A sheet carries a revision: a save from a stale page (another tab saved since) is refused, never overwriting.
A submitted sheet may still be changed (and is submitted again) until the round stops taking scores; after that
it is read-only and only staff correct it, with a reason, audited with the figures before and after.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import scores as score_rules
from core import roles
from core.audit import audit_record
from core.exceptions import BusinessRuleError

from .enums import AssignmentState, RoundKind, RoundState, SheetState
from .models import Assignment, ScoreSheet
from .selectors_expert import is_conflicted, rubric_for


@dataclass(frozen=True)
class RubricItem:
    """One item of a round's frozen rubric (a dict in `RoundRubric.items`), shaped as `awards.scores` expects."""

    code: str
    name: str
    name_en: str
    description: str
    max_points: Decimal

    def localized(self, field: str):
        from awards.models import english_active

        if english_active() and getattr(self, f"{field}_en", ""):
            return getattr(self, f"{field}_en")
        return getattr(self, field)


def rubric_items(rubric) -> list[RubricItem]:
    if rubric is None:
        return []
    return [
        RubricItem(
            code=item["code"],
            name=item.get("name", item["code"]),
            name_en=item.get("name_en", ""),
            description=item.get("description", ""),
            max_points=Decimal(str(item["max_points"])),
        )
        for item in rubric.items
    ]


def round_takes_scores(round_, now=None) -> bool:
    now = now or timezone.now()
    return round_.state == RoundState.OPEN and round_.opens_at <= now < round_.closes_at


def scoring_problem(assignment: Assignment) -> str:
    """Why the expert cannot write on this sheet now ("" when they can)."""
    round_ = assignment.round
    if round_.state == RoundState.CLOSED or round_.closes_at <= timezone.now():
        return _("The round is closed: scores can no longer be changed.")
    if round_.kind == RoundKind.PRESENTATION:
        # A presentation score freezes when staff close its session, before the round closes.
        from .presentation import session_scoring_problem

        session_problem = session_scoring_problem(assignment)
        if session_problem:
            return session_problem
    if not round_takes_scores(round_):
        return _("The round does not take scores now.")
    if assignment.state == AssignmentState.OFFERED:
        return _("Accept the assignment before scoring it.")
    if assignment.state != AssignmentState.ACCEPTED:
        return _("This assignment is no longer yours to score.")
    return ""


@transaction.atomic
def sheet_save(
    *, actor, assignment: Assignment, scores, comments, comment: str, revision: int, submit: bool = False
) -> ScoreSheet:
    """Save the expert's sheet; `submit` needs every item. Refused when the round does not take scores, the
    assignment is not accepted, or the page was stale (`revision` is not the sheet's). Locks the assignment and
    the sheet; a submitted sheet sent again with the same input is returned unchanged (idempotent)."""
    assignment = (
        Assignment.objects.select_for_update().select_related("round", "application", "expert").get(pk=assignment.pk)
    )
    if assignment.expert.user_id != getattr(actor, "pk", None):
        raise BusinessRuleError(_("Only the assigned expert scores this application."), code="not_yours")
    problem = scoring_problem(assignment)
    if problem:
        raise BusinessRuleError(problem, code="closed")
    if is_conflicted(assignment.expert, assignment.round, assignment.application):
        raise BusinessRuleError(_("You declared a conflict with this application."), code="conflict")
    sheet = ScoreSheet.objects.select_for_update().filter(assignment=assignment).first()
    current = sheet.revision if sheet else 0
    repeats = _repeats_saved_input(sheet, scores, comments, comment, assignment)
    if int(revision) != current and not repeats:
        raise BusinessRuleError(
            _(
                "This sheet was saved from another page since you opened it. Your input is shown below and is not "
                "saved: reload the page to see the saved sheet, then enter your changes again."
            ),
            code="stale",
        )
    if repeats and sheet.state == SheetState.SUBMITTED:
        # A submitted sheet sent again with what it holds (a double click, a second tab): one submission, one
        # audit entry. Under the assignment's row lock, so of two at once the second always lands here.
        return sheet
    rubric = sheet.rubric if sheet else rubric_for(assignment)
    if rubric is None:
        raise BusinessRuleError(_("This round has no rubric for the application's category."), code="rubric")
    items = rubric_items(rubric)
    if sheet is not None and sheet.state == SheetState.SUBMITTED:
        submit = True  # a submitted sheet stays complete: changing it submits it again
    cleaned, sheet_total = score_rules.clean_sheet(
        items, scores or {}, step=assignment.round.score_step, required=submit
    )
    kept_comments = _kept_comments(items, comments)
    before_total = sheet.total if sheet else None
    if sheet is None:
        sheet = ScoreSheet(assignment=assignment, rubric=rubric)
    sheet.scores = cleaned
    sheet.comments = kept_comments
    sheet.comment = (comment or "").strip()
    sheet.total = sheet_total if cleaned else None
    sheet.revision = current + 1
    if submit:
        sheet.state = SheetState.SUBMITTED
        sheet.submitted_at = timezone.now()
    sheet.save()
    if submit:
        audit_record(
            actor=actor,
            obj=sheet,
            action="score_sheet.submitted",
            changes={"total": [before_total, sheet.total], "scores": [None, cleaned]},
        )
    return sheet


def _repeats_saved_input(sheet, scores, comments, comment, assignment) -> bool:
    """An older revision carrying exactly what the sheet holds overwrites nothing: the page's own autosave of the
    same input landed first (a submit clicked while it was in flight), or a double click. Not a conflict."""
    if sheet is None:
        return False
    items = rubric_items(sheet.rubric)
    try:
        cleaned, _total = score_rules.clean_sheet(items, scores or {}, step=assignment.round.score_step, required=False)
    except BusinessRuleError:
        return False
    return (
        cleaned == sheet.scores
        and _kept_comments(items, comments) == (sheet.comments or {})
        and (comment or "").strip() == sheet.comment
    )


def _kept_comments(items, comments) -> dict[str, str]:
    """The per-item comments a sheet stores: those of the rubric's items, trimmed."""
    codes = {item.code for item in items}
    return {code: str(text).strip() for code, text in (comments or {}).items() if code in codes and text}


@contextmanager
def _closed_round_correction():
    """Tell the database trigger (migration 0005) that the write inside is the audited correction: the one write a
    closed round's sheet accepts. Switched off again right after, so nothing later in the transaction inherits it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL saq.score_correction = 'on'")
        try:
            yield
        finally:
            cursor.execute("SET LOCAL saq.score_correction = 'off'")


@transaction.atomic
def sheet_correct(*, actor, sheet: ScoreSheet, scores, reason: str) -> ScoreSheet:
    """Staff correct a sheet once the round is closed: every item, a reason; audited with before and after."""
    if not roles.is_staff(actor):
        raise BusinessRuleError(_("Only the secretariat corrects a score sheet."), code="staff")
    reason = (reason or "").strip()
    if not reason:
        raise BusinessRuleError(_("Give the reason for the correction."), code="reason")
    sheet = ScoreSheet.objects.select_for_update().select_related("assignment__round", "rubric").get(pk=sheet.pk)
    if sheet.assignment.round.state != RoundState.CLOSED:
        raise BusinessRuleError(
            _("Scores are corrected after the round closes; until then the expert changes them."), code="open"
        )
    cleaned, sheet_total = score_rules.clean_sheet(
        rubric_items(sheet.rubric), scores or {}, step=sheet.assignment.round.score_step
    )
    before = {"scores": sheet.scores, "total": sheet.total}
    sheet.scores = cleaned
    sheet.total = sheet_total
    sheet.revision += 1
    with _closed_round_correction():
        sheet.save()
    audit_record(
        actor=actor,
        obj=sheet,
        action="score_sheet.corrected",
        changes={"scores": [before["scores"], cleaned], "total": [before["total"], sheet_total]},
        note=reason,
    )
    return sheet
