"""Celery tasks of notices: the national-recommendation package, the chunks of a certificate batch, and the sweep
that resumes a batch whose worker died. Ids in, one service call, idempotent."""

import logging

from celery import shared_task

from . import certificates

logger = logging.getLogger("saq.notices")


# Idempotent (a ready package is left alone), so a redelivered message costs nothing.
@shared_task(name="notices.build_national_package", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def build_national_package(*, package_id: int) -> None:
    from .models_books import NationalPackage
    from .national import package_build

    if not NationalPackage.objects.filter(pk=package_id).exists():
        logger.warning("national package %s no longer exists", package_id)
        return
    package = package_build(package_id=package_id)
    logger.info("national package %s: %s", package.pk, package.status)


# acks_late + reject_on_worker_lost: a chunk whose worker died is delivered again, and repeats nothing (each
# certificate is skipped when built from the batch's template version). The chain re-queues itself per chunk, so
# no message runs long and a restart loses at most one chunk's work in progress.
@shared_task(
    name="notices.certificate_batch_chunk",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def certificate_batch_chunk(*, batch_id: int, lane: int, lanes: int) -> None:
    if certificates.certificate_batch_chunk_run(batch_id=batch_id, lane=lane, lanes=lanes):
        certificate_batch_chunk.delay(batch_id=batch_id, lane=lane, lanes=lanes)


@shared_task(name="notices.certificate_batches_sweep", ignore_result=True)
def certificate_batches_sweep() -> None:
    resumed = certificates.certificate_batches_sweep()
    if resumed:
        logger.warning("resumed %s stale certificate batch(es)", resumed)
