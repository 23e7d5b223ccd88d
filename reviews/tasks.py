"""Celery tasks of the association's review (beat entries in CELERY_BEAT_SCHEDULE; ids in, idempotent)."""

import logging

from celery import shared_task

logger = logging.getLogger("saq.reviews")


# Beat runs it every quarter of an hour. Idempotent: an application already moved is skipped.
@shared_task(name="reviews.expire_corrections", ignore_result=True)
def expire_corrections() -> None:
    from .formal import corrections_expire

    moved = corrections_expire()
    logger.info("corrections past their deadline, not admitted: %s", len(moved))


# rounds


# Beat runs it daily (CELERY_BEAT_SCHEDULE "review-round-reminders"). Idempotent: one reminder per round and day.
@shared_task(name="reviews.round_reminders", ignore_result=True)
def round_reminders() -> None:
    from .assign import rounds_remind_due

    sent = rounds_remind_due()
    logger.info("review round reminders: %s", sent)


# end rounds
