"""获奖证书: numbers with a check character, the template form, a batch (text by pdftotext, a page as PNG, the ZIP's
names), the public verification page (real, forged, mistyped and revoked numbers) and the owners' download."""

import io
import random
import shutil
import subprocess
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from applications.services import application_transition
from notices import certificates, panels_certificates
from notices.forms_certificates import CertificateTemplateForm
from notices.models import BatchState, Certificate, CertificateBatch
from notices.workflow import ResultAction
from tests.factories import recommender_member, staff_user
from tests.factories.applications import pdf_bytes, png_bytes
from tests.factories.certificates import certificate_template, confirmed_applications
from tests.factories.recommenders import contact_of, qc_edition
from tests.helpers import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def world():
    edition = qc_edition()
    applications = confirmed_applications(edition, 2)
    template = certificate_template(edition)
    return edition, applications, template


def _run_batch(edition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = certificates.certificate_batch_start(actor=staff_user(), edition=edition)
    return CertificateBatch.objects.get(pk=batch.pk)


def _pdftotext(data: bytes) -> str:
    """The text of the PDF without white space (the body wraps wherever the line ends)."""
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return "".join(text.split())


# --- Numbers ----------------------------------------------------------------------------------------------------------


def test_numbers_are_four_groups_with_a_check_character_that_catches_typos():
    number = certificates.new_number()
    assert len(number) == 19 and number.count("-") == 3
    assert certificates.normalise_number(number.lower().replace("-", " ")) == number
    raw = number.replace("-", "")
    for i in range(len(raw)):  # every single wrong character
        wrong = certificates.ALPHABET[(certificates.ALPHABET.index(raw[i]) + 7) % 32]
        assert certificates.normalise_number(raw[:i] + wrong + raw[i + 1 :]) is None
    swaps = [raw[:i] + raw[i + 1] + raw[i] + raw[i + 2 :] for i in range(len(raw) - 1) if raw[i] != raw[i + 1]]
    assert all(certificates.normalise_number(s) is None for s in swaps)
    assert len({certificates.new_number() for _ in range(200)}) == 200


@pytest.mark.parametrize("seed", range(40))
def test_every_typo_and_every_swap_is_caught_for_any_number(seed):
    # Exhaustive per number: each position x each of the 31 wrong characters, and every swap of two positions
    # (the check character included). The first numbers hold the pair Luhn mod 32 missed (0 next to Z).
    rng = random.Random(seed)
    body = "".join(rng.choice(certificates.ALPHABET) for _ in range(certificates.BODY_LENGTH))
    if seed < 4:
        body = body[: 3 * seed] + "0Z" + body[3 * seed + 2 :]
    raw = certificates.normalise_number(body + certificates._check_character(body)).replace("-", "")
    for i, char in enumerate(raw):
        for wrong in certificates.ALPHABET.replace(char, ""):
            assert certificates.normalise_number(raw[:i] + wrong + raw[i + 1 :]) is None
    for i in range(len(raw)):
        for j in range(i + 1, len(raw)):
            if raw[i] != raw[j]:
                swapped = raw[:i] + raw[j] + raw[i + 1 : j] + raw[i] + raw[j + 1 :]
                assert certificates.normalise_number(swapped) is None


def test_zip_names_are_safe_on_windows_and_macos(world):
    _edition, applications, _template = world
    unit = applications[0].unit
    unit.name = 'A/B\\C:D*E?F"G<H>I|J\x07 有限公司.'
    applications[0].number = "QC-2026-0007"
    cert = Certificate(application=applications[0], number="ABCD-EFGH-JKMN-PQRS")
    assert certificates.zip_entry_name(cert) == "QC-2026-0007_A_B_C_D_E_F_G_H_I_J 有限公司.pdf"
    unit.name = "CON"
    assert certificates.zip_entry_name(cert) == "QC-2026-0007_CON.pdf"


# --- Template form ----------------------------------------------------------------------------------------------------


def test_the_form_rejects_unknown_placeholders_and_images_that_are_not_png_or_jpeg():
    form = CertificateTemplateForm(
        {"title": "荣誉证书", "body": "{group} {leader} {unit}", "signer": ""},
        {"seal": SimpleUploadedFile("seal.png", pdf_bytes())},
    )
    assert not form.is_valid()
    assert "{leader}" in form.errors["body"][0]
    assert "seal" in form.errors
    good = CertificateTemplateForm(
        {"title": "证书 {edition}", "body": "{group}{members}", "signer": ""},
        {"seal": SimpleUploadedFile("seal.png", png_bytes())},
    )
    assert good.is_valid(), good.errors
    assert good.images()["seal"][0].startswith(b"\x89PNG")


# --- Batch ------------------------------------------------------------------------------------------------------------


@pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdftoppm"), reason="poppler-utils missing")
def test_a_batch_builds_one_certificate_per_application_with_members_level_and_number(
    world, django_capture_on_commit_callbacks, tmp_path
):
    edition, applications, template = world
    batch = _run_batch(edition, django_capture_on_commit_callbacks)
    assert (batch.state, batch.total, batch.done, batch.failed) == (BatchState.FINISHED, 2, 2, 0)

    first = applications[0]
    certificate = Certificate.objects.get(application=first)
    data = certificate.file.read()
    text = _pdftotext(data)
    assert "荣誉证书" in text
    for needle in (first.group.name, first.unit.name, "一等奖", certificate.number, "".join(edition.title.split())):
        assert needle in text, needle
    members = list(first.group.members.values_list("name", flat=True))
    assert members and all(name in text for name in members)
    assert "/notices/certificates/verify/" + certificate.number in text

    # The page as PNG: landscape, and ink on it (text, frame, QR code), not a blank page.
    (tmp_path / "c.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-singlefile", tmp_path / "c.pdf", tmp_path / "page"], check=True)
    with Image.open(tmp_path / "page.png") as page:
        assert page.width > page.height
        dark = sum(page.convert("L").histogram()[:128])
        assert dark > 1000

    # The ZIP: one entry per certificate, named <application number>_<unit>.pdf.
    names = sorted(zipfile.ZipFile(io.BytesIO(batch.zip_file.read())).namelist())
    expected = sorted(f"{c.application.number}_{c.application.unit.name}.pdf" for c in Certificate.objects.all())
    assert names == expected


def test_a_second_batch_skips_certificates_of_the_same_template_version(world, django_capture_on_commit_callbacks):
    edition, applications, template = world
    _run_batch(edition, django_capture_on_commit_callbacks)
    before = {c.pk: (c.number, c.file.name) for c in Certificate.objects.all()}
    assert not certificates.certificate_issue(application_id=applications[0].pk, template=template, images={})
    batch = _run_batch(edition, django_capture_on_commit_callbacks)
    assert batch.state == BatchState.FINISHED and batch.done == 2
    assert {c.pk: (c.number, c.file.name) for c in Certificate.objects.all()} == before
    # A new template version rebuilds the files; the numbers stay.
    certificate_template(edition, title="获奖证书")
    _run_batch(edition, django_capture_on_commit_callbacks)
    assert {c.pk: c.number for c in Certificate.objects.all()} == {pk: v[0] for pk, v in before.items()}
    assert "获奖证书" in _pdftotext(Certificate.objects.first().file.read())


def test_a_stale_batch_is_resumed_and_finishes(world, django_capture_on_commit_callbacks, settings):
    edition, _applications, _template = world
    batch = certificates.certificate_batch_start(actor=staff_user(), edition=edition, queue=False)
    # One chunk of one lane ran, then the worker died.
    settings.CERTIFICATE_BATCH_CHUNK = 1
    certificates.certificate_batch_chunk_run(batch_id=batch.pk, lane=0, lanes=1)
    CertificateBatch.objects.filter(pk=batch.pk).update(heartbeat_at="2000-01-01T00:00Z")
    batch.refresh_from_db()
    assert batch.done == 1 and certificates.is_stale(batch)
    with django_capture_on_commit_callbacks(execute=True):
        assert certificates.certificate_batches_sweep() == 1
    batch.refresh_from_db()
    assert (batch.state, batch.done) == (BatchState.FINISHED, 2) and batch.zip_file


def test_the_batch_page_shows_progress_and_staff_preview_a_pdf(world, django_capture_on_commit_callbacks):
    edition, _applications, _template = world
    staff = client_for(staff_user())
    preview = staff.get(reverse("notices:certificate_preview", args=[edition.pk]))
    assert preview["Content-Type"] == "application/pdf" and preview.content.startswith(b"%PDF")
    batch = _run_batch(edition, django_capture_on_commit_callbacks)
    page = staff.get(reverse("notices:certificate_edition", args=[edition.pk])).content.decode()
    assert 'data-state="finished"' in page and reverse("notices:certificate_batch_zip", args=[batch.pk]) in page
    status = staff.get(reverse("notices:certificate_batch_status", args=[batch.pk])).content.decode()
    assert 'data-percent="100"' in status and "hx-trigger" not in status
    response = staff.get(reverse("notices:certificate_batch_zip", args=[batch.pk]))
    assert response["Content-Type"] == "application/zip"


# --- Verification -----------------------------------------------------------------------------------------------------


def _verify(number):
    page = client_for_anonymous().get(reverse("notices:certificate_verify"), {"number": number})
    return page.content.decode()


def client_for_anonymous():
    from django.test import Client

    return Client()


def test_the_verification_page_accepts_real_numbers_and_rejects_forged_mistyped_and_revoked_ones(
    world, django_capture_on_commit_callbacks
):
    edition, applications, _template = world
    _run_batch(edition, django_capture_on_commit_callbacks)
    application = applications[0]
    number = Certificate.objects.get(application=application).number

    page = _verify(number.lower())
    assert 'data-state="valid"' in page and application.title in page and "一等奖" in page
    assert application.unit.contact_phone not in page and application.group.leader.email not in page
    qr_page = client_for_anonymous().get(reverse("notices:certificate_verify_number", args=[number]))
    assert 'data-state="valid"' in qr_page.content.decode() and qr_page["Cache-Control"] == "no-store"

    forged = certificates.new_number()  # well formed, never issued
    assert 'data-state="unknown"' in _verify(forged)
    typo = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert 'data-state="malformed"' in _verify(typo)

    application_transition(application=application, action=ResultAction.REVOKE_AWARD, actor=staff_user())
    page = _verify(number)
    assert 'data-state="revoked"' in page and 'data-state="valid"' not in page


# --- The owners' download ---------------------------------------------------------------------------------------------


def test_the_group_unit_and_recommender_download_their_own_certificate_only(world, django_capture_on_commit_callbacks):
    edition, applications, _template = world
    _run_batch(edition, django_capture_on_commit_callbacks)
    mine, other = applications
    url = reverse("notices:certificate_download", args=[mine.pk])
    for user in (mine.group.leader, contact_of(mine.unit), recommender_member(mine.unit.recommender)):
        response = client_for(user).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", user
    assert client_for(other.group.leader).get(url).status_code == 404
    detail = client_for(mine.group.leader).get(reverse("applications:detail", args=[mine.pk])).content.decode()
    assert 'data-testid="certificate-download"' in detail
    # Revoked: the owners no longer get it.
    application_transition(application=mine, action=ResultAction.REVOKE_AWARD, actor=staff_user())
    assert client_for(mine.group.leader).get(url).status_code == 404


def test_dashboard_panel_queries_are_constant(world, django_capture_on_commit_callbacks, django_assert_num_queries):
    edition, applications, _template = world
    _run_batch(edition, django_capture_on_commit_callbacks)
    unit = applications[0].unit
    with django_assert_num_queries(1):
        rows = panels_certificates.unit_panel(None, unit)
    one = len(rows["certificates_rows"]) if rows else 0
    recommender = applications[0].unit.recommender
    with django_assert_num_queries(1):
        rows = panels_certificates.recommender_panel(None, recommender)["certificates_rows"]
    assert len(rows) >= one >= 1
