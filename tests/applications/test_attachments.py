"""Uploads are checked by content; a replaced file stays in history; downloads go through a permission check."""

import hashlib

import pytest
from django.urls import reverse

from applications.models import Attachment
from awards.models import AttachmentRequirement
from tests.factories.applications import draft_application, pdf_bytes, png_bytes, upload

from .conftest import client_for, messages_of

pytestmark = [pytest.mark.django_db, pytest.mark.unit]


@pytest.fixture
def application(edition, group):
    return draft_application(edition=edition, group=group, complete=False)


@pytest.fixture
def report(edition):
    return edition.attachment_requirements.get(code="report")  # 成果报告（PDF）: PDF only, 20 MB


@pytest.fixture
def scan(edition):
    return edition.attachment_requirements.get(code="stamped_form")  # PDF, JPG or PNG, 10 MB


def _post(client, application, requirement, name, data):
    return client.post(
        reverse("applications:attachments", args=[application.pk]),
        {"requirement": requirement.pk, "file": upload(name, data)},
    )


def _error_of(response) -> str:
    page = response.content.decode()
    start = page.index('data-testid="upload-error">') + len('data-testid="upload-error">')
    return page[start : page.index("</div>", start)]


def test_pdf_upload_is_accepted(leader_client, application, report):
    data = pdf_bytes()

    response = _post(leader_client, application, report, "成果报告.pdf", data)

    assert response.status_code == 302
    assert messages_of(response) == ["“成果报告.pdf” uploaded for “Achievement report (PDF)”."]
    attachment = Attachment.objects.get(application=application)
    assert (
        attachment.original_name,
        attachment.mime_type,
        attachment.size,
        attachment.sha256,
        attachment.is_current,
    ) == (
        "成果报告.pdf",
        "application/pdf",
        len(data),
        hashlib.sha256(data).hexdigest(),
        True,
    )
    page = leader_client.get(reverse("applications:attachments", args=[application.pk])).content.decode()
    assert attachment.sha256 in page


def test_png_scan_is_accepted_for_the_scan(leader_client, application, scan):
    assert _post(leader_client, application, scan, "盖章.png", png_bytes()).status_code == 302
    assert Attachment.objects.get(application=application).mime_type == "image/png"


def test_png_renamed_pdf_is_refused_for_a_pdf_only_requirement(leader_client, application, report):
    response = _post(leader_client, application, report, "成果报告.pdf", png_bytes())

    assert response.status_code == 200
    assert _error_of(response) == (
        "This file is not an accepted type for “Achievement report (PDF)” (its content is PNG). Accepted: PDF."
    )
    assert not Attachment.objects.exists()


def test_empty_file_is_refused(leader_client, application, report):
    response = _post(leader_client, application, report, "成果报告.pdf", b"")
    assert response.status_code == 200
    assert _error_of(response) == "The file is empty. Choose the file again."
    assert not Attachment.objects.exists()


def test_too_large_file_is_refused(leader_client, application, report):
    AttachmentRequirement.objects.filter(pk=report.pk).update(max_size_mb=1)
    data = pdf_bytes()
    data += b"%" * (1024 * 1024 + 1 - len(data))

    response = _post(leader_client, application, report, "成果报告.pdf", data)

    assert response.status_code == 200
    assert _error_of(response) == "The file is 1.0 MB; “Achievement report (PDF)” may be at most 1 MB."
    assert not Attachment.objects.exists()


def test_corrupt_pdf_is_refused(leader_client, application, report):
    response = _post(
        leader_client, application, report, "成果报告.pdf", b"%PDF-1.7\n1 0 obj << /Type /Cat" + b"\x00" * 500
    )
    assert response.status_code == 200
    assert _error_of(response) == "The file seems damaged and cannot be opened. Export or scan it again."
    assert not Attachment.objects.exists()


def test_replacing_keeps_the_old_file_in_history(leader_client, application, report):
    first, second = pdf_bytes(text="v1"), pdf_bytes(text="v2")
    _post(leader_client, application, report, "报告v1.pdf", first)
    _post(leader_client, application, report, "报告v2.pdf", second)

    rows = list(
        Attachment.objects.filter(application=application)
        .order_by("id")
        .values_list("original_name", "is_current", "sha256")
    )
    assert rows == [
        ("报告v1.pdf", False, hashlib.sha256(first).hexdigest()),
        ("报告v2.pdf", True, hashlib.sha256(second).hexdigest()),
    ]
    page = leader_client.get(reverse("applications:attachments", args=[application.pk])).content.decode()
    history = page[page.index('data-testid="history-report"') :]
    assert "报告v1.pdf" in history and hashlib.sha256(first).hexdigest() in history
    assert "1 replaced file" in page


def test_same_bytes_twice_is_one_row(leader_client, application, report):
    data = pdf_bytes()
    _post(leader_client, application, report, "报告.pdf", data)
    _post(leader_client, application, report, "报告-再次.pdf", data)
    assert list(Attachment.objects.values_list("original_name", "is_current")) == [("报告.pdf", True)]


def test_upload_refused_once_submitted(leader_client, draft, report):
    from applications.services import application_submit

    application_submit(actor=draft.created_by, application=draft)
    response = _post(leader_client, draft, report, "新报告.pdf", pdf_bytes(text="new"))
    assert response.status_code == 403


def test_download_is_an_attachment_with_nosniff(leader_client, application, report):
    data = pdf_bytes()
    _post(leader_client, application, report, "成果报告.pdf", data)
    attachment = Attachment.objects.get()

    response = leader_client.get(reverse("applications:attachment_download", args=[application.pk, attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "private" in response["Cache-Control"]


def test_download_of_another_applications_file_is_404(leader_client, application, report, edition):
    other = draft_application(edition=edition, complete=False)
    _post(client_for(other.created_by), other, report, "别人的报告.pdf", pdf_bytes())
    attachment = Attachment.objects.get(application=other)

    assert (
        leader_client.get(reverse("applications:attachment_download", args=[application.pk, attachment.pk])).status_code
        == 404
    )
    assert (
        leader_client.get(reverse("applications:attachment_download", args=[other.pk, attachment.pk])).status_code
        == 404
    )


# --- Upload safety: hostile PDFs, names with invisible characters, replaced files ---------------------------------


@pytest.mark.parametrize(
    ("build", "problem"),
    [
        (
            "pdf_with_document_javascript",
            "it contains JavaScript (scripts that run when the file is opened)",
        ),
        ("pdf_with_launch_open_action", "it contains an action that starts another program"),
        ("pdf_with_embedded_file", "it contains embedded files (other files hidden inside the PDF)"),
        ("pdf_html_polyglot", "it is at the same time a web page (it contains HTML markup)"),
        ("pdf_zip_polyglot", "it is at the same time a ZIP archive"),
    ],
)
def test_dangerous_pdf_attachments_are_refused_with_the_reason(leader_client, application, report, build, problem):
    from tests.factories import hostile_files

    response = _post(leader_client, application, report, "成果报告.pdf", getattr(hostile_files, build)())

    assert response.status_code == 200
    assert _error_of(response) == (
        f"For safety this PDF cannot be accepted: {problem}. Save or print it again as a plain PDF (for example with "
        "“Save as PDF” or “Print to PDF”) and upload that file."
    )
    assert not Attachment.objects.exists()


def test_a_right_to_left_override_is_removed_from_the_stored_and_downloaded_name(leader_client, application, scan):
    _post(leader_client, application, scan, "invoice\u202egpj.exe", pdf_bytes())
    attachment = Attachment.objects.get()

    response = leader_client.get(reverse("applications:attachment_download", args=[application.pk, attachment.pk]))

    assert attachment.original_name == "invoicegpj.exe"
    assert response["Content-Disposition"] == 'attachment; filename="invoicegpj.exe"'


def test_a_replaced_file_stays_on_disk_for_its_history_row_and_nothing_is_orphaned(
    leader_client, application, report, settings, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from tests.media_files import orphans

    with django_capture_on_commit_callbacks(execute=True):
        _post(leader_client, application, report, "报告v1.pdf", pdf_bytes(text="v1"))
        _post(leader_client, application, report, "报告v2.pdf", pdf_bytes(text="v2"))

    old, new = Attachment.objects.filter(application=application).order_by("id")
    assert (old.is_current, new.is_current) == (False, True)
    assert old.file.name != new.file.name
    assert (Path(settings.MEDIA_ROOT) / old.file.name).read_bytes() == pdf_bytes(text="v1")
    assert orphans() == set()
