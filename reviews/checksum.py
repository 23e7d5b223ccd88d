"""The checksum of an edition's released results: proof that what the publicity, the finalisation and the
certificates use is what the release decided, changed since only through the portal's audited services.

What it covers (`canonical_results`), one line per released `LevelDecision`, ordered by application id: the
application's id and number, its standing (awarded, not awarded, revoked: the status mapped through `STANDING`, so a
confirmation, which changes nothing that was decided, keeps the checksum), the level (id and name) and the weighted
total recomputed from the counted rounds' stored results and adjustments. The checksum is the SHA-256 of that text.

- `scheme_release` stores it in the release's transaction.
- `released_results_verify` recomputes and compares; the publicity, the finalisation, the certificate batch and
  each of its chunks call it. A mismatch raises `ReleasedResultsTampered` (a `BusinessRuleError`: staff see its
  message), is logged to `saq.security` and, through `records_tampering` / `tampering_record`, audited as
  `levels.checksum_mismatch` once the refused transaction has rolled back (so the entry survives the refusal).
- `released_checksum_update` is called by every legitimate change after the release (a lowered level, a withdrawn
  or revoked award), in that change's transaction and after verifying before the change: it stores the new
  checksum and audits `levels.checksum_updated`. The scheme row is locked first, so two changes never race.
- A scheme released before the checksum existed has none: verification refuses (`ReleasedResultsUnsealed`) until
  staff run `manage.py seal_released_results` (`released_scheme_seal`).
"""

import functools
import hashlib
import json
import logging

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_record
from core.exceptions import BusinessRuleError

from .models import RoundResult
from .models_levels import LevelDecision, LevelScheme, SchemeRound
from .workflow_levels import LevelStatus

security_log = logging.getLogger("saq.security")

FORMAT = "saq-released-results-v1"

AUDIT_ACTIONS = {
    "levels.checksum_updated": gettext_lazy("checksum of the released results updated"),
    "levels.checksum_sealed": gettext_lazy("checksum of the released results sealed"),
    "levels.checksum_mismatch": gettext_lazy("released results do not match their checksum"),
}

# How the audit log names the key of these entries' changes.
FIELD_LABELS = {"checksum": gettext_lazy("checksum")}

# An application's status → what was decided about it. Later steps add theirs (notices: a confirmed award is still
# "awarded", a revoked one "revoked"); a status not here stands for itself.
STANDING: dict[str, str] = {LevelStatus.AWARDED: "awarded", LevelStatus.NOT_AWARDED: "not_awarded"}


def register_standing(mapping: dict[str, str]) -> None:
    STANDING.update(mapping)


class ReleasedResultsUnsealed(BusinessRuleError):
    """The scheme was released before checksums existed: staff must seal it once before anything goes on."""


class ReleasedResultsTampered(BusinessRuleError):
    """The released results differ from their checksum: something changed them outside the audited services."""

    def __init__(self, message, *, scheme: LevelScheme, stored: str, computed: str, where: str):
        super().__init__(message, code="tampered")
        self.scheme, self.stored, self.computed, self.where = scheme, stored, computed, where


# --- Reads -----------------------------------------------------------------------------------------------------------


def _totals(scheme: LevelScheme, ids: list[int]) -> dict:
    """Weighted totals as `combined_table` computes them (adjusted score, else the round's result), for `ids`."""
    from .levels import adjustments_for, weighted_total

    counted = list(SchemeRound.objects.filter(scheme=scheme).select_related("round").order_by("round_id"))
    results = {
        (r.round_id, r.application_id): r.score
        for r in RoundResult.objects.filter(round_id__in=[sr.round_id for sr in counted], application_id__in=ids)
    }
    adjusted = {sr.round_id: adjustments_for(sr.round) for sr in counted}

    def score(round_id, application_id):
        own = results.get((round_id, application_id))
        return adjusted[round_id].get(application_id, (own, ""))[0]

    return {pk: weighted_total([(score(sr.round_id, pk), sr.weight) for sr in counted]) for pk in ids}


def canonical_results(scheme: LevelScheme) -> str:
    """The released results as one canonical text (see the module docstring)."""
    decisions = list(
        LevelDecision.objects.filter(scheme=scheme, released=True)
        .select_related("application", "level")
        .order_by("application_id")
    )
    totals = _totals(scheme, [d.application_id for d in decisions])
    lines = [[FORMAT, scheme.pk, scheme.edition_id]]
    for decision in decisions:
        application, total = decision.application, totals.get(decision.application_id)
        lines.append(
            [
                application.pk,
                application.number or "",
                STANDING.get(application.status, application.status),
                decision.level_id,
                decision.level.name if decision.level_id else "",
                None if total is None else f"{total:.2f}",
            ]
        )
    return "\n".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) for line in lines)


def released_checksum(scheme: LevelScheme) -> str:
    """SHA-256 (hex) of `canonical_results(scheme)`."""
    return hashlib.sha256(canonical_results(scheme).encode()).hexdigest()


# --- Verification ----------------------------------------------------------------------------------------------------


def released_results_verify(*, scheme: LevelScheme, where: str, lock: bool = False) -> LevelScheme:
    """Recompute the released results' checksum and compare it with the stored one. Returns the scheme (locked
    with `lock`, for a caller that changes the results next). A scheme not released has nothing to verify. Raises
    `ReleasedResultsUnsealed` when no checksum is stored, `ReleasedResultsTampered` (logged to `saq.security`;
    the audit entry is the caller's, see `records_tampering`) when they differ. Reads only."""
    if lock:
        scheme = LevelScheme.objects.select_for_update().select_related("edition").get(pk=scheme.pk)
    else:
        scheme = LevelScheme.objects.select_related("edition").get(pk=scheme.pk)
    if not scheme.is_released:
        return scheme
    if not scheme.released_checksum:
        raise ReleasedResultsUnsealed(
            _(
                "The released results of %(edition)s have no checksum yet. Staff must run "
                "“python manage.py seal_released_results” once; then try again."
            )
            % {"edition": scheme.edition},
            code="unsealed",
        )
    computed = released_checksum(scheme)
    if computed != scheme.released_checksum:
        security_log.error(
            "Released results tampered: scheme %s (edition %s) stored %s, computed %s, refused at %s",
            scheme.pk,
            scheme.edition_id,
            scheme.released_checksum,
            computed,
            where,
        )
        raise ReleasedResultsTampered(
            _(
                "The released results of %(edition)s no longer match their checksum (%(stored)s, now %(computed)s): "
                "they were changed outside the portal. Nothing was done. Check the audit log and the database "
                "before going on."
            )
            % {"edition": scheme.edition, "stored": scheme.short_checksum, "computed": computed[:12]},
            scheme=scheme,
            stored=scheme.released_checksum,
            computed=computed,
            where=where,
        )
    return scheme


def edition_results_verify(*, edition, where: str, lock: bool = False) -> LevelScheme | None:
    """`released_results_verify` for the edition's scheme; None when the edition has none."""
    scheme = LevelScheme.objects.filter(edition=edition).first()
    return None if scheme is None else released_results_verify(scheme=scheme, where=where, lock=lock)


def tampering_record(error: ReleasedResultsTampered, *, actor=None) -> None:
    """Audit a refused mismatch. Call outside the refused transaction (it rolled back), once per refusal."""
    audit_record(
        actor=actor,
        obj=error.scheme,
        action="levels.checksum_mismatch",
        changes={"checksum": [error.stored, error.computed]},
        note=error.where,
    )


def records_tampering(service):
    """Decorate a service (outside its `transaction.atomic`) so a `ReleasedResultsTampered` it raises is audited
    after its transaction rolled back, then raised again. The actor is the service's `actor` keyword."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except ReleasedResultsTampered as error:
            tampering_record(error, actor=kwargs.get("actor"))
            raise

    return wrapper


# --- Writes ----------------------------------------------------------------------------------------------------------


def released_checksum_update(*, actor, scheme: LevelScheme, obj=None, reason: str = "") -> str:
    """Store the checksum of the results as they are now, after a legitimate change (call in the change's
    transaction, having verified with `lock=True` before changing). Audited as `levels.checksum_updated` with the
    old and new checksum (a no-op when equal). Returns the checksum."""
    scheme = LevelScheme.objects.select_for_update().get(pk=scheme.pk)
    new = released_checksum(scheme)
    old = scheme.released_checksum
    if new != old:
        scheme.released_checksum = new
        scheme.save(update_fields=["released_checksum", "updated_at"])
        audit_record(
            actor=actor,
            obj=scheme,
            action="levels.checksum_updated",
            changes={"checksum": [old, new]},
            note=reason or (str(obj) if obj is not None else ""),
        )
    return new


@transaction.atomic
def released_scheme_seal(*, actor, scheme: LevelScheme) -> bool:
    """Store the checksum of a scheme released before checksums existed (the row locked). Idempotent: a scheme not
    released or already sealed is left alone and False returned. Audited as `levels.checksum_sealed`."""
    scheme = LevelScheme.objects.select_for_update().get(pk=scheme.pk)
    if not scheme.is_released or scheme.released_checksum:
        return False
    scheme.released_checksum = released_checksum(scheme)
    scheme.save(update_fields=["released_checksum", "updated_at"])
    audit_record(
        actor=actor,
        obj=scheme,
        action="levels.checksum_sealed",
        changes={"checksum": [None, scheme.released_checksum]},
    )
    return True
