import threading

import pytest
from django.db import connection

from documents.enums import DocumentStatus
from documents.models import Document
from documents.services import document_request

from .builders import UNIT_TABLE, make_unit

THREADS = 4


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_requests_make_one_row_and_one_file(table_kind, contact, settings):
    # Eager Celery: each request builds in its own thread, so the builds race too.
    unit = make_unit(3, contact_email=contact.email)
    barrier = threading.Barrier(THREADS)
    errors = []

    def request():
        try:
            barrier.wait(timeout=10)
            document_request(kind=UNIT_TABLE, obj=unit, actor=contact)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    document = Document.objects.get()
    assert document.status == DocumentStatus.READY
    files = [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert files == [settings.MEDIA_ROOT / document.file.name]
