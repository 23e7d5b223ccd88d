"""优秀案例在线分享: the group's consent, staff's publication, the public pages (no personal data, the report only
when consented and published, served through a view)."""

import pytest
from django.urls import reverse

from core.exceptions import BusinessRuleError
from core.models import AuditEntry
from notices import cases
from notices.models_books import CaseShare
from tests.factories.accounts import staff_user
from tests.factories.notices_books import awarded_edition, confirm
from tests.helpers import client_for


@pytest.fixture
def confirmed(db):
    _edition, (application,) = awarded_edition([("problem_solving", 95)], complete=True)
    return confirm(application)


def test_consent_only_for_a_confirmed_award(db):
    _edition, (awarded,) = awarded_edition([("problem_solving", 95)])
    with pytest.raises(BusinessRuleError):
        cases.case_consent_set(actor=awarded.group.leader, application=awarded, summary=True, report=False)
    assert not awarded.group.leader.has_perm("notices.consent_case", awarded)


def test_consent_page_saves_and_withdrawing_unpublishes(confirmed):
    leader = confirmed.group.leader
    client = client_for(leader)
    url = reverse("notices:case_consent", args=[confirmed.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"case-consent-form" in page.content
    client.post(url, {"consent_summary": "on", "consent_report": "on"})
    share = CaseShare.objects.get(application=confirmed)
    assert (share.consent_summary, share.consent_report, share.consented_by) == (True, True, leader)
    cases.case_publish(actor=staff_user(), share=share, published=True)
    client.post(url, {})
    share.refresh_from_db()
    assert (share.consent_summary, share.consent_report, share.published) == (False, False, False)
    assert AuditEntry.objects.filter(action="case.consent_changed").count() == 2


def test_report_consent_needs_the_summary(confirmed):
    client = client_for(confirmed.group.leader)
    response = client.post(reverse("notices:case_consent", args=[confirmed.pk]), {"consent_report": "on"})
    assert response.status_code == 200
    assert not CaseShare.objects.exists()


def test_consent_page_is_404_for_another_group(confirmed):
    other_edition, (other,) = awarded_edition([("problem_solving", 95)])
    response = client_for(other.group.leader).get(reverse("notices:case_consent", args=[confirmed.pk]))
    assert response.status_code == 404


def test_application_page_links_to_the_consent(confirmed):
    response = client_for(confirmed.group.leader).get(reverse("applications:detail", args=[confirmed.pk]))
    assert reverse("notices:case_consent", args=[confirmed.pk]).encode() in response.content


def test_publish_refused_without_consent(confirmed):
    share = CaseShare.objects.create(application=confirmed)
    with pytest.raises(BusinessRuleError):
        cases.case_publish(actor=staff_user(), share=share, published=True)


def _shared(application, *, report):
    share = cases.case_consent_set(actor=application.group.leader, application=application, summary=True, report=report)
    return cases.case_publish(actor=staff_user(), share=share, published=True)


def test_public_case_shows_the_achievement_and_no_person(confirmed, client):
    share = _shared(confirmed, report=False)
    response = client.get(reverse("cases:detail", args=[share.pk]))
    text = response.content.decode()
    assert confirmed.title in text and confirmed.unit.name in text and confirmed.group.name in text
    assert "一等奖" in text and confirmed.answers["summary"][:10] in text
    leader = confirmed.group.leader
    for personal in (leader.full_name, leader.email, confirmed.unit.contact_name, confirmed.unit.contact_phone):
        assert personal not in text
    assert 'data-testid="case-report"' not in text
    assert client.get(reverse("cases:report", args=[share.pk])).status_code == 404


def test_report_is_served_when_consented_and_published(confirmed, client):
    share = _shared(confirmed, report=True)
    page = client.get(reverse("cases:detail", args=[share.pk]))
    assert 'data-testid="case-report"' in page.content.decode()
    response = client.get(reverse("cases:report", args=[share.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "/media/" not in page.content.decode()
    cases.case_publish(actor=staff_user(), share=share, published=False)
    assert client.get(reverse("cases:report", args=[share.pk])).status_code == 404
    assert client.get(reverse("cases:detail", args=[share.pk])).status_code == 404


def test_revoked_award_leaves_the_public_list(confirmed, client):
    from applications.services import application_transition

    share = _shared(confirmed, report=False)
    application_transition(application=confirmed, action="revoke_award", actor=staff_user())
    assert client.get(reverse("cases:detail", args=[share.pk])).status_code == 404
    assert list(cases.public_cases()) == []


@pytest.mark.parametrize("rows", [1, 3])
def test_public_list_queries(db, client, django_assert_max_num_queries, rows):
    _edition, apps = awarded_edition([("problem_solving", 95)] * rows)
    for application in apps:
        _shared(confirm(application), report=False)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("cases:list"))
    assert response.content.decode().count('data-testid="case-card"') == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_staff_list_queries(db, django_assert_max_num_queries, rows):
    _edition, apps = awarded_edition([("problem_solving", 95)] * rows)
    for application in apps:
        cases.case_consent_set(
            actor=application.group.leader, application=confirm(application), summary=True, report=False
        )
    client = client_for(staff_user())
    with django_assert_max_num_queries(14):
        response = client.get(reverse("notices:cases_staff"))
    assert response.content.decode().count('data-testid="case-staff-row"') == rows
    share = CaseShare.objects.first()
    client.post(reverse("notices:cases_publish", args=[share.pk]), {"published": "on"})
    share.refresh_from_db()
    assert share.published


def test_saying_no_without_a_consent_writes_nothing(confirmed):
    share = cases.case_consent_set(actor=confirmed.group.leader, application=confirmed, summary=False, report=False)
    assert share.pk is None and not CaseShare.objects.exists()
    assert not AuditEntry.objects.filter(action="case.consent_changed").exists()
