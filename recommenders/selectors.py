"""Reads for the unit and recommender queues; every list is one query (plus prefetches), however long."""

from django.db.models import Avg, Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from accounts.models import Recommender
from applications.enums import Status, status_sets
from applications.models import Application
from applications.selectors import LIST_RELATED
from core import roles

from .enums import EndorsementLevel
from .models import Dossier, Endorsement, Evaluation, HandIn

# Derived from the status table (applications.enums): a status added later after "recommended" shows in both
# queues without a list here to edit. Every one of these states is reached only through a submission, so the unit's
# queue never shows a group's draft, nor a draft withdrawn before it was submitted. The queues read
# `status_sets()` when they run; these names stay for the filter forms.
UNIT_QUEUE_STATUSES = tuple(s for s in Status if s in status_sets().reached_unit)
RECOMMENDER_QUEUE_STATUSES = tuple(s for s in Status if s in status_sets().reached_recommender)


def _self_total():
    return Subquery(
        Evaluation.objects.filter(application=OuterRef("pk"), level=EndorsementLevel.UNIT).values("total")[:1]
    )


def unit_queue(unit, *, edition=None, category=None, status: str = "") -> QuerySet[Application]:
    """The unit's groups' applications that reached it, with the self-evaluation total."""
    qs = (
        Application.objects.filter(unit=unit, status__in=status_sets().reached_unit)
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
        Application.objects.filter(unit__recommender=recommender, status__in=status_sets().reached_recommender)
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
