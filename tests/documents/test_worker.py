import subprocess
import time

import pytest

from documents.enums import DocumentStatus
from documents.services import document_request

from .builders import UNIT_SHEET, make_unit

TIMEOUT = 60


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_requested_document_is_built_by_the_real_worker(celery_worker_process, sheet_kind, contact, settings):
    unit = make_unit(7, contact_email=contact.email)

    document = document_request(kind=UNIT_SHEET, obj=unit, actor=contact)
    assert document.status == DocumentStatus.PENDING  # queued, not built in this process

    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.status not in (DocumentStatus.PENDING, DocumentStatus.BUILDING):
            break
        time.sleep(0.25)
    assert document.status == DocumentStatus.READY, (document.error, celery_worker_process.log()[-3000:])

    path = settings.MEDIA_ROOT / document.file.name
    assert path.is_file() and path.stat().st_size == document.size
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert unit.name in text
    assert str(document.public_id) in text  # the verification link printed by the builder
    assert "documents.build[" in celery_worker_process.log()
