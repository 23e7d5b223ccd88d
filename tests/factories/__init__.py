"""Factories shared by every app's tests: `from tests.factories import UnitFactory, unit_contact`."""

from .accounts import (
    PASSWORD,
    ExpertFactory,
    GroupMemberFactory,
    MembershipFactory,
    QCGroupFactory,
    RecommenderFactory,
    UnitFactory,
    UserFactory,
    credit_code,
    expert_user,
    group_leader,
    recommender_member,
    staff_user,
    unit_contact,
)

__all__ = [
    "PASSWORD",
    "ExpertFactory",
    "GroupMemberFactory",
    "MembershipFactory",
    "QCGroupFactory",
    "RecommenderFactory",
    "UnitFactory",
    "UserFactory",
    "credit_code",
    "expert_user",
    "group_leader",
    "recommender_member",
    "staff_user",
    "unit_contact",
]
