import pytest
from django.test import RequestFactory

from core.clients import client_ip, lockout_parameters, sign_in_name

pytestmark = pytest.mark.unit


def request(remote="198.51.100.1", forwarded=None, data=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/accounts/login/", data or {}, **extra)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "203.0.113.5", "198.51.100.1"),  # no proxy trusted: the header is the client's own
        (1, "10.0.0.2", "203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.2", "1.2.3.4, 203.0.113.5", "203.0.113.5"),  # left part written by the client
        (2, "10.0.0.3", "1.2.3.4, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "10.0.0.3", "203.0.113.5", "10.0.0.3"),  # fewer hops than proxies: only the peer is known
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", "[2001:db8::7]:443", "2001:db8::7"),
        (1, "10.0.0.2", "203.0.113.5:51234", "203.0.113.5"),
        (1, "10.0.0.2", None, "10.0.0.2"),
    ],
)
def test_client_ip(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies

    assert client_ip(request(remote, forwarded)) == expected


def test_sign_in_name_prefers_credentials_and_normalises():
    assert sign_in_name(request(), {"email": " Li.Hua@Example.TEST "}) == "li.hua@example.test"
    assert sign_in_name(request(data={"login": "Li@Example.test"}), None) == "li@example.test"
    assert sign_in_name(request(data={"login": "  "}), {}) is None


def test_lockout_parameters_without_a_name_count_the_address_only():
    assert lockout_parameters(request(), {"email": "a@example.test"}) == ["username", "ip_address"]
    assert lockout_parameters(request(data={"login": ""}), {}) == ["ip_address"]
