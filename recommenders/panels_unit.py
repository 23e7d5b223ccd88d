"""The unit channel's panel on the unit dashboard: what waits for the unit, what it endorsed and returned."""

from django.db.models import Count, Q

from applications.enums import Status
from applications.models import Application

from .forms_unit import ENDORSED_STATUSES, WAITING_STATUSES


def unit_counts(unit) -> dict:
    """Waiting / endorsed / returned counts of the unit's applications, in one query."""
    return Application.objects.filter(unit=unit).aggregate(
        waiting=Count("pk", filter=Q(status__in=WAITING_STATUSES)),
        endorsed=Count("pk", filter=Q(status__in=ENDORSED_STATUSES)),
        returned=Count("pk", filter=Q(status=Status.RETURNED_TO_GROUP)),
    )


def panel(request, organisation):
    if not request.user.has_perm("recommenders.view_unit_queue", organisation):
        return {}
    return {
        "dashboard_panels": ["recommenders/_unit_queue_panel.html"],
        "unit_queue_counts": unit_counts(organisation),
        "unit_queue_unit": organisation,
    }
