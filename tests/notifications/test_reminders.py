"""Deadline reminders: 3 days and 1 day before the window closes for drafts, 3 days before the unit's and the
recommender's deadlines for what waits for them; each sent once, whatever restarts."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from awards.enums import PhaseKind
from awards.models import Phase
from notifications.models import Reminder
from notifications.reminders import send_due_reminders
from tests.factories import UnitFactory, recommender_member
from tests.factories.applications import draft_application, eligible_group
from tests.factories.recommenders import contact_of, endorsed_application, qc_edition, submitted_application

pytestmark = [pytest.mark.unit, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)


def closing(edition, kind, at):
    Phase.objects.filter(edition=edition, kind=kind).update(ends_at=at)


@pytest.fixture
def now():
    return timezone.now()


def test_a_draft_gets_one_reminder_three_days_and_one_a_day_before_the_window_closes(now):
    edition = qc_edition()
    application = draft_application(edition=edition, group=eligible_group(), complete=False)
    closing(edition, PhaseKind.APPLICATION, now + 5 * DAY)
    mail.outbox.clear()

    assert send_due_reminders(now=now) == []
    assert send_due_reminders(now=now + 2 * DAY + datetime.timedelta(hours=1)) == [f"draft:{application.pk}:3d"]
    assert send_due_reminders(now=now + 3 * DAY) == []  # the same step again: nothing
    assert send_due_reminders(now=now + 4 * DAY + datetime.timedelta(hours=2)) == [f"draft:{application.pk}:1d"]
    assert send_due_reminders(now=now + 6 * DAY) == []  # closed

    assert [m.to for m in mail.outbox] == [[application.group.leader.email]] * 2
    assert application.title in mail.outbox[0].subject
    assert f"/applications/{application.pk}/" in mail.outbox[0].body
    assert Reminder.objects.count() == 2


def test_a_submitted_application_gets_no_draft_reminder(now):
    edition = qc_edition()
    submitted_application(edition=edition)
    closing(edition, PhaseKind.APPLICATION, now + DAY / 2)
    closing(edition, PhaseKind.UNIT_ENDORSEMENT, now + 20 * DAY)
    mail.outbox.clear()

    assert send_due_reminders(now=now) == []
    assert mail.outbox == []


def test_a_unit_with_waiting_applications_is_reminded_once(now):
    edition = qc_edition()
    unit = UnitFactory()
    contact = contact_of(unit)
    for i in range(2):
        submitted_application(edition=edition, unit=unit, title=f"待审核课题{i}")
    closing(edition, PhaseKind.APPLICATION, now - DAY)
    closing(edition, PhaseKind.UNIT_ENDORSEMENT, now + 2 * DAY)
    mail.outbox.clear()

    first = send_due_reminders(now=now)
    again = send_due_reminders(now=now + DAY)

    assert first == [f"unit:{edition.pk}:{unit.pk}:3d"]
    assert again == []
    assert [m.to for m in mail.outbox] == [[contact.email]]
    assert "2 applications wait for your endorsement" in mail.outbox[0].subject


def test_a_recommender_is_reminded_of_endorsed_applications(now):
    edition = qc_edition()
    application = endorsed_application(edition=edition)
    member = recommender_member(application.unit.recommender)
    closing(edition, PhaseKind.APPLICATION, now - 2 * DAY)
    closing(edition, PhaseKind.UNIT_ENDORSEMENT, now - DAY)
    closing(edition, PhaseKind.RECOMMENDATION, now + DAY)
    mail.outbox.clear()

    sent = send_due_reminders(now=now)

    assert sent == [f"recommender:{edition.pk}:{application.unit.recommender_id}:3d"]
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "1 application waits for your recommendation" in mail.outbox[0].subject


def test_beat_runs_the_reminders_every_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["deadline-reminders"]
    assert (entry["task"], entry["schedule"]) == ("notifications.send_reminders", 3600.0)
    from saq_portal.celery import app

    app.loader.import_default_modules()
    assert "notifications.send_reminders" in app.tasks
