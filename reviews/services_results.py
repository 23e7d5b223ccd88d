"""Writes of the results part: staff ask for the round's review summary (评审汇总表), choosing names or codes."""

from django.db import transaction

from core.audit import audit_record
from documents.services import document_request

from .documents import ROUND_SUMMARY_PDF, ROUND_SUMMARY_XLSX
from .models import ReviewRound

SUMMARY_KINDS = (ROUND_SUMMARY_XLSX, ROUND_SUMMARY_PDF)


@transaction.atomic
def round_summary_request(*, actor, round_: ReviewRound, kind: str, shows_names: bool):
    """Record whether the summary of a blind round names the experts (audited when it changes), then request the
    document (built by the worker; a current one is returned as is). The choice is part of the document's version,
    so switching between names and codes rebuilds it."""
    if kind not in SUMMARY_KINDS:
        raise ValueError(f"not a review summary kind: {kind!r}")
    round_ = ReviewRound.objects.select_for_update().get(pk=round_.pk)
    if round_.blind and round_.summary_shows_names != shows_names:
        audit_record(
            actor=actor,
            obj=round_,
            action="round.changed",
            changes={"summary_shows_names": [round_.summary_shows_names, shows_names]},
        )
        round_.summary_shows_names = shows_names
        round_.save(update_fields=["summary_shows_names", "updated_at"])
    return document_request(kind=kind, obj=round_, actor=actor)
