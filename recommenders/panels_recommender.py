"""Panels of the recommender channel on the role dashboards (registered in RecommendersConfig.ready()).

Context keys start with `recommenders_` so they never collide with another app's panel. Each panel reads a fixed
number of queries, whatever the number of editions or applications.
"""

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from applications.enums import Status
from applications.models import Application
from awards.enums import PhaseKind
from awards.models import Edition

from .models import Dossier


def open_editions(now=None) -> list[Edition]:
    """Editions running now: between the start of their first phase and the end of their last."""
    now = now or timezone.now()
    return list(
        Edition.objects.filter(programme__is_active=True)
        .annotate(first_start=Min("phases__starts_at"), last_end=Max("phases__ends_at"))
        .filter(first_start__lte=now, last_end__gt=now)
        .select_related("programme")
        .prefetch_related("phases")
        .order_by("-year", "programme__code")
    )


def _deadline(edition, now):
    phase = edition.phase(PhaseKind.RECOMMENDATION)
    deadline = phase.ends_at if phase else None
    return deadline, deadline is not None and deadline <= now


def panel(request, recommender):
    now = timezone.now()
    editions = open_editions(now)
    counts = {
        row["edition_id"]: row
        for row in Application.objects.filter(unit__recommender=recommender, edition__in=editions)
        .values("edition_id")
        .annotate(
            waiting=Count("id", filter=Q(status=Status.ENDORSED)),
            recommended=Count("id", filter=Q(status=Status.RECOMMENDED)),
            declined=Count("id", filter=Q(status=Status.DECLINED)),
        )
        .order_by()
    }
    items = []
    for edition in editions:
        row = counts.get(edition.pk, {})
        deadline, passed = _deadline(edition, now)
        items.append(
            {
                "edition": edition,
                "waiting": row.get("waiting", 0),
                "recommended": row.get("recommended", 0),
                "declined": row.get("declined", 0),
                "deadline": deadline,
                "deadline_passed": passed,
            }
        )
    return {
        "dashboard_panels": ["recommenders/_recommender_dashboard_panel.html"],
        "recommenders_recommender": recommender,
        "recommenders_editions": items,
    }


def staff_panel(request, _organisation):
    editions = open_editions()
    dossiers = dict(
        Dossier.objects.filter(edition__in=editions, hand_ins__isnull=False)
        .values("edition_id")
        .annotate(n=Count("recommender", distinct=True))
        .values_list("edition_id", "n")
        .order_by()
    )
    recommended = dict(
        Application.objects.filter(edition__in=editions, status=Status.RECOMMENDED)
        .values("edition_id")
        .annotate(n=Count("id"))
        .values_list("edition_id", "n")
        .order_by()
    )
    return {
        "dashboard_panels": ["recommenders/_recommender_staff_panel.html"],
        "recommenders_handin_editions": [
            {"edition": e, "dossiers": dossiers.get(e.pk, 0), "recommended": recommended.get(e.pk, 0)} for e in editions
        ],
    }
