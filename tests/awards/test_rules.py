import pytest
from django.contrib.auth.models import AnonymousUser

from awards.enums import PhaseKind
from awards.models import Edition
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
def test_view_edition_is_for_everyone_once_its_window_is_scheduled(role, qc_2020):
    assert USERS[role]().has_perm("awards.view_edition", qc_2020) is True
    assert AnonymousUser().has_perm("awards.view_edition", qc_2020) is True


def test_an_edition_without_an_application_window_is_for_staff_only(qc_2020):
    qc_2020.phases.filter(kind=PhaseKind.APPLICATION).delete()
    qc_2020 = Edition.objects.get(pk=qc_2020.pk)
    assert AnonymousUser().has_perm("awards.view_edition", qc_2020) is False
    assert unit_contact().has_perm("awards.view_edition", qc_2020) is False
    assert staff_user().has_perm("awards.view_edition", qc_2020) is True


def test_view_edition_is_refused_to_deactivated_users(qc_2020):
    assert UserFactory(is_active=False).has_perm("awards.view_edition", qc_2020) is False


def test_manage_editions_is_refused_to_deactivated_staff():
    assert staff_user(is_active=False).has_perm("awards.manage_editions") is False
