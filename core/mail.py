from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def mail_after_commit(*, to: list[str], template: str, context: dict) -> None:
    """Send a plain-text mail once the transaction commits, rendered in the portal's language (Chinese).

    `template` names `<template>_subject.txt` and `<template>_body.txt` (with their app folder).
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    context = {"base": settings.PORTAL_BASE_URL, **context}

    def send():
        with translation.override(settings.LANGUAGE_CODE):
            subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
            body = render_to_string(f"{template}_body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)

    transaction.on_commit(send)
