"""Staff invite recommender contacts and experts; the emailed link sets a password once."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.enums import RecommenderKind, Role
from accounts.models import Expert, Membership, Recommender, User
from core.models import AuditEntry
from tests.accounts.conftest import client_for
from tests.factories import PASSWORD

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

LINK_RE = re.compile(r"http://testserver(/portal/invitation/[^/\s]+/[^/\s]+/)")
NEW_PASSWORD = "Huangpu-2026-quality"


@pytest.fixture(autouse=True)
def _portal_base_url(settings):
    settings.PORTAL_BASE_URL = "http://testserver"


def create_recommender(staff, django_capture_on_commit_callbacks, **overrides):
    data = {
        "name": "黄浦区市场监督管理局",
        "kind": RecommenderKind.DISTRICT,
        "contact_name": "吴推荐",
        "contact_phone": "021-63210001",
        "contact_email": "Wu.Tuijian@Example.test",
        "contact_mobile": "13700000001",
    }
    data.update(overrides)
    with django_capture_on_commit_callbacks(execute=True):
        return client_for(staff).post(reverse("accounts:staff_recommender_create"), data)


def invitation_path(message) -> str:
    return LINK_RE.search(message.body).group(1)


def test_staff_create_recommender_invites_its_contact(staff, django_capture_on_commit_callbacks):
    response = create_recommender(staff, django_capture_on_commit_callbacks)

    recommender = Recommender.objects.get(name="黄浦区市场监督管理局")
    contact = User.objects.get(email="wu.tuijian@example.test")
    assert response["Location"] == reverse("accounts:staff_recommenders")
    assert (recommender.kind, recommender.contact_name, recommender.is_active) == ("district", "吴推荐", True)
    assert (contact.full_name, contact.mobile, contact.has_usable_password()) == ("吴推荐", "13700000001", False)
    assert list(Membership.objects.filter(user=contact).values_list("role", "recommender_id")) == [
        (Role.RECOMMENDER, recommender.pk)
    ]
    assert len(mail.outbox) == 1
    assert (mail.outbox[0].to, mail.outbox[0].subject) == ([contact.email], "You are invited to the SAQ Portal")
    assert invitation_path(mail.outbox[0]).startswith("/portal/invitation/")
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "recommender.created",
        "membership.granted",
    ]


def test_invitation_link_sets_password_and_signs_in(staff, django_capture_on_commit_callbacks):
    create_recommender(staff, django_capture_on_commit_callbacks)
    path = invitation_path(mail.outbox[0])
    client = Client()

    form_page = client.get(path)
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    contact = User.objects.get(email="wu.tuijian@example.test")
    recommender = Recommender.objects.get(name="黄浦区市场监督管理局")
    assert form_page.context["invited"] == contact
    assert response["Location"] == reverse("accounts:dashboard")
    assert client.session[SESSION_KEY] == str(contact.pk)
    assert contact.check_password(NEW_PASSWORD)
    assert client.get(reverse("accounts:dashboard"))["Location"] == reverse(
        "accounts:recommender_dashboard", args=[recommender.pk]
    )


def test_invitation_link_used_twice_is_invalid(staff, django_capture_on_commit_callbacks):
    create_recommender(staff, django_capture_on_commit_callbacks)
    path = invitation_path(mail.outbox[0])
    Client().post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = Client().get(path)

    assert again.status_code == 400
    assert [t.name for t in again.templates][0] == "accounts/invitation_invalid.html"


def test_invitation_link_with_forged_token_is_invalid(staff, django_capture_on_commit_callbacks):
    create_recommender(staff, django_capture_on_commit_callbacks)
    uid = invitation_path(mail.outbox[0]).split("/")[3]

    response = Client().get(reverse("accounts:accept_invitation", args=[uid, "abc-123"]))

    assert response.status_code == 400


def test_invitation_link_mismatched_passwords_keep_the_link_usable(staff, django_capture_on_commit_callbacks):
    create_recommender(staff, django_capture_on_commit_callbacks)
    path = invitation_path(mail.outbox[0])

    response = Client().post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"] == ["The two password fields didn’t match."]
    assert Client().get(path).status_code == 200


def test_existing_user_invited_as_expert_keeps_account_and_gains_role(
    staff, contact, unit, django_capture_on_commit_callbacks
):
    users_before = User.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(
            reverse("accounts:staff_expert_invite"),
            {
                "full_name": "另一个名字",
                "email": "CONTACT@example.test",
                "mobile": "",
                "organisation_name": "上海华瑞精密机械有限公司",
                "title": "高级工程师",
                "specialities": "机械制造",
            },
        )

    contact.refresh_from_db()
    assert response["Location"] == reverse("accounts:staff_experts")
    assert User.objects.count() == users_before
    assert (contact.full_name, contact.check_password(PASSWORD)) == ("李联系", True)
    assert sorted(Membership.objects.filter(user=contact).values_list("role", flat=True)) == [Role.EXPERT, Role.UNIT]
    expert = Expert.objects.get(user=contact)
    assert (expert.organisation_name, expert.title) == ("上海华瑞精密机械有限公司", "高级工程师")
    # No password link for someone who has a password: a notice of the new role instead.
    assert [(m.to, m.subject) for m in mail.outbox] == [([contact.email], "A new role on the SAQ Portal")]
    assert LINK_RE.search(mail.outbox[0].body) is None


def test_new_expert_invited_receives_link(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(staff).post(
            reverse("accounts:staff_expert_invite"),
            {
                "full_name": "钱评审",
                "email": "qian@example.test",
                "mobile": "13600000001",
                "organisation_name": "同济大学",
                "title": "教授",
                "specialities": "统计技术",
            },
        )

    expert = Expert.objects.select_related("user").get(user__email="qian@example.test")
    assert (expert.user.full_name, expert.user.has_usable_password()) == ("钱评审", False)
    assert [(m.to, m.subject) for m in mail.outbox] == [(["qian@example.test"], "You are invited to the SAQ Portal")]
    assert LINK_RE.search(mail.outbox[0].body)


def test_expert_invite_mobile_of_another_account_is_refused(staff, contact):
    response = client_for(staff).post(
        reverse("accounts:staff_expert_invite"),
        {"full_name": "冒名", "email": "new@example.test", "mobile": contact.mobile, "organisation_name": "某单位"},
    )

    assert response.context["form"].errors["mobile"] == ["This mobile number belongs to another account."]
    assert not User.objects.filter(email="new@example.test").exists()
