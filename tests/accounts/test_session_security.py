"""Sessions: a new session key at sign-in (no fixation), and a deactivated account is signed out at its next
request."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory, staff_user
from tests.helpers import client_for, messages_of

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

LOGIN_URL = "/accounts/login/"


def test_signing_in_rotates_the_session_key(client):
    UserFactory(email="li.hua@example.test")
    client.get(LOGIN_URL)
    session = client.session
    session["planted"] = "by someone else"  # a session that exists before sign-in, e.g. a fixed one
    session.save()
    before = session.session_key

    response = client.post(LOGIN_URL, {"login": "li.hua@example.test", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session[SESSION_KEY]
    assert client.session.session_key != before
    assert not client.session.exists(before)


def test_a_deactivated_account_is_signed_out_at_its_next_request(client):
    person = UserFactory(email="li.hua@example.test")
    client.post(LOGIN_URL, {"login": "li.hua@example.test", "password": PASSWORD})
    assert client.get(reverse("accounts:dashboard")).status_code in (200, 302)
    assert client.session[SESSION_KEY] == str(person.pk)

    person.is_active = False
    person.save(update_fields=["is_active"])
    response = client.get(reverse("accounts:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert SESSION_KEY not in client.session
    assert messages_of(response) == ["Your account is no longer active. You have been signed out."]


def test_a_deactivated_staff_member_loses_the_staff_console_at_once():
    staff = staff_user()
    client = client_for(staff)
    assert client.get(reverse("accounts:staff_dashboard")).status_code == 200

    staff.is_active = False
    staff.save(update_fields=["is_active"])
    response = client.get(reverse("accounts:staff_dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
