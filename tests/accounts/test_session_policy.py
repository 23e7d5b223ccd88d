"""How long a sign-in lasts: staff and experts until the browser closes and 8 idle hours; applicants may stay
signed in ("remember me", 14 days)."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from core.sessions import LAST_ACTIVITY_KEY
from tests.factories import PASSWORD, UserFactory, expert_user, group_leader, staff_user, unit_contact
from tests.helpers import messages_of

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

LOGIN_URL = "/accounts/login/"
FOURTEEN_DAYS = 14 * 24 * 60 * 60
IDLE_MESSAGE = "You were signed out after 8 hours without activity. Sign in again to continue."
START = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


def _sign_in(user, *, remember: bool) -> Client:
    client = Client()
    data = {"login": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "on"
    response = client.post(LOGIN_URL, data)
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.session.get(SESSION_KEY) == str(user.pk)
    return client


def _visit_stays_signed_in(client, user) -> bool:
    """A request to the dashboard (which sends each role on to its page) answers without sending to sign-in."""
    response = client.get(reverse("accounts:dashboard"))
    to_login = response.get("Location", "").startswith(reverse("account_login"))
    return response.status_code in (200, 302) and not to_login and client.session.get(SESSION_KEY) == str(user.pk)


def _cookie_max_age(client) -> str:
    return str(client.cookies[settings.SESSION_COOKIE_NAME]["max-age"])


def _people():
    return {
        "staff": staff_user(email="staff@session.test"),
        "expert": expert_user(email="expert@session.test"),
        "superuser": UserFactory(email="root@session.test", is_superuser=True, is_staff=True),
        "group": group_leader(),
        "unit": unit_contact(email="unit@session.test"),
    }


def test_login_page_offers_remember_me(client):
    page = client.get(LOGIN_URL).content.decode()

    assert 'name="remember"' in page


@pytest.mark.parametrize("role", ["staff", "expert", "superuser"])
def test_staff_and_experts_are_signed_out_when_the_browser_closes_even_if_remembered(role):
    user = _people()[role]

    client = _sign_in(user, remember=True)

    assert client.session.get_expire_at_browser_close() is True
    assert _cookie_max_age(client) == ""  # a browser-session cookie: no Max-Age, no Expires
    client.get(reverse("accounts:dashboard"))
    assert client.session.get_expire_at_browser_close() is True


@pytest.mark.parametrize("role", ["group", "unit"])
def test_applicants_who_tick_remember_me_stay_signed_in_for_14_days(role):
    user = _people()[role]

    client = _sign_in(user, remember=True)

    assert client.session.get_expire_at_browser_close() is False
    assert client.session.get_expiry_age() == FOURTEEN_DAYS
    assert _cookie_max_age(client) == str(FOURTEEN_DAYS)


def test_applicants_who_do_not_tick_remember_me_are_signed_out_when_the_browser_closes():
    client = _sign_in(group_leader(), remember=False)

    assert client.session.get_expire_at_browser_close() is True


@pytest.mark.parametrize("role", ["staff", "expert"])
def test_staff_and_experts_are_signed_out_after_8_idle_hours(role):
    user = _people()[role]
    with time_machine.travel(START, tick=False):
        client = _sign_in(user, remember=True)
    with time_machine.travel(START + datetime.timedelta(hours=7, minutes=59, seconds=59), tick=False):
        assert _visit_stays_signed_in(client, user)
    # The idle time counts from the last request, not from the sign-in.
    last_request = START + datetime.timedelta(hours=7, minutes=59, seconds=59)
    with time_machine.travel(last_request + datetime.timedelta(hours=7, minutes=59), tick=False):
        assert _visit_stays_signed_in(client, user)
    idle_since = last_request + datetime.timedelta(hours=7, minutes=59)

    with time_machine.travel(idle_since + datetime.timedelta(hours=8), tick=False):
        response = client.get(reverse("accounts:dashboard"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={reverse('accounts:dashboard')}"
    assert messages_of(response)[-1] == IDLE_MESSAGE
    assert client.session.get(SESSION_KEY) is None
    login_page = client.get(response["Location"]).content.decode()
    assert IDLE_MESSAGE in login_page


def test_idle_sign_out_of_an_htmx_request_sends_the_page_to_the_sign_in():
    with time_machine.travel(START, tick=False):
        client = _sign_in(staff_user(email="staff@session.test"), remember=False)
    with time_machine.travel(START + datetime.timedelta(hours=9), tick=False):
        response = client.get(reverse("accounts:dashboard"), headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == reverse("account_login")
    assert client.session.get(SESSION_KEY) is None


def test_applicants_are_not_signed_out_when_idle():
    user = group_leader()
    with time_machine.travel(START, tick=False):
        client = _sign_in(user, remember=True)
    with time_machine.travel(START + datetime.timedelta(days=3), tick=False):
        assert _visit_stays_signed_in(client, user)

    assert LAST_ACTIVITY_KEY not in client.session


def test_recent_activity_is_recorded_at_most_once_a_minute():
    with time_machine.travel(START, tick=False):
        client = _sign_in(staff_user(email="staff@session.test"), remember=False)
        assert client.session[LAST_ACTIVITY_KEY] == int(START.timestamp())
    with time_machine.travel(START + datetime.timedelta(seconds=30), tick=False):
        client.get(reverse("accounts:dashboard"))
        assert client.session[LAST_ACTIVITY_KEY] == int(START.timestamp())
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        client.get(reverse("accounts:dashboard"))
        assert client.session[LAST_ACTIVITY_KEY] == int((START + datetime.timedelta(minutes=5)).timestamp())
