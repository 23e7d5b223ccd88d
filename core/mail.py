from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from .tasks import send_mail_task


def mail_after_commit(*, to: list[str], template: str, context: dict) -> None:
    """Queue a plain-text mail once the transaction commits, rendered now in the portal's language (Chinese).

    `template` names `<template>_subject.txt` and `<template>_body.txt` (with their app folder). The mail task
    (core.tasks, queue `mail`) sends it and retries with backoff; a rolled-back transaction sends nothing.
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    context = {"base": settings.PORTAL_BASE_URL, **context}

    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    transaction.on_commit(lambda: send_mail_task.delay(subject=subject, body=body, recipients=recipients), robust=True)
