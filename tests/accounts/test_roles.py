"""One person, several roles: the active role decides where the dashboard leads."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from accounts.middleware import SESSION_KEY
from accounts.models import Membership
from tests.accounts.conftest import client_for, messages_of
from tests.factories import ExpertFactory, MembershipFactory, QCGroupFactory, UserFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture
def contact_and_expert(contact):
    ExpertFactory(user=contact)
    return contact


def test_dashboard_default_role_is_first_usable(contact_and_expert, unit):
    response = client_for(contact_and_expert).get(reverse("accounts:dashboard"))

    # Organisation roles come before expert reviewing (core.roles.ROLE_ORDER).
    assert response["Location"] == reverse("accounts:unit_dashboard", args=[unit.pk])


def test_switch_role_changes_dashboard_redirect(contact_and_expert, unit):
    client = client_for(contact_and_expert)
    expert_membership = Membership.objects.get(user=contact_and_expert, role=Role.EXPERT)

    response = client.post(reverse("accounts:switch_role"), {"membership": expert_membership.pk})

    assert response["Location"] == reverse("accounts:expert_dashboard")
    assert client.session[SESSION_KEY] == expert_membership.pk
    assert messages_of(response) == ["You now act as Expert."]
    assert client.get(reverse("accounts:dashboard"))["Location"] == reverse("accounts:expert_dashboard")

    unit_membership = Membership.objects.get(user=contact_and_expert, role=Role.UNIT)
    client.post(reverse("accounts:switch_role"), {"membership": unit_membership.pk})

    assert client.get(reverse("accounts:dashboard"))["Location"] == reverse("accounts:unit_dashboard", args=[unit.pk])


def test_switch_role_to_membership_of_someone_else_is_forbidden(contact_and_expert):
    stranger_membership = MembershipFactory(user=UserFactory(), role=Role.STAFF)
    client = client_for(contact_and_expert)

    response = client.post(reverse("accounts:switch_role"), {"membership": stranger_membership.pk})

    assert response.status_code == 403
    assert SESSION_KEY not in client.session


def test_switch_role_to_unusable_membership_is_forbidden(contact_and_expert):
    """A group still waiting for approval cannot be acted for."""
    pending = QCGroupFactory(pending=True, leader=contact_and_expert)
    membership = Membership.objects.get(user=contact_and_expert, group=pending)

    response = client_for(contact_and_expert).post(reverse("accounts:switch_role"), {"membership": membership.pk})

    assert response.status_code == 403


def test_switch_role_with_garbage_id_is_not_found(contact_and_expert):
    response = client_for(contact_and_expert).post(reverse("accounts:switch_role"), {"membership": "staff"})

    assert response.status_code == 404


def test_switch_role_by_get_is_not_allowed(contact_and_expert):
    assert client_for(contact_and_expert).get(reverse("accounts:switch_role")).status_code == 405


def test_navbar_lists_usable_roles_only(contact_and_expert, unit):
    QCGroupFactory(pending=True, leader=contact_and_expert, name="待批QC小组")

    response = client_for(contact_and_expert).get(reverse("accounts:expert_dashboard"))

    assert [str(m) for m in response.context["my_memberships"]] == [f"Unit contact · {unit.name}", "Expert"]


def test_superuser_without_membership_lands_on_staff_console():
    admin = UserFactory(is_superuser=True, is_staff=True)

    response = client_for(admin).get(reverse("accounts:dashboard"))

    assert response["Location"] == reverse("accounts:staff_dashboard")
