"""Upload safety at the unit's stamped scan and the recommender's hand-ins: hostile files refused, names cleaned,
replaced files deleted (no orphan left in MEDIA_ROOT)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from core.exceptions import BusinessRuleError
from recommenders import services
from recommenders.enums import HandInKind
from recommenders.models import HandIn
from tests.factories import RecommenderFactory, UnitFactory, recommender_member
from tests.factories import hostile_files as hostile
from tests.factories.recommenders import (
    contact_of,
    pdf_bytes,
    png_bytes,
    qc_edition,
    scan_uploaded,
    scoring_form_built,
    self_evaluated,
    submitted_application,
    unit_endorsement,
    upload,
)
from tests.helpers import client_for, messages_of
from tests.media_files import orphans, referenced_files

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

JAVASCRIPT_REFUSAL = (
    "For safety this PDF cannot be accepted: it contains JavaScript (scripts that run when the file is opened). "
    "Save or print it again as a plain PDF (for example with “Save as PDF” or “Print to PDF”) and upload that file."
)


@pytest.fixture
def edition():
    return qc_edition()


@pytest.fixture
def application(edition):
    return submitted_application(edition=edition, unit=UnitFactory(name="上海华瑞精密机械有限公司"))


@pytest.fixture
def contact(application):
    return contact_of(application.unit, full_name="李联系")


@pytest.fixture
def recommender():
    return RecommenderFactory(name="浦东新区市场监督管理局")


@pytest.fixture
def member(recommender):
    return recommender_member(recommender, full_name="王慧敏")


@pytest.fixture
def dossier(recommender, edition):
    return services.dossier_for(recommender=recommender, edition=edition)


def has_scan(application) -> bool:
    endorsement = unit_endorsement(application)
    return bool(endorsement and endorsement.scan)


def media_path(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


# --- Stamped scan ---------------------------------------------------------------------------------------------------


def test_a_scan_with_javascript_is_refused_with_the_reason(application, contact):
    self_evaluated(application, contact)
    scoring_form_built(application, contact)

    response = client_for(contact).post(
        reverse("recommenders:unit_scan_upload", args=[application.pk]),
        {"scan": upload("盖章.pdf", hostile.pdf_with_javascript_open_action())},
    )

    assert messages_of(response) == [JAVASCRIPT_REFUSAL]
    assert not has_scan(application)


@pytest.mark.parametrize(
    "build",
    [hostile.pdf_with_launch_link, hostile.pdf_html_polyglot, hostile.pdf_zip_polyglot, hostile.pdf_with_embedded_file],
)
def test_other_dangerous_scans_are_refused(application, contact, build):
    with pytest.raises(BusinessRuleError) as caught:
        scan_uploaded(application, contact, data=build(), name="盖章.pdf")

    assert caught.value.code == "unsafe_pdf"
    assert not has_scan(application)


def test_a_scan_named_with_a_right_to_left_override_is_stored_and_served_under_a_clean_name(application, contact):
    scan_uploaded(application, contact, data=pdf_bytes(), name="invoice\u202egpj.exe")

    assert unit_endorsement(application).scan_name == "invoicegpj.exe"
    response = client_for(contact).get(reverse("recommenders:unit_scan_download", args=[application.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="invoicegpj.exe"'


def test_a_replaced_scan_is_deleted_after_commit(application, contact, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = scan_uploaded(application, contact, data=png_bytes(color=(1, 2, 3)), name="第一次.png").scan.name
    assert media_path(first).exists()

    with django_capture_on_commit_callbacks(execute=True):
        second = scan_uploaded(application, contact, data=png_bytes(color=(4, 5, 6)), name="第二次.png").scan.name

    assert second != first
    assert not media_path(first).exists()
    assert media_path(second).exists()
    assert orphans() == set()


def test_a_rolled_back_replacement_keeps_the_old_scan(application, contact, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = scan_uploaded(application, contact, data=png_bytes(color=(1, 2, 3))).scan.name

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        scan_uploaded(application, contact, data=png_bytes(color=(7, 8, 9)))
    # The transaction did not commit: the deletion stays a pending callback and the file is still there.
    assert len(callbacks) == 1
    assert media_path(first).exists()


# --- Hand-ins ---------------------------------------------------------------------------------------------------------


def test_a_hand_in_with_javascript_is_refused(member, dossier):
    with pytest.raises(BusinessRuleError) as caught:
        services.hand_in(
            actor=member,
            dossier=dossier,
            kind=HandInKind.ACTIVITY_SUMMARY,
            data=hostile.pdf_with_document_javascript(),
            file_name="活动总结.pdf",
        )

    assert str(caught.value) == JAVASCRIPT_REFUSAL
    assert not HandIn.objects.exists()


def test_a_docx_bomb_hand_in_is_refused(member, dossier, settings):
    settings.UPLOAD_ZIP_MAX_EXPANDED_MB = 10

    with pytest.raises(BusinessRuleError) as caught:
        services.hand_in(
            actor=member,
            dossier=dossier,
            kind=HandInKind.ACTIVITY_SUMMARY,
            data=hostile.docx_bomb(expanded_mb=30),
            file_name="活动总结.docx",
        )

    assert caught.value.code == "zip_bomb"
    assert not HandIn.objects.exists()


def test_a_normal_docx_hand_in_is_accepted(member, dossier):
    item = services.hand_in(
        actor=member,
        dossier=dossier,
        kind=HandInKind.ACTIVITY_SUMMARY,
        data=hostile.docx_bytes(),
        file_name="总结.docx",
    )

    assert item.mime_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_a_hand_in_name_is_cleaned_and_a_replaced_hand_in_is_deleted(
    member, dossier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.hand_in(
            actor=member,
            dossier=dossier,
            kind=HandInKind.ACTIVITY_SUMMARY,
            data=pdf_bytes(text="v1"),
            file_name="总结\u202efdp.exe",
        )
    old_name = first.file.name
    assert first.file_name == "总结fdp.exe"

    with django_capture_on_commit_callbacks(execute=True):
        second = services.hand_in(
            actor=member,
            dossier=dossier,
            kind=HandInKind.ACTIVITY_SUMMARY,
            data=pdf_bytes(text="v2"),
            file_name="总结.pdf",
        )

    assert HandIn.objects.count() == 1
    assert not media_path(old_name).exists()
    assert media_path(second.file.name).exists()
    assert orphans() == set()
    assert second.file.name in referenced_files()
