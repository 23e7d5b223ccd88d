"""Reads for account views, scoped to the user who asks."""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from core import roles

from .enums import ApprovalStatus, Role
from .models import Expert, Membership, QCGroup, Recommender, Unit, User


def units_visible_to(user) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("recommender")
    if roles.is_staff(user):
        return qs
    return qs.filter(Q(pk__in=roles.unit_ids(user)) | Q(recommender_id__in=roles.recommender_ids(user)))


def groups_visible_to(user) -> QuerySet[QCGroup]:
    qs = QCGroup.objects.select_related("unit", "unit__recommender", "leader")
    if roles.is_staff(user):
        return qs
    return qs.filter(
        Q(pk__in=roles.led_group_ids(user))
        | Q(unit_id__in=roles.unit_ids(user))
        | Q(unit__recommender_id__in=roles.recommender_ids(user))
    )


def unit_for(user, pk) -> Unit:
    return get_object_or_404(units_visible_to(user), pk=pk)


def group_for(user, pk) -> QCGroup:
    return get_object_or_404(groups_visible_to(user), pk=pk)


def approved_units_matching(term: str, limit: int = 20) -> list[Unit]:
    """Units a new group can join, found by part of the name or the full credit code."""
    term = (term or "").strip()
    if len(term) < 2:
        return []
    return list(
        Unit.objects.filter(status=ApprovalStatus.APPROVED)
        .filter(Q(name__icontains=term) | Q(credit_code__iexact=term))
        .select_related("recommender")
        .order_by("name")[:limit]
    )


def approved_units_search(term: str, limit: int = 20) -> tuple[list[Unit], int]:
    """The first `limit` approved units matching `term` (as `approved_units_matching`) and how many match in all."""
    term = (term or "").strip()
    if len(term) < 2:
        return [], 0
    matching = Unit.objects.filter(status=ApprovalStatus.APPROVED).filter(
        Q(name__icontains=term) | Q(credit_code__iexact=term)
    )
    units = list(matching.select_related("recommender").order_by("name")[:limit])
    total = len(units) if len(units) < limit else matching.count()
    return units, total


def unit_groups(unit: Unit) -> QuerySet[QCGroup]:
    return unit.groups.select_related("leader").annotate(member_count=Count("members")).order_by("status", "name")


def recommender_units(recommender: Recommender) -> QuerySet[Unit]:
    return recommender.units.annotate(group_count=Count("groups")).order_by("status", "name")


def recommender_pending_units(recommender: Recommender) -> QuerySet[Unit]:
    return recommender.units.filter(status=ApprovalStatus.PENDING)


def pending_for(user) -> dict:
    """What waits for this user's approval, by kind."""
    units = units_visible_to(user).filter(status=ApprovalStatus.PENDING)
    if not roles.is_staff(user):
        units = units.filter(recommender_id__in=roles.recommender_ids(user))
    groups = groups_visible_to(user).filter(status=ApprovalStatus.PENDING, unit__status=ApprovalStatus.APPROVED)
    if not roles.is_staff(user):
        groups = groups.filter(unit_id__in=roles.unit_ids(user))
    return {"units": units, "groups": groups}


def waiting_memberships(user) -> list[Membership]:
    """Memberships of the user that wait for an organisation's approval, with who approves."""
    return [m for m in roles.memberships(user) if not m.is_usable]


def staff_units(user) -> QuerySet[Unit]:
    """The staff console's unit list: pending first, then by name (filtered by `filters.UnitFilter`)."""
    return units_visible_to(user).order_by("status", "name")


def staff_groups(user) -> QuerySet[QCGroup]:
    return groups_visible_to(user).order_by("status", "name")


def staff_users() -> QuerySet[User]:
    """Every account with its memberships and their organisations (filtered by `filters.UserFilter`)."""
    return User.objects.prefetch_related(
        "memberships__recommender", "memberships__unit", "memberships__group"
    ).order_by("full_name", "email")


def staff_audit_entries():
    """The whole audit log, newest first (filtered by `filters.AuditFilter`)."""
    from core.models import AuditEntry

    return AuditEntry.objects.select_related("actor", "content_type")


def staff_counts() -> dict:
    """The staff dashboard's figures: organisations and experts that take part."""
    return {
        "recommenders": Recommender.objects.count(),
        "units": Unit.objects.filter(status=ApprovalStatus.APPROVED).count(),
        "groups": QCGroup.objects.filter(status=ApprovalStatus.APPROVED).count(),
        "experts": Expert.objects.filter(is_active=True).count(),
    }


# Plain fetches by primary key for views whose permission check follows (a missing row is a 404).


def unit_by_pk(pk) -> Unit:
    return get_object_or_404(Unit, pk=pk)


def group_by_pk(pk) -> QCGroup:
    return get_object_or_404(QCGroup.objects.select_related("unit"), pk=pk)


def recommender_by_pk(pk) -> Recommender:
    return get_object_or_404(Recommender, pk=pk)


def user_by_pk(pk) -> User:
    return get_object_or_404(User, pk=pk)


def membership_by_pk(pk) -> Membership:
    return get_object_or_404(Membership, pk=pk)


def user_memberships(user: User) -> QuerySet[Membership]:
    return user.memberships.select_related("recommender", "unit", "group")


def expert_of(user) -> Expert:
    return get_object_or_404(Expert, user=user)


def user_from_uid(uidb64: str) -> User | None:
    """The account an invitation link names (its id, base64-encoded), or None for a broken or unknown id."""
    from django.utils.encoding import force_str
    from django.utils.http import urlsafe_base64_decode

    try:
        return User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        return None


def staff_experts() -> QuerySet[Expert]:
    return Expert.objects.select_related("user").order_by("user__full_name")


def staff_recommenders() -> QuerySet[Recommender]:
    return Recommender.objects.annotate(
        unit_count=Count("units", distinct=True),
        contact_count=Count("memberships", filter=Q(memberships__role=Role.RECOMMENDER), distinct=True),
    ).order_by("kind", "name")


# What the unit's history shows of its QC groups: their registration and every approval decision on them.
UNIT_GROUP_ACTIONS = ("group.registered", *(f"group.{status}" for status in ApprovalStatus.values))


def unit_activity(unit: Unit, *, limit: int = 20):
    """The unit's history (操作记录), newest first: what was done to the unit itself, and the registration and
    approval decisions of its QC groups (audited on the group, so also found through the unit as their owner)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from core.models import AuditEntry

    group_ids = QCGroup.objects.filter(unit=unit).annotate(key=Cast("pk", CharField())).values("key")
    own = Q(content_type=ContentType.objects.get_for_model(Unit), object_id=str(unit.pk))
    groups = Q(
        content_type=ContentType.objects.get_for_model(QCGroup), object_id__in=group_ids, action__in=UNIT_GROUP_ACTIONS
    )
    return list(AuditEntry.objects.filter(own | groups).select_related("actor", "content_type")[:limit])
