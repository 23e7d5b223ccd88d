"""Factories for accounts: people, organisations and the role memberships that tie them together.

Defaults describe the happy path: organisations are approved, every QC group has a leader who holds the group
role and three members. The helpers at the bottom return users who hold exactly one role, ready to sign in with
`client.force_login(user)` or with the password `PASSWORD`.
"""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.enums import ApprovalStatus, RecommenderKind, Role
from accounts.models import Expert, GroupMember, Membership, QCGroup, Recommender, Unit, User
from accounts.validators import credit_code_check_char

PASSWORD = "pw-test-123456"

# GB 11714 organisation code: weights of its first eight characters.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_CODE_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def organisation_code(serial: int) -> str:
    """A 9-character organisation code (GB 11714) with a valid check character, numbered by `serial`."""
    body = f"MA1{serial:05d}"
    remainder = 11 - sum(ORG_CODE_VALUES[c] * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(remainder, str(remainder))


def credit_code(serial: int, division: str = "310115") -> str:
    """A valid unified social credit code: enterprise (91), a Shanghai district, an organisation code, check char."""
    first17 = "91" + division + organisation_code(serial)
    return first17 + credit_code_check_char(first17)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    password = factory.django.Password(PASSWORD)
    is_active = True


class RecommenderFactory(DjangoModelFactory):
    class Meta:
        model = Recommender
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试{n}区市场监督管理局")
    kind = RecommenderKind.DISTRICT
    contact_name = factory.Sequence(lambda n: f"联系人{n}")
    contact_phone = "021-63210000"
    is_active = True


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"上海测试{n}精密机械有限公司")
    credit_code = factory.Sequence(credit_code)
    address = factory.Sequence(lambda n: f"上海市浦东新区测试路{n}号")
    contact_name = "张联系"
    contact_phone = "021-58880000"
    contact_email = factory.Sequence(lambda n: f"unit{n}@example.test")
    recommender = factory.SubFactory(RecommenderFactory)
    status = ApprovalStatus.APPROVED
    approved_at = factory.LazyAttribute(lambda o: timezone.now() if o.status == ApprovalStatus.APPROVED else None)

    class Params:
        pending = factory.Trait(status=ApprovalStatus.PENDING)
        direct = factory.Trait(recommender=None, is_member=True, applies_directly=True)


class QCGroupFactory(DjangoModelFactory):
    """An approved group with a leader who holds the group role and `members` (default 3) members."""

    class Meta:
        model = QCGroup
        skip_postgeneration_save = True

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"测试{n}QC小组")
    founded_on = datetime.date(2023, 3, 1)
    leader = factory.SubFactory(UserFactory)
    status = ApprovalStatus.APPROVED
    approved_at = factory.LazyAttribute(lambda o: timezone.now() if o.status == ApprovalStatus.APPROVED else None)

    class Params:
        pending = factory.Trait(status=ApprovalStatus.PENDING)

    @factory.post_generation
    def leader_membership(self, create, extracted, **kwargs):
        if create and extracted is not False:
            Membership.objects.get_or_create(user=self.leader, role=Role.GROUP, group=self)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        count = 3 if extracted is None else extracted
        if create and count:
            GroupMemberFactory.create_batch(count, group=self)


class GroupMemberFactory(DjangoModelFactory):
    class Meta:
        model = GroupMember

    group = factory.SubFactory(QCGroupFactory, members=0)
    name = factory.Sequence(lambda n: f"组员{n}")
    gender = "F"
    job_title = "工程师"
    role_in_group = "组员"
    position = factory.Sequence(lambda n: n)


class MembershipFactory(DjangoModelFactory):
    """A role for a user; pass the organisation that matches the role (staff and expert take none)."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.STAFF


class ExpertFactory(DjangoModelFactory):
    """An expert profile whose user also holds the expert role (pass `role=False` for a profile alone)."""

    class Meta:
        model = Expert
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation_name = "上海测试质量研究院"
    title = "高级工程师"
    specialities = "机械制造, 质量管理"

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted is not False:
            Membership.objects.get_or_create(user=self.user, role=Role.EXPERT)


def staff_user(**user_fields) -> User:
    """A secretariat staff member (staff role; not a Django superuser)."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, role=Role.STAFF)
    return user


def unit_contact(unit: Unit | None = None, **user_fields) -> User:
    """The contact of `unit` (a new approved unit if None)."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, role=Role.UNIT, unit=unit or UnitFactory())
    return user


def group_leader(group: QCGroup | None = None) -> User:
    """The leader of `group` (a new approved group if None), holding the group role."""
    group = group or QCGroupFactory()
    Membership.objects.get_or_create(user=group.leader, role=Role.GROUP, group=group)
    return group.leader


def recommender_member(recommender: Recommender | None = None, *, can_decide: bool = True, **user_fields) -> User:
    """A person who acts for `recommender` (a new district bureau if None): one who decides for it by default,
    a reviewer who only scores with `can_decide=False`."""
    user = UserFactory(**user_fields)
    MembershipFactory(
        user=user, role=Role.RECOMMENDER, recommender=recommender or RecommenderFactory(), can_decide=can_decide
    )
    return user


def expert_user(**user_fields) -> User:
    """An expert: profile plus expert role."""
    return ExpertFactory(user=UserFactory(**user_fields)).user
