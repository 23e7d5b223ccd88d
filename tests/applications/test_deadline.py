"""The application window closes to the minute in Beijing time, whatever clock or time zone the client has."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from applications.enums import Status
from applications.services import application_deadline, application_extend_deadline, application_submit
from core.audit import audit_for
from core.exceptions import BusinessRuleError
from tests.factories.applications import draft_application, eligible_group
from tests.factories.awards import EditionFactory, ProgrammeFactory

from .conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.unit]

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
# The 2026 edition on the seed-001 calendar: the window closes 12 July 22:00 Beijing = 14:00 UTC.
CLOSES = datetime.datetime(2026, 7, 12, 22, 0, tzinfo=SHANGHAI)
LATE_MESSAGE = (
    "The application window closed at 2026-07-12 22:00 (Beijing time); the submission was not accepted. "
    "Your draft is kept. Contact the secretariat if you believe an extension is justified."
)


@pytest.fixture
def july():
    """Drafts made on 10 July 2026 in an edition on the default calendar."""
    with time_machine.travel(datetime.datetime(2026, 7, 10, 10, 0, tzinfo=SHANGHAI), tick=False):
        edition = EditionFactory(programme=ProgrammeFactory(code="QC"), year=2026)
        group = eligible_group()
        yield edition, group


def _draft(july):
    edition, group = july
    with time_machine.travel(datetime.datetime(2026, 7, 10, 10, 0, tzinfo=SHANGHAI), tick=False):
        return draft_application(edition=edition, group=group)


def test_deadline_is_the_window_end_in_beijing_time(july):
    application = _draft(july)
    assert application_deadline(application) == CLOSES
    assert application_deadline(application) == datetime.datetime(2026, 7, 12, 14, 0, tzinfo=datetime.UTC)


def test_submit_at_215959_beijing_is_accepted(july):
    application = _draft(july)
    with time_machine.travel(datetime.datetime(2026, 7, 12, 21, 59, 59, tzinfo=SHANGHAI), tick=False):
        result = application_submit(actor=application.created_by, application=application)
    assert result.status == Status.SUBMITTED
    assert result.submitted_at == datetime.datetime(2026, 7, 12, 13, 59, 59, tzinfo=datetime.UTC)
    assert result.number == "QC-2026-0001"


def test_submit_at_220000_beijing_is_refused_with_clear_message(july):
    application = _draft(july)
    with time_machine.travel(datetime.datetime(2026, 7, 12, 22, 0, 0, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(BusinessRuleError) as error:
            application_submit(actor=application.created_by, application=application)
    assert error.value.code == "late"
    assert str(error.value) == LATE_MESSAGE
    application.refresh_from_db()
    assert (application.status, application.number, application.submitted_at) == (Status.DRAFT, None, None)


@pytest.mark.parametrize(
    ("moment", "accepted"),
    [
        (datetime.datetime(2026, 7, 12, 9, 59, 59, tzinfo=NEW_YORK), True),  # 21:59:59 Beijing
        (datetime.datetime(2026, 7, 12, 10, 0, 0, tzinfo=NEW_YORK), False),  # 22:00:00 Beijing
        (datetime.datetime(2026, 7, 12, 13, 59, tzinfo=datetime.UTC), True),
        (datetime.datetime(2026, 7, 12, 14, 0, tzinfo=datetime.UTC), False),
    ],
    ids=["new-york-before", "new-york-at", "utc-before", "utc-at"],
)
def test_deadline_is_absolute_whatever_the_time_zone(july, moment, accepted):
    application = _draft(july)
    if accepted:
        assert application_submit(actor=application.created_by, application=application, now=moment).number
    else:
        with pytest.raises(BusinessRuleError, match="closed at 2026-07-12 22:00"):
            application_submit(actor=application.created_by, application=application, now=moment)


def test_submit_view_refuses_late_submission_whatever_the_page_showed(july):
    application = _draft(july)
    client = client_for(application.created_by)
    with time_machine.travel(datetime.datetime(2026, 7, 12, 22, 0, 30, tzinfo=SHANGHAI), tick=False):
        response = client.post(reverse("applications:submit", args=[application.pk]), {"confirm": "on"})
    assert response.status_code == 200
    assert LATE_MESSAGE in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_staff_extension_lets_one_application_submit_later_and_is_audited(july, staff):
    extended, other = _draft(july), _draft((july[0], eligible_group()))
    until = datetime.datetime(2026, 7, 14, 12, 0, tzinfo=SHANGHAI)
    application_extend_deadline(actor=staff, application=extended, until=until, reason="系统故障，补交")

    with time_machine.travel(datetime.datetime(2026, 7, 13, 9, 0, tzinfo=SHANGHAI), tick=False):
        result = application_submit(actor=extended.created_by, application=extended)
        with pytest.raises(BusinessRuleError, match="closed at 2026-07-12 22:00"):
            application_submit(actor=other.created_by, application=other)

    assert result.status == Status.SUBMITTED
    assert application_deadline(result) == until
    entry = audit_for(extended).get(action="application.deadline_extended")
    assert (entry.actor, entry.note) == (staff, "系统故障，补交")
    assert entry.changes == {"deadline_extended_until": [None, until.isoformat()]}
    event = extended.events.get(action="deadline_extended")
    assert (event.actor, event.note) == (staff, "2026-07-14 12:00 · 系统故障，补交")


def test_extension_refused_after_its_own_end(july, staff):
    application = _draft(july)
    application_extend_deadline(
        actor=staff, application=application, until=datetime.datetime(2026, 7, 13, 8, 0, tzinfo=SHANGHAI), reason="补交"
    )
    with pytest.raises(BusinessRuleError) as error:
        application_submit(
            actor=application.created_by,
            application=application,
            now=datetime.datetime(2026, 7, 13, 8, 0, tzinfo=SHANGHAI),
        )
    assert str(error.value).startswith("The application window closed at 2026-07-13 08:00 (Beijing time)")


def test_extension_needs_a_reason_and_a_later_end(july, staff):
    application = _draft(july)
    with pytest.raises(BusinessRuleError, match="Give the reason for the extension."):
        application_extend_deadline(actor=staff, application=application, until=CLOSES.replace(day=13), reason=" ")
    with pytest.raises(BusinessRuleError, match="The extension must end after the edition's deadline."):
        application_extend_deadline(actor=staff, application=application, until=CLOSES, reason="补交")


def test_extend_view_staff_only_and_saves(july, staff):
    application = _draft(july)
    url = reverse("applications:extend_deadline", args=[application.pk])
    assert client_for(application.created_by).post(url, {"until": "2026-07-14T12:00", "reason": "x"}).status_code == 403

    response = client_for(staff).post(url, {"until": "2026-07-14T12:00", "reason": "系统故障"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.deadline_extended_until == datetime.datetime(2026, 7, 14, 12, 0, tzinfo=SHANGHAI)
