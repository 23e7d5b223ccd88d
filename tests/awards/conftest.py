import pytest

from awards.enums import ProgrammeKind
from tests.factories import (
    QCGroupFactory,
    expert_user,
    group_leader,
    recommender_member,
    staff_user,
    unit_contact,
)
from tests.factories.accounts import UserFactory
from tests.factories.awards import EditionFactory, ProgrammeFactory
from tests.helpers import client_for


@pytest.fixture
def staff():
    return staff_user(email="staff@example.test", full_name="周秘书")


@pytest.fixture
def staff_client(staff):
    return client_for(staff)


# Every signed-in role that is not staff: each must be refused the configuration pages.
OTHER_ROLES = {
    "recommender": lambda: recommender_member(),
    "unit": lambda: unit_contact(),
    "group": lambda: group_leader(QCGroupFactory()),
    "expert": lambda: expert_user(),
    "no role": lambda: UserFactory(),
}


@pytest.fixture(params=sorted(OTHER_ROLES))
def other_role_client(request):
    return client_for(OTHER_ROLES[request.param]())


@pytest.fixture
def qc_programme():
    return ProgrammeFactory(kind=ProgrammeKind.QC_ACHIEVEMENT, code="QC", name="上海市质量管理小组活动成果")


@pytest.fixture
def qc_2020(qc_programme):
    """The 2020 edition of seed 001, from the defaults."""
    return EditionFactory(programme=qc_programme, year=2020)
