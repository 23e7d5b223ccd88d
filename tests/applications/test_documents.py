"""The application form PDF (申报表): built through the documents app, Chinese text, number, checksums."""

import subprocess

import pytest
from django.core.management import call_command

from applications.documents import APPLICATION_FORM, application_for_form, application_form_version, form_context
from applications.services import application_save_draft
from documents import registry
from documents.services import document_build_now
from tests.factories.applications import submitted_application

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def pdf_text(data: bytes, tmp_path) -> str:
    """The text in reading order (a wrapped table cell stays together)."""
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def _flat(text: str) -> str:
    return "".join(text.split())


def test_kind_is_registered():
    entry = registry.get(APPLICATION_FORM)
    assert (str(entry.label), entry.permission, entry.mime_type) == (
        "Application form",
        "applications.view_application",
        "application/pdf",
    )


def test_submitted_form_carries_number_chinese_text_and_checksums(edition, group, tmp_path):
    application = submitted_application(edition=edition, group=group)

    document = document_build_now(kind=APPLICATION_FORM, obj=application)

    assert document.status == "ready", document.error
    assert document.filename == f"{application.number}-申报表.pdf"
    text = _flat(pdf_text(document.file.read(), tmp_path))
    assert application.number in text
    assert "上海市质量管理小组活动成果申报表" in text
    assert "降低数控车床加工件尺寸超差率" in text
    assert group.name in text and group.unit.name in text
    assert "问题解决型" in text and "小组成员" in text and "附件清单" in text
    for member in application.answers["members"]:
        assert member["name"] in text
    for attachment in application.attachments.filter(is_current=True):
        assert attachment.sha256 in text
    assert str(document.public_id) in text  # the verification link
    assert "草稿" not in text


def test_draft_form_is_watermarked(draft, edition, group, tmp_path):
    document = document_build_now(kind=APPLICATION_FORM, obj=draft)
    text = _flat(pdf_text(document.file.read(), tmp_path))
    assert text.startswith("草稿（未提交）")  # the running header on every page
    assert "（提交后生成）" in text
    assert (
        form_context(application_for_form(draft.pk))["watermark"] == "草稿 / 预览"
    )  # rotated text: checked before rendering
    assert form_context(application_for_form(submitted_application(edition=edition).pk))["watermark"] == ""


def test_changed_draft_rebuilds(draft, leader):
    first = document_build_now(kind=APPLICATION_FORM, obj=draft)
    checksum = first.checksum
    assert document_build_now(kind=APPLICATION_FORM, obj=draft).checksum == checksum  # same version: kept

    changed = application_save_draft(
        actor=leader,
        application=draft,
        revision=draft.revision,
        title="提高焊接一次合格率",
        category=draft.category,
        subtype=None,
        answers={},
    )
    assert application_form_version(changed) != first.source_version
    rebuilt = document_build_now(kind=APPLICATION_FORM, obj=changed)
    assert (rebuilt.pk, rebuilt.source_version) == (first.pk, application_form_version(changed))
    assert rebuilt.checksum != checksum


def test_render_document_command(edition, group, tmp_path):
    application = submitted_application(edition=edition, group=group)
    out = tmp_path / "out.pdf"

    call_command("render_document", APPLICATION_FORM, str(application.pk), str(out))

    assert application.number in _flat(pdf_text(out.read_bytes(), tmp_path))
