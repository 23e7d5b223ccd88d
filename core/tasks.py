"""Mail leaves through the `mail` queue (CELERY_TASK_ROUTES "mail.*"), never by SMTP inside a request."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger("saq.mail")


# Not acks_late: a worker lost after the SMTP server took the mail would send it twice; a lost mail is retried by
# nobody, which the audit trail and the portal's own pages make up for. SMTP and network errors retry with backoff.
@shared_task(
    name="mail.send",
    ignore_result=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_mail_task(*, subject: str, body: str, recipients: list[str]) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    logger.info("mail %r sent to %s recipient(s)", subject, len(recipients))
