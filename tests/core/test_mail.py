"""Account mails are queued to the mail task after commit, on the `mail` queue, and retried on SMTP errors."""

import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import transaction

from core import tasks
from core.mail import mail_after_commit
from saq_portal.celery import app

pytestmark = [pytest.mark.unit, pytest.mark.django_db(transaction=True)]

INVITE = "accounts/email/invitation"
CONTEXT = {"invitation": None, "link": "https://portal.example.org/x", "name": "李华", "role": "专家"}


def test_nothing_is_sent_when_the_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        mail_after_commit(to=["li@example.test"], template=INVITE, context=CONTEXT)
        raise RuntimeError("the write failed")

    assert mail.outbox == []


def test_one_mail_after_commit_to_each_address_once():
    with transaction.atomic():
        mail_after_commit(to=["li@example.test", "li@example.test", ""], template=INVITE, context=CONTEXT)
        assert mail.outbox == []

    assert [m.to for m in mail.outbox] == [["li@example.test"]]


def test_the_mail_task_goes_to_the_mail_queue():
    assert app.amqp.router.route({}, "mail.send")["queue"].name == "mail"


def test_an_smtp_error_is_retried_with_backoff(monkeypatch):
    def disconnected(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr(tasks, "send_mail", disconnected)

    with pytest.raises(Retry) as retry:
        tasks.send_mail_task.delay(subject="主题", body="正文", recipients=["li@example.test"])

    assert isinstance(retry.value.exc, smtplib.SMTPServerDisconnected)
    assert 0 <= retry.value.when <= 30  # the first backoff step (retry_backoff=30; full jitter may give 0)
    assert tasks.send_mail_task.max_retries == 8
    assert mail.outbox == []


def test_other_errors_are_not_retried(monkeypatch):
    monkeypatch.setattr(tasks, "send_mail", lambda *a, **k: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        tasks.send_mail_task.delay(subject="主题", body="正文", recipients=["li@example.test"])
