"""Every write to accounts and organisations. Keyword-only, atomic, audited; mail goes out after commit."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core import roles
from core.audit import audit_record, created, diff, snapshot
from core.exceptions import BusinessRuleError
from core.mail import mail_after_commit

from .enums import APPROVAL_TRANSITIONS, ApprovalStatus, Role
from .models import Expert, Membership, QCGroup, Recommender, Unit, User

UNIT_FIELDS = (
    "name",
    "credit_code",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
    "recommender",
    "is_member",
    "applies_directly",
)
GROUP_FIELDS = ("name", "registration_number", "founded_on", "description")


def _mail(*, to: list[str], template: str, context: dict) -> None:
    mail_after_commit(to=to, template=f"accounts/email/{template}", context=context)


def _emails_of(memberships) -> list[str]:
    return sorted({m.user.email for m in memberships if m.user.is_active})


def staff_emails() -> list[str]:
    return _emails_of(Membership.objects.filter(role=Role.STAFF, is_active=True).select_related("user"))


def approvers_of_unit(unit: Unit) -> list[str]:
    """Who approves a unit: its recommending organisation, or staff for units that apply directly."""
    if unit.recommender_id:
        people = Membership.objects.filter(role=Role.RECOMMENDER, recommender=unit.recommender, is_active=True)
        emails = _emails_of(people.select_related("user"))
        if emails:
            return emails
    return staff_emails()


def approvers_of_group(group: QCGroup) -> list[str]:
    people = Membership.objects.filter(role=Role.UNIT, unit=group.unit, is_active=True).select_related("user")
    return _emails_of(people) or staff_emails()


def _full_clean(obj, exclude=None):
    obj.full_clean(exclude=exclude)


@transaction.atomic
def unit_register(*, actor: User, data: dict) -> Unit:
    """A unit contact registers a unit: the unit waits for approval and the actor becomes its contact."""
    unit = Unit(**{k: data[k] for k in UNIT_FIELDS if k in data})
    unit.credit_code = unit.credit_code.strip().upper()
    unit.status = ApprovalStatus.PENDING
    _full_clean(unit)
    unit.save()
    Membership.objects.create(user=actor, role=Role.UNIT, unit=unit)
    roles.forget_memberships(actor)
    audit_record(actor=actor, obj=unit, action="unit.registered", changes=created(unit, UNIT_FIELDS))
    _mail(to=approvers_of_unit(unit), template="unit_pending", context={"unit": unit, "base": settings.PORTAL_BASE_URL})
    return unit


@transaction.atomic
def group_register(*, actor: User, unit: Unit | None, new_unit: dict | None, data: dict) -> QCGroup:
    """A group leader registers a QC group under an existing unit, or under a unit they ask to be created.

    A unit asked for this way waits for its recommender's (or staff's) approval; the group then waits for
    its unit's contact, or staff where the unit has no contact yet.
    """
    if unit is None:
        if not new_unit:
            raise BusinessRuleError(_("Choose your unit or ask for a new one."))
        unit = Unit(**{k: new_unit[k] for k in UNIT_FIELDS if k in new_unit})
        unit.credit_code = unit.credit_code.strip().upper()
        _full_clean(unit)
        unit.save()
        audit_record(actor=actor, obj=unit, action="unit.requested", changes=created(unit, UNIT_FIELDS))
        _mail(
            to=approvers_of_unit(unit),
            template="unit_pending",
            context={"unit": unit, "base": settings.PORTAL_BASE_URL},
        )
    elif unit.status != ApprovalStatus.APPROVED:
        raise BusinessRuleError(_("This unit is not approved yet; choose an approved unit."))
    group = QCGroup(unit=unit, leader=actor, **{k: data[k] for k in GROUP_FIELDS if k in data})
    _full_clean(group)
    group.save()
    Membership.objects.create(user=actor, role=Role.GROUP, group=group)
    roles.forget_memberships(actor)
    audit_record(actor=actor, obj=group, action="group.registered", changes=created(group, GROUP_FIELDS + ("unit",)))
    if unit.status == ApprovalStatus.APPROVED:
        _mail(
            to=approvers_of_group(group),
            template="group_pending",
            context={"group": group, "base": settings.PORTAL_BASE_URL},
        )
    return group


def _set_status(*, actor, model, pk, status: str, note: str, action: str):
    obj = model.objects.select_for_update().get(pk=pk)
    if obj.status == status:
        return obj, False
    if status not in APPROVAL_TRANSITIONS[obj.status]:
        raise BusinessRuleError(
            _("Cannot change the status from “%(old)s” to “%(new)s”.")
            % {"old": obj.get_status_display(), "new": ApprovalStatus(status).label}
        )
    if status == ApprovalStatus.REJECTED and not note.strip():
        raise BusinessRuleError(_("Give the reason for the rejection."))
    before = snapshot(obj, ["status", "status_note", "approved_at"])
    obj.status = status
    obj.status_note = note.strip()
    if status == ApprovalStatus.APPROVED:
        obj.approved_at = timezone.now()
    obj.save(update_fields=["status", "status_note", "approved_at", "updated_at"])
    audit_record(actor=actor, obj=obj, action=action, changes=diff(before, obj), note=note)
    return obj, True


@transaction.atomic
def unit_set_status(*, actor: User, unit: Unit, status: str, note: str = "") -> Unit:
    """Approve, reject, deactivate or reactivate a unit. Locks the row; a no-op when nothing changes."""
    unit, changed = _set_status(actor=actor, model=Unit, pk=unit.pk, status=status, note=note, action=f"unit.{status}")
    if changed:
        contacts = _emails_of(unit.memberships.filter(role=Role.UNIT).select_related("user"))
        _mail(to=contacts, template="status_changed", context={"obj": unit, "base": settings.PORTAL_BASE_URL})
        if status == ApprovalStatus.APPROVED:
            for group in unit.groups.filter(status=ApprovalStatus.PENDING).select_related("unit"):
                _mail(
                    to=approvers_of_group(group),
                    template="group_pending",
                    context={"group": group, "base": settings.PORTAL_BASE_URL},
                )
    return unit


@transaction.atomic
def group_set_status(*, actor: User, group: QCGroup, status: str, note: str = "") -> QCGroup:
    """Approve, reject, deactivate or reactivate a QC group. The unit must be approved before its groups."""
    if status == ApprovalStatus.APPROVED and group.unit.status != ApprovalStatus.APPROVED:
        raise BusinessRuleError(_("The group's unit is not approved yet; approve the unit first."))
    group, changed = _set_status(
        actor=actor, model=QCGroup, pk=group.pk, status=status, note=note, action=f"group.{status}"
    )
    if changed:
        _mail(
            to=[group.leader.email], template="status_changed", context={"obj": group, "base": settings.PORTAL_BASE_URL}
        )
    return group


@transaction.atomic
def unit_confirm_direct(*, actor: User, unit: Unit, confirmed: bool) -> Unit:
    """Staff confirm (or withdraw) a member unit's right to apply directly, skipping the recommender."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if confirmed and not (unit.is_member and unit.applies_directly):
        raise BusinessRuleError(_("Only association members that asked to apply directly can be confirmed."))
    before = snapshot(unit, ["direct_confirmed"])
    unit.direct_confirmed = confirmed
    unit.save(update_fields=["direct_confirmed", "updated_at"])
    audit_record(actor=actor, obj=unit, action="unit.direct_confirmed", changes=diff(before, unit))
    return unit


@transaction.atomic
def group_members_save(*, actor: User, group: QCGroup, formset) -> QCGroup:
    """Save the member list of a group from a validated formset, auditing the names before and after."""
    before = list(group.members.values_list("name", flat=True))
    for position, form in enumerate(formset.ordered_forms if formset.can_order else formset.forms):
        if not form.has_changed() and not form.instance.pk:
            continue
        if formset.can_delete and form.cleaned_data.get("DELETE"):
            if form.instance.pk:
                form.instance.delete()
            continue
        member = form.save(commit=False)
        member.group = group
        member.position = position
        member.save()
    after = list(group.members.values_list("name", flat=True))
    if before != after:
        audit_record(actor=actor, obj=group, action="group.members_changed", changes={"members": [before, after]})
    return group


def invitation_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.PORTAL_BASE_URL + reverse("accounts:accept_invitation", kwargs={"uidb64": uid, "token": token})


def _invite(*, user: User, role_label: str) -> None:
    """Mail a set-your-password link to a user created by staff (only while they have no password)."""
    if user.has_usable_password():
        _mail(
            to=[user.email],
            template="role_granted",
            context={"user": user, "role": role_label, "base": settings.PORTAL_BASE_URL},
        )
        return
    url = invitation_url(user)
    _mail(to=[user.email], template="invitation", context={"user": user, "role": role_label, "url": url})


def _user_for_invitation(*, email: str, full_name: str, mobile: str | None) -> tuple[User, bool]:
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user:
        return user, False
    user = User(email=email, full_name=full_name, mobile=mobile or None)
    user.set_unusable_password()
    _full_clean(user, exclude=["password"])
    user.save()
    return user, True


@transaction.atomic
def recommender_create(
    *,
    actor: User,
    name: str,
    kind: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    contact_mobile: str | None = None,
) -> Recommender:
    """Staff create a recommending organisation and invite its first contact (an existing user keeps theirs)."""
    recommender = Recommender(name=name, kind=kind, contact_name=contact_name, contact_phone=contact_phone)
    _full_clean(recommender)
    recommender.save()
    audit_record(
        actor=actor,
        obj=recommender,
        action="recommender.created",
        changes=created(recommender, ["name", "kind", "contact_name", "contact_phone"]),
    )
    membership_grant(
        actor=actor,
        email=contact_email,
        full_name=contact_name,
        mobile=contact_mobile,
        role=Role.RECOMMENDER,
        recommender=recommender,
    )
    return recommender


@transaction.atomic
def expert_invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    mobile: str | None,
    organisation_name: str,
    title: str = "",
    specialities: str = "",
) -> Expert:
    """Staff invite an expert. A person who already has an account (a unit contact, say) gains the role."""
    membership = membership_grant(actor=actor, email=email, full_name=full_name, mobile=mobile, role=Role.EXPERT)
    return expert_profile_ensure(
        actor=actor,
        user=membership.user,
        organisation_name=organisation_name,
        title=title,
        specialities=specialities,
    )


@transaction.atomic
def expert_profile_ensure(
    *, actor: User, user: User, organisation_name: str = "-", title: str = "", specialities: str = ""
) -> Expert:
    """The expert profile of `user`, created (and audited as expert.created) if missing; an existing profile is
    returned unchanged. The expert channel needs the profile next to the role."""
    expert, is_new = Expert.objects.get_or_create(
        user=user,
        defaults={"organisation_name": organisation_name, "title": title, "specialities": specialities},
    )
    if is_new:
        audit_record(
            actor=actor,
            obj=expert,
            action="expert.created",
            changes=created(expert, ["organisation_name", "title", "specialities"]),
        )
    return expert


@transaction.atomic
def user_role_grant(
    *,
    actor: User,
    user: User,
    role: str,
    recommender: Recommender | None = None,
    unit: Unit | None = None,
    can_decide: bool | None = None,
) -> Membership:
    """Staff give an existing account a role (staff console, person page). An expert role also creates the
    expert profile (audited), so the person can use the expert channel at once."""
    membership = membership_grant(
        actor=actor,
        email=user.email,
        full_name=user.full_name,
        mobile=user.mobile,
        role=role,
        recommender=recommender if role == Role.RECOMMENDER else None,
        unit=unit if role == Role.UNIT else None,
        can_decide=can_decide if role == Role.RECOMMENDER else None,
    )
    if role == Role.EXPERT:
        expert_profile_ensure(actor=actor, user=membership.user)
    return membership


@transaction.atomic
def membership_grant(
    *,
    actor: User,
    email: str,
    full_name: str,
    mobile: str | None,
    role: str,
    recommender: Recommender | None = None,
    unit: Unit | None = None,
    group: QCGroup | None = None,
    can_decide: bool | None = None,
) -> Membership:
    """Give a person (found by email, or created and invited) a role. Idempotent for an existing role.

    For a recommending organisation, `can_decide` says whether the person decides for it (recommends, declines,
    returns, ranks, hands in) or only reviews and scores. Left as None, the person decides when the organisation has
    no active decider yet (its first member, the contact staff invite), and reviews otherwise.
    """
    user, _created = _user_for_invitation(email=email, full_name=full_name, mobile=mobile)
    if role == Role.RECOMMENDER:
        Recommender.objects.select_for_update().get(pk=recommender.pk)  # one decider check at a time
        has_decider = (
            Membership.objects.filter(role=Role.RECOMMENDER, recommender=recommender, is_active=True, can_decide=True)
            .exclude(user=user)
            .exists()
        )
        decides = bool(can_decide) or not has_decider
    else:
        decides = False
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, recommender=recommender, unit=unit, group=group, defaults={"can_decide": decides}
    )
    if not created and membership.is_active:
        if role == Role.RECOMMENDER and can_decide is not None and membership.can_decide != can_decide:
            return membership_set_decider(actor=actor, membership=membership, can_decide=can_decide)
        return membership
    if not membership.is_active or membership.can_decide != decides:
        membership.is_active, membership.can_decide = True, decides
        membership.save(update_fields=["is_active", "can_decide", "updated_at"])
    roles.forget_memberships(user)
    changes = {"role": [None, role], "organisation": [None, str(membership.organisation or "")]}
    if role == Role.RECOMMENDER:
        changes["can_decide"] = [None, decides]
    audit_record(actor=actor, obj=user, action="membership.granted", changes=changes)
    _invite(user=user, role_label=str(membership))
    return membership


@transaction.atomic
def membership_set_active(*, actor: User, membership: Membership, is_active: bool) -> Membership:
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if membership.is_active == is_active:
        return membership
    if not is_active and membership.role == Role.STAFF and membership.user_id == actor.pk:
        raise BusinessRuleError(_("You cannot remove your own staff role."))
    if not is_active and membership.can_decide and _is_last_decider(membership):
        others = Membership.objects.filter(
            role=Role.RECOMMENDER, recommender_id=membership.recommender_id, is_active=True
        ).exclude(pk=membership.pk)
        if others.exists():
            raise BusinessRuleError(_last_decider_message())
    membership.is_active = is_active
    membership.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        obj=membership.user,
        action="membership.activated" if is_active else "membership.deactivated",
        changes={"membership": str(membership), "is_active": [not is_active, is_active]},
    )
    return membership


def _last_decider_message() -> str:
    return _(
        "This person is the only member who decides for the recommending organisation; let another member decide first."
    )


def _is_last_decider(membership: Membership) -> bool:
    """Whether `membership` is its recommending organisation's only active decider (call under the lock)."""
    return not (
        Membership.objects.filter(
            role=Role.RECOMMENDER, recommender_id=membership.recommender_id, is_active=True, can_decide=True
        )
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_set_decider(*, actor: User, membership: Membership, can_decide: bool) -> Membership:
    """Staff let a member of a recommending organisation decide for it, or make them a reviewer who only scores.
    An organisation keeps at least one active decider."""
    membership = (
        Membership.objects.select_for_update(of=("self",)).select_related("user", "recommender").get(pk=membership.pk)
    )
    if membership.role != Role.RECOMMENDER:
        raise BusinessRuleError(_("Only members of a recommending organisation decide or review for it."))
    Recommender.objects.select_for_update().get(pk=membership.recommender_id)
    if membership.can_decide == can_decide:
        return membership
    if not can_decide and membership.is_active and _is_last_decider(membership):
        raise BusinessRuleError(_last_decider_message())
    membership.can_decide = can_decide
    membership.save(update_fields=["can_decide", "updated_at"])
    roles.forget_memberships(membership.user)
    audit_record(
        actor=actor,
        obj=membership.user,
        action="membership.decider_set" if can_decide else "membership.reviewer_set",
        changes={"membership": str(membership), "can_decide": [not can_decide, can_decide]},
    )
    return membership


@transaction.atomic
def user_set_active(*, actor: User, user: User, is_active: bool) -> User:
    """Staff deactivate or reactivate an account; a deactivated account can no longer sign in."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk and not is_active:
        raise BusinessRuleError(_("You cannot deactivate your own account."))
    if user.is_active == is_active:
        return user
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        obj=user,
        action="user.activated" if is_active else "user.deactivated",
        changes={"is_active": [not is_active, is_active]},
    )
    return user


@transaction.atomic
def recommender_set_active(*, actor: User, recommender: Recommender, is_active: bool, note: str = "") -> Recommender:
    """Staff revoke (or restore) a recommending organisation's right to recommend."""
    recommender = Recommender.objects.select_for_update().get(pk=recommender.pk)
    if recommender.is_active == is_active:
        return recommender
    if not is_active and not note.strip():
        raise BusinessRuleError(_("Give the reason for revoking the recommending organisation."))
    recommender.is_active = is_active
    recommender.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        obj=recommender,
        action="recommender.activated" if is_active else "recommender.revoked",
        changes={"is_active": [not is_active, is_active]},
        note=note,
    )
    return recommender
