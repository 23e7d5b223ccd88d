"""Imported by the Celery test worker (tests/celery_worker.py WORKER_INCLUDES): registers the test-only kinds there.

Never imported by the test process, which registers the same kinds per test with `registry.registered(...)`.
"""

from documents import registry

from .builders import SHEET_OPTIONS, SLOW_TABLE, SLOW_TABLE_OPTIONS, UNIT_SHEET

registry.register(UNIT_SHEET, **SHEET_OPTIONS)
registry.register(SLOW_TABLE, **SLOW_TABLE_OPTIONS)
