"""公示, 异议 and 结果公布: publishing after the release, filing and refusing objections, handling them (an upheld
objection withdraws the award or lowers the level through the proper services), finalising, the final list and
revocation, the public pages (no scores, no personal data) and their query counts."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_for
from core.exceptions import BusinessRuleError
from notices import results
from notices.models_results import Objection, ObjectionState
from notices.workflow import ResultStatus
from reviews.workflow_levels import LevelStatus
from tests.factories import staff_user
from tests.factories.applications import pdf_bytes, png_bytes
from tests.factories.recommenders import contact_of
from tests.helpers import client_for

from .results_world import OBJECTOR, published, released_edition

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def world():
    return released_edition()


def _file(publicity, application, **overrides):
    return results.objection_file(publicity=publicity, application_id=application.pk, **{**OBJECTOR, **overrides})


def test_publish_refused_before_the_release_and_end_is_computed(db):
    from tests.factories.recommenders import qc_edition

    with pytest.raises(BusinessRuleError):
        results.publicity_publish(actor=staff_user(), edition=qc_edition(), starts_at=timezone.now())


def test_publish_tells_the_awarded_groups(world, django_capture_on_commit_callbacks):
    from notifications.models import PortalMessage

    edition, _scheme, best, _good, refused = world
    with django_capture_on_commit_callbacks():
        publicity = results.publicity_publish(
            actor=staff_user(),
            edition=edition,
            starts_at=datetime.datetime(2026, 9, 29, 9, 30, tzinfo=datetime.UTC),
            working_days=7,
        )
    assert publicity.ends_at == datetime.datetime(2026, 10, 14, 9, 30, tzinfo=datetime.UTC)
    told = PortalMessage.objects.filter(event="results.publicity")
    assert told.filter(application=best).exists() and not told.filter(application=refused).exists()


def test_objection_in_the_window_gets_an_unpredictable_tracking_number(world):
    edition, _s, best, good, _r = world
    publicity = published(edition)
    one = _file(publicity, best, files=[SimpleUploadedFile("证据.png", png_bytes())])
    two = _file(publicity, good)
    assert one.tracking_number != two.tracking_number and len(one.tracking_number) == 14
    assert one.files.count() == 1


def test_objection_one_minute_after_the_end_is_refused_with_the_reason(world):
    edition, _s, best, _g, _r = world
    publicity = published(edition)
    _file(publicity, best, now=publicity.ends_at - datetime.timedelta(minutes=1))
    with pytest.raises(BusinessRuleError) as refused:
        _file(publicity, best, now=publicity.ends_at + datetime.timedelta(minutes=1))
    assert refused.value.code == "late" and "late objections are not accepted" in refused.value.message


@pytest.mark.parametrize("missing", ["real_name", "mobile"])
def test_anonymous_objection_is_refused(world, missing):
    edition, _s, best, _g, _r = world
    with pytest.raises(BusinessRuleError) as refused:
        _file(published(edition), best, **{missing: ""})
    assert refused.value.code == "anonymous"


def test_bad_mobile_no_consent_and_fake_evidence_are_refused(world):
    edition, _s, best, _g, refused_app = world
    publicity = published(edition)
    for overrides, code in (({"mobile": "12812345678"}, "mobile"), ({"consent": False}, "consent")):
        with pytest.raises(BusinessRuleError) as refused:
            _file(publicity, best, **overrides)
        assert refused.value.code == code
    with pytest.raises(BusinessRuleError):  # not on the list
        _file(publicity, refused_app)
    with pytest.raises(BusinessRuleError):  # content checks: a script named .pdf
        _file(publicity, best, files=[SimpleUploadedFile("a.pdf", b"<script>alert(1)</script>")])


def test_second_objection_by_the_same_person_to_the_same_application_is_refused(world):
    # Regression (race battery): filed twice at once, the same person's objection was stored twice.
    edition, _s, best, good, _r = world
    publicity = published(edition)
    first = _file(publicity, best)

    with pytest.raises(BusinessRuleError) as refused:
        _file(publicity, best, reason="再次提交")

    assert refused.value.code == "duplicate"
    assert refused.value.message == (
        "You have already filed an objection to this application and it is being handled; follow it on the status "
        "page with its tracking number and your mobile number."
    )
    assert list(Objection.objects.filter(application=best)) == [first]
    # Another application, or another person, is a new objection.
    assert _file(publicity, good).pk != first.pk
    assert _file(publicity, best, real_name="李四", mobile="13987654321").pk != first.pk
    # Once the first is concluded, the same person may object again (e.g. with new evidence).
    results.objection_conclude(actor=staff_user(), objection=first, upheld=False, answer="经核查，异议不成立。")
    assert _file(publicity, best, reason="新的证据").pk != first.pk


def test_finalise_refused_while_an_objection_is_open_then_confirms(world):
    edition, _s, best, good, refused_app = world
    publicity = published(edition, started_ago=datetime.timedelta(days=30))
    objection = _file(publicity, best, now=publicity.starts_at + datetime.timedelta(minutes=5))
    with pytest.raises(BusinessRuleError) as refused:
        results.edition_finalise(actor=staff_user(), publicity=publicity)
    assert "still open" in refused.value.message
    results.objection_conclude(actor=staff_user(), objection=objection, upheld=False, answer="经核查，异议不成立。")
    assert results.edition_finalise(actor=staff_user(), publicity=publicity) == 2
    for application in (best, good, refused_app):
        application.refresh_from_db()
    assert best.status == good.status == ResultStatus.AWARD_CONFIRMED
    assert refused_app.status == LevelStatus.NOT_AWARDED
    publicity.refresh_from_db()
    assert publicity.is_finalised and [r.application_id for r in results.final_results(edition)] == [best.pk, good.pk]


def test_finalise_refused_before_the_window_ends(world):
    edition, *_rest = world
    with pytest.raises(BusinessRuleError):
        results.edition_finalise(actor=staff_user(), publicity=published(edition))


def test_upheld_objection_withdraws_the_award(world):
    edition, _s, best, _g, _r = world
    objection = _file(published(edition), best)
    results.objection_conclude(
        actor=staff_user(), objection=objection, upheld=True, effect="withdraw", answer="异议成立，撤销拟授奖项。"
    )
    best.refresh_from_db()
    objection.refresh_from_db()
    assert best.status == LevelStatus.NOT_AWARDED and objection.state == ObjectionState.UPHELD
    assert best.pk not in [r.application_id for r in results.publicity_rows(edition)]
    with pytest.raises(BusinessRuleError):  # concluded once
        results.objection_conclude(actor=staff_user(), objection=objection, upheld=False, answer="再次")


def test_upheld_objection_lowers_the_level_audited(world):
    edition, scheme, best, _g, _r = world
    objection = _file(published(edition), best)
    lower = scheme.levels.get(name="优秀级")
    results.objection_conclude(
        actor=staff_user(), objection=objection, upheld=True, effect="lower", level=lower, answer="降为优秀级。"
    )
    best.refresh_from_db()
    assert best.status == LevelStatus.AWARDED and best.level_decision.level == lower
    entry = audit_for(best).filter(action="levels.released_level_lowered").get()
    assert entry.changes == {"level": ["标杆级", "优秀级"]}
    with pytest.raises(BusinessRuleError):  # never upwards
        from reviews.levels import released_level_lower

        released_level_lower(actor=staff_user(), application=best, level=scheme.levels.get(name="标杆级"), reason="x")


def test_request_answered_by_the_unit_on_the_application_page(world):
    edition, _s, best, _g, _r = world
    objection = _file(published(edition), best)
    asked = results.objection_request(
        actor=staff_user(),
        objection=objection,
        question="请说明数据来源。",
        deadline=timezone.now() + datetime.timedelta(days=3),
    )
    contact = client_for(contact_of(best.unit))
    page = contact.get(reverse("applications:detail", args=[best.pk])).content.decode()
    assert "请说明数据来源。" in page and OBJECTOR["real_name"] not in page and OBJECTOR["mobile"] not in page
    dashboard = contact.get(reverse("accounts:unit_dashboard", args=[best.unit_id])).content.decode()
    assert 'data-testid="objection-open-requests"' in dashboard
    contact.post(reverse("notices:objection_answer", args=[asked.pk]), {"response": "数据来自生产记录。"})
    asked.refresh_from_db()
    assert asked.response == "数据来自生产记录。"
    stranger = client_for(staff_user())  # staff read, but the answer is the applicant's
    assert stranger.post(reverse("notices:objection_answer", args=[asked.pk]), {"response": "x"}).status_code == 403


def test_revocation_shows_on_the_final_list_with_its_reason(world):
    edition, _s, best, _g, _r = world
    publicity = published(edition, started_ago=datetime.timedelta(days=30))
    results.edition_finalise(actor=staff_user(), publicity=publicity)
    staff = client_for(staff_user())
    assert staff.post(reverse("notices:results_revoke", args=[edition.pk, best.pk]), {"reason": ""}).status_code == 200
    staff.post(reverse("notices:results_revoke", args=[edition.pk, best.pk]), {"reason": "查实成果数据造假"})
    best.refresh_from_db()
    assert best.status == ResultStatus.AWARD_REVOKED
    page = Client().get(reverse("notices:results_final", args=[edition.pk])).content.decode()
    assert 'data-testid="results-revoked"' in page and "查实成果数据造假" in page


def test_status_lookup_needs_the_right_mobile(world):
    edition, _s, best, _g, _r = world
    objection = _file(published(edition), best)
    results.objection_conclude(actor=staff_user(), objection=objection, upheld=False, answer="异议不成立的答复")
    anonymous = Client()
    url = reverse("notices:objection_status")
    wrong = anonymous.post(url, {"tracking_number": objection.tracking_number, "mobile": "13900000000"})
    assert "异议不成立的答复" not in wrong.content.decode()
    right = anonymous.post(url, {"tracking_number": objection.tracking_number.lower(), "mobile": OBJECTOR["mobile"]})
    body = right.content.decode()
    assert "异议不成立的答复" in body and OBJECTOR["real_name"] not in body and best.title not in body


def test_the_status_answer_and_the_receipt_are_never_stored(world):
    """Both go to an anonymous visitor (no sign-in, so no private-pages header): the views say no-store themselves
    (found by the canary battery: the objector's lookup showed the answer with no Cache-Control)."""
    edition, _s, best, _g, _r = world
    publicity = published(edition)
    objection = _file(publicity, best)
    results.objection_conclude(actor=staff_user(), objection=objection, upheld=False, answer="异议不成立的答复")
    anonymous = Client()
    status = anonymous.post(
        reverse("notices:objection_status"),
        {"tracking_number": objection.tracking_number, "mobile": OBJECTOR["mobile"]},
    )
    assert "异议不成立的答复" in status.content.decode()
    assert "no-store" in status["Cache-Control"]
    receipt = anonymous.post(
        reverse("notices:objection_new", args=[edition.pk]),
        {**OBJECTOR, "mobile": "13700000001", "application": best.pk, "consent": "on"},
    )
    assert 'data-testid="tracking-number"' in receipt.content.decode()
    assert "no-store" in receipt["Cache-Control"]


def test_status_lookups_are_rate_limited(world, settings):
    from django.core.cache import cache

    cache.clear()
    anonymous = Client()
    url = reverse("notices:objection_status")
    codes = [anonymous.post(url, {"tracking_number": "YYX", "mobile": "13800000000"}).status_code for _i in range(21)]
    assert codes[:20] == [200] * 20 and codes[20] == 429


def test_public_list_shows_no_scores_and_no_personal_data(world):
    edition, _s, best, good, refused_app = world
    publicity = published(edition)
    _file(publicity, best)
    page = Client().get(reverse("notices:results_publicity", args=[edition.pk])).content.decode()
    assert best.number in page and good.number in page and refused_app.number not in page
    assert "95.00" not in page and "85.00" not in page
    assert OBJECTOR["real_name"] not in page and OBJECTOR["mobile"] not in page
    assert best.group.leader.email not in page
    publicity.show_scores = True
    publicity.save()
    assert "95.00" in Client().get(reverse("notices:results_publicity", args=[edition.pk])).content.decode()


def test_objection_form_files_and_shows_the_tracking_number(world):
    edition, _s, best, _g, _r = world
    published(edition)
    url = reverse("notices:objection_new", args=[edition.pk])
    anonymous = Client()
    data = {**OBJECTOR, "application": best.pk, "consent": "on"}
    response = anonymous.post(url, {**data, "evidence": SimpleUploadedFile("证据.pdf", pdf_bytes())})
    assert 'data-testid="tracking-number"' in response.content.decode()
    refused = anonymous.post(url, {**data, "real_name": ""}).content.decode()
    assert "Anonymous objections are not accepted" in refused or "不接受匿名" in refused


def test_staff_handle_an_objection_through_the_page(world):
    edition, _s, best, _g, _r = world
    objection = _file(published(edition), best)
    staff = staff_user()
    client = client_for(staff)
    url = reverse("notices:objection_detail", args=[objection.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"step": "assign", "assignee": staff.pk})
    client.post(url, {"step": "note", "text": "已电话联系", "files": SimpleUploadedFile("记录.pdf", pdf_bytes())})
    client.post(url, {"step": "conclude", "upheld": "0", "answer": "不成立"})
    objection.refresh_from_db()
    assert objection.assignee == staff and objection.state == ObjectionState.DISMISSED
    assert objection.notes.count() == 1 and objection.files.count() == 1
    assert client.get(reverse("notices:results_edition", args=[edition.pk])).status_code == 200


@pytest.mark.parametrize("extra", [0, 8])
def test_public_lists_cost_constant_queries(extra, django_assert_max_num_queries):
    edition, *_rest = released_edition(extra=extra)
    publicity = published(edition, started_ago=datetime.timedelta(days=30))
    results.edition_finalise(actor=staff_user(), publicity=publicity)
    client = Client()
    with django_assert_max_num_queries(6):
        assert client.get(reverse("notices:results_publicity", args=[edition.pk])).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("notices:results_final", args=[edition.pk])).status_code == 200
    with django_assert_max_num_queries(4):
        assert len(results.publicity_rows(edition)) == 2 + extra


def test_finalising_tells_each_party_the_result_and_where_to_download_the_certificate(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    from notifications.models import PortalMessage

    edition, _s, best, _good, _refused = world
    publicity = published(edition, started_ago=datetime.timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        results.edition_finalise(actor=staff_user(), publicity=publicity)
    mails = [m for m in mailoutbox if best.number in m.subject]
    assert mails and all("证书验证" in m.body or "verification page" in m.body for m in mails)
    assert all(re.search(rf"https?://\S+/application[s]?/{best.pk}/", m.body) for m in mails)
    leader = best.group.leader
    assert any(leader.email in m.to for m in mails)
    assert PortalMessage.objects.filter(recipient=leader, application=best).exists()
