"""Deployment checks of the address printed on every generated document (verification URL and QR code)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 - refused, not bound  # nosec B104


@register(Tags.security, deploy=True)
def check_portal_base_url(app_configs=None, **kwargs):
    """PORTAL_BASE_URL is the public address of the portal: required in production, absolute, not a loopback."""
    value = (getattr(settings, "PORTAL_BASE_URL", "") or "").strip()
    hint = "Set PORTAL_BASE_URL to the portal's public address, e.g. https://portal.example.org."
    if not value:
        return [
            Error(
                "PORTAL_BASE_URL is not set: the verification links and QR codes printed on documents would not work.",
                hint=hint,
                id="documents.E001",
            )
        ]
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        return [
            Error(
                f"PORTAL_BASE_URL {value!r} is not an absolute http(s) address without a path.",
                hint=hint,
                id="documents.E002",
            )
        ]
    if parts.hostname in LOOPBACK_HOSTS or parts.hostname.startswith("127."):
        return [
            Warning(
                f"PORTAL_BASE_URL {value!r} points at this machine: nobody else can open the verification links "
                "printed on documents.",
                hint=hint,
                id="documents.W001",
            )
        ]
    return []
