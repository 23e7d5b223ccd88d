"""A missing CJK font is an error at start-up and a clear failed build, never a PDF of empty boxes."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from documents import fonts
from documents.enums import DocumentStatus
from documents.services import document_build_now

from .builders import UNIT_SHEET

pytestmark = pytest.mark.unit


@pytest.fixture
def no_cjk_font(monkeypatch):
    monkeypatch.setattr(fonts, "installed_cjk_family", lambda: None)


def test_this_machine_has_the_font_the_templates_ask_for():
    assert fonts.installed_cjk_family() == fonts.CJK_FAMILY
    assert fonts.check_cjk_font() == []


def test_check_fails_without_a_cjk_font(no_cjk_font):
    with pytest.raises(SystemCheckError) as error:
        call_command("check")

    assert "documents.E010" in str(error.value)
    assert "apt-get install fonts-noto-cjk" in str(error.value)


@pytest.mark.django_db
def test_a_pdf_build_without_the_font_fails_clearly_and_stores_nothing(
    sheet_kind, unit, contact, no_cjk_font, settings
):
    document = document_build_now(kind=UNIT_SHEET, obj=unit, actor=contact)

    assert document.status == DocumentStatus.FAILED
    assert document.error.startswith("MissingFontError: ")
    assert not document.file
    assert [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] == []
    assert document.failure_message == str(fonts.MissingFontError.user_message)


@pytest.mark.django_db
def test_the_status_page_says_the_font_is_missing(sheet_kind, unit, contact, contact_client, no_cjk_font):
    document = document_build_now(kind=UNIT_SHEET, obj=unit, actor=contact)

    html = contact_client.get(reverse("documents:status", args=[document.pk]), HTTP_HX_REQUEST="true").content.decode()

    assert "The server has no Chinese font installed" in html
    assert "MissingFontError" not in html
