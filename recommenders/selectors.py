"""Reads for the unit and recommender queues; every list is one query (plus prefetches), however long."""

from django.db.models import Avg, Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from accounts.enums import ApprovalStatus
from accounts.models import Recommender, Unit
from applications.enums import Status
from applications.models import Application, Attachment
from applications.selectors import LIST_RELATED
from awards.models import Category, Edition, Phase
from core import roles

from .enums import EndorsementLevel
from .models import Dossier, Endorsement, Evaluation, HandIn

# Every one of these states is reached only through a submission (first_submitted_at is set), so the queue never
# shows a group's draft, nor a draft withdrawn before it was submitted (that one is `withdrawn`, not listed here).
UNIT_QUEUE_STATUSES = (
    Status.SUBMITTED,
    Status.RETURNED_TO_UNIT,
    Status.ENDORSED,
    Status.RECOMMENDED,
    Status.DECLINED,
    Status.RETURNED_TO_GROUP,
)
RECOMMENDER_QUEUE_STATUSES = (Status.ENDORSED, Status.RECOMMENDED, Status.DECLINED, Status.RETURNED_TO_UNIT)


def _self_total():
    return Subquery(
        Evaluation.objects.filter(application=OuterRef("pk"), level=EndorsementLevel.UNIT).values("total")[:1]
    )


def unit_queue(unit, *, edition=None, category=None, status: str = "") -> QuerySet[Application]:
    """The unit's groups' applications that reached it, with the self-evaluation total."""
    qs = (
        Application.objects.filter(unit=unit, status__in=UNIT_QUEUE_STATUSES)
        .select_related(*LIST_RELATED)
        .prefetch_related("edition__phases")
        .annotate(self_total=_self_total())
    )
    if edition is not None:
        qs = qs.filter(edition=edition)
    if category is not None:
        qs = qs.filter(category=category)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-edition__year", "status", "number")


def recommender_queue(
    recommender: Recommender, *, edition=None, category=None, status: str = "", unit=None
) -> QuerySet[Application]:
    """Applications endorsed by the organisation's units, with the unit's total, the reviewers' mean and count,
    and the rank the organisation gave."""
    rank = Subquery(
        Endorsement.objects.filter(application=OuterRef("pk"), level=EndorsementLevel.RECOMMENDER).values("rank")[:1]
    )
    qs = (
        Application.objects.filter(unit__recommender=recommender, status__in=RECOMMENDER_QUEUE_STATUSES)
        .select_related(*LIST_RELATED)
        .prefetch_related("edition__phases")
        .annotate(
            self_total=_self_total(),
            reviewer_mean=Avg("evaluations__total", filter=Q(evaluations__level=EndorsementLevel.RECOMMENDER)),
            reviewer_count=Count("evaluations", filter=Q(evaluations__level=EndorsementLevel.RECOMMENDER)),
            rank=rank,
        )
    )
    if edition is not None:
        qs = qs.filter(edition=edition)
    if category is not None:
        qs = qs.filter(category=category)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("category__position", "rank", "-reviewer_mean", "number")


def recommender_evaluations(application: Application) -> list[Evaluation]:
    """The organisation's reviewers' sheets for one application, side by side."""
    return list(
        Evaluation.objects.filter(application=application, level=EndorsementLevel.RECOMMENDER)
        .select_related("reviewer")
        .order_by("reviewer__full_name")
    )


def application_with_chain(pk) -> Application:
    return (
        Application.objects.select_related(*LIST_RELATED, "group__leader")
        .prefetch_related(
            Prefetch("endorsements", queryset=Endorsement.objects.select_related("decided_by")),
            Prefetch("evaluations", queryset=Evaluation.objects.select_related("reviewer")),
            "edition__phases",
            "edition__questions",
            "attachments__requirement",
            "events__actor",
        )
        .get(pk=pk)
    )


def dossiers_visible_to(user) -> QuerySet[Dossier]:
    """The dossiers whose page the user may open: their own organisations' (staff: every one)."""
    qs = Dossier.objects.select_related("recommender", "edition")
    if roles.is_staff(user):
        return qs
    return qs.filter(recommender_id__in=roles.recommender_ids(user))


def dossiers_overview(edition) -> QuerySet[Recommender]:
    """Staff: every recommending organisation with what it has handed in for the edition."""
    return (
        Recommender.objects.filter(is_active=True)
        .prefetch_related(
            Prefetch(
                "dossiers",
                queryset=Dossier.objects.filter(edition=edition).prefetch_related(
                    Prefetch("hand_ins", queryset=HandIn.objects.all())
                ),
            )
        )
        .annotate(
            recommended=Count(
                "units__applications",
                filter=Q(units__applications__edition=edition, units__applications__status=Status.RECOMMENDED),
            )
        )
        .order_by("kind", "name")
    )


# --- Fetches for the recommender channel's views (their permission checks follow in the view) -------------------


def recommender_by_pk(pk) -> Recommender | None:
    return Recommender.objects.filter(pk=pk).first()


def queue_editions() -> list[Edition]:
    """The editions a recommender's queue offers: those of active programmes, newest first."""
    return list(
        Edition.objects.filter(programme__is_active=True)
        .select_related("programme")
        .prefetch_related("phases")
        .order_by("-year", "programme__code")
    )


def queue_counts_by_edition(recommender: Recommender) -> dict[int, int]:
    """{edition id: applications in the organisation's queue}."""
    return dict(
        Application.objects.filter(unit__recommender=recommender, status__in=RECOMMENDER_QUEUE_STATUSES)
        .values_list("edition_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def recommended_per_unit_and_category(recommender: Recommender, edition) -> list[tuple[int, int, int]]:
    """(unit id, category id, recommended applications) of the organisation's units in the edition."""
    return list(
        Application.objects.filter(edition=edition, unit__recommender=recommender, status=Status.RECOMMENDED)
        .values_list("unit_id", "category_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def recommended_count(recommender: Recommender, edition) -> int:
    return Application.objects.filter(edition=edition, unit__recommender=recommender, status=Status.RECOMMENDED).count()


def top_categories(edition) -> list[Category]:
    return list(Category.objects.filter(edition=edition, parent__isnull=True).order_by("position", "id"))


def top_category_or_404(edition, pk) -> Category:
    return get_object_or_404(Category, pk=pk, edition=edition, parent__isnull=True)


def approved_units(recommender: Recommender) -> list[Unit]:
    return list(recommender.units.filter(status=ApprovalStatus.APPROVED).order_by("name"))


def edition_or_404(pk) -> Edition:
    """An edition with its programme and phases (deadlines are read from them)."""
    return get_object_or_404(Edition.objects.select_related("programme").prefetch_related("phases"), pk=pk)


def dossier_of(recommender: Recommender, edition) -> Dossier | None:
    """The dossier if it exists (staff look without creating one)."""
    return Dossier.objects.filter(recommender=recommender, edition=edition).first()


def dossier_hand_ins(dossier: Dossier) -> dict[str, HandIn]:
    return {h.kind: h for h in dossier.hand_ins.select_related("handed_in_by")}


def hand_in_or_404(pk) -> HandIn:
    return get_object_or_404(HandIn.objects.select_related("dossier"), pk=pk)


# --- Fetches for the unit channel's views -----------------------------------------------------------------------


def queue_units_of(user) -> QuerySet[Unit]:
    """The units whose queue the user may open: their own (staff: every unit)."""
    units = Unit.objects.select_related("recommender")
    if roles.is_staff(user):
        return units
    return units.filter(pk__in=roles.unit_ids(user))


def unit_applications_for(user) -> QuerySet[Application]:
    """Applications that reached one of the user's units (staff: every unit), with what the review page shows."""
    qs = Application.objects.filter(status__in=UNIT_QUEUE_STATUSES)
    if not roles.is_staff(user):
        qs = qs.filter(unit_id__in=roles.unit_ids(user))
    return qs.select_related(*LIST_RELATED, "group__leader", "category__rubric", "subtype__rubric").prefetch_related(
        Prefetch("endorsements", queryset=Endorsement.objects.select_related("decided_by")),
        Prefetch("evaluations", queryset=Evaluation.objects.filter(level=EndorsementLevel.UNIT)),
        Prefetch("edition__phases", queryset=Phase.objects.order_by("starts_at")),
        "edition__questions",
        Prefetch("attachments", queryset=Attachment.objects.filter(is_current=True).select_related("requirement")),
        "events__actor",
    )


def unit_queue_editions(unit: Unit) -> list[Edition]:
    """The editions in which the unit's groups' applications reached it, newest first."""
    return list(
        Edition.objects.filter(applications__unit=unit, applications__status__in=UNIT_QUEUE_STATUSES)
        .distinct()
        .select_related("programme")
        .prefetch_related("phases", "categories")
        .order_by("-year", "programme__code")
    )


def unit_endorsement_of(application: Application) -> Endorsement | None:
    return Endorsement.objects.filter(application=application, level=EndorsementLevel.UNIT).first()
