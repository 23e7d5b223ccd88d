"""The mail tasks, on the `mail` queue (CELERY_TASK_ROUTES "mail.*"): the notices of a committed move, and one
portal message mailed to its recipient."""

import logging
import smtplib

from celery import shared_task

from . import services

logger = logging.getLogger("saq.notifications")


@shared_task(
    name="mail.portal_message",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_portal_message_mail(*, message_id: int) -> None:
    """Mail one portal message. Idempotent: a message already mailed (or gone) is skipped."""
    if not services.portal_message_mail(message_id=message_id):
        logger.info("portal message %s: nothing to mail", message_id)


@shared_task(name="mail.transition_notices", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def write_transition_notices(*, application_pk: int, action: str, event_pk: int | None = None) -> None:
    """The portal messages (and their mails) of a committed move. Never raises: a failing notice is logged, and
    running it again for the same move writes nothing more (services.transition_notify is idempotent)."""
    services.notify_safely(application_pk=application_pk, action=action, event_pk=event_pk)


# Beat runs it hourly (CELERY_BEAT_SCHEDULE). Idempotent: every reminder is recorded before its mail is queued.
@shared_task(name="notifications.send_reminders", ignore_result=True)
def send_reminders() -> None:
    from .reminders import send_due_reminders

    sent = send_due_reminders()
    logger.info("deadline reminders sent: %s", len(sent))
