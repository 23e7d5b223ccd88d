import logging

from celery import shared_task

logger = logging.getLogger("saq.recommenders")


# Routed to the documents queue (CELERY_TASK_ROUTES): it builds a table (seconds for a long PDF) before handing it
# in. Idempotent (the build is a no-op once current, the same bytes are not handed in twice), so a redelivered
# message is harmless.
@shared_task(name="recommenders.hand_in_generated", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def hand_in_generated(*, dossier_id: int, kind: str, actor_id: int, document_id: int) -> None:
    from accounts.models import User

    from . import services
    from .models import Dossier

    dossier = Dossier.objects.select_related("edition", "recommender").filter(pk=dossier_id).first()
    actor = User.objects.filter(pk=actor_id).first()
    if dossier is None or actor is None:
        logger.warning("hand-in of %s for dossier %s by %s: gone; nothing to do", kind, dossier_id, actor_id)
        return
    item = services.hand_in_generated_complete(actor=actor, dossier=dossier, kind=kind, document_id=document_id)
    logger.info("hand-in of %s for dossier %s: %s", kind, dossier_id, "done" if item else "not handed in")
