"""Conflicts of interest (回避) in a round: found automatically from the pool and the applications, or declared.

Automatic sources, for every active pool expert of the programme × every admitted application of the edition:

- SAME_UNIT: the expert's employer (PoolEntry.employer) is the applying unit;
- SAME_RECOMMENDER: the employer's recommending organisation is the applying unit's;
- CO_APPLICANT: the employer is a registered co-applicant unit of the application;
- GROUP_MEMBER: the expert's user is in the applying group. Group members (accounts.GroupMember) are people, not
  users, so a member is matched by the user holding a role in the group (leader or group membership), or by the
  same name and the same mobile number (digits compared, the member's phone against the user's mobile);
- SCORED_EARLIER: the expert's user wrote a recommenders Evaluation of the application (unit self-evaluation or
  recommender review).

A conflicted expert is never assigned (the assignment service passes conflicts to the solver) and never sees the
application (`conflicted_application_ids`).
"""

import re

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import Membership
from applications.models import Application, CoApplicant
from core.audit import audit_record
from core.exceptions import BusinessRuleError
from recommenders.models import Evaluation

from .enums import LIVE_ASSIGNMENT_STATES, AssignmentState, ConflictSource, ReviewStatus
from .models import Assignment, Conflict, PoolEntry, ReviewRound

AUTOMATIC_SOURCES = frozenset(
    {
        ConflictSource.SAME_UNIT,
        ConflictSource.SAME_RECOMMENDER,
        ConflictSource.CO_APPLICANT,
        ConflictSource.GROUP_MEMBER,
        ConflictSource.SCORED_EARLIER,
    }
)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def round_pool(round_: ReviewRound):
    """The active pool entries of the round's programme (experts and users active)."""
    return PoolEntry.objects.filter(
        programme_id=round_.edition.programme_id, is_active=True, expert__is_active=True, expert__user__is_active=True
    ).select_related("expert__user", "employer")


def round_applications(round_: ReviewRound):
    """The edition's applications admitted to review (参评)."""
    return Application.objects.filter(edition_id=round_.edition_id, status=ReviewStatus.ADMITTED)


def _automatic_pairs(round_: ReviewRound) -> set[tuple[int, int, str]]:
    """(expert id, application id, source) of every automatic conflict of the round."""
    entries = list(round_pool(round_))
    applications = list(round_applications(round_).select_related("unit").only("id", "unit_id", "group_id", "unit"))
    if not entries or not applications:
        return set()
    app_ids = [a.id for a in applications]
    by_employer, by_recommender = {}, {}
    for entry in entries:
        if entry.employer_id:
            by_employer.setdefault(entry.employer_id, []).append(entry.expert_id)
            if entry.employer.recommender_id:
                by_recommender.setdefault(entry.employer.recommender_id, []).append(entry.expert_id)
    found: set[tuple[int, int, str]] = set()
    for application in applications:
        same_unit = by_employer.get(application.unit_id, ())
        for expert_id in same_unit:
            found.add((expert_id, application.id, ConflictSource.SAME_UNIT))
        recommender_id = application.unit.recommender_id
        # An expert of the applying unit shares its recommender too: the unit is the reason staff are shown.
        for expert_id in by_recommender.get(recommender_id, ()) if recommender_id else ():
            if expert_id not in same_unit:
                found.add((expert_id, application.id, ConflictSource.SAME_RECOMMENDER))
    for application_id, unit_id in CoApplicant.objects.filter(
        application_id__in=app_ids, unit__isnull=False
    ).values_list("application_id", "unit_id"):
        for expert_id in by_employer.get(unit_id, ()):
            found.add((expert_id, application_id, ConflictSource.CO_APPLICANT))

    expert_of_user = {entry.expert.user_id: entry.expert_id for entry in entries}
    # Group members: by the user's role in the group (leader, group membership) or by name and mobile.
    apps_of_group: dict[int, list[int]] = {}
    for application in applications:
        if application.group_id:
            apps_of_group.setdefault(application.group_id, []).append(application.id)
    if apps_of_group:
        from accounts.models import GroupMember, QCGroup

        group_users = set(
            Membership.objects.filter(
                role=Role.GROUP, is_active=True, group_id__in=apps_of_group, user_id__in=expert_of_user
            ).values_list("group_id", "user_id")
        )
        group_users |= set(
            QCGroup.objects.filter(pk__in=apps_of_group, leader_id__in=expert_of_user).values_list("id", "leader_id")
        )
        person = {
            (entry.expert.user.full_name.strip(), _digits(entry.expert.user.mobile)): entry.expert_id
            for entry in entries
            if entry.expert.user.mobile
        }
        names = {name for name, _mobile in person}
        for group_id, name, phone in GroupMember.objects.filter(group_id__in=apps_of_group, name__in=names).values_list(
            "group_id", "name", "phone"
        ):
            expert_id = person.get((name.strip(), _digits(phone)[-11:]))
            if expert_id:
                for application_id in apps_of_group[group_id]:
                    found.add((expert_id, application_id, ConflictSource.GROUP_MEMBER))
        for group_id, user_id in group_users:
            for application_id in apps_of_group[group_id]:
                found.add((expert_of_user[user_id], application_id, ConflictSource.GROUP_MEMBER))

    for application_id, user_id in Evaluation.objects.filter(
        application_id__in=app_ids, reviewer_id__in=expert_of_user
    ).values_list("application_id", "reviewer_id"):
        found.add((expert_of_user[user_id], application_id, ConflictSource.SCORED_EARLIER))
    return found


@transaction.atomic
def conflicts_refresh(*, round: ReviewRound) -> int:
    """Find the round's automatic conflicts and store them as Conflict rows; return how many are new.

    Idempotent: found rows are kept, missing ones added, automatic rows of pool experts and admitted applications
    no longer found (an employer changed) removed; declared conflicts are never touched. A live assignment of a
    newly conflicted pair becomes RECUSED (the next assignment run refills the application). Refused once the
    round is closed: its assignments are final (the database refuses to move them, reviews.0008)."""
    round = ReviewRound.objects.select_for_update().get(pk=round.pk)
    if round.is_closed:
        raise BusinessRuleError(_("The round is closed."), code="round_closed")
    found = _automatic_pairs(round)
    existing = {
        (c.expert_id, c.application_id, c.source): c.pk
        for c in Conflict.objects.filter(round=round, source__in=AUTOMATIC_SOURCES, application__isnull=False)
    }
    # Only pairs this run looked at can go stale: an application that left review (or an expert who left the pool)
    # keeps its conflicts, so it stays hidden from that expert.
    checked_apps = set(round_applications(round).values_list("id", flat=True))
    checked_experts = set(round_pool(round).values_list("expert_id", flat=True))
    stale = [
        pk for key, pk in existing.items() if key not in found and key[0] in checked_experts and key[1] in checked_apps
    ]
    if stale:
        Conflict.objects.filter(pk__in=stale).delete()
    new = [key for key in found if key not in existing]
    Conflict.objects.bulk_create(
        [Conflict(round=round, expert_id=e, application_id=a, source=s) for e, a, s in sorted(new)],
        ignore_conflicts=True,
    )
    if new:
        pairs = Q()
        for expert_id, application_id, _source in new:
            pairs |= Q(expert_id=expert_id, application_id=application_id)
        Assignment.objects.filter(pairs, round=round, state__in=LIVE_ASSIGNMENT_STATES).update(
            state=AssignmentState.RECUSED, reason=_("Conflict of interest found automatically.")
        )
    return len(new)


@transaction.atomic
def conflict_declare(*, actor, round: ReviewRound, expert, application=None, unit=None, reason: str) -> Conflict:
    """The expert (or staff for them) declares a conflict with one application or a whole organisation.

    `reason` is required. Live assignments it covers become RECUSED, and each such application is refilled by the
    solver (best effort: when it cannot be refilled now, staff see it short on the assignment page). Locks the
    round; audited `conflict.declared`; declaring the same conflict twice returns the existing row."""
    reason = (reason or "").strip()
    if not reason:
        raise BusinessRuleError(_("Say why you have a conflict of interest."), code="reason_required")
    if (application is None) == (unit is None):
        raise BusinessRuleError(_("Name either one application or one organisation."), code="conflict_target")
    round_ = ReviewRound.objects.select_for_update().get(pk=round.pk)
    if round_.is_closed:
        raise BusinessRuleError(_("The round is closed."), code="round_closed")
    lookup = {"round": round_, "expert": expert}
    if application is not None:
        lookup.update(application=application, source=ConflictSource.DECLARED)
    else:
        lookup.update(unit=unit)
    conflict = Conflict.objects.filter(**lookup).first()
    if conflict is None:
        try:
            with transaction.atomic():
                conflict = Conflict.objects.create(**{"source": ConflictSource.DECLARED, **lookup}, reason=reason)
        except IntegrityError:
            conflict = Conflict.objects.get(**lookup)
            return conflict
        audit_record(
            actor=actor,
            obj=round_,
            action="conflict.declared",
            changes={
                "expert": [None, expert.pk],
                "application": [None, application and application.pk],
                "unit": [None, unit and unit.pk],
            },
            note=reason,
        )
    covered = Assignment.objects.select_for_update().filter(
        round=round_, expert=expert, state__in=LIVE_ASSIGNMENT_STATES
    )
    covered = (
        covered.filter(application=application) if application is not None else covered.filter(application__unit=unit)
    )
    recused = list(covered)
    for assignment in recused:
        assignment.state = AssignmentState.RECUSED
        assignment.reason = reason
        assignment.save(update_fields=["state", "reason", "updated_at"])
    if recused:
        from .assign import refill_applications

        refill_applications(actor=actor, round_=round_, application_ids={a.application_id for a in recused})
    return conflict


# --- Selectors -------------------------------------------------------------------------------------------------


def conflicted_application_ids(expert, round: ReviewRound) -> set[int]:
    """Ids of the round's applications `expert` must not review or see (application- and unit-level conflicts)."""
    ids = set(
        Conflict.objects.filter(round=round, expert=expert, application__isnull=False).values_list(
            "application_id", flat=True
        )
    )
    units = Conflict.objects.filter(round=round, expert=expert, unit__isnull=False).values_list("unit_id", flat=True)
    ids |= set(Application.objects.filter(edition_id=round.edition_id, unit_id__in=units).values_list("id", flat=True))
    return ids


def conflict_pairs(round_: ReviewRound) -> set[tuple[int, int]]:
    """(expert id, application id) of every conflict of the round, unit-level conflicts expanded."""
    pairs = set(
        Conflict.objects.filter(round=round_, application__isnull=False).values_list("expert_id", "application_id")
    )
    unit_conflicts = list(Conflict.objects.filter(round=round_, unit__isnull=False).values_list("expert_id", "unit_id"))
    if unit_conflicts:
        apps_of_unit: dict[int, list[int]] = {}
        for app_id, unit_id in Application.objects.filter(
            edition_id=round_.edition_id, unit_id__in={u for _e, u in unit_conflicts}
        ).values_list("id", "unit_id"):
            apps_of_unit.setdefault(unit_id, []).append(app_id)
        for expert_id, unit_id in unit_conflicts:
            pairs |= {(expert_id, a) for a in apps_of_unit.get(unit_id, ())}
    return pairs


def round_conflicts(round_: ReviewRound):
    """The round's conflicts for the staff list, with expert, application and organisation."""
    return (
        Conflict.objects.filter(round=round_)
        .select_related("expert__user", "application__unit", "application__group", "unit")
        .order_by("expert__user__full_name", "application_id", "unit_id", "source")
    )
