"""Review rounds: creating and changing a round, its rubrics (versioned), and its life (open, discussion, closed).

Services lock the round row (`select_for_update`) before changing it and write the audit log in the same
transaction. A round moves only forward: draft → open → discussion → closed (open → closed directly too); closing
makes every score sheet read-only (the scoring part checks `round.is_closed`).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, created, diff, snapshot
from core.exceptions import BusinessRuleError

from .enums import Aggregation, RoundState
from .models import Assignment, ReviewRound, RoundRubric, ScoreSheet
from .results import round_results_snapshot

ROUND_FIELDS = (
    "name",
    "opens_at",
    "closes_at",
    "experts_per_application",
    "blind",
    "aggregation",
    "trim_min_count",
    "outlier_points",
    "normalise",
)

# state → {move: (allowed from, to)}
ROUND_MOVES = {
    "open": ({RoundState.DRAFT}, RoundState.OPEN),
    "discussion": ({RoundState.OPEN}, RoundState.DISCUSSION),
    "close": ({RoundState.OPEN, RoundState.DISCUSSION}, RoundState.CLOSED),
}
ROUND_MOVE_AUDIT = {"open": "round.opened", "discussion": "round.discussion_opened", "close": "round.closed"}


def _clean(round_: ReviewRound) -> None:
    try:
        round_.full_clean(exclude=["edition"])
    except ValidationError as error:
        raise BusinessRuleError(" ".join(error.messages), code="invalid_round") from error


def _check_dates(opens_at, closes_at) -> None:
    if opens_at >= closes_at:
        raise BusinessRuleError(_("A round must close after it opens."), code="round_dates")


def rubric_items_from(category) -> list[dict]:
    """A category's rubric items as a round freezes them (max_points as a string decimal)."""
    return [
        {
            "code": item.code,
            "name": item.name,
            "name_en": item.name_en,
            "description": item.description,
            "max_points": str(item.max_points),
        }
        for item in category.rubric.items.order_by("position", "id")
    ]


@transaction.atomic
def round_create(
    *,
    actor,
    edition,
    name: str,
    opens_at,
    closes_at,
    experts_per_application: int = 3,
    blind: bool = True,
    aggregation: str = Aggregation.TRIMMED_MEAN,
    trim_min_count: int = 5,
    outlier_points: Decimal = Decimal("15"),
    normalise: bool = False,
) -> ReviewRound:
    """Create a round of `edition` (being prepared) and copy each category's rubric into version 1 of its
    RoundRubric. Audited `round.created`."""
    _check_dates(opens_at, closes_at)
    round_ = ReviewRound(
        edition=edition,
        name=name,
        opens_at=opens_at,
        closes_at=closes_at,
        experts_per_application=experts_per_application,
        blind=blind,
        aggregation=aggregation,
        trim_min_count=trim_min_count,
        outlier_points=outlier_points,
        normalise=normalise,
    )
    _clean(round_)
    round_.save()
    categories = edition.categories.filter(rubric__isnull=False).select_related("rubric").order_by("position", "id")
    RoundRubric.objects.bulk_create(
        RoundRubric(round=round_, category=category, version=1, items=rubric_items_from(category), is_current=True)
        for category in categories
    )
    audit_record(actor=actor, obj=round_, action="round.created", changes=created(round_, ROUND_FIELDS))
    return round_


def _locked(round_: ReviewRound) -> ReviewRound:
    return ReviewRound.objects.select_for_update().get(pk=round_.pk)


@transaction.atomic
def round_change(*, actor, round: ReviewRound, data: dict) -> ReviewRound:
    """Change a round's settings (the keys of `data` among ROUND_FIELDS). Refused once the round is closed; the
    number of experts per application is fixed once experts are assigned. Locks the round; audited
    `round.changed` with old and new values; a no-op writes nothing."""
    round_ = _locked(round)
    if round_.is_closed:
        raise BusinessRuleError(_("The round is closed; its settings can no longer change."), code="round_closed")
    before = snapshot(round_, ROUND_FIELDS)
    for name, value in data.items():
        if name in ROUND_FIELDS:
            setattr(round_, name, value)
    if (
        round_.experts_per_application != before["experts_per_application"]
        and Assignment.objects.filter(round=round_).exists()
    ):
        raise BusinessRuleError(
            _("Experts are already assigned: the number of experts per application can no longer change."),
            code="round_assigned",
        )
    _check_dates(round_.opens_at, round_.closes_at)
    _clean(round_)
    changes = diff(before, round_)
    if changes:
        round_.save(update_fields=[*changes, "updated_at"])
        audit_record(actor=actor, obj=round_, action="round.changed", changes=changes)
    return round_


def _clean_items(items: list[dict]) -> list[dict]:
    if not items:
        raise BusinessRuleError(_("A rubric needs at least one item."), code="rubric_empty")
    cleaned, codes = [], set()
    for item in items:
        code = str(item.get("code", "")).strip()
        name = str(item.get("name", "")).strip()
        if not code or not name:
            raise BusinessRuleError(_("Every rubric item needs a code and a name."), code="rubric_item")
        if code in codes:
            raise BusinessRuleError(_("Item code %(code)s appears twice.") % {"code": code}, code="rubric_item")
        codes.add(code)
        try:
            points = Decimal(str(item.get("max_points", "")))
        except InvalidOperation:
            points = Decimal("-1")
        if not points.is_finite() or points <= 0 or points > 1000 or points != points.quantize(Decimal("0.1")):
            raise BusinessRuleError(
                _("Item %(code)s: the maximum points must be a positive number with at most one decimal.")
                % {"code": code},
                code="rubric_item",
            )
        cleaned.append(
            {
                "code": code,
                "name": name,
                "name_en": str(item.get("name_en", "")).strip(),
                "description": str(item.get("description", "")).strip(),
                "max_points": str(points.quantize(Decimal("0.1"))),
            }
        )
    return cleaned


@transaction.atomic
def round_rubric_edit(*, actor, rubric: RoundRubric, items: list[dict]) -> RoundRubric:
    """Replace the items of a round's rubric for one category and return the current rubric.

    When no score sheet uses `rubric` yet, it is edited in place (audited `round.changed`); otherwise a new version
    is made (version + 1, `is_current` moves to it, audited `round.rubric_versioned`) and sheets keep the version
    they were scored against. Locks the round row, so two edits cannot both make "version + 1". Only the current
    version of an open or prepared round can be edited."""
    round_ = _locked(rubric.round)
    rubric = RoundRubric.objects.select_for_update().get(pk=rubric.pk)
    if round_.is_closed:
        raise BusinessRuleError(_("The round is closed; its rubrics can no longer change."), code="round_closed")
    if not rubric.is_current:
        raise BusinessRuleError(_("Only the current version of a rubric can be edited."), code="rubric_old")
    items = _clean_items(items)
    if items == rubric.items:
        return rubric
    if not ScoreSheet.objects.filter(rubric=rubric).exists():
        old = rubric.items
        rubric.items = items
        rubric.save(update_fields=["items"])
        audit_record(
            actor=actor,
            obj=round_,
            action="round.changed",
            changes={"rubric": [old, items]},
            note=f"{rubric.category.code} v{rubric.version}",
        )
        return rubric
    rubric.is_current = False
    rubric.save(update_fields=["is_current"])
    new = RoundRubric.objects.create(
        round=round_, category=rubric.category, version=rubric.version + 1, items=items, is_current=True
    )
    audit_record(
        actor=actor,
        obj=round_,
        action="round.rubric_versioned",
        changes={"version": [rubric.version, new.version], "items": [rubric.items, items]},
        note=rubric.category.code,
    )
    return new


def _move(*, actor, round_: ReviewRound, move: str, note: str = "") -> ReviewRound:
    round_ = _locked(round_)
    allowed, target = ROUND_MOVES[move]
    if round_.state == target:
        return round_  # a second click: nothing to do
    if round_.state not in allowed:
        raise BusinessRuleError(
            _("A round that is “%(state)s” cannot be moved to “%(target)s”.")
            % {"state": round_.get_state_display(), "target": RoundState(target).label},
            code="round_state",
        )
    old = round_.state
    round_.state = target
    fields = ["state", "updated_at"]
    if target == RoundState.CLOSED:
        round_.closed_at = timezone.now()
        round_.closed_by = actor
        fields += ["closed_at", "closed_by"]
    round_.save(update_fields=fields)
    audit_record(actor=actor, obj=round_, action=ROUND_MOVE_AUDIT[move], changes={"state": [old, target]}, note=note)
    return round_


def round_move_allowed(round_: ReviewRound, move: str) -> bool:
    """Whether `move` ("open", "discussion", "close") would be accepted now (for the pages' buttons)."""
    return round_.state in ROUND_MOVES[move][0]


@transaction.atomic
def round_open(*, actor, round: ReviewRound) -> ReviewRound:
    """Open a prepared round for scoring. Locks the round; audited `round.opened`; idempotent."""
    return _move(actor=actor, round_=round, move="open")


@transaction.atomic
def round_open_discussion(*, actor, round: ReviewRound) -> ReviewRound:
    """Let the round's experts see each other's scores. Locks the round; audited `round.discussion_opened`."""
    return _move(actor=actor, round_=round, move="discussion")


@transaction.atomic
def round_close(*, actor, round: ReviewRound) -> ReviewRound:
    """Close the round: score sheets become read-only (a staff correction then needs a reason) and the results at
    closing are stored as `RoundResult` rows, in the same transaction. Locks the round; audited `round.closed`;
    idempotent (a second close keeps the first snapshot).

    The results are written first, while the round is still open: PostgreSQL refuses a result row in a closed
    round (migration 0008), and the round's row lock makes a score written meanwhile wait for the closing and then
    be refused."""
    round_ = _locked(round)
    if round_move_allowed(round_, "close"):
        round_results_snapshot(round=round_)
    return _move(actor=actor, round_=round_, move="close")


# --- Selectors -------------------------------------------------------------------------------------------------


def rounds_of_edition(edition):
    return ReviewRound.objects.filter(edition=edition).order_by("opens_at", "id")


def editions_with_rounds():
    """Every edition, newest first, with its rounds (for the staff's round index)."""
    from django.db.models import Prefetch

    from awards.models import Edition

    return (
        Edition.objects.select_related("programme")
        .prefetch_related(Prefetch("review_rounds", queryset=ReviewRound.objects.order_by("opens_at", "id")))
        .order_by("-year", "programme__code")
    )


def rubric_versions(rubric: RoundRubric):
    """Every version of a round's rubric for one category, newest first."""
    return RoundRubric.objects.filter(round_id=rubric.round_id, category_id=rubric.category_id).order_by("-version")


def round_for_staff(pk: int) -> ReviewRound:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(ReviewRound.objects.select_related("edition__programme"), pk=pk)


def current_rubrics(round_: ReviewRound):
    return list(
        RoundRubric.objects.filter(round=round_, is_current=True)
        .select_related("category")
        .order_by("category__position", "category__id")
    )


def rubric_for_staff(round_: ReviewRound, pk: int) -> RoundRubric:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(RoundRubric.objects.select_related("category", "round"), round=round_, pk=pk)
