"""Who the user is, role by role. Memberships are read once per request object and cached on the user.

Role values are the strings of `accounts.enums.Role`; core stays below accounts and never imports it.
"""

from django.conf import settings

from . import dataversion

STAFF, RECOMMENDER, UNIT, GROUP, EXPERT = "staff", "recommender", "unit", "group", "expert"
# Which role a person lands in first when they hold several: the organisation's work before expert reviewing.
ROLE_ORDER = {STAFF: 0, RECOMMENDER: 1, UNIT: 2, GROUP: 3, EXPERT: 4}
# What a user's memberships are read from (the membership rows and the organisations they carry).
MEMBERSHIP_TABLES = ("accounts_membership", "accounts_unit", "accounts_recommender", "accounts_qcgroup")


def memberships(user):
    """The user's active memberships with their organisations, from one query per user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_memberships_cache", None)
    if cached is None:
        # Every signed-in request asks, so the list is kept in the shared cache until one of its tables changes
        # (core.identity reads it together with the user, and leaves the versions here when it was not cached).
        key = memberships_key(user.pk)
        versions = getattr(user, "_memberships_versions", None)
        if versions is None and getattr(settings, "IDENTITY_CACHE", True):
            cached, versions = dataversion.get(key, MEMBERSHIP_TABLES)
        if cached is None:
            cached = list(
                user.memberships.filter(is_active=True)
                .select_related(
                    "recommender", "unit", "unit__recommender", "group", "group__unit", "group__unit__recommender"
                )
                .order_by("id")
            )
            cached.sort(key=lambda m: (ROLE_ORDER.get(m.role, len(ROLE_ORDER)), m.pk))
            dataversion.put(key, versions, cached)
        user._memberships_cache = cached
    return cached


def memberships_key(user_pk) -> str:
    return f"roles:memberships:{user_pk}"


def forget_memberships(user):
    for attribute in ("_memberships_cache", "_memberships_versions"):
        if hasattr(user, attribute):
            delattr(user, attribute)


def usable(user):
    return [m for m in memberships(user) if m.is_usable]


def is_staff(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or any(m.role == STAFF for m in memberships(user))


def is_expert(user) -> bool:
    return any(m.role == EXPERT for m in usable(user))


def recommender_ids(user) -> set[int]:
    return {m.recommender_id for m in usable(user) if m.role == RECOMMENDER}


def decider_recommender_ids(user) -> set[int]:
    """Recommending organisations the user decides for (recommends, declines, returns, ranks, hands in).

    Every member of an organisation reviews and scores; only the members marked `can_decide` decide.
    """
    return {m.recommender_id for m in usable(user) if m.role == RECOMMENDER and m.can_decide}


def unit_ids(user) -> set[int]:
    return {m.unit_id for m in usable(user) if m.role == UNIT}


def group_ids(user) -> set[int]:
    return {m.group_id for m in usable(user) if m.role == GROUP}


def led_group_ids(user) -> set[int]:
    """Groups the user leads, approved or not (a leader sees a pending group's page)."""
    return {m.group_id for m in memberships(user) if m.role == GROUP}
