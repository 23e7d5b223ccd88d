"""Reads for the programme and edition pages.

An edition's status is derived from its schedule, never stored: `editions_with_status` annotates it in the
database so that lists can filter on it and show the application window without loading every phase.
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, Max, Min, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import dataversion

from .enums import PhaseKind
from .models import Category, Edition, Phase, Programme, Rubric, RubricItem


class EditionStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Application open")
    IN_REVIEW = "in_review", _("In review")
    CLOSED = "closed", _("Closed")


def editions_with_status(at=None) -> QuerySet[Edition]:
    """Editions annotated with `status` (an `EditionStatus` value) at `at` (default now), and with
    `application_starts_at`, `application_ends_at` and `schedule_ends_at`.

    upcoming: before the application window opens (or no schedule yet); open: inside the window;
    closed: every phase is over; in review: in between. Boundaries follow `Phase.is_open`: a phase is open
    from its start (included) to its end (excluded).
    """
    at = at or timezone.now()
    application = Q(phases__kind=PhaseKind.APPLICATION)
    return (
        Edition.objects.select_related("programme")
        .annotate(
            application_starts_at=Min("phases__starts_at", filter=application),
            application_ends_at=Max("phases__ends_at", filter=application),
            schedule_starts_at=Min("phases__starts_at"),
            schedule_ends_at=Max("phases__ends_at"),
        )
        .annotate(
            status=Case(
                When(schedule_ends_at__isnull=True, then=Value(EditionStatus.UPCOMING)),
                When(
                    Q(application_starts_at__gt=at) | Q(application_starts_at__isnull=True, schedule_starts_at__gt=at),
                    then=Value(EditionStatus.UPCOMING),
                ),
                When(application_starts_at__lte=at, application_ends_at__gt=at, then=Value(EditionStatus.OPEN)),
                When(schedule_ends_at__lte=at, then=Value(EditionStatus.CLOSED)),
                default=Value(EditionStatus.IN_REVIEW),
                output_field=models.CharField(),
            )
        )
    )


def open_editions(at=None) -> QuerySet[Edition]:
    """Editions of active programmes whose application window is open now, the nearest deadline first (one query;
    `application_ends_at` is the deadline)."""
    return (
        editions_with_status(at)
        .filter(status=EditionStatus.OPEN, programme__is_active=True)
        .order_by("application_ends_at", "programme__code", "pk")
    )


# The home page's list for anonymous visitors comes from the cache: building it costs a query whose planning alone
# takes longer than the rest of the page. Any write to a programme, edition or phase bumps the version (signals in
# AwardsConfig.ready); the entry also expires at the nearest deadline it shows, and within a minute otherwise, so an
# edition whose window opens by the clock appears within that minute.
OPEN_EDITIONS_VERSION_KEY = "awards:open-editions:version"
OPEN_EDITIONS_MAX_AGE = 60


# What an application's pages read of its edition on every request: the edition and its programme, phases,
# questions and attachment requirements. Every applicant of an edition reads the same rows.
EDITION_SETUP_TABLES = (
    "awards_edition",
    "awards_programme",
    "awards_phase",
    "awards_question",
    "awards_attachmentrequirement",
)


def edition_setup(edition_id) -> Edition:
    """The edition with its programme, its phases (by start), questions and attachment requirements prefetched.
    Served from the cache while none of those tables has changed (core.dataversion: a moved deadline, an edited
    question is read at the next request); `settings.REFERENCE_CACHE` off reads the database every time."""
    key = f"awards:edition-setup:{edition_id}"
    versions = None
    if getattr(settings, "REFERENCE_CACHE", True):
        cached, versions = dataversion.get(key, EDITION_SETUP_TABLES)
        if cached is not None:
            return cached
    edition = (
        Edition.objects.select_related("programme")
        .prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("starts_at")), "questions", "attachment_requirements"
        )
        .get(pk=edition_id)
    )
    dataversion.put(key, versions, edition)
    return edition


def open_editions_bump(**_kwargs) -> None:
    from django.core.cache import cache

    cache.delete(OPEN_EDITIONS_VERSION_KEY)


def open_editions_cached() -> list[Edition]:
    """`open_editions()` as a list, from the cache when it is fresh (see OPEN_EDITIONS_MAX_AGE)."""
    import time

    from django.core.cache import cache
    from django.utils.translation import get_language

    version = cache.get(OPEN_EDITIONS_VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        cache.add(OPEN_EDITIONS_VERSION_KEY, version, None)
    key = f"awards:open-editions:{version}:{get_language()}"
    now = timezone.now()
    entry = cache.get(key)
    if entry is not None and now < entry[0]:
        return entry[1]
    editions = list(open_editions())
    expires = min([now + timezone.timedelta(seconds=OPEN_EDITIONS_MAX_AGE)] + [e.application_ends_at for e in editions])
    timeout = max(1, int((expires - now).total_seconds()) + 1)
    cache.set(key, (expires, editions), timeout)
    return editions


def _top_categories() -> QuerySet[Category]:
    """Top-level categories with their sub-types (and both rubrics) prefetched."""
    subtypes = Category.objects.select_related("rubric").order_by("position", "id")
    return Category.objects.filter(parent__isnull=True).prefetch_related(Prefetch("subtypes", queryset=subtypes))


def staff_programmes(at=None) -> QuerySet[Programme]:
    """Every programme with its editions (newest first, status annotated): two queries whatever the count."""
    editions = editions_with_status(at).order_by("-year")
    return Programme.objects.prefetch_related(Prefetch("editions", queryset=editions))


def staff_editions(*, programme=None, status: str = "", at=None) -> QuerySet[Edition]:
    qs = editions_with_status(at)
    if programme is not None:
        qs = qs.filter(programme=programme)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "programme__code")


def programme_for_staff(pk) -> Programme:
    return get_object_or_404(
        Programme.objects.prefetch_related(Prefetch("editions", queryset=Edition.objects.order_by("-year"))), pk=pk
    )


def edition_for_staff(pk, at=None) -> Edition:
    """One edition with everything its detail page shows, in a fixed number of queries."""
    qs = editions_with_status(at).prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("starts_at", "id")),
        Prefetch("rubrics", queryset=Rubric.objects.prefetch_related("items")),
        Prefetch("categories", queryset=_top_categories().select_related("rubric"), to_attr="top_categories"),
        "questions",
        "attachment_requirements",
    )
    return get_object_or_404(qs, pk=pk)


def edition_for_editing(pk) -> Edition:
    """The bare edition a configuration form changes (the forms load their own rows)."""
    return get_object_or_404(Edition.objects.select_related("programme"), pk=pk)


def edition_info(pk, at=None) -> Edition:
    """An edition's published information: status, schedule, categories and required files."""
    qs = editions_with_status(at).prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("starts_at", "id")),
        Prefetch("categories", queryset=_top_categories(), to_attr="top_categories"),
        "attachment_requirements",
    )
    return get_object_or_404(qs, pk=pk)


def rubric_for_staff(pk) -> Rubric:
    return get_object_or_404(
        Rubric.objects.select_related("edition", "edition__programme").prefetch_related(
            Prefetch("items", queryset=RubricItem.objects.order_by("position", "id"))
        ),
        pk=pk,
    )


def programme_code_locked(programme: Programme) -> bool:
    """Whether an edition of the programme has applications: their numbers carry the code, which is then fixed."""
    # `applications` is the reverse name of applications.Application.edition (awards does not import that app).
    return Edition.objects.filter(programme=programme, applications__isnull=False).exists()


def edition_reported_statistics_codes(edition: Edition) -> set[str]:
    """The codes of the activity-statistics fields for which a recommender has saved a figure in this edition."""
    # `dossiers` is the reverse name of recommenders.Dossier.edition (awards does not import that app).
    saved = edition.dossiers.exclude(statistics={}).values_list("statistics", flat=True)
    return {code for statistics in saved for code in statistics or {}}


def programme_for_editing(pk) -> Programme:
    return get_object_or_404(Programme, pk=pk)


def edition_rows(model, edition: Edition, *, prefetch=(), ordering=()) -> QuerySet:
    """The rows of one of the edition's configuration tables (categories, questions, ...), for its formset."""
    rows = model.objects.filter(edition=edition).prefetch_related(*prefetch)
    return rows.order_by(*ordering) if ordering else rows
