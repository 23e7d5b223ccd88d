import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import QCGroupFactory, expert_user, group_leader, recommender_member, staff_user, unit_contact
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

USERS = {
    "staff": staff_user,
    "recommender": recommender_member,
    "unit": unit_contact,
    "group": lambda: group_leader(QCGroupFactory()),
    "expert": expert_user,
    "no role": UserFactory,
}


@pytest.mark.parametrize(("role", "allowed"), [(role, role == "staff") for role in USERS])
def test_manage_editions_is_for_staff_only(role, allowed):
    assert USERS[role]().has_perm("awards.manage_editions") is allowed


@pytest.mark.parametrize("role", list(USERS))
def test_view_edition_is_for_every_signed_in_user(role, qc_2020):
    assert USERS[role]().has_perm("awards.view_edition", qc_2020) is True


def test_view_edition_is_refused_to_anonymous_and_deactivated_users(qc_2020):
    assert AnonymousUser().has_perm("awards.view_edition", qc_2020) is False
    assert UserFactory(is_active=False).has_perm("awards.view_edition", qc_2020) is False


def test_manage_editions_is_refused_to_deactivated_staff():
    assert staff_user(is_active=False).has_perm("awards.manage_editions") is False
