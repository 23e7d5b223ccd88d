"""The deadline surge's requests stay cheap: the expensive work runs before the row locks (file checks, the lookup
of similar topics) or after the request (the notices of a move), and the submission reads what its checks need
in one query per relation."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from applications.enums import Status
from applications.models import Application
from tests.factories.applications import draft_application, eligible_group, pdf_bytes, submitted_application, upload
from tests.factories.awards import past_edition

from .conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.unit]

EARLIER = "降低数控车床加工件尺寸超差率"


def _locks(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]


def test_an_upload_is_checked_before_the_application_row_is_locked(edition, group, monkeypatch):
    draft = draft_application(edition=edition, group=group, complete=False)
    requirement = edition.attachment_requirements.get(code="report")
    checked_under = []
    check = services.validate_upload

    with CaptureQueriesContext(connection) as captured:

        def validate(**kwargs):
            checked_under.append(len(_locks(captured)))
            return check(**kwargs)

        monkeypatch.setattr(services, "validate_upload", validate)
        attachment = services.attachment_upload(
            actor=group.leader, application=draft, requirement=requirement, uploaded_file=upload("r.pdf", pdf_bytes())
        )

    assert attachment.is_current
    assert checked_under == [0]  # no lock held while the file was checked
    assert len(_locks(captured)) == 1  # then the row, and only the application's row, was locked


def test_a_bad_file_for_a_submitted_application_is_refused_for_the_application_first(edition, group):
    application = submitted_application(edition=edition, group=group)
    requirement = edition.attachment_requirements.get(code="report")

    with pytest.raises(services.BusinessRuleError) as error:
        services.attachment_upload(
            actor=group.leader,
            application=application,
            requirement=requirement,
            uploaded_file=upload("r.pdf", b"not a pdf at all"),
        )

    assert error.value.code == "locked"


def test_a_bad_file_after_the_deadline_is_refused_for_the_deadline_first(edition, group):
    draft = draft_application(edition=edition, group=group, complete=False)
    requirement = edition.attachment_requirements.get(code="report")

    with time_machine.travel(edition.application_phase.ends_at + datetime.timedelta(minutes=1), tick=False):
        with pytest.raises(services.BusinessRuleError) as error:
            services.attachment_upload(
                actor=group.leader, application=draft, requirement=requirement, uploaded_file=upload("r.pdf", b"x")
            )

    assert error.value.code == "late"


@pytest.fixture
def earlier(edition, group):
    last_year = past_edition(programme=edition.programme, year=edition.year - 1)
    with time_machine.travel(last_year.application_phase.starts_at + datetime.timedelta(days=1), tick=False):
        return submitted_application(edition=last_year, group=eligible_group(group.unit), title=EARLIER)


def test_similar_topics_are_looked_up_before_the_submission_takes_its_locks(earlier, edition, group, monkeypatch):
    application = draft_application(edition=edition, group=group, title=EARLIER)
    looked_up_under = []
    lookup = services._similar_topics

    with CaptureQueriesContext(connection) as captured:

        def similar(**kwargs):
            looked_up_under.append(len(_locks(captured)))
            return lookup(**kwargs)

        monkeypatch.setattr(services, "_similar_topics", similar)
        result = services.application_submit(actor=group.leader, application=application)

    assert looked_up_under == [0]
    assert [row["number"] for row in result.similar_topics] == [earlier.number]


def test_a_topic_changed_between_the_lookup_and_the_lock_is_looked_up_again(earlier, edition, group, monkeypatch):
    """A save that lands between the early lookup and the lock: the flags are those of the title submitted."""
    application = draft_application(edition=edition, group=group, title="提高焊接工序一次合格率")
    lookup = services._similar_topics

    def similar_then_saved(**kwargs):
        found = lookup(**kwargs)
        if not Application.objects.filter(pk=application.pk, title=EARLIER).exists():
            Application.objects.filter(pk=application.pk).update(title=EARLIER)  # the other tab's save
        return found

    monkeypatch.setattr(services, "_similar_topics", similar_then_saved)
    result = services.application_submit(actor=group.leader, application=application)

    assert result.title == EARLIER
    assert [row["number"] for row in result.similar_topics] == [earlier.number]


def test_a_repeated_submission_looks_nothing_up(edition, group, monkeypatch):
    application = services.application_submit(actor=group.leader, application=draft_application(edition=edition))
    monkeypatch.setattr(services, "_similar_topics", lambda **kwargs: pytest.fail("looked up again"))

    again = services.application_submit(actor=group.leader, application=application)

    assert (again.status, again.number) == (Status.SUBMITTED, application.number)


def test_the_submit_request_does_not_write_the_notices_itself(
    edition, group, monkeypatch, django_capture_on_commit_callbacks
):
    """Without an eager task runner the notices wait in the queue: the request wrote none and read none of their
    rows (recipients, languages, templates)."""
    from notifications.models import PortalMessage
    from notifications.tasks import write_transition_notices

    queued = []
    monkeypatch.setattr(write_transition_notices, "delay", lambda **kwargs: queued.append(kwargs))
    draft = draft_application(edition=edition, group=group)
    client = client_for(group.leader)
    url = reverse("applications:submit", args=[draft.pk])
    client.get(url)

    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "on"})

    assert response.status_code == 302
    assert len(queued) == 1 and PortalMessage.objects.count() == 0
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "notifications_" not in sql
    # One query per relation the checks read (not one per check): the phases, questions and requirements once
    # each after the lock, besides those of the page's own fetch.
    assert sql.count('FROM "awards_phase"') == 2
    assert sql.count('FROM "awards_question"') == 2
