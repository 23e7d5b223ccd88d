"""Who may see an application, as rules that apps register (applications registers its own in its ready()).

A higher app (reviews: "an expert sees the applications assigned to them") registers a rule here instead of
editing applications. Each rule answers the question twice, in the two forms the code needs, and both must agree:
`sees(user, application)` for one object (the `applications.view_application` permission) and `scope(user)`, a
`Q` over Application, for lists (`selectors.applications_visible_to`). Staff see everything without a rule.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from core import roles

from .enums import status_sets


@dataclass(frozen=True)
class VisibilityRule:
    name: str
    sees: Callable  # (user, application) -> bool
    scope: Callable  # (user) -> Q over Application


_RULES: dict[str, VisibilityRule] = {}


def register(name: str, *, sees: Callable, scope: Callable) -> None:
    """Add (or replace) the rule `name`; called from an AppConfig.ready()."""
    _RULES[name] = VisibilityRule(name, sees, scope)


def unregister(name: str) -> None:
    _RULES.pop(name, None)


def may_see(user, application) -> bool:
    return application is not None and any(rule.sees(user, application) for rule in _RULES.values())


def visible_filter(user) -> Q:
    """The OR of every rule's scope; no rule, nothing visible."""
    combined = Q(pk__in=[])
    for rule in _RULES.values():
        combined |= rule.scope(user)
    return combined


# --- The rules of applications itself (registered in ApplicationsConfig.ready) ----------------------------------


def _applicant_sees(user, application) -> bool:
    """The QC group's leader, or for unit programmes a contact of the applying unit: also their drafts."""
    if application.group_id:
        return application.group_id in roles.group_ids(user)
    return application.unit_id in roles.unit_ids(user)


def _applicant_scope(user) -> Q:
    return Q(group_id__in=roles.group_ids(user)) | Q(group__isnull=True, unit_id__in=roles.unit_ids(user))


def _unit_sees(user, application) -> bool:
    """The unit, once the application was submitted to it (never a group's draft), whatever happened since."""
    return application.first_submitted_at is not None and application.unit_id in roles.unit_ids(user)


def _unit_scope(user) -> Q:
    return Q(unit_id__in=roles.unit_ids(user), first_submitted_at__isnull=False)


def _recommender_sees(user, application) -> bool:
    """The recommending organisation of the unit, once the application reached it (any later status too)."""
    return (
        application.status in status_sets().reached_recommender
        and application.unit.recommender_id in roles.recommender_ids(user)
    )


def _recommender_scope(user) -> Q:
    return Q(unit__recommender_id__in=roles.recommender_ids(user), status__in=status_sets().reached_recommender)


def register_own_rules() -> None:
    register("applications.applicant", sees=_applicant_sees, scope=_applicant_scope)
    register("applications.unit", sees=_unit_sees, scope=_unit_scope)
    register("applications.recommender", sees=_recommender_sees, scope=_recommender_scope)
