"""公示, 异议 and 结果公布: the services and selectors of an edition's results after the release of its levels.

Selectors (reads, for these pages and for other apps):
- `publicity_of(edition)`: the edition's `ResultsPublicity` or None.
- `publicity_rows(edition, *, with_scores=False)`: the publicity list (awarded applications), a constant number of
  queries (2; +the combined table's when scores are asked for).
- `final_results(edition)`: the final results list (confirmed and revoked awards, a revoked one with its reason).
- `objections_for_staff(publicity)`, `objection_status(tracking_number, mobile)`, `open_requests(**scope)`.

Services (keyword-only, atomic, audited; rows locked): `publicity_publish`, `objection_file`, `objection_assign`,
`objection_note_add`, `objection_request`, `objection_respond`, `objection_conclude`, `edition_finalise`,
`award_revoke`. Application statuses move only through `applications.services.application_transition`.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application
from applications.services import application_transition
from core.audit import audit_record
from core.exceptions import BusinessRuleError
from core.files import PDF, atomic_with_files, clean_filename, save_file, validate_file
from reviews.checksum import (
    edition_results_verify,
    records_tampering,
    released_checksum_update,
    released_results_verify,
)
from reviews.models_levels import AwardLevel, LevelDecision, LevelScheme
from reviews.workflow_levels import LevelStatus

from . import workdays
from .models_results import (
    OPEN_OBJECTION_STATES,
    AwardRevocation,
    Objection,
    ObjectionEffect,
    ObjectionFile,
    ObjectionNote,
    ObjectionRequest,
    ObjectionState,
    ResultsPublicity,
)
from .workflow import FINAL_LIST_STATUSES, ResultAction, ResultStatus

MOBILE = re.compile(r"^1[3-9]\d{9}$")
EVIDENCE_TYPES = [PDF, "image/jpeg", "image/png"]
EVIDENCE_MAX_MB = 10
EVIDENCE_MAX_FILES = 5
PUBLICITY_STATUSES = frozenset({LevelStatus.AWARDED}) | FINAL_LIST_STATUSES

AUDIT_ACTIONS = {
    "results.publicity_published": gettext_lazy("results publicity published"),
    "results.objection_filed": gettext_lazy("objection filed"),
    "results.objection_assigned": gettext_lazy("objection assigned"),
    "results.objection_note": gettext_lazy("objection note added"),
    "results.objection_request": gettext_lazy("answer to an objection requested"),
    "results.objection_response": gettext_lazy("objection answered by the applicant"),
    "results.objection_concluded": gettext_lazy("objection concluded"),
    "results.finalised": gettext_lazy("results finalised"),
    "results.award_revoked": gettext_lazy("award revoked"),
}


# --- Selectors -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    application_id: int
    number: str
    title: str
    group: str
    unit: str
    recommenders: tuple[str, ...]
    category: str
    level: str
    status: str
    score: Decimal | None = None
    revoked_reason: str = ""

    @property
    def revoked(self) -> bool:
        return self.status == ResultStatus.AWARD_REVOKED


def publicity_of(edition) -> ResultsPublicity | None:
    return ResultsPublicity.objects.select_related("edition__programme", "notice").filter(edition=edition).first()


def _rows(edition, statuses, *, with_scores: bool = False) -> list[ResultRow]:
    from recommenders.selectors import recommender_names

    decisions = list(
        LevelDecision.objects.filter(
            scheme__edition=edition, released=True, level__isnull=False, application__status__in=statuses
        )
        .select_related(
            "level",
            "application__group",
            "application__unit",
            "application__category__parent",
            "application__award_revocation",
        )
        .order_by("level__position", "application__category__position", "application__number", "application_id")
    )
    ids = [d.application_id for d in decisions]
    names = recommender_names(ids) if ids else {}
    totals = {}
    if with_scores and decisions:
        from reviews.levels import combined_table

        totals = {r.application_id: r.total for r in combined_table(decisions[0].scheme, with_chain_scores=False).rows}
    rows = []
    for decision in decisions:
        application = decision.application
        revocation = getattr(application, "award_revocation", None)
        rows.append(
            ResultRow(
                application_id=application.pk,
                number=application.number or "",
                title=application.title,
                group=application.group.name if application.group_id else "",
                unit=application.unit.name,
                recommenders=tuple(names.get(application.pk, ())),
                category=str(application.category),
                level=str(decision.level),
                status=application.status,
                score=totals.get(application.pk),
                revoked_reason=revocation.reason if revocation else "",
            )
        )
    return rows


def publicity_rows(edition, *, with_scores: bool = False) -> list[ResultRow]:
    """The publicity list: every application awarded (and, after the finalisation, confirmed or revoked)."""
    return _rows(edition, PUBLICITY_STATUSES, with_scores=with_scores)


def final_results(edition) -> list[ResultRow]:
    """结果公布: the confirmed awards of a finalised edition; a revoked one stays, marked with its reason."""
    return _rows(edition, FINAL_LIST_STATUSES)


def public_publicity(pk: int) -> ResultsPublicity | None:
    """A publicity the public may see: published (started)."""
    return (
        ResultsPublicity.objects.select_related("edition__programme", "notice")
        .filter(edition_id=pk, starts_at__lte=timezone.now())
        .first()
    )


def public_publicities():
    return (
        ResultsPublicity.objects.select_related("edition__programme")
        .filter(starts_at__lte=timezone.now())
        .order_by("-starts_at")
    )


def objections_for_staff(publicity: ResultsPublicity):
    return (
        Objection.objects.filter(publicity=publicity)
        .select_related("application", "assignee")
        .order_by("-created_at", "-pk")
    )


def objection_for_staff(pk: int) -> Objection:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Objection.objects.select_related("application__edition", "publicity__edition", "assignee", "concluded_by"),
        pk=pk,
    )


def objection_status(tracking_number: str, mobile: str) -> Objection | None:
    """The objection with this tracking number when `mobile` is its objector's (constant-time compare); else None
    (the same answer whether the number exists or not)."""
    objection = Objection.objects.filter(tracking_number=(tracking_number or "").strip().upper()).first()
    stored = objection.mobile if objection else "00000000000"
    matches = hmac.compare_digest(stored.encode(), (mobile or "").strip().encode())
    return objection if objection is not None and matches else None


def open_requests(**scope) -> list[ObjectionRequest]:
    """Unanswered requests about the applications in `scope` (e.g. `objection__application__unit=unit`)."""
    return list(
        ObjectionRequest.objects.filter(answered_at__isnull=True, objection__state__in=OPEN_OBJECTION_STATES, **scope)
        .select_related("objection__application")
        .order_by("deadline", "pk")[:50]
    )


def requests_of(application) -> list[ObjectionRequest]:
    return list(
        ObjectionRequest.objects.filter(objection__application=application)
        .select_related("objection")
        .order_by("requested_at", "pk")
    )


# --- Services --------------------------------------------------------------------------------------------------------


def _locked_publicity(publicity: ResultsPublicity) -> ResultsPublicity:
    return ResultsPublicity.objects.select_for_update().select_related("edition").get(pk=publicity.pk)


def _locked_objection(objection: Objection) -> Objection:
    return Objection.objects.select_for_update().select_related("publicity", "application").get(pk=objection.pk)


def _refuse_if_closed(objection: Objection) -> None:
    if not objection.is_open:
        raise BusinessRuleError(_("This objection is concluded."), code="concluded")


def _store_file(objection: Objection, uploaded, *, note=None) -> ObjectionFile:
    data = uploaded.read()
    mime = validate_file(data=data, allowed_types=EVIDENCE_TYPES, max_mb=EVIDENCE_MAX_MB, label=_("Evidence"))
    digest = hashlib.sha256(data).hexdigest()
    stored = ObjectionFile(
        objection=objection,
        note=note,
        file_name=clean_filename(getattr(uploaded, "name", "") or "evidence"),
        file_type=mime,
        file_sha256=digest,
        size=len(data),
    )
    save_file(stored.file, digest, ContentFile(data))
    stored.save()
    return stored


@records_tampering
@transaction.atomic
def publicity_publish(
    *, actor, edition, starts_at, working_days: int = workdays.DEFAULT_WORKING_DAYS, show_scores=False, notice=None
) -> ResultsPublicity:
    """Publish (or, before it starts, change) the edition's publicity. Only after the levels are released and
    while the released results match their checksum (the scheme row locked; a mismatch is refused, logged and
    audited); the end is computed in working days. Groups, units and recommenders of the listed applications are
    told."""
    scheme = LevelScheme.objects.select_for_update().filter(edition=edition).first()
    if scheme is None or not scheme.is_released:
        raise BusinessRuleError(_("Release the award levels before publishing the results."), code="not_released")
    released_results_verify(scheme=scheme, where="publicity_publish")
    starts_at = starts_at.replace(second=0, microsecond=0)
    ends_at = workdays.window_end(starts_at, working_days)
    existing = ResultsPublicity.objects.select_for_update().filter(edition=edition).first()
    if existing is not None and existing.starts_at <= timezone.now():
        raise BusinessRuleError(_("The publicity has started; it can no longer change."), code="started")
    publicity = existing or ResultsPublicity(edition=edition)
    publicity.starts_at, publicity.working_days, publicity.ends_at = starts_at, working_days, ends_at
    publicity.show_scores, publicity.notice, publicity.published_by = show_scores, notice, actor
    publicity.save()
    audit_record(
        actor=actor,
        obj=publicity,
        action="results.publicity_published",
        changes={
            "starts_at": [None, str(starts_at)],
            "ends_at": [None, str(ends_at)],
            "show_scores": [None, show_scores],
        },
    )
    if existing is None:
        from .results_notices import tell

        applications = Application.objects.filter(edition=edition, status=LevelStatus.AWARDED).select_related(
            "edition", "unit", "group__leader"
        )
        for application in applications:
            tell(application, "publicity", {"publicity": publicity})
    return publicity


def _new_tracking_number() -> str:
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no look-alikes (0/O, 1/I/L)
    return "YY" + "".join(secrets.choice(alphabet) for _i in range(12))


@atomic_with_files()
def objection_file(
    *, publicity, application_id, real_name, mobile, email="", reason, consent, files=(), now=None
) -> Objection:
    """A member of the public files an objection. Refused with the reason when anonymous (no real name or mobile),
    without consent, outside the window (server time, checked with the publicity locked), against an application
    not on the list, or as a duplicate (`duplicate`: the same mobile has an open objection to the same application;
    checked under the publicity lock, so two filings at once make one objection). Evidence passes the upload content
    checks. Returns the objection (its tracking number)."""
    real_name, mobile, reason = (real_name or "").strip(), (mobile or "").strip(), (reason or "").strip()
    if not real_name or not mobile:
        raise BusinessRuleError(
            _("Anonymous objections are not accepted: give your real name and mobile number."), code="anonymous"
        )
    if not MOBILE.match(mobile):
        raise BusinessRuleError(_("Enter a mainland China mobile number (11 digits)."), code="mobile")
    if not consent:
        raise BusinessRuleError(_("Agree to be contacted about the objection."), code="consent")
    if not reason:
        raise BusinessRuleError(_("Give the reason for the objection."), code="reason")
    if len(files) > EVIDENCE_MAX_FILES:
        raise BusinessRuleError(_("At most %(n)d evidence files.") % {"n": EVIDENCE_MAX_FILES}, code="files")
    publicity = _locked_publicity(publicity)
    now = now or timezone.now()
    if now < publicity.starts_at:
        raise BusinessRuleError(_("The publicity has not started; objections are not yet accepted."), code="early")
    if now >= publicity.ends_at:
        raise BusinessRuleError(
            _("The publicity ended at %(end)s; late objections are not accepted.")
            % {"end": f"{publicity.ends_at.astimezone(workdays.SHANGHAI):%Y-%m-%d %H:%M}"},
            code="late",
        )
    application = Application.objects.filter(
        pk=application_id, edition_id=publicity.edition_id, status=LevelStatus.AWARDED
    ).first()
    if application is None:
        raise BusinessRuleError(_("Choose an application from the publicity list."), code="application")
    # Checked under the publicity's row lock (taken above): two filings at once (a double click, a resent form)
    # are counted one after the other, so the second always sees the first.
    if Objection.objects.filter(
        publicity=publicity, application=application, mobile=mobile, state__in=OPEN_OBJECTION_STATES
    ).exists():
        raise BusinessRuleError(
            _(
                "You have already filed an objection to this application and it is being handled; follow it on the "
                "status page with its tracking number and your mobile number."
            ),
            code="duplicate",
        )
    objection = Objection.objects.create(
        publicity=publicity,
        application=application,
        tracking_number=_new_tracking_number(),
        real_name=real_name,
        mobile=mobile,
        email=(email or "").strip(),
        reason=reason,
        consent=True,
    )
    for uploaded in files:
        _store_file(objection, uploaded)
    # The objector's identity is personal data: the audit entry names only the application and the files.
    audit_record(actor=None, obj=objection, action="results.objection_filed", changes={"files": [None, len(files)]})
    return objection


@transaction.atomic
def objection_assign(*, actor, objection, assignee) -> Objection:
    from core import roles

    objection = _locked_objection(objection)
    _refuse_if_closed(objection)
    if assignee is not None and not roles.is_staff(assignee):
        raise BusinessRuleError(_("Only staff handle objections."), code="not_staff")
    before = objection.assignee_id
    objection.assignee = assignee
    objection.state = ObjectionState.INVESTIGATING
    objection.save(update_fields=["assignee", "state", "updated_at"])
    audit_record(
        actor=actor,
        obj=objection,
        action="results.objection_assigned",
        changes={"assignee": [before, assignee.pk if assignee else None]},
    )
    return objection


@atomic_with_files()
def objection_note_add(*, actor, objection, text, files=()) -> ObjectionNote:
    text = (text or "").strip()
    if not text:
        raise BusinessRuleError(_("Write the note."), code="empty")
    objection = _locked_objection(objection)
    _refuse_if_closed(objection)
    note = ObjectionNote.objects.create(objection=objection, author=actor, text=text)
    for uploaded in files:
        _store_file(objection, uploaded, note=note)
    if objection.state == ObjectionState.RECEIVED:
        objection.state = ObjectionState.INVESTIGATING
        objection.save(update_fields=["state", "updated_at"])
    audit_record(actor=actor, obj=objection, action="results.objection_note", changes={"files": [None, len(files)]})
    return note


@transaction.atomic
def objection_request(*, actor, objection, question, deadline) -> ObjectionRequest:
    """Ask the applicant and its unit to answer by `deadline`; they see it on the application's page and
    dashboards, and are told by mail and in the portal (never who objected)."""
    question = (question or "").strip()
    if not question:
        raise BusinessRuleError(_("Write what the applicant should answer."), code="empty")
    if deadline <= timezone.now():
        raise BusinessRuleError(_("The deadline must be in the future."), code="deadline")
    objection = _locked_objection(objection)
    _refuse_if_closed(objection)
    request = ObjectionRequest.objects.create(
        objection=objection, question=question, deadline=deadline, requested_by=actor
    )
    objection.state = ObjectionState.INVESTIGATING
    objection.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor, obj=objection, action="results.objection_request", changes={"deadline": [None, str(deadline)]}
    )
    from .results_notices import tell

    tell(objection.application, "request", {"request": request}, parties=("applicant", "unit"))
    return request


@transaction.atomic
def objection_respond(*, actor, request, response) -> ObjectionRequest:
    """The applicant's group or unit answers a request (once; the request row locked). Permission in the view."""
    response = (response or "").strip()
    if not response:
        raise BusinessRuleError(_("Write the answer."), code="empty")
    request = ObjectionRequest.objects.select_for_update().select_related("objection").get(pk=request.pk)
    if request.answered_at is not None:
        raise BusinessRuleError(_("This request has been answered."), code="answered")
    if not request.objection.is_open:
        raise BusinessRuleError(_("This objection is concluded."), code="concluded")
    request.response, request.answered_by, request.answered_at = response, actor, timezone.now()
    request.save(update_fields=["response", "answered_by", "answered_at"])
    audit_record(actor=actor, obj=request.objection, action="results.objection_response")
    return request


@records_tampering
@transaction.atomic
def objection_conclude(
    *, actor, objection, upheld: bool, answer: str, effect: str = "", level: AwardLevel | None = None
) -> Objection:
    """Conclude with a written answer to the objector. Upheld: the result changes — `withdraw` moves the
    application through `withdraw_award`; `lower` lowers its released level (reviews.levels); either way the
    released results are verified against their checksum before (the scheme row locked) and the checksum updated
    after, in this transaction. Dismissed: nothing changes. The objection row is locked: a second conclusion is
    refused."""
    answer = (answer or "").strip()
    if not answer:
        raise BusinessRuleError(_("Write the answer to the objector."), code="no_answer")
    objection = _locked_objection(objection)
    _refuse_if_closed(objection)
    publicity = objection.publicity
    if publicity.is_finalised:
        raise BusinessRuleError(_("The results are finalised."), code="finalised")
    application = objection.application
    if upheld:
        scheme = edition_results_verify(edition=publicity.edition, where="objection_conclude", lock=True)
        if effect == ObjectionEffect.WITHDRAW:
            application_transition(
                application=application, action=ResultAction.WITHDRAW_AWARD, actor=actor, note=answer
            )
            if scheme is not None:
                released_checksum_update(actor=actor, scheme=scheme, obj=application, reason=answer)
        elif effect == ObjectionEffect.LOWER:
            if level is None:
                raise BusinessRuleError(_("Choose the lower level."), code="no_level")
            from reviews.levels import released_level_lower

            released_level_lower(actor=actor, application=application, level=level, reason=answer)
        else:
            raise BusinessRuleError(_("Choose what the upheld objection changes."), code="no_effect")
    objection.state = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
    objection.effect = effect if upheld else ""
    objection.answer, objection.concluded_at, objection.concluded_by = answer, timezone.now(), actor
    objection.save(update_fields=["state", "effect", "answer", "concluded_at", "concluded_by", "updated_at"])
    audit_record(
        actor=actor,
        obj=objection,
        action="results.objection_concluded",
        changes={"state": [ObjectionState.INVESTIGATING, objection.state], "effect": [None, objection.effect]},
    )
    if not (upheld and effect == ObjectionEffect.WITHDRAW):  # the withdrawal's own notice tells them
        from .results_notices import tell

        tell(application, "outcome", {"objection": objection, "level": level})
    return objection


def finalise_blockers(publicity: ResultsPublicity, now=None) -> list[str]:
    problems = []
    if (now or timezone.now()) < publicity.ends_at:
        problems.append(_("The publicity period has not ended."))
    count = Objection.objects.filter(publicity=publicity, state__in=OPEN_OBJECTION_STATES).count()
    if count:
        problems.append(_("%(n)d objection(s) are still open; conclude them before finalising.") % {"n": count})
    return problems


@records_tampering
@transaction.atomic
def edition_finalise(*, actor, publicity, now=None) -> int:
    """Finalise: refused before the end of the window, while an objection is open and when the released results
    no longer match their checksum (the scheme row locked first; a mismatch is logged and audited); otherwise every
    awarded application moves through `confirm_award`, all or nothing. Returns how many were confirmed."""
    edition_results_verify(edition=publicity.edition, where="edition_finalise", lock=True)
    publicity = _locked_publicity(publicity)
    if publicity.is_finalised:
        raise BusinessRuleError(_("The results are already finalised."), code="finalised")
    problems = finalise_blockers(publicity, now)
    if problems:
        raise BusinessRuleError(" ".join(str(p) for p in problems), code="not_finalisable")
    ids = list(
        Application.objects.select_for_update()
        .filter(edition_id=publicity.edition_id, status=LevelStatus.AWARDED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        application_transition(application=Application(pk=pk), action=ResultAction.CONFIRM_AWARD, actor=actor)
    publicity.finalised_at, publicity.finalised_by = timezone.now(), actor
    publicity.save(update_fields=["finalised_at", "finalised_by", "updated_at"])
    audit_record(actor=actor, obj=publicity, action="results.finalised", changes={"confirmed": [None, len(ids)]})
    return len(ids)


@records_tampering
@transaction.atomic
def award_revoke(*, actor, application, reason) -> AwardRevocation:
    """Revoke a confirmed award (fraud found) with a reason, through `revoke_award`; its certificate stops being
    valid (certificates check the status) and the final list shows it revoked with the reason. The released
    results are verified against their checksum before (the scheme row locked) and the checksum is updated after,
    in this transaction."""
    reason = (reason or "").strip()
    if not reason:
        raise BusinessRuleError(_("Give the reason for revoking the award."), code="no_reason")
    scheme = edition_results_verify(edition=application.edition, where="award_revoke", lock=True)
    moved = application_transition(application=application, action=ResultAction.REVOKE_AWARD, actor=actor, note=reason)
    if not moved.changed:
        raise BusinessRuleError(_("This award is already revoked."), code="revoked")
    revocation = AwardRevocation.objects.create(application=application, reason=reason, revoked_by=actor)
    audit_record(actor=actor, obj=application, action="results.award_revoked", note=reason)
    if scheme is not None:
        released_checksum_update(actor=actor, scheme=scheme, obj=application, reason=reason)
    return revocation
