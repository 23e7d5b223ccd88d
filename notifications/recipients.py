"""Who is told about a move: the people who hold or held the application.

The parties are derived from the status table: every party from the applicant up to the highest level the
application stood at before or after the move (a closed status counts as the level it left). So a submission
tells the group and its unit, an endorsement adds the recommender, and a status added later at the association
level tells all three, without a list here to edit.
"""

from dataclasses import dataclass

from django.db.models import Q

from accounts.enums import Role
from accounts.models import Membership, User
from applications.enums import Level, status_sets
from applications.models import Application

from .enums import PARTY_LEVEL, Party

_LEVEL_ORDER = [level for level in Level if level != Level.CLOSED]


def parties_for(from_status: str, to_status: str) -> list[Party]:
    reached = [
        _LEVEL_ORDER.index(status_sets().level_of[status])
        for status in (from_status, to_status)
        if status_sets().level_of.get(status) in _LEVEL_ORDER
    ]
    if not reached:
        return []
    highest = max(reached)
    return [party for party in Party if _LEVEL_ORDER.index(PARTY_LEVEL[party]) <= highest]


@dataclass(frozen=True)
class Recipient:
    user: User
    party: Party


def recipients(application: Application, parties: list[Party], *, holder: Party | None = None) -> list[Recipient]:
    """The active people of `parties` with a mail address, each once (two queries).

    A person in several parties (a unit contact who also leads the group) is told once, with the page of the
    party that holds the application now when they belong to it, otherwise of the highest of their parties.
    """
    conditions = Q()
    if Party.APPLICANT in parties:
        if application.group_id:
            conditions |= Q(role=Role.GROUP, group_id=application.group_id)
        else:
            conditions |= Q(role=Role.UNIT, unit_id=application.unit_id)
    if Party.UNIT in parties:
        conditions |= Q(role=Role.UNIT, unit_id=application.unit_id)
    recommender_id = application.unit.recommender_id
    if Party.RECOMMENDER in parties and recommender_id:
        conditions |= Q(role=Role.RECOMMENDER, recommender_id=recommender_id)
    found: dict[int, tuple[User, set[Party]]] = {}

    def add(user: User, party: Party) -> None:
        if user.is_active and user.email:
            found.setdefault(user.pk, (user, set()))[1].add(party)

    if conditions:
        memberships = (
            Membership.objects.filter(conditions, is_active=True, user__is_active=True)
            .select_related("user")
            .order_by("user_id")
        )
        for membership in memberships:
            if membership.role == Role.GROUP or (membership.role == Role.UNIT and not application.group_id):
                if Party.APPLICANT in parties:
                    add(membership.user, Party.APPLICANT)
            if membership.role == Role.UNIT and Party.UNIT in parties:
                add(membership.user, Party.UNIT)
            if membership.role == Role.RECOMMENDER:
                add(membership.user, Party.RECOMMENDER)
    if Party.APPLICANT in parties and application.group_id:
        add(application.group.leader, Party.APPLICANT)

    order = list(Party)
    result = []
    for user, memberships_of in sorted(found.values(), key=lambda item: item[0].pk):
        party = holder if holder in memberships_of else max(memberships_of, key=order.index)
        result.append(Recipient(user=user, party=party))
    return result


def holder_of(status: str) -> Party | None:
    level = status_sets().level_of.get(status)
    return next((party for party, party_level in PARTY_LEVEL.items() if party_level == level), None)
