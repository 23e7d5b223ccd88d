"""Panels of the applicant channel on the role dashboards (registered in ApplicationsConfig.ready()).

Each provider returns `{"dashboard_panels": [template], ...context}`; context keys start with `applications_` so
they never collide with another app's panel. The lists are scoped to the person who looks (a unit contact who
opens a group's dashboard sees its submitted applications, never its drafts).
"""

from django.utils import timezone

from awards.enums import ApplicantKind
from core import roles

from . import selectors, services
from .enums import Status, status_sets


def _with_deadlines(applications) -> list:
    rows = list(applications)
    now = timezone.now()
    for application in rows:
        application.deadline = services.application_deadline(application)
        application.deadline_passed = application.deadline is not None and application.deadline <= now
        application.is_editable_status = application.status in status_sets().editable
    return rows


def _open_editions(kind: str, taken_edition_ids: set[int], group=None, unit=None) -> list:
    editions = selectors.open_editions_for(kind)
    for edition in editions:
        # "n of N used": counted by the functions the submission counts with.
        edition.limits = selectors.application_limits(edition, group=group, unit=unit)
        edition.deadline_passed = False
        edition.deadline = edition.application_phase.ends_at if edition.application_phase else None
        edition.already_applied = edition.pk in taken_edition_ids
        edition.not_eligible = services.group_registration_problem(edition, group) if group is not None else ""
    return editions


def group_panel(request, group):
    user = request.user
    applications = _with_deadlines(
        selectors.applications_visible_to(user)
        .filter(group=group)
        .prefetch_related("edition__phases")
        .order_by("-edition__year", "-id")
    )
    is_leader = group.pk in roles.group_ids(user)
    taken = {a.edition_id for a in applications if a.status != Status.WITHDRAWN}
    return {
        "dashboard_panels": ["applications/_group_panel.html"],
        "applications_group": group,
        "applications_list": applications,
        "applications_may_apply": is_leader and selectors.group_may_apply(group),
        "applications_open_editions": _open_editions(ApplicantKind.GROUP, taken, group) if is_leader else [],
    }


def unit_panel(request, unit):
    user = request.user
    visible = selectors.applications_visible_to(user).filter(unit=unit).prefetch_related("edition__phases")
    own = _with_deadlines(visible.filter(group__isnull=True).order_by("-edition__year", "-id"))
    from_groups = list(
        visible.filter(group__isnull=False).exclude(status=Status.DRAFT).order_by("-submitted_at", "-id")[:50]
    )
    is_contact = unit.pk in roles.unit_ids(user)
    taken = {a.edition_id for a in own if a.status != Status.WITHDRAWN}
    return {
        "dashboard_panels": ["applications/_unit_panel.html"],
        "applications_unit": unit,
        "applications_list": own,
        "applications_from_groups": from_groups,
        "applications_may_apply": is_contact and unit.is_approved,
        "applications_open_editions": _open_editions(ApplicantKind.UNIT, taken, unit=unit) if is_contact else [],
    }


def staff_panel(request, _organisation):
    editions = selectors.open_editions_for(ApplicantKind.GROUP) + selectors.open_editions_for(ApplicantKind.UNIT)
    for edition in editions:
        edition.deadline = edition.application_phase.ends_at if edition.application_phase else None
    return {
        "dashboard_panels": ["applications/_staff_panel.html"],
        "applications_open_editions": editions,
    }


# --- Panels higher apps add to an application's overview page -----------------------------------------------------
#
# `register_detail(provider)` from a higher app's AppConfig.ready(); provider(request, application) returns
# `{"application_panels": [template], ...context}` (keys prefixed with the app's name) or None.
_DETAIL_PROVIDERS: list = []


def register_detail(provider) -> None:
    if provider not in _DETAIL_PROVIDERS:
        _DETAIL_PROVIDERS.append(provider)


def detail_extras(request, application) -> dict:
    context: dict = {"application_panels": []}
    for provider in _DETAIL_PROVIDERS:
        extra = dict(provider(request, application) or {})
        context["application_panels"] += extra.pop("application_panels", [])
        context.update(extra)
    return context


# --- The recommending organisations of listed applications (联合推荐) ---------------------------------------------
#
# recommenders registers `recommender_names(application_ids) -> {pk: [lead, joint...]}` (a constant number of
# queries); without it a list shows the unit's recommender alone.
_RECOMMENDER_NAMES: list = []


def register_recommender_names(provider) -> None:
    _RECOMMENDER_NAMES[:] = [provider]


def recommender_names(application_ids, leads: dict | None = None) -> dict[int, list[str]]:
    """`leads` (pk -> the unit's recommender's name), when the caller has them, saves a query."""
    return _RECOMMENDER_NAMES[0](application_ids, leads) if _RECOMMENDER_NAMES else {}
