import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.forms import SignupForm
from accounts.models import Membership, User
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

LOGIN_URL = "/accounts/login/"
SIGNUP_URL = "/accounts/signup/"
MISMATCH = "The email address and/or password you specified are not correct."


@pytest.fixture
def person():
    return UserFactory(email="li.hua@example.test", mobile="13812345678", full_name="李华")


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def test_login_by_email_signs_in_and_redirects_to_dashboard(client, person):
    response = client.post(LOGIN_URL, {"login": "li.hua@example.test", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    assert signed_in_user_id(client) == str(person.pk)


def test_login_by_email_ignores_case_and_spaces(client, person):
    client.post(LOGIN_URL, {"login": "  Li.Hua@Example.TEST ", "password": PASSWORD})

    assert signed_in_user_id(client) == str(person.pk)


def test_login_by_mobile_signs_in(client, person):
    response = client.post(LOGIN_URL, {"login": "13812345678", "password": PASSWORD})

    assert response["Location"] == reverse("accounts:dashboard")
    assert signed_in_user_id(client) == str(person.pk)


def test_login_wrong_password_shows_generic_error(client, person):
    response = client.post(LOGIN_URL, {"login": "li.hua@example.test", "password": "not-the-password"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [MISMATCH]
    assert signed_in_user_id(client) is None


def test_login_unknown_mobile_shows_the_same_generic_error(client, person):
    response = client.post(LOGIN_URL, {"login": "13900000000", "password": PASSWORD})

    assert response.context["form"].non_field_errors() == [MISMATCH]
    assert signed_in_user_id(client) is None


def test_login_neither_email_nor_mobile_is_refused(client, person):
    response = client.post(LOGIN_URL, {"login": "li.hua", "password": PASSWORD})

    assert response.context["form"].errors["login"] == ["Enter an email address or an 11-digit mobile number."]


def test_login_locked_out_after_five_failures(client, person):
    statuses = [
        client.post(LOGIN_URL, {"login": "li.hua@example.test", "password": f"wrong-{n}"}).status_code for n in range(5)
    ]
    locked = client.post(LOGIN_URL, {"login": "li.hua@example.test", "password": PASSWORD})

    # The fifth failure already answers with the lockout page; the right password does not help any more.
    assert statuses == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert "accounts/lockout.html" in [t.name for t in locked.templates]
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert signed_in_user_id(client) is None


def test_login_inactive_user_is_not_signed_in(client):
    UserFactory(email="gone@example.test", is_active=False)

    response = client.post(LOGIN_URL, {"login": "gone@example.test", "password": PASSWORD})

    assert response["Location"] == reverse("account_inactive")
    assert signed_in_user_id(client) is None


def test_signup_with_full_name_and_mobile_then_choose_channel(client):
    response = client.post(
        SIGNUP_URL,
        {
            "full_name": " 赵新人 ",
            "email": "new.person@example.test",
            "mobile": "13987654321",
            "password1": "Shanghai-2026-qc",
            "password2": "Shanghai-2026-qc",
        },
    )

    user = User.objects.get(email="new.person@example.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    assert (user.full_name, user.mobile, signed_in_user_id(client)) == ("赵新人", "13987654321", str(user.pk))
    assert not Membership.objects.filter(user=user).exists()

    channel = client.get(response["Location"])

    assert [t.name for t in channel.templates][0] == "accounts/choose_channel.html"
    page = channel.content.decode()
    assert f'href="{reverse("accounts:register_group")}"' in page
    assert f'href="{reverse("accounts:register_unit")}"' in page


def test_signup_mobile_already_registered_is_refused(client, person):
    response = client.post(
        SIGNUP_URL,
        {
            "full_name": "重复",
            "email": "someone.else@example.test",
            "mobile": "13812345678",
            "password1": "Shanghai-2026-qc",
            "password2": "Shanghai-2026-qc",
        },
    )

    assert response.status_code == 200
    # One message for a taken email or mobile number (tests/accounts/test_enumeration.py).
    assert response.context["form"].non_field_errors() == [str(SignupForm.TAKEN_MESSAGE)]
    assert not User.objects.filter(email="someone.else@example.test").exists()


def test_signup_invalid_mobile_is_refused(client):
    response = client.post(
        SIGNUP_URL,
        {
            "full_name": "号码错",
            "email": "bad.mobile@example.test",
            "mobile": "02163210000",
            "password1": "Shanghai-2026-qc",
            "password2": "Shanghai-2026-qc",
        },
    )

    assert response.context["form"].errors["mobile"] == ["Enter an 11-digit mainland mobile number, e.g. 13812345678."]


def test_login_next_inside_the_site_is_followed(client, person):
    response = client.post(
        f"{LOGIN_URL}?next={reverse('accounts:register_group')}", {"login": person.email, "password": PASSWORD}
    )

    assert response["Location"] == reverse("accounts:register_group")


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example/x", "http://testserver.evil.example/"])
def test_login_next_outside_the_site_is_ignored(client, person, target):
    response = client.post(f"{LOGIN_URL}?next={target}", {"login": person.email, "password": PASSWORD})

    assert response["Location"] == reverse("accounts:dashboard")


def test_signup_next_inside_the_site_is_followed(client):
    response = client.post(
        f"{SIGNUP_URL}?next={reverse('accounts:register_unit')}",
        {
            "full_name": "钱下一步",
            "email": "next.step@example.test",
            "mobile": "13711112222",
            "password1": "Shanghai-2026-qc",
            "password2": "Shanghai-2026-qc",
        },
    )

    assert response["Location"] == reverse("accounts:register_unit")
