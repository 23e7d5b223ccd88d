"""Celery tasks of reviews (beat entries in CELERY_BEAT_SCHEDULE)."""

import logging

from celery import shared_task

logger = logging.getLogger("saq.reviews")


# Beat runs it every quarter of an hour. Idempotent: an application already moved is skipped.
@shared_task(name="reviews.expire_corrections", ignore_result=True)
def expire_corrections() -> None:
    from .formal import corrections_expire

    moved = corrections_expire()
    logger.info("corrections past their deadline, not admitted: %s", len(moved))
