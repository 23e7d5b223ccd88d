"""Reads for the unit and recommender queues (every list is one query, plus prefetches, however long), and the
quota counts: one function per quota, called by the service that enforces it (under its row lock) and by the
page that shows "n of N used", so the two never disagree."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.shortcuts import get_object_or_404

from accounts.enums import ApprovalStatus
from accounts.models import Recommender, Unit
from applications.enums import Status, status_sets
from applications.models import Application, Attachment
from applications.selectors import LIST_RELATED
from awards import scores
from awards.models import Category, Edition, Phase
from core import roles

from .enums import Decision, EndorsementLevel
from .models import CoRecommendation, CoRecommendationState, Dossier, Endorsement, Evaluation, HandIn

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


# The sheets of the application's own recommending organisation: the ones its page, Excel and PDF show.
_own_reviewers = Q(
    evaluations__level=EndorsementLevel.RECOMMENDER, evaluations__recommender_id=F("unit__recommender_id")
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
    """Applications endorsed by the organisation's units, with the unit's total, the mean and count of its own
    reviewers' sheets (`reviewer_mean`: show it through `awards.scores`, half up to two decimals), and the rank
    the organisation gave."""
    rank = Subquery(
        Endorsement.objects.filter(application=OuterRef("pk"), level=EndorsementLevel.RECOMMENDER).values("rank")[:1]
    )
    qs = (
        Application.objects.filter(unit__recommender=recommender, status__in=status_sets().reached_recommender)
        .select_related(*LIST_RELATED)
        .prefetch_related("edition__phases")
        .annotate(
            self_total=_self_total(),
            reviewer_mean=scores.mean_expression("evaluations__total", filter=_own_reviewers),
            reviewer_count=Count("evaluations", filter=_own_reviewers),
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


# --- Quotas -------------------------------------------------------------------------------------------------------

QUOTA_UNIT_ENDORSEMENTS = "unit_endorsements"
QUOTA_RECOMMENDER_TOTAL = "recommender_total"
QUOTA_PER_UNIT = "per_unit"
QUOTA_PER_UNIT_CATEGORY = "per_unit_category"
RECOMMENDATION_QUOTAS = (QUOTA_RECOMMENDER_TOTAL, QUOTA_PER_UNIT, QUOTA_PER_UNIT_CATEGORY)


@dataclass(frozen=True)
class QuotaUse:
    """One quota of the edition as it applies to an application: how many places are used of how many."""

    kind: str
    quota: int
    used: int

    @property
    def full(self) -> bool:
        return self.used >= self.quota


def unit_endorsements_used(edition, unit_id: int) -> int:
    """The places of the unit's endorsement quota (`Edition.unit_quota`) used: its applications in the edition
    that it has endorsed (an application the recommender returned to it frees its place)."""
    return Endorsement.objects.filter(
        level=EndorsementLevel.UNIT,
        decision=Decision.ENDORSED,
        application__edition=edition,
        application__unit_id=unit_id,
    ).count()


@dataclass(frozen=True)
class RecommendationCounts:
    """The places of a recommending organisation's recommendation quotas used in an edition: in all
    (`recommender_total_quota`), per unit (`recommend_per_unit`) and per unit and category
    (`recommend_per_unit_category`)."""

    total: int
    per_unit: Counter
    per_unit_category: Counter

    def of_unit(self, unit_id: int) -> int:
        return self.per_unit.get(unit_id, 0)

    def of_unit_category(self, unit_id: int, category_id: int) -> int:
        return self.per_unit_category.get((unit_id, category_id), 0)


def recommendations_used(edition, recommender_id: int | None) -> RecommendationCounts:
    """The organisation's recommended applications in the edition, counted per unit and category: one query."""
    per_unit, per_unit_category = Counter(), Counter()
    if edition is not None and recommender_id is not None:
        counts = (
            Application.objects.filter(edition=edition, unit__recommender_id=recommender_id, status=Status.RECOMMENDED)
            .values_list("unit_id", "category_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for unit_id, category_id, n in counts:
            per_unit[unit_id] += n
            per_unit_category[(unit_id, category_id)] += n
    return RecommendationCounts(total=sum(per_unit.values()), per_unit=per_unit, per_unit_category=per_unit_category)


def quota_usage(application: Application, *, kinds=None) -> list[QuotaUse]:
    """The edition's quotas that apply to `application`, each with the places used (the counts above): the
    unit's endorsements, and the recommendations of its organisation in all, for its unit, and for its unit and
    category. `unit_endorse` and `quota_problem` refuse when a quota is full; the unit page shows the same
    figures as "n of N used". The application itself never holds a place while it is being decided (it is
    neither endorsed nor recommended then), so the page and the refusal agree at the boundary."""
    edition, unit = application.edition, application.unit
    kinds = kinds or (QUOTA_UNIT_ENDORSEMENTS, *RECOMMENDATION_QUOTAS)
    uses = []
    if QUOTA_UNIT_ENDORSEMENTS in kinds and edition.unit_quota:
        uses.append(QuotaUse(QUOTA_UNIT_ENDORSEMENTS, edition.unit_quota, unit_endorsements_used(edition, unit.pk)))
    if unit.recommender_id is None or not set(kinds) & set(RECOMMENDATION_QUOTAS):
        return uses
    counts = recommendations_used(edition, unit.recommender_id)
    limits = [
        (QUOTA_RECOMMENDER_TOTAL, edition.recommender_total_quota, counts.total),
        (QUOTA_PER_UNIT, edition.recommend_per_unit, counts.of_unit(unit.pk)),
        (
            QUOTA_PER_UNIT_CATEGORY,
            edition.recommend_per_unit_category,
            counts.of_unit_category(unit.pk, application.category_id),
        ),
    ]
    for kind, quota, used in limits:
        if kind in kinds and quota is not None:
            uses.append(QuotaUse(kind, quota, used))
    return uses


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
        Application.objects.filter(unit__recommender=recommender, status__in=status_sets().reached_recommender)
        .values_list("edition_id")
        .annotate(n=Count("id"))
        .order_by()
    )


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
    qs = Application.objects.filter(status__in=status_sets().reached_unit)
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
        Edition.objects.filter(applications__unit=unit, applications__status__in=status_sets().reached_unit)
        .distinct()
        .select_related("programme")
        .prefetch_related("phases", "categories")
        .order_by("-year", "programme__code")
    )


def unit_endorsement_of(application: Application) -> Endorsement | None:
    return Endorsement.objects.filter(application=application, level=EndorsementLevel.UNIT).first()


def recommender_names(application_ids, leads: dict[int, str | None] | None = None) -> dict[int, list[str]]:
    """The recommending organisation(s) of each application, the lead first, then the organisations that confirmed
    a joint recommendation (联合推荐) in the order they were invited: what results lists, certificates and tables
    print in the "recommender" column. Two queries however many applications; one when the caller already holds
    the lead organisations' names (`leads`: application pk -> name of its unit's recommender)."""
    ids = list(application_ids)
    if leads is None:
        leads = dict(Application.objects.filter(pk__in=ids).values_list("pk", "unit__recommender__name"))
    names = {pk: [leads[pk]] if leads.get(pk) else [] for pk in ids if pk in leads}
    joint = (
        CoRecommendation.objects.filter(application_id__in=ids, state=CoRecommendationState.CONFIRMED)
        .order_by("invited_at", "pk")
        .values_list("application_id", "recommender__name")
    )
    for application_id, name in joint:
        if application_id in names and name not in names[application_id]:
            names[application_id].append(name)
    return names


# --- 联合推荐 (joint recommendation) ---------------------------------------------------------------------------------


def co_recommendations_of(application) -> list:
    """Every invitation of the application (any state), in invitation order, with who invited and answered."""
    return list(
        CoRecommendation.objects.filter(application=application)
        .select_related("recommender", "invited_by", "decided_by")
        .order_by("invited_at", "pk")
    )


def invitable_recommenders(application) -> QuerySet[Recommender]:
    """Active organisations the lead may invite: not itself, not already invited or confirmed."""
    taken = CoRecommendation.objects.filter(application=application).exclude(state=CoRecommendationState.DECLINED)
    return (
        Recommender.objects.filter(is_active=True)
        .exclude(pk=application.unit.recommender_id)
        .exclude(pk__in=taken.values("recommender_id"))
        .order_by("name")
    )


def joint_invitations(recommender: Recommender) -> list:
    """The organisation's invitations, open ones first, newest first: one query."""
    return list(
        CoRecommendation.objects.filter(recommender=recommender)
        .select_related(
            "application__edition__programme",
            "application__unit__recommender",
            "application__category",
            "invited_by",
            "decided_by",
        )
        .annotate(
            open_first=Case(
                When(state=CoRecommendationState.INVITED, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("open_first", "-invited_at", "-pk")
    )


def co_recommendation_or_404(pk):
    return get_object_or_404(
        CoRecommendation.objects.select_related("application__edition__programme", "application__unit", "recommender"),
        pk=pk,
    )
