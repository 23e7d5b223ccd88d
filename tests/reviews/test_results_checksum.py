"""The checksum of the released results: stored at the release, verified again before the publicity, the
finalisation, a certificate batch and each of its chunks; a change made outside the services (raw SQL) is refused,
audited and logged; the audited changes after the release (a lowered level, a withdrawn or revoked award) keep it
current; editions released before it are sealed once by `seal_released_results`."""

import datetime
import hashlib
import io
import json
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from notices import certificates, results
from notices.models_certificates import BatchState, Certificate, CertificateBatch
from notices.models_results import ResultsPublicity
from notices.workflow import ResultStatus
from reviews import checksum
from reviews.checksum import ReleasedResultsTampered, ReleasedResultsUnsealed
from reviews.documents_levels import levels_pdf, levels_version
from reviews.levels import combined_table
from reviews.models_levels import LevelScheme
from tests.factories import staff_user
from tests.factories.certificates import certificate_template, confirmed_applications
from tests.factories.recommenders import qc_edition
from tests.helpers import client_for
from tests.notices.results_world import OBJECTOR, published, released_edition

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def world():
    return released_edition()


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _tamper_level(application, level):
    _sql("UPDATE reviews_leveldecision SET level_id = %s WHERE application_id = %s", [level.pk, application.pk])


ROUND_STATE = (
    "UPDATE reviews_reviewround SET state = %s WHERE id IN "
    "(SELECT round_id FROM reviews_roundresult WHERE application_id = %s)"
)


def _tamper_score(application, score):
    # The closed round's triggers refuse this (reviews.0005, 0007); somebody with database access who turns the
    # maintenance switch on reopens the round around the change: the checksum still sees it.
    _sql("SELECT set_config('saq.round_reopen', 'on', true)")
    _sql(ROUND_STATE, ["open", application.pk])
    _sql("UPDATE reviews_roundresult SET score = %s WHERE application_id = %s", [score, application.pk])
    _sql(ROUND_STATE, ["closed", application.pk])
    _sql("SELECT set_config('saq.round_reopen', 'off', true)")


def _stored(scheme):
    return LevelScheme.objects.get(pk=scheme.pk).released_checksum


def _mismatches(where):
    return list(AuditEntry.objects.filter(action="levels.checksum_mismatch", note=where))


def _security(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "saq.security"]


def test_the_release_stores_the_checksum_of_ids_numbers_standings_levels_and_totals(world):
    _edition, scheme, best, good, refused = world
    scheme.refresh_from_db()
    lines = checksum.canonical_results(scheme).split("\n")
    top, second = scheme.levels.get(name="标杆级"), scheme.levels.get(name="优秀级")
    assert [json.loads(line) for line in lines[1:]] == [
        [best.pk, best.number, "awarded", top.pk, "标杆级", "95.00"],
        [good.pk, good.number, "awarded", second.pk, "优秀级", "85.00"],
        [refused.pk, refused.number, "not_awarded", None, "", "70.00"],
    ]
    expected = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    assert scheme.released_checksum == expected and len(expected) == 64
    assert scheme.short_checksum == expected[:12]
    released = AuditEntry.objects.get(action="levels.released")
    assert released.changes["checksum"] == [None, expected]


def test_a_raw_sql_level_change_makes_the_publicity_refuse_audited_and_logged(world, caplog):
    edition, scheme, _best, good, _refused = world
    stored = _stored(scheme)
    _tamper_level(good, scheme.levels.get(name="标杆级"))
    with caplog.at_level("ERROR", logger="saq.security"), pytest.raises(ReleasedResultsTampered) as refused:
        results.publicity_publish(actor=staff_user(), edition=edition, starts_at=timezone.now())
    assert refused.value.code == "tampered" and stored[:12] in refused.value.message
    assert not ResultsPublicity.objects.filter(edition=edition).exists()
    (entry,) = _mismatches("publicity_publish")
    computed = checksum.released_checksum(scheme)
    assert entry.changes == {"checksum": [stored, computed]} and entry.object_id == str(scheme.pk)
    assert entry.actor is not None
    (logged,) = _security(caplog)
    assert f"stored {stored}, computed {computed}, refused at publicity_publish" in logged
    assert _stored(scheme) == stored  # the refusal changes nothing


def test_the_staff_publish_page_shows_the_refusal(world):
    edition, scheme, _best, good, _refused = world
    _tamper_level(good, scheme.levels.get(name="标杆级"))
    staff = client_for(staff_user())
    response = staff.post(
        reverse("notices:results_publish", args=[edition.pk]),
        {"starts_at": (timezone.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"), "working_days": 7},
        follow=True,
    )
    assert "no longer match their checksum" in response.content.decode()
    assert len(_mismatches("publicity_publish")) == 1


def test_a_raw_sql_score_change_makes_the_finalisation_refuse(world, caplog):
    edition, scheme, best, good, _refused = world
    publicity = published(edition, started_ago=datetime.timedelta(days=30))
    _tamper_score(good, "99.00")
    with caplog.at_level("ERROR", logger="saq.security"), pytest.raises(ReleasedResultsTampered):
        results.edition_finalise(actor=staff_user(), publicity=publicity)
    publicity.refresh_from_db()
    good.refresh_from_db()
    assert not publicity.is_finalised and good.status == "awarded"
    assert len(_mismatches("edition_finalise")) == 1
    assert len(_security(caplog)) == 1


def test_a_tampered_edition_starts_no_certificate_batch():
    edition = qc_edition()
    (application,) = confirmed_applications(edition, 1)
    certificate_template(edition)
    scheme = LevelScheme.objects.get(edition=edition)
    _tamper_score(application, "60.00")
    with pytest.raises(ReleasedResultsTampered):
        certificates.certificate_batch_start(actor=staff_user(), edition=edition, queue=False)
    assert not CertificateBatch.objects.exists()
    (entry,) = _mismatches("certificate_batch_start")
    assert entry.object_id == str(scheme.pk)


def test_a_chunk_after_tampering_fails_the_batch_and_builds_nothing(caplog):
    edition = qc_edition()
    (application,) = confirmed_applications(edition, 1)
    certificate_template(edition)
    batch = certificates.certificate_batch_start(actor=staff_user(), edition=edition, queue=False)
    _sql("UPDATE applications_application SET number = 'FORGED-1' WHERE id = %s", [application.pk])
    with caplog.at_level("ERROR", logger="saq.security"):
        assert certificates.certificate_batch_chunk_run(batch_id=batch.pk, lane=0, lanes=1) is False
    batch.refresh_from_db()
    assert batch.state == BatchState.FAILED and "no longer match their checksum" in batch.error
    assert not Certificate.objects.filter(application=application).exclude(file="").exists()
    assert len(_mismatches(f"certificate_batch_chunk {batch.pk}/0")) == 1
    assert len(_security(caplog)) == 1


def test_an_intact_edition_builds_its_certificates(django_capture_on_commit_callbacks):
    edition = qc_edition()
    confirmed_applications(edition, 2)
    certificate_template(edition)
    batch = certificates.certificate_batch_start(actor=staff_user(), edition=edition, queue=False)
    while certificates.certificate_batch_chunk_run(batch_id=batch.pk, lane=0, lanes=1):
        pass
    batch.refresh_from_db()
    assert batch.state == BatchState.FINISHED and batch.done == 2
    assert not AuditEntry.objects.filter(action="levels.checksum_mismatch").exists()


def test_a_lowered_level_updates_the_checksum_and_the_finalisation_goes_on(world):
    edition, scheme, best, _good, _refused = world
    before = _stored(scheme)
    publicity = published(edition, started_ago=datetime.timedelta(days=30))
    objection = results.objection_file(
        publicity=publicity, application_id=best.pk, now=publicity.starts_at + datetime.timedelta(minutes=5), **OBJECTOR
    )
    lower = scheme.levels.get(name="优秀级")
    results.objection_conclude(
        actor=staff_user(), objection=objection, upheld=True, effect="lower", level=lower, answer="降为优秀级。"
    )
    after = _stored(scheme)
    assert after != before and after == checksum.released_checksum(scheme)
    (entry,) = AuditEntry.objects.filter(action="levels.checksum_updated")
    assert entry.changes == {"checksum": [before, after]} and entry.note == "降为优秀级。"
    assert results.edition_finalise(actor=staff_user(), publicity=publicity) == 2
    assert _stored(scheme) == after  # a confirmation decides nothing new


def test_a_withdrawal_and_a_revocation_update_the_checksum(world):
    edition, scheme, best, good, _refused = world
    publicity = published(edition, started_ago=datetime.timedelta(days=30))
    objection = results.objection_file(
        publicity=publicity, application_id=good.pk, now=publicity.starts_at + datetime.timedelta(minutes=5), **OBJECTOR
    )
    results.objection_conclude(actor=staff_user(), objection=objection, upheld=True, effect="withdraw", answer="撤销。")
    assert results.edition_finalise(actor=staff_user(), publicity=publicity) == 1
    results.award_revoke(actor=staff_user(), application=best, reason="查实成果数据造假")
    best.refresh_from_db()
    assert best.status == ResultStatus.AWARD_REVOKED
    assert AuditEntry.objects.filter(action="levels.checksum_updated").count() == 2
    assert _stored(scheme) == checksum.released_checksum(scheme)
    assert not AuditEntry.objects.filter(action="levels.checksum_mismatch").exists()


def test_a_legitimate_change_on_tampered_results_is_refused_too(world):
    edition, scheme, best, good, _refused = world
    publicity = published(edition, started_ago=datetime.timedelta(days=30))
    results.edition_finalise(actor=staff_user(), publicity=publicity)
    _tamper_score(good, "10.00")
    with pytest.raises(ReleasedResultsTampered):
        results.award_revoke(actor=staff_user(), application=best, reason="查实成果数据造假")
    best.refresh_from_db()
    assert best.status == ResultStatus.AWARD_CONFIRMED
    assert len(_mismatches("award_revoke")) == 1
    assert not AuditEntry.objects.filter(action="levels.checksum_updated").exists()


def test_an_edition_released_before_checksums_is_refused_until_sealed_once(world):
    edition, scheme, *_rest = world
    expected = _stored(scheme)
    LevelScheme.objects.filter(pk=scheme.pk).update(released_checksum="")
    with pytest.raises(ReleasedResultsUnsealed) as refused:
        results.publicity_publish(actor=staff_user(), edition=edition, starts_at=timezone.now())
    assert "seal_released_results" in refused.value.message and refused.value.code == "unsealed"
    assert not AuditEntry.objects.filter(action="levels.checksum_mismatch").exists()

    out = io.StringIO()
    call_command("seal_released_results", stdout=out)
    assert _stored(scheme) == expected
    assert f"sealed {edition}: {expected[:12]}" in out.getvalue() and "1 released edition(s) sealed." in out.getvalue()
    (sealed,) = AuditEntry.objects.filter(action="levels.checksum_sealed")
    assert sealed.changes == {"checksum": [None, expected]} and sealed.object_id == str(scheme.pk)

    again = io.StringIO()
    call_command("seal_released_results", stdout=again)  # idempotent
    assert "0 released edition(s) sealed." in again.getvalue()
    assert AuditEntry.objects.filter(action="levels.checksum_sealed").count() == 1
    publicity = results.publicity_publish(
        actor=staff_user(), edition=edition, starts_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert publicity.pk


def test_sealing_leaves_unreleased_and_sealed_schemes_alone(world):
    _edition, scheme, *_rest = world
    assert checksum.released_scheme_seal(actor=None, scheme=scheme) is False
    from tests.factories.reviews_levels import closed_round, level_scheme

    other = qc_edition()
    staged = level_scheme(other, {closed_round(other, name="文审"): 100})
    assert checksum.released_scheme_seal(actor=None, scheme=staged) is False
    assert _stored(staged) == ""
    assert not AuditEntry.objects.filter(action="levels.checksum_sealed").exists()


def test_the_staff_levels_page_and_the_pdf_show_the_short_checksum(world):
    edition, scheme, *_rest = world
    scheme.refresh_from_db()
    staff = client_for(staff_user())
    shown = f'<code title="SHA-256 {scheme.released_checksum}">{scheme.short_checksum}</code>'
    assert shown in staff.get(reverse("reviews:levels_table", args=[edition.pk])).content.decode()
    assert shown in staff.get(reverse("notices:results_edition", args=[edition.pk])).content.decode()
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=levels_pdf(combined_table(scheme)), capture_output=True, check=True
    ).stdout.decode()
    assert f"发布结果校验码 {scheme.short_checksum}" in text
    version = levels_version(scheme)
    LevelScheme.objects.filter(pk=scheme.pk).update(released_checksum="")
    assert levels_version(LevelScheme.objects.get(pk=scheme.pk)) != version
    page = staff.get(reverse("reviews:levels_table", args=[edition.pk])).content.decode()
    assert "seal_released_results" in page
