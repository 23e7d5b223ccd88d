"""Celery tasks of the association's review (explicit names, keyword ids, idempotent)."""

import logging

from celery import shared_task

logger = logging.getLogger("saq.reviews")

# rounds


# Beat runs it daily (CELERY_BEAT_SCHEDULE "review-round-reminders"). Idempotent: one reminder per round and day.
@shared_task(name="reviews.round_reminders", ignore_result=True)
def round_reminders() -> None:
    from .assign import rounds_remind_due

    sent = rounds_remind_due()
    logger.info("review round reminders: %s", sent)


# end rounds
