"""The verification URL and QR code printed on every PDF point at the portal's real address (issue 8): the public
address in production (required there), the serving address in the demo (`PORT=8010 make demo`)."""

import io
import re
import subprocess
from pathlib import Path

import pypdf
import pytest
from django.urls import reverse

from applications.documents import APPLICATION_FORM
from documents.pdf import verification_context
from documents.services import document_build_now
from tests.factories.recommenders import qc_edition, submitted_application
from tests.test_settings_modes import production_env, run

ROOT = Path(__file__).resolve().parents[2]


def pdf_text(data: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.mark.django_db
@pytest.mark.integration
def test_the_pdf_prints_the_verification_url_of_the_portal_base_url(settings):
    settings.PORTAL_BASE_URL = "http://portal.example.org"
    application = submitted_application(edition=qc_edition())

    document = document_build_now(kind=APPLICATION_FORM, obj=application)

    expected = "http://portal.example.org" + reverse("documents:verify", args=[document.public_id])
    assert verification_context(document)["verify_url"] == expected
    with document.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert expected in text
    assert "127.0.0.1" not in text


def _demo_environment(port: str | None) -> str:
    """PORTAL_BASE_URL as scripts/demo.sh exports it for PORT (its export line, run by bash)."""
    lines = [line for line in (ROOT / "scripts" / "demo.sh").read_text().splitlines() if "PORTAL_BASE_URL=" in line]
    assert len(lines) == 1, lines
    env = {"PATH": "/usr/bin:/bin"} | ({"PORT": port} if port else {})
    script = lines[0] + '\nprintf %s "$PORTAL_BASE_URL"'
    return subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, check=True).stdout


@pytest.mark.unit
def test_the_demo_prints_links_to_the_port_it_serves_on():
    assert _demo_environment("8010") == "http://127.0.0.1:8010"
    assert _demo_environment(None) == "http://127.0.0.1:8000"
    script = (ROOT / "scripts" / "demo.sh").read_text()
    exported = script.index("export PORTAL_BASE_URL=")
    # Set before anything that can build a document (seeding) and before the server starts.
    assert exported < script.index("seed_demo") < script.index("runserver")
    assert re.search(r'runserver "127\.0\.0\.1:\$\{PORT:-8000\}"', script)


@pytest.mark.unit
def test_check_deploy_fails_in_production_without_portal_base_url():
    env = production_env()
    del env["PORTAL_BASE_URL"]

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode != 0
    assert "documents.E001" in result.stderr
    assert "PORTAL_BASE_URL is not set" in result.stderr


@pytest.mark.unit
def test_check_deploy_warns_when_portal_base_url_is_this_machine():
    env = production_env() | {"PORTAL_BASE_URL": "http://127.0.0.1:8000"}

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode != 0
    assert "documents.W001" in result.stderr
