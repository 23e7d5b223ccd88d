"""On-site review (现场评审): on-site rounds, visits and their panels, photos taken on site.

An on-site round is an ordinary review round of kind `onsite` whose rubric defaults to the on-site evaluation
form (组织 10, 活动情况与活动记录 30, 真实性与有效性 30, 维持与巩固 20, 小组教育 10) for every category; staff edit it
through `rounds.round_rubric_edit` (versioned like any round). A visit's panel are live assignments with source
`visit`: the members accept and score through the expert channel (`scoring.sheet_save`), findings per item are the
sheet's item comments, and results come from `reviews.results` like any round.
"""

import io
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext as _

from core import roles
from core.audit import audit_record, created, diff, snapshot
from core.exceptions import BusinessRuleError
from core.files import atomic_with_files, save_file, validate_file

from . import rounds
from .conflicts import conflict_pairs, conflicts_refresh, round_applications, round_pool
from .enums import LIVE_ASSIGNMENT_STATES, AssignmentSource, AssignmentState, PairRuleKind, RoundKind, SheetState
from .models import Assignment, PairRule, ReviewRound, RoundRubric, ScoreSheet, SiteVisit, VisitPhoto
from .selectors_expert import visible_assignments

# facts.md §2.3 (质量管理小组活动现场评价表).
ONSITE_RUBRIC = [
    {"code": "organisation", "name": "质量管理小组活动的组织", "name_en": "Organisation", "max_points": "10"},
    {"code": "activity", "name": "活动情况与活动记录", "name_en": "Activities and records", "max_points": "30"},
    {"code": "authenticity", "name": "活动真实性与有效性", "name_en": "Authenticity and effect", "max_points": "30"},
    {"code": "maintenance", "name": "成果的维持与巩固", "name_en": "Maintenance of results", "max_points": "20"},
    {"code": "education", "name": "质量管理小组教育", "name_en": "Group education", "max_points": "10"},
]
PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"]
PHOTO_MAX_MB = 15
THUMBNAIL_SIZE = (480, 480)
VISIT_FIELDS = ("starts_at", "address", "notes")


def onsite_rubric_items() -> list[dict]:
    return [{**item, "description": ""} for item in ONSITE_RUBRIC]


@transaction.atomic
def onsite_round_create(*, actor, edition, **settings) -> ReviewRound:
    """Create an on-site round of `edition` (through `rounds.round_create`, audited `round.created`) whose rubric
    for every category of the edition is version 1 of the on-site form."""
    round_ = rounds.round_create(actor=actor, edition=edition, **settings)
    ReviewRound.objects.filter(pk=round_.pk).update(kind=RoundKind.ONSITE)
    round_.kind = RoundKind.ONSITE
    items = onsite_rubric_items()
    for category in edition.categories.all():
        RoundRubric.objects.update_or_create(
            round=round_, category=category, version=1, defaults={"items": items, "is_current": True}
        )
    return round_


def _check_round(round_: ReviewRound) -> None:
    if round_.kind != RoundKind.ONSITE:
        raise BusinessRuleError(_("Visits are scheduled in on-site rounds only."), code="not_onsite")
    if round_.is_closed:
        raise BusinessRuleError(_("The round is closed."), code="round_closed")


def _check_panel(round_: ReviewRound, application, experts) -> list:
    """The panel's experts, checked: at least one, each in the programme's active pool, without a conflict or a
    forbidden pair for the application, and never one who declined or was removed before."""
    experts = list(dict.fromkeys(experts))
    if not experts:
        raise BusinessRuleError(_("A visit needs at least one expert on its panel."), code="panel_empty")
    pool_ids = set(round_pool(round_).values_list("expert_id", flat=True))
    conflicted = {e for e, a in conflict_pairs(round_) if a == application.pk}
    forbidden = set(
        PairRule.objects.filter(round=round_, application=application, kind=PairRuleKind.FORBID).values_list(
            "expert_id", flat=True
        )
    )
    closed = set(
        Assignment.objects.filter(round=round_, application=application)
        .exclude(state__in=LIVE_ASSIGNMENT_STATES)
        .values_list("expert_id", flat=True)
    )
    for expert in experts:
        name = expert.user.full_name or expert.user.email
        if expert.pk not in pool_ids:
            raise BusinessRuleError(_("%(name)s is not in the programme's pool.") % {"name": name}, code="pool")
        if expert.pk in conflicted:
            raise BusinessRuleError(
                _("%(name)s has a conflict of interest with this application.") % {"name": name}, code="conflict"
            )
        if expert.pk in forbidden or expert.pk in closed:
            raise BusinessRuleError(
                _("%(name)s may not be assigned to this application in this round.") % {"name": name},
                code="forbidden",
            )
    return experts


def _visit_code(round_: ReviewRound, application) -> str:
    existing = Assignment.objects.filter(round=round_, application=application).exclude(code="").first()
    if existing:
        return existing.code
    count = Assignment.objects.filter(round=round_).values("application").distinct().count()
    return f"R{round_.pk}-{count + 1:04d}"


def _offer(round_: ReviewRound, application, experts) -> list[int]:
    live = set(
        Assignment.objects.filter(round=round_, application=application, state__in=LIVE_ASSIGNMENT_STATES).values_list(
            "expert_id", flat=True
        )
    )
    code = _visit_code(round_, application)
    new = [
        Assignment(
            round=round_,
            application=application,
            expert=expert,
            source=AssignmentSource.VISIT,
            state=AssignmentState.OFFERED,
            code=code,
        )
        for expert in experts
        if expert.pk not in live
    ]
    Assignment.objects.bulk_create(new)
    return [a.expert_id for a in new]


@transaction.atomic
def site_visit_schedule(
    *, actor, round: ReviewRound, application, starts_at, address: str = "", notes: str = "", experts
) -> SiteVisit:
    """Schedule a visit to an admitted application of an on-site round and offer its panel an assignment each
    (source `visit`; they accept and score in the expert channel). The address defaults to the unit's. Locks the
    round; refreshes the round's automatic conflicts first, and refuses a conflicted, forbidden or out-of-pool
    expert. One visit per application and round. Audited `site_visit.scheduled`."""
    round_ = ReviewRound.objects.select_for_update().get(pk=round.pk)
    _check_round(round_)
    if not round_applications(round_).filter(pk=application.pk).exists():
        raise BusinessRuleError(_("Only applications admitted to review can be visited."), code="not_admitted")
    if SiteVisit.objects.filter(round=round_, application=application).exists():
        raise BusinessRuleError(_("This application already has a visit in this round."), code="visit_exists")
    conflicts_refresh(round=round_)
    experts = _check_panel(round_, application, experts)
    visit = SiteVisit.objects.create(
        round=round_,
        application=application,
        starts_at=starts_at,
        address=(address or "").strip() or application.unit.address,
        notes=(notes or "").strip(),
    )
    offered = _offer(round_, application, experts)
    audit_record(
        actor=actor,
        obj=visit,
        action="site_visit.scheduled",
        changes={**created(visit, VISIT_FIELDS), "panel": [None, sorted(offered)]},
    )
    return visit


@transaction.atomic
def site_visit_change(*, actor, visit: SiteVisit, starts_at, address: str, notes: str = "", experts) -> SiteVisit:
    """Move a visit, change its address or its panel: new members are offered an assignment, members left out are
    removed (refused once their sheet is submitted; no automatic refill, unlike a document round). Locks the round
    and the visit; audited `site_visit.changed` with old and new values; a no-op writes nothing."""
    round_ = ReviewRound.objects.select_for_update().get(pk=visit.round_id)
    _check_round(round_)
    visit = SiteVisit.objects.select_for_update().select_related("application__unit").get(pk=visit.pk)
    conflicts_refresh(round=round_)
    experts = _check_panel(round_, visit.application, experts)
    keep = {e.pk for e in experts}
    before = snapshot(visit, VISIT_FIELDS)
    visit.starts_at = starts_at
    visit.address = (address or "").strip() or visit.application.unit.address
    visit.notes = (notes or "").strip()
    changes = diff(before, visit)
    leaving = list(
        Assignment.objects.select_for_update()
        .filter(round=round_, application=visit.application, state__in=LIVE_ASSIGNMENT_STATES)
        .exclude(expert_id__in=keep)
    )
    if ScoreSheet.objects.filter(assignment__in=leaving, state=SheetState.SUBMITTED).exists():
        raise BusinessRuleError(_("A member who has submitted scores cannot leave the panel."), code="submitted_member")
    for assignment in leaving:
        assignment.state = AssignmentState.REMOVED
        assignment.reason = _("Left the visit's panel.")
        assignment.save(update_fields=["state", "reason", "updated_at"])
    offered = _offer(round_, visit.application, experts)
    if leaving or offered:
        changes["panel"] = [sorted(a.expert_id for a in leaving), sorted(offered)]
    if changes:
        visit.save()
        audit_record(actor=actor, obj=visit, action="site_visit.changed", changes=changes)
    return visit


def _thumbnail(data: bytes) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail(THUMBNAIL_SIZE)
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=80)  # re-encoded: the thumbnail carries no EXIF/GPS
    return out.getvalue()


@atomic_with_files()
def visit_photo_add(*, actor, visit: SiteVisit, uploaded_file, caption: str = "") -> VisitPhoto:
    """Store a photo taken on site after checking it by content (`core.files.validate_file`: JPEG, PNG or WebP,
    readable, at most 15 MB) with a JPEG thumbnail. Staff and the visit's panel only; not once the round is
    closed. Audited `visit_photo.added`."""
    if not (roles.is_staff(actor) or visit_panel_member(actor, visit)):
        raise BusinessRuleError(_("Only staff and the visit's panel add photos."), code="not_panel")
    if visit.round.is_closed:
        raise BusinessRuleError(_("The round is closed."), code="round_closed")
    data = uploaded_file.read()
    mime = validate_file(data=data, allowed_types=PHOTO_TYPES, max_mb=PHOTO_MAX_MB, label=_("On-site photo"))
    name = uuid.uuid4().hex
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[mime]
    photo = VisitPhoto(visit=visit, content_type=mime, caption=(caption or "").strip()[:200], uploaded_by=actor)
    save_file(photo.image, f"{name}.{extension}", ContentFile(data))
    save_file(photo.thumbnail, f"{name}-thumb.jpg", ContentFile(_thumbnail(data)))
    photo.save()
    audit_record(
        actor=actor, obj=visit, action="visit_photo.added", changes={"photo": [None, photo.pk]}, note=photo.caption
    )
    return photo


# --- Selectors -----------------------------------------------------------------------------------------------------


def visit_panel_member(user, visit: SiteVisit) -> bool:
    """The user is an expert of the visit's panel: a live assignment for it, outside any conflict, in a round past
    preparation (the expert channel's own visibility rule)."""
    return visible_assignments(user).filter(round_id=visit.round_id, application_id=visit.application_id).exists()


def _panel_prefetch():
    return Prefetch(
        "application__review_assignments",
        queryset=Assignment.objects.filter(state__in=LIVE_ASSIGNMENT_STATES)
        .select_related("expert__user")
        .order_by("expert__user__full_name", "pk"),
        to_attr="all_live_assignments",
    )


def _with_panel(visits) -> list[SiteVisit]:
    visits = list(visits)
    for visit in visits:
        visit.panel = [a for a in visit.application.all_live_assignments if a.round_id == visit.round_id]
    return visits


def round_visits(round_: ReviewRound) -> list[SiteVisit]:
    """The round's visits by date, each with `panel` (its live assignments with experts)."""
    return _with_panel(
        SiteVisit.objects.filter(round=round_)
        .select_related("application__unit", "application__group", "application__category")
        .prefetch_related(_panel_prefetch())
        .order_by("starts_at", "pk")
    )


def visits_for_expert(user) -> list[SiteVisit]:
    """The visits whose panel the user is on (their visible assignments), soonest first, with `panel` and
    `my_assignment`."""
    mine = visible_assignments(user)
    visits = _with_panel(
        SiteVisit.objects.filter(Exists(mine.filter(round=OuterRef("round"), application=OuterRef("application"))))
        .select_related("round", "application__unit", "application__category")
        .prefetch_related(_panel_prefetch())
        .order_by("starts_at", "pk")
    )
    for visit in visits:
        visit.my_assignment = next((a for a in visit.panel if a.expert.user_id == user.pk), None)
    return visits


def visit_for(user, pk) -> SiteVisit | None:
    """Visit `pk` when the user is staff or on its panel (None otherwise: the page answers 404)."""
    visit = (
        SiteVisit.objects.filter(pk=pk)
        .select_related("round__edition__programme", "application__unit", "application__group", "application__category")
        .first()
    )
    if visit is None or not (roles.is_staff(user) or visit_panel_member(user, visit)):
        return None
    return visit


def visit_with_panel(visit: SiteVisit) -> SiteVisit:
    return _with_panel(
        SiteVisit.objects.filter(pk=visit.pk)
        .select_related("round__edition__programme", "application__unit", "application__group", "application__category")
        .prefetch_related(_panel_prefetch())
    )[0]


def visit_photos(visit: SiteVisit) -> list[VisitPhoto]:
    return list(VisitPhoto.objects.filter(visit=visit).select_related("uploaded_by").order_by("created_at", "pk"))


def photo_for(user, visit_pk, photo_pk) -> VisitPhoto | None:
    visit = visit_for(user, visit_pk)
    if visit is None:
        return None
    return VisitPhoto.objects.filter(visit=visit, pk=photo_pk).first()


def visit_candidates(round_: ReviewRound):
    """Admitted applications without a visit in the round (for the schedule form)."""
    return (
        round_applications(round_)
        .exclude(pk__in=SiteVisit.objects.filter(round=round_).values("application"))
        .select_related("unit", "group")
        .order_by("number", "pk")
    )


def pool_experts(round_: ReviewRound):
    from accounts.models import Expert

    return (
        Expert.objects.filter(pk__in=round_pool(round_).values("expert"))
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
