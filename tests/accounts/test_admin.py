"""The Django admin cannot bypass the services and their audit log (issue 7): every workflow model is read-only
there, and the user accounts it still edits are audited."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from accounts.enums import Role
from accounts.models import User
from core.models import AuditEntry
from tests.accounts.conftest import client_for
from tests.factories import UnitFactory, UserFactory, recommender_member

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

# The apps whose rows carry the award workflow; changes there go through services (rules, locks, audit).
WORKFLOW_APPS = {"core", "accounts", "awards", "applications", "recommenders", "documents"}


@pytest.fixture
def superuser():
    return User.objects.create_superuser("root@example.test", "root-pass-2026", full_name="根管理员")


def workflow_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in WORKFLOW_APPS and model is not User
    ]


def test_every_workflow_model_admin_refuses_add_change_and_delete_for_a_superuser(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    labels = sorted(model._meta.label for model, _ in workflow_admins())
    assert {"accounts.Recommender", "accounts.Unit", "accounts.QCGroup", "accounts.Expert"} <= set(labels)
    writable = []
    for model, model_admin in workflow_admins():
        for name, allowed in (
            ("add", model_admin.has_add_permission(request)),
            ("change", model_admin.has_change_permission(request)),
            ("delete", model_admin.has_delete_permission(request)),
        ):
            if allowed:
                writable.append(f"{model._meta.label}: {name}")
        for inline in model_admin.get_inline_instances(request):
            if inline.has_add_permission(request, None) or inline.has_change_permission(request):
                writable.append(f"{model._meta.label} inline {inline.model._meta.label}")
            if inline.can_delete and inline.has_delete_permission(request):
                writable.append(f"{model._meta.label} inline {inline.model._meta.label}: delete")
    assert writable == [], labels


def test_a_superuser_cannot_change_a_unit_through_the_admin(superuser):
    unit = UnitFactory(name="上海华瑞精密机械有限公司")
    client = client_for(superuser)
    url = reverse("admin:accounts_unit_change", args=[unit.pk])
    assert client.get(url).status_code == 200  # view only
    response = client.post(url, {"name": "改名公司", "status": "rejected"})
    assert response.status_code == 403
    unit.refresh_from_db()
    assert (unit.name, unit.status) == ("上海华瑞精密机械有限公司", "approved")
    assert client.post(reverse("admin:accounts_unit_delete", args=[unit.pk]), {"post": "yes"}).status_code == 403


def test_user_accounts_cannot_be_deleted_in_the_admin_and_their_roles_are_read_only(superuser):
    person = recommender_member()
    request = RequestFactory().get("/admin/")
    request.user = superuser
    user_admin = admin.site._registry[User]
    assert user_admin.has_delete_permission(request, person) is False
    inline = user_admin.get_inline_instances(request, person)[0]
    assert (inline.has_add_permission(request, person), inline.has_change_permission(request, person)) == (
        False,
        False,
    )
    assert person.memberships.get().role == Role.RECOMMENDER


def test_a_user_changed_in_the_admin_is_audited(superuser):
    person = UserFactory(email="li@example.test", full_name="李旧名", mobile="13800000001")
    url = reverse("admin:accounts_user_change", args=[person.pk])
    data = {
        "email": "li@example.test",
        "full_name": "李新名",
        "mobile": "13800000001",
        "is_active": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    response = client_for(superuser).post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    person.refresh_from_db()
    assert person.full_name == "李新名"
    entry = AuditEntry.objects.get(action="user.changed_in_admin", object_id=str(person.pk))
    assert (entry.actor, entry.changes) == (superuser, {"full_name": ["李旧名", "李新名"]})


def test_a_password_set_in_the_admin_is_audited_without_the_password(superuser):
    person = UserFactory(email="wang@example.test")
    url = reverse("admin:auth_user_password_change", args=[person.pk])
    response = client_for(superuser).post(
        url, {"password1": "A-new-pass-2026!", "password2": "A-new-pass-2026!", "usable_password": "true"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("A-new-pass-2026!")
    entry = AuditEntry.objects.get(action="user.changed_in_admin", object_id=str(person.pk))
    assert entry.changes == {"password": ["********", "********"]}
    assert "A-new-pass-2026!" not in str(entry.changes)
