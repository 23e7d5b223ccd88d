"""Sign-in lockout: per account and per client address, never one shared lock for everybody."""

import pytest
from django.contrib.auth import SESSION_KEY

from tests.factories import PASSWORD, UserFactory, staff_user

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

LOGIN_URL = "/accounts/login/"


def attempt(client, login, password, *, remote_addr="198.51.100.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN_URL, {"login": login, "password": password}, **extra)


def test_failures_with_made_up_addresses_from_five_clients_lock_nobody_else(client):
    staff = staff_user(email="staff.person@example.test")
    statuses = [
        attempt(client, f"nobody-{n}@example.test", "guess-123456", remote_addr=f"203.0.113.{n + 1}").status_code
        for n in range(5)
    ]

    response = attempt(client, "staff.person@example.test", PASSWORD, remote_addr="192.0.2.50")

    assert statuses == [200, 200, 200, 200, 200]
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(staff.pk)


def test_failures_are_recorded_under_the_account_they_name(client):
    from axes.models import AccessAttempt

    attempt(client, "Made.Up@Example.test", "guess-123456")

    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["made.up@example.test"]


def test_five_failures_for_one_account_lock_that_account_from_any_address(client):
    person = UserFactory(email="target@example.test")
    for n in range(5):
        attempt(client, "target@example.test", f"wrong-{n}-xyz", remote_addr=f"203.0.113.{n + 1}")
    other = UserFactory(email="bystander@example.test")

    locked = attempt(client, "target@example.test", PASSWORD, remote_addr="192.0.2.77")
    bystander = attempt(client, "bystander@example.test", PASSWORD, remote_addr="192.0.2.77")

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "for this account or from your network" in page
    assert "This account is locked" not in page
    assert bystander.status_code == 302
    assert client.session[SESSION_KEY] == str(other.pk)
    assert person.pk != other.pk


def test_five_failures_from_one_address_lock_that_address_only(client):
    UserFactory(email="victim@example.test")
    for n in range(5):
        attempt(client, f"spray-{n}@example.test", "guess-123456", remote_addr="203.0.113.9")

    same_address = attempt(client, "victim@example.test", PASSWORD, remote_addr="203.0.113.9")
    other_address = attempt(client, "victim@example.test", PASSWORD, remote_addr="203.0.113.10")

    assert same_address.status_code == 429
    assert other_address.status_code == 302


def test_behind_a_proxy_the_forwarded_client_address_is_locked_not_the_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="victim@example.test")
    proxy = "10.0.0.2"
    for n in range(5):
        attempt(client, f"spray-{n}@example.test", "guess-123456", remote_addr=proxy, forwarded="203.0.113.66")

    attacker = attempt(client, "victim@example.test", PASSWORD, remote_addr=proxy, forwarded="203.0.113.66")
    # A forged left-most entry does not move the attacker to another address: the proxy appends the real one.
    forged = attempt(client, "victim@example.test", PASSWORD, remote_addr=proxy, forwarded="192.0.2.1, 203.0.113.66")
    someone_else = attempt(client, "victim@example.test", PASSWORD, remote_addr=proxy, forwarded="198.51.100.23")

    assert (attacker.status_code, forged.status_code) == (429, 429)
    assert someone_else.status_code == 302


def test_each_locked_out_attempt_is_logged_with_the_account_digest_and_address(client, caplog):
    from core.clients import account_hash

    UserFactory(email="target@example.test")
    with caplog.at_level("WARNING", logger="saq.security"):
        statuses = [
            attempt(client, "Target@Example.test", f"wrong-{n}-xyz", remote_addr="203.0.113.5").status_code
            for n in range(6)
        ]

    records = [record for record in caplog.records if record.name == "saq.security"]
    assert statuses == [200, 200, 200, 200, 429, 429]
    assert len(records) == 2
    assert all(record.levelname == "WARNING" for record in records)
    digest = account_hash("target@example.test")
    assert records[0].getMessage() == f"sign-in locked out: account={digest} ip=203.0.113.5 limit=5"
    assert all("target@example.test" not in record.getMessage() for record in records)


def test_failures_below_the_limit_log_no_lockout(client, caplog):
    with caplog.at_level("WARNING", logger="saq.security"):
        for n in range(4):
            attempt(client, "someone@example.test", f"wrong-{n}-xyz")

    assert [record for record in caplog.records if record.name == "saq.security"] == []
