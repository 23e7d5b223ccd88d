"""Security headers on every kind of page, and no inline script anywhere (the CSP allows scripts from our origin
only: an inline <script> or an on*= handler would be silently refused by the browser)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from applications.models import Attachment
from tests.factories import expert_user, group_leader, recommender_member, staff_user, unit_contact
from tests.factories.applications import submitted_application
from tests.factories.awards import open_edition
from tests.helpers import client_for

ROOT = Path(__file__).resolve().parent.parent.parent

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"application/(?:ld\+)?json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
SCRIPT_URL = re.compile(r"javascript:", re.I)
HTMX_INLINE = re.compile(r"\shx-on[:-]", re.I)  # htmx's inline handlers need eval, which the CSP refuses


def inline_code(html: str) -> list[str]:
    found = []
    for name, pattern in (
        ("inline script", INLINE_SCRIPT),
        ("event handler", EVENT_HANDLER),
        ("javascript: URL", SCRIPT_URL),
        ("hx-on", HTMX_INLINE),
    ):
        found += [f"{name}: {match.group(0)[:80]!r}" for match in pattern.finditer(html)]
    return found


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_security_headers(response, *, signed_in: bool):
    csp = csp_directives(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    if signed_in:  # anonymous pages keep their own caching (tests/core/test_cache_control.py)
        assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


# --- The pages ---------------------------------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.django_db
def test_headers_on_public_pages_role_dashboards_and_a_download(client):
    application = submitted_application(edition=open_edition())
    attachment = Attachment.objects.filter(application=application, is_current=True).first()
    recommender = recommender_member()
    recommender_pk = recommender.memberships.get().recommender_id
    leader = group_leader(application.group)
    pages = [
        (None, reverse("home"), 200),
        (None, reverse("account_login"), 200),
        (None, reverse("notices:list"), 200),
        (None, "/no-such-page/", 404),
        (leader, reverse("accounts:group_dashboard", args=[application.group_id]), 200),
        (unit_contact(application.unit), reverse("accounts:unit_dashboard", args=[application.unit_id]), 200),
        (recommender, reverse("accounts:recommender_dashboard", args=[recommender_pk]), 200),
        (expert_user(), reverse("accounts:expert_dashboard"), 200),
        (staff_user(), reverse("accounts:staff_dashboard"), 200),
        (leader, reverse("applications:attachment_download", args=[application.pk, attachment.pk]), 200),
    ]
    for user, url, status in pages:
        response = (client_for(user) if user else client).get(url)
        assert response.status_code == status, url
        assert_security_headers(response, signed_in=user is not None)
        if response["Content-Type"].startswith("text/html"):
            assert inline_code(response.content.decode()) == [], url


@pytest.mark.unit
@pytest.mark.django_db
def test_hsts_in_production(client, settings):
    # The production values (saq_portal/settings/production.py; `check --deploy` fails without them).
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    response = client.get(reverse("home"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.unit
def test_csp_allows_no_inline_or_evaluated_script():
    policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for directive in ("script-src", "default-src", "script-src-attr", "script-src-elem"):
        sources = " ".join(policy.get(directive, []))
        assert "unsafe-" not in sources, directive
        assert "*" not in sources and "data:" not in sources, directive


# --- The templates -----------------------------------------------------------------------------------------------


def template_files() -> list[Path]:
    skip = {".venv", "node_modules", "var", ".git"}
    return [
        path
        for path in ROOT.rglob("*.html")
        if "templates" in path.parts and not skip & set(path.relative_to(ROOT).parts)
    ]


@pytest.mark.unit
def test_no_template_has_inline_script_or_event_handlers():
    files = template_files()
    found = {str(path.relative_to(ROOT)): inline_code(path.read_text()) for path in files}

    assert len(files) > 100
    assert {path: hits for path, hits in found.items() if hits} == {}


@pytest.mark.unit
@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<script type="text/javascript">x()</script>',
        '<button type="button" onclick="go()">',
        "<body\n  onload='go()'>",
        '<a href="javascript:go()">',
        '<div hx-on:click="go()">',
    ],
)
def test_the_template_scan_finds_inline_code(html):
    assert inline_code(html)


@pytest.mark.unit
@pytest.mark.parametrize(
    "html",
    [
        '<script src="/static/js/portal.js" defer></script>',
        '<script id="data" type="application/json">{"a": 1}</script>',
        '<p data-action="online">Go online = now</p>',
    ],
)
def test_the_template_scan_lets_external_scripts_and_data_pass(html):
    assert inline_code(html) == []
