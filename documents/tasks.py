import logging
import math

from celery import shared_task
from django.conf import settings

from .models import Document
from .services import DocumentBuildBusy, claim_timeout, document_build

logger = logging.getLogger("saq.documents")

SOFT_TIME_LIMIT = getattr(settings, "DOCUMENT_BUILD_SOFT_TIME_LIMIT", 300)
TIME_LIMIT = SOFT_TIME_LIMIT + 60
# A live claim of another worker ends within the hard time limit, or goes stale one claim timeout after its worker
# died; looking again every claim timeout, this many looks cover both (plus two to spare).
BUSY_RETRIES = math.ceil((TIME_LIMIT + claim_timeout().total_seconds()) / claim_timeout().total_seconds()) + 2


# Exactly one effect per requested build, whatever the broker delivers:
# - acks_late + reject_on_worker_lost: the message is acknowledged only when the task returns, so the build of a
#   worker that died (SIGKILL, OOM, lost machine) is delivered again (at once for a lost pool child; after the
#   broker's visibility_timeout for a dead worker, see CELERY_BROKER_TRANSPORT_OPTIONS);
# - the build claims the row with a heartbeat: a delivery finding the row current does nothing; one finding a live
#   claim of another worker (a duplicate message, or a redelivery while the first worker still runs) builds nothing
#   and looks again later; one finding a dead claim takes it over and builds.
# Failures are stored on the row, not retried here. The soft limit raises SoftTimeLimitExceeded inside the build,
# which document_build records as a failure; the hard limit (a minute later) ends a build stuck in native code
# (layout of a pathological document).
@shared_task(
    bind=True,
    name="documents.build",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=BUSY_RETRIES,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def build_document(self, *, document_id: int) -> None:
    if not Document.objects.filter(pk=document_id).exists():
        logger.warning("document %s no longer exists; nothing to build", document_id)
        return
    try:
        # Eager (no broker) there is nobody to wait for in the background: build like a direct call.
        document = document_build(document_id=document_id, skip_if_busy=not self.request.is_eager)
    except DocumentBuildBusy as busy:
        logger.info(
            "document %s: another worker is building it; looking again in %.0f s", document_id, busy.retry_after
        )
        raise self.retry(countdown=busy.retry_after) from None
    logger.info("document %s (%s): %s", document.pk, document.kind, document.status)
