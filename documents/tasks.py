import logging

from celery import shared_task
from django.conf import settings

from .models import Document
from .services import document_build

logger = logging.getLogger("saq.documents")


# acks_late is safe because the build is idempotent: a message redelivered after a worker died rebuilds at most once
# more, and a finished build turns the redelivery into a no-op. Failures are stored on the row, not retried here.
# The soft limit raises SoftTimeLimitExceeded inside the build, which document_build records as a failure; the hard
# limit (a minute later) ends a build stuck in native code (layout of a pathological document).
@shared_task(
    name="documents.build",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=getattr(settings, "DOCUMENT_BUILD_SOFT_TIME_LIMIT", 300),
    time_limit=getattr(settings, "DOCUMENT_BUILD_SOFT_TIME_LIMIT", 300) + 60,
)
def build_document(*, document_id: int) -> None:
    if not Document.objects.filter(pk=document_id).exists():
        logger.warning("document %s no longer exists; nothing to build", document_id)
        return
    document = document_build(document_id=document_id)
    logger.info("document %s (%s): %s", document.pk, document.kind, document.status)
