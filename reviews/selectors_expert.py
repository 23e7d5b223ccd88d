"""What an expert sees in the expert channel (专家通道): their live assignments outside any conflict, in rounds
that are not being prepared. The visibility rule "expert" (`applications.visibility`) answers with the same query."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from applications.models import Attachment

from .enums import LIVE_ASSIGNMENT_STATES, AssignmentState, RoundState, SheetState
from .models import Assignment, Conflict, ReviewRound, RoundRubric, ScoreSheet


def expert_of(user):
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "expert_profile", None)


def _conflicts_for_assignment():
    """A conflict of the assignment's expert in its round, with the application or with its unit."""
    return Conflict.objects.filter(round=OuterRef("round"), expert=OuterRef("expert")).filter(
        Q(application=OuterRef("application")) | Q(unit=OuterRef("application__unit"))
    )


def visible_assignments(user) -> QuerySet[Assignment]:
    """The user's live assignments in rounds past preparation, without the conflicted ones."""
    expert = expert_of(user)
    if expert is None:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(expert=expert, state__in=LIVE_ASSIGNMENT_STATES)
        .exclude(round__state=RoundState.DRAFT)
        .exclude(Exists(_conflicts_for_assignment()))
    )


def is_conflicted(expert, round_, application) -> bool:
    return (
        Conflict.objects.filter(round=round_, expert=expert)
        .filter(Q(application=application) | Q(unit_id=application.unit_id))
        .exists()
    )


# --- The visibility rule "expert" -----------------------------------------------------------------------------------


def expert_sees(user, application) -> bool:
    return visible_assignments(user).filter(application=application).exists()


def expert_scope(user) -> Q:
    if expert_of(user) is None:
        return Q(pk__in=[])
    return Q(pk__in=visible_assignments(user).values("application"))


# --- Pages ----------------------------------------------------------------------------------------------------------


def expert_rounds(user) -> list[ReviewRound]:
    """Rounds in which the user has visible work, newest first."""
    ids = visible_assignments(user).values("round")
    return list(ReviewRound.objects.filter(pk__in=ids).select_related("edition__programme").order_by("-opens_at"))


def expert_round(user, pk) -> ReviewRound | None:
    return next((r for r in expert_rounds(user) if str(r.pk) == str(pk)), None)


def round_assignments(user, round_) -> list[Assignment]:
    """The user's visible assignments of a round, by code, each with its sheet (or None) as `my_sheet`."""
    rows = list(
        visible_assignments(user)
        .filter(round=round_)
        .select_related("application__category", "round")
        .order_by("code", "pk")
    )
    sheets = {s.assignment_id: s for s in ScoreSheet.objects.filter(assignment__in=rows)}
    for row in rows:
        row.my_sheet = sheets.get(row.pk)
    return rows


def round_progress(rows) -> dict:
    submitted = sum(1 for r in rows if r.my_sheet is not None and r.my_sheet.state == SheetState.SUBMITTED)
    return {"submitted": submitted, "total": len(rows)}


def assignment_for(user, pk) -> Assignment | None:
    """The user's visible assignment `pk` (None: not theirs, not live, conflicted or in a round in preparation)."""
    return (
        visible_assignments(user)
        .filter(pk=pk)
        .select_related("round__edition__programme", "application__category", "application__edition", "expert__user")
        .first()
    )


def sheet_of(assignment) -> ScoreSheet | None:
    return ScoreSheet.objects.filter(assignment=assignment).select_related("rubric").first()


def rubric_for(assignment) -> RoundRubric | None:
    """The sheet's rubric version when there is a sheet, else the round's current rubric of the category (or of
    its parent category)."""
    sheet = sheet_of(assignment)
    if sheet is not None:
        return sheet.rubric
    category = assignment.application.category
    rubrics = RoundRubric.objects.filter(round=assignment.round, is_current=True)
    rubric = rubrics.filter(category=category).first()
    if rubric is None and getattr(category, "parent_id", None):
        rubric = rubrics.filter(category_id=category.parent_id).first()
    return rubric


def current_attachments(application) -> list[Attachment]:
    return list(Attachment.objects.filter(application=application, is_current=True).select_related("requirement"))


def attachment_of(assignment, attachment_pk) -> Attachment | None:
    return next((a for a in current_attachments(assignment.application) if str(a.pk) == str(attachment_pk)), None)


def other_totals(assignment) -> list:
    """The totals of the other experts' submitted sheets for the same application and round, in no telling order
    (shown anonymously, and only once the round shows scores to experts)."""
    return list(
        ScoreSheet.objects.filter(
            assignment__round=assignment.round,
            assignment__application=assignment.application,
            assignment__state=AssignmentState.ACCEPTED,
            state=SheetState.SUBMITTED,
        )
        .exclude(assignment=assignment)
        .order_by("total", "pk")
        .values_list("total", flat=True)
    )


def sheet_for_staff(pk) -> ScoreSheet | None:
    return (
        ScoreSheet.objects.filter(pk=pk)
        .select_related("assignment__round", "assignment__application", "assignment__expert__user", "rubric")
        .first()
    )
