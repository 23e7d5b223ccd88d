import pytest

from tests.factories import (
    QCGroupFactory,
    RecommenderFactory,
    UnitFactory,
    expert_user,
    recommender_member,
    staff_user,
    unit_contact,
)
from tests.helpers import client_for, messages_of  # noqa: F401  (re-exported to the tests)


@pytest.fixture
def recommender():
    return RecommenderFactory(name="浦东新区市场监督管理局")


@pytest.fixture
def recommender_user(recommender):
    return recommender_member(recommender, email="pudong@example.test", full_name="王推荐")


@pytest.fixture
def unit(recommender):
    return UnitFactory(name="上海华瑞精密机械有限公司", recommender=recommender)


@pytest.fixture
def contact(unit):
    return unit_contact(unit, email="contact@example.test", full_name="李联系")


@pytest.fixture
def group(unit):
    return QCGroupFactory(unit=unit, name="精益求精QC小组")


@pytest.fixture
def staff():
    return staff_user(email="staff@example.test", full_name="周秘书")


@pytest.fixture
def expert():
    return expert_user(email="expert@example.test", full_name="孙专家")


@pytest.fixture
def other_recommender_user():
    return recommender_member(RecommenderFactory(name="徐汇区市场监督管理局"), email="xuhui@example.test")


@pytest.fixture
def other_contact():
    return unit_contact(UnitFactory(name="上海申宝电气有限公司"), email="other-contact@example.test")
