"""Imported by the test Celery worker at start (tests/celery_worker.py, WORKER_INCLUDES).

`transaction=True` tests flush the database between tests, and the flush re-creates the content types under new
ids. The worker is one long-lived process whose ContentType cache would keep the old ids (an audit entry written
by a task would then point at a content type that no longer exists), so every task starts with a fresh cache, as
each new test does in the test process.
"""

from celery.signals import task_prerun


@task_prerun.connect
def _forget_content_types(**_kwargs):
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
