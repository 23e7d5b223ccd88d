"""Who is on the other end of a request: the client address and the sign-in name, for throttling and lockouts.

Behind a reverse proxy REMOTE_ADDR is the proxy. Each trusted proxy appends the address it received the request
from to X-Forwarded-For, so with N trusted proxies the client is the N-th entry from the right; entries further
left were written by the client itself and are never trusted.
"""

import hashlib
import ipaddress
import logging

from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver

security_log = logging.getLogger("saq.security")


def _valid_ip(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The client's address: from X-Forwarded-For when TRUSTED_PROXY_COUNT proxies stand in front, else the peer."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104 - an unknown peer, not a bind address  # nosec B104
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        # Fewer hops than proxies: the request did not come through them all; the peer is all we know.
        return remote
    return _valid_ip(forwarded[-proxies]) or remote


def sign_in_name(request, credentials: dict | None = None) -> str | None:
    """The account a sign-in attempt is for, as one key per account (lower-case email).

    allauth authenticates with `email=...` while its form field is `login`; axes must see the same name for
    both, or every failure is recorded under an empty name shared by everybody.
    """
    credentials = credentials or {}
    name = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not name and request is not None and request.method == "POST":
        name = request.POST.get("login")
    name = (name or "").strip().lower()
    return name or None


def lockout_parameters(request_or_attempt, credentials: dict | None = None) -> list[str]:
    """What axes counts failures against: the account and the address; an attempt naming no account counts
    against its address only (never against a shared empty name). Axes passes a request, or a stored attempt."""
    if hasattr(request_or_attempt, "META"):
        name = sign_in_name(request_or_attempt, credentials)
    else:
        name = getattr(request_or_attempt, "username", None)
    return ["username", "ip_address"] if name else ["ip_address"]


def account_hash(name: str | None) -> str:
    """A stable short digest of a sign-in name: a log can be matched to an account without holding the address."""
    if not name:
        return "-"
    return hashlib.sha256(name.strip().lower().encode()).hexdigest()[:16]


@receiver(user_locked_out, dispatch_uid="core.clients.log_lockout")
def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    """Every refused sign-in of a locked account or address leaves a warning for the operators (axes sends this
    when the limit is reached and for each attempt while the lock lasts)."""
    security_log.warning(
        "sign-in locked out: account=%s ip=%s limit=%s",
        account_hash(username),
        ip_address or "-",
        getattr(settings, "AXES_FAILURE_LIMIT", None),
        extra={"account_hash": account_hash(username), "client_ip": ip_address},
    )
