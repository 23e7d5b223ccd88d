import logging

from celery import shared_task

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
