"""Sign-up and password reset tell nobody which addresses or numbers are registered, and are throttled."""

import pytest
from django.core import mail
from django.test import Client

from accounts.forms import SignupForm
from accounts.models import User
from tests.factories import UserFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

SIGNUP_URL = "/accounts/signup/"
RESET_URL = "/accounts/password/reset/"


@pytest.fixture
def person():
    return UserFactory(email="li.hua@example.test", mobile="13812345678")


def signup(client, *, email="new.person@example.test", mobile="13987654321", password2="Shanghai-2026-qc", addr=None):
    data = {
        "full_name": "赵新人",
        "email": email,
        "mobile": mobile,
        "password1": "Shanghai-2026-qc",
        "password2": password2,
    }
    extra = {"REMOTE_ADDR": addr} if addr else {}
    return client.post(SIGNUP_URL, data, **extra)


def all_errors(response) -> list[str]:
    form = response.context["form"]
    return [str(e) for errors in form.errors.values() for e in errors]


@pytest.mark.parametrize("taken", ["email", "mobile"])
def test_an_otherwise_invalid_form_does_not_say_what_is_registered(client, person, taken):
    values = {"email": "li.hua@example.test"} if taken == "email" else {"mobile": "13812345678"}

    response = signup(client, password2="something-else-2026", **values)

    errors = all_errors(response)
    assert errors == ["You must type the same password each time."]
    assert not any("registered" in e or "already" in e for e in errors)


@pytest.mark.parametrize("taken", ["email", "mobile"])
def test_a_taken_email_or_mobile_gets_one_generic_message(client, person, taken):
    values = {"email": "LI.HUA@example.test"} if taken == "email" else {"mobile": "13812345678"}

    response = signup(client, **values)

    assert response.status_code == 200
    assert all_errors(response) == [str(SignupForm.TAKEN_MESSAGE)]  # in the language of the request
    assert User.objects.count() == 1


def test_signups_are_throttled_per_address():
    statuses = [
        signup(Client(), email=f"person{n}@example.test", mobile=f"139000000{n:02d}", addr="203.0.113.4").status_code
        for n in range(11)
    ]

    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429
    assert User.objects.count() == 10
    assert signup(Client(), email="elsewhere@example.test", addr="203.0.113.5").status_code == 302


def test_ten_password_reset_requests_send_three_mails(client, person):
    statuses = [client.post(RESET_URL, {"email": "li.hua@example.test"}).status_code for _ in range(10)]

    assert statuses[:3] == [302, 302, 302]
    assert set(statuses[3:]) == {429}
    assert len(mail.outbox) == 3


def test_password_reset_answers_the_same_for_unknown_addresses(client, person):
    known = client.post(RESET_URL, {"email": "li.hua@example.test"})
    unknown = client.post(RESET_URL, {"email": "nobody@example.test"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
