"""The notices and mails of a move go through the real Celery worker, on the `mail` queue, after the move
committed: the request queues one task that writes the portal messages, which queues one mail task each."""

import time

import pytest
from celery.signals import before_task_publish

from applications.enums import Status
from applications.services import application_submit
from notifications.models import PortalMessage

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 60


def wait_until_mailed(application, expected: int) -> list[PortalMessage]:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        messages = list(PortalMessage.objects.filter(application=application, mailed_at__isnull=False))
        if len(messages) == expected:
            return messages
        time.sleep(0.25)
    pytest.fail(f"{expected} mails were not sent by the worker within {WAIT_SECONDS} s")


def test_submission_mail_is_sent_by_the_worker_from_the_mail_queue(people, celery_worker_process, mailoutbox):
    published = []

    def record(sender=None, routing_key=None, **kwargs):
        published.append((sender, routing_key))

    before_task_publish.connect(record, weak=False)
    try:
        result = application_submit(actor=people.leader, application=people.application)
        assert result.status == Status.SUBMITTED
        mailed = wait_until_mailed(result, expected=3)
    finally:
        before_task_publish.disconnect(record)

    assert sorted(m.recipient.email for m in mailed) == sorted(
        [people.leader.email, people.member.email, people.contact.email]
    )
    # The request queued only the notices' task; the worker wrote the messages and queued their mails.
    assert published == [("mail.transition_notices", "mail")]
    # Sent in the worker's process, not here.
    assert mailoutbox == []
    log = celery_worker_process.log()
    assert log.count("Task mail.transition_notices[") >= 1
    assert log.count("Task mail.portal_message[") >= 3
    assert " succeeded in " in log
