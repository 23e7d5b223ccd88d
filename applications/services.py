"""Every write to applications: drafts, attachments, submission, withdrawal and the one transition function."""

import difflib
import hashlib
import re
from collections.abc import Callable
from typing import NamedTuple

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import ApprovalStatus
from accounts.models import QCGroup, Unit
from awards.enums import ProgrammeKind, QuestionKind
from awards.models import AttachmentRequirement, Category, Edition
from core.audit import audit_record, created, diff, snapshot
from core.exceptions import BusinessRuleError
from core.files import atomic_with_files, clean_filename, save_file, sniff_content_type, validate_file  # noqa: F401  (sniff re-exported)

from . import signals
from .answers import answers_errors
from .enums import TRANSITIONS, Action, Status, action_label, repeats, status_sets
from .models import Application, ApplicationEvent, Attachment, NumberSequence
from .selectors import group_applications_used, unit_applications_used


class Transition(NamedTuple):
    """What `application_transition` did: the application as it stands now, and whether it moved."""

    application: Application
    changed: bool


def application_transition(
    *,
    application: Application,
    action: str,
    actor,
    note: str = "",
    fields: dict | None = None,
    prepare: Callable[[Application], dict | None] | None = None,
) -> Transition:
    """The only way an application's status changes.

    Locks the row. A repeated request for a move already made (a double click, a second tab: the application
    stands where `action` leads and cannot start it from there) changes nothing and returns `changed=False`; the
    caller decides what to tell the user. A move the transition table does not allow is refused (clear message).
    Otherwise, still under the lock: `prepare(locked)` runs the caller's own checks (raise `BusinessRuleError` to
    refuse) and may return more fields to set; `signals.transition_requested` lets higher apps veto the move
    (`TransitionVetoed`); then the status and `fields` are saved with the timeline entry and the audit row in the
    same transaction, and `signals.transition_committed` is sent after commit (never on rollback).

    `fields` never holds `status`: the table decides it (a ValueError, a programming error).
    """
    allowed_from, target = TRANSITIONS[action]
    _refuse_status_field(fields)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if repeats(locked.status, action):
            return Transition(locked, False)
        if locked.status not in allowed_from:
            raise BusinessRuleError(
                _("This application is “%(status)s”; “%(action)s” is not possible now.")
                % {"status": locked.get_status_display(), "action": action_label(action)},
                code="bad_transition",
            )
        fields = {**(fields or {}), **((prepare(locked) if prepare else None) or {})}
        _refuse_status_field(fields)
        from_status = locked.status
        # What both signals tell their receivers about the move.
        move = {"action": action, "from_status": from_status, "to_status": target, "actor": actor, "note": note}
        signals.transition_requested.send(Application, application=locked, **move)
        before = snapshot(locked, ["status", *fields])
        locked.status = target
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.revision = F("revision") + 1
        locked.save()
        locked.refresh_from_db()
        event = ApplicationEvent.objects.create(
            application=locked, action=action, from_status=from_status, to_status=target, actor=actor, note=note
        )
        audit_record(actor=actor, obj=locked, action=f"application.{action}", changes=diff(before, locked), note=note)

        # A named function, not a partial: Django logs a failing robust callback by its __qualname__.
        def send_transition_committed():
            signals.send_committed(Application, application=locked, event=event, **move)

        transaction.on_commit(send_transition_committed, robust=True)
    return Transition(locked, True)


def _refuse_status_field(fields: dict | None) -> None:
    if fields and "status" in fields:
        raise ValueError("application_transition sets the status from the transition table, not from `fields`")


# --- Drafts -----------------------------------------------------------------------------------------------------


def _check_window_for_new(edition: Edition) -> None:
    phase = edition.application_phase
    now = timezone.now()
    if phase is None or now < phase.starts_at:
        raise BusinessRuleError(_("Applications to this edition have not opened yet."))
    if now >= phase.ends_at:
        raise BusinessRuleError(
            _("Applications to this edition closed at %(deadline)s (Beijing time).")
            % {"deadline": f"{timezone.localtime(phase.ends_at):%Y-%m-%d %H:%M}"}
        )


def _check_category(edition: Edition, category: Category, subtype: Category | None) -> None:
    if category.edition_id != edition.pk or category.parent_id is not None:
        raise BusinessRuleError(_("Choose a category of this edition."))
    if subtype is not None and subtype.parent_id != category.pk:
        raise BusinessRuleError(_("The sub-type does not belong to the chosen category."))


@transaction.atomic
def group_registration_problem(edition: Edition, group) -> str:
    """Why `group` may not apply to `edition` because of when it registered ("" when it may).

    An edition with `group_registered_before_window` admits only groups registered before its application window
    opened: a group registered later is told so on its dashboard and on the create page, and cannot start a draft.
    """
    phase = edition.application_phase
    if edition.group_registered_before_window and phase and group.created_at >= phase.starts_at:
        return _(
            "The QC group was registered after the application window opened on %(date)s; "
            "this edition admits only groups registered before."
        ) % {"date": f"{timezone.localtime(phase.starts_at):%Y-%m-%d}"}
    return ""


def application_create(
    *, actor, edition: Edition, category: Category, title: str, subtype: Category | None = None, group=None, unit=None
) -> Application:
    """Start a draft. QC programmes take a group (its unit applies through it); the others take a unit."""
    _check_window_for_new(edition)
    _check_category(edition, category, subtype)
    if edition.programme.applicant_kind == "group":
        if group is None:
            raise BusinessRuleError(_("This programme takes applications from QC groups."))
        registration_problem = group_registration_problem(edition, group)
        if registration_problem:
            raise BusinessRuleError(registration_problem, code="not_eligible")
        unit = group.unit
    elif unit is None:
        raise BusinessRuleError(_("This programme takes applications from units."))
    application = Application(
        edition=edition,
        category=category,
        subtype=subtype,
        title=title.strip(),
        group=group,
        unit=unit,
        created_by=actor,
    )
    application.full_clean(exclude=["answers", "similar_topics"])
    application.save()
    if group is not None and edition.questions.filter(kind=QuestionKind.MEMBER_TABLE).exists():
        members = [
            {"name": m.name, "job_title": m.job_title, "role_in_group": m.role_in_group} for m in group.members.all()
        ]
        for question in edition.questions.filter(kind=QuestionKind.MEMBER_TABLE):
            application.answers[question.code] = members
        application.save(update_fields=["answers"])
    ApplicationEvent.objects.create(application=application, action="create", to_status=Status.DRAFT, actor=actor)
    audit_record(
        actor=actor,
        obj=application,
        action="application.created",
        changes=created(application, ["edition", "category", "title", "group", "unit"]),
    )
    return application


def _locked_with_phases(pk: int) -> Application:
    """The application's row locked (its edition's row is not), with the edition and its phases that the deadline
    check reads: one query for the row and the edition, one for the phases."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("edition")
        .prefetch_related("edition__phases")
        .get(pk=pk)
    )


def _require_editable(application: Application) -> None:
    if application.status not in status_sets().editable:
        raise BusinessRuleError(
            _("This application is “%(status)s” and can no longer be edited.")
            % {"status": application.get_status_display()},
            code="locked",
        )


@transaction.atomic
def application_save_draft(
    *,
    actor,
    application: Application,
    revision: int,
    title: str,
    category: Category,
    subtype: Category | None,
    answers: dict,
    now=None,
) -> Application:
    """Save what the applicant typed, complete or not (nothing is lost; completeness is checked at submission).

    Refuses a save based on an older revision (someone else saved in between) so nobody overwrites
    another's work unknowingly, and any save after the deadline; the caller keeps the typed input on screen.
    """
    locked = _locked_with_phases(application.pk)
    _require_editable(locked)
    _require_open_for_changes(locked, now)
    if locked.revision != revision:
        raise BusinessRuleError(
            _(
                "Someone else saved this application at %(time)s while you were editing. Your text is still in the "
                "form below: compare it with the current version (open it in a new tab) and save again."
            )
            % {"time": f"{timezone.localtime(locked.updated_at):%H:%M}"},
            code="stale",
        )
    _check_category(locked.edition, category, subtype)
    before = snapshot(locked, ["title", "category", "subtype", "answers"])
    locked.title = title.strip()
    locked.category = category
    locked.subtype = subtype
    locked.answers = {**locked.answers, **answers}
    locked.revision = locked.revision + 1
    locked.save()
    changes = diff(before, locked)
    if "answers" in changes:  # keep the audit readable: which answers changed, not the whole dict twice
        old, new = changes.pop("answers")
        changes["answers"] = [None, sorted(k for k in new if (old or {}).get(k) != new.get(k))]
    if changes:
        audit_record(actor=actor, obj=locked, action="application.saved", changes=changes)
    return locked


@transaction.atomic
def co_applicants_save(*, actor, application: Application, formset, now=None) -> None:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _require_editable(locked)
    _require_open_for_changes(locked, now)
    names = []
    for position, form in enumerate(formset.forms):
        if not form.has_changed() or not form.cleaned_data:
            continue
        if form.cleaned_data.get("DELETE"):
            if form.instance.pk:
                form.instance.delete()
            continue
        row = form.save(commit=False)
        row.application = locked
        row.position = position
        row.save()
        names.append(row.organisation_name)
    audit_record(
        actor=actor,
        obj=locked,
        action="application.co_applicants_saved",
        changes={"co_applicants": [None, list(locked.co_applicants.values_list("organisation_name", flat=True))]},
    )


# --- Attachments ------------------------------------------------------------------------------------------------


def validate_upload(*, requirement: AttachmentRequirement, data: bytes) -> str:
    """Check an upload against its requirement; returns the sniffed content type or raises a clear message."""
    return validate_file(
        data=data,
        allowed_types=requirement.allowed_types,
        max_mb=requirement.max_size_mb,
        label=requirement.localized("name"),
    )


def _safe_name(name: str) -> str:
    """The upload's name as stored and shown: no bidi/control characters, no path (see core.files.clean_filename)."""
    return clean_filename(name)


def _check_upload_target(application: Application, requirement: AttachmentRequirement, allowed_statuses, now):
    if application.status not in (status_sets().editable if allowed_statuses is None else allowed_statuses):
        raise BusinessRuleError(
            _("This application is “%(status)s” and its files can no longer be changed.")
            % {"status": application.get_status_display()},
            code="locked",
        )
    _require_open_for_changes(application, now)
    if requirement.edition_id != application.edition_id:
        raise BusinessRuleError(_("This attachment does not belong to the application's edition."))


@atomic_with_files()
def attachment_upload(
    *,
    actor,
    application: Application,
    requirement: AttachmentRequirement,
    uploaded_file,
    allowed_statuses=None,
    now=None,
) -> Attachment:
    """Store an uploaded file after checking it by content. The previous file of the same requirement stays in
    history (not current). Uploading the same bytes again is a no-op.

    The content checks (type sniffing, the PDF structure walk, image headers) and the checksum depend on the
    bytes only: they run before the application's row is locked, so a large scan being checked never holds up
    the applicant's other requests (another upload, a save, the submission) on the same application."""
    data = uploaded_file.read()
    try:
        mime = validate_upload(requirement=requirement, data=data)
    except BusinessRuleError:
        # Refusals read in the same order as ever: the application's state before the file's problem.
        _check_upload_target(Application.objects.get(pk=application.pk), requirement, allowed_statuses, now)
        raise
    digest = hashlib.sha256(data).hexdigest()
    locked = _locked_with_phases(application.pk)
    _check_upload_target(locked, requirement, allowed_statuses, now)
    current = Attachment.objects.filter(application=locked, requirement=requirement, is_current=True).first()
    if current and current.sha256 == digest:
        return current
    if current:
        current.is_current = False
        current.save(update_fields=["is_current"])
    attachment = Attachment(
        application=locked,
        requirement=requirement,
        original_name=_safe_name(uploaded_file.name),
        mime_type=mime,
        size=len(data),
        sha256=digest,
        uploaded_by=actor,
    )
    save_file(attachment.file, digest[:16], ContentFile(data))
    attachment.save()
    audit_record(
        actor=actor,
        obj=locked,
        action="application.attachment_uploaded",
        changes={requirement.code: [current.original_name if current else None, attachment.original_name]},
        note=digest,
    )
    return attachment


# --- Checks -----------------------------------------------------------------------------------------------------


def _normalise_title(title: str) -> str:
    return re.sub(r"[\s\W_]+", "", title or "").lower()


def similar_topics(application: Application) -> list[dict]:
    """Earlier entries of the same unit in the same programme whose topic is the same or very similar."""
    return _similar_topics(edition=application.edition, unit_id=application.unit_id, title=application.title)


def _similar_topics(*, edition: Edition, unit_id: int, title: str) -> list[dict]:
    threshold = float(edition.similarity_threshold)
    mine = _normalise_title(title)
    earlier = (
        Application.objects.filter(
            unit_id=unit_id,
            edition__programme_id=edition.programme_id,
            edition__year__lt=edition.year,
        )
        .filter(status__in=status_sets().reached_unit)
        .values("number", "title", "edition__year")
    )
    found = []
    for row in earlier:
        ratio = difflib.SequenceMatcher(None, mine, _normalise_title(row["title"])).ratio()
        if ratio >= threshold:
            found.append(
                {
                    "number": row["number"],
                    "title": row["title"],
                    "year": row["edition__year"],
                    "similarity": round(ratio, 2),
                }
            )
    return sorted(found, key=lambda f: -f["similarity"])


def _answer_missing(question, value) -> bool:
    if question.kind == QuestionKind.MEMBER_TABLE:
        return not value
    return value in (None, "", [])


def application_problems(application: Application) -> list[str]:
    """What stops a submission now: missing answers or files, and broken eligibility rules. Empty means ready."""
    edition = application.edition
    problems = []
    if not application.title.strip():
        problems.append(_("Give the topic."))
    current = {a.requirement_id for a in application.attachments.all() if a.is_current}
    requirement_ids = {r.code: r.pk for r in edition.attachment_requirements.all()}
    questions = list(edition.questions.all())
    invalid = answers_errors(questions, application.answers or {})
    for question in questions:
        if question.kind == QuestionKind.FILE:  # answered by the current file of the attachment with its code
            missing = requirement_ids.get(question.code) not in current
        else:
            missing = _answer_missing(question, application.answers.get(question.code))
        if question.required and missing:
            problems.append(_("Answer “%(q)s”.") % {"q": question.localized("label")})
        for error in invalid.get(question.code, []):  # the limits the form checks on save, checked again
            problems.append(_("“%(q)s”: %(problem)s") % {"q": question.localized("label"), "problem": error})
    for requirement in edition.attachment_requirements.all():
        if requirement.required and requirement.pk not in current:
            problems.append(_("Upload “%(name)s”.") % {"name": requirement.localized("name")})
    unit = application.unit
    if unit.status != ApprovalStatus.APPROVED:
        problems.append(_("The unit “%(unit)s” is not approved.") % {"unit": unit})
    group = application.group
    if group is not None:
        if group.status != ApprovalStatus.APPROVED:
            problems.append(_("The QC group is not approved by its unit yet."))
        registration_problem = group_registration_problem(edition, group)
        if registration_problem:
            problems.append(registration_problem)
        count = group.members.count()
        if edition.min_members and count < edition.min_members:
            problems.append(
                _("The group has %(n)s members; at least %(min)s are required.")
                % {"n": count, "min": edition.min_members}
            )
        if edition.max_members and count > edition.max_members:
            problems.append(
                _("The group has %(n)s members; at most %(max)s are allowed.")
                % {"n": count, "max": edition.max_members}
            )
        if edition.max_applications_per_group:
            used = group_applications_used(edition, group.pk, excluding=application.pk)
            if used >= edition.max_applications_per_group:
                problems.append(
                    _("The group already has %(n)s application(s) in this edition, the limit.")
                    % {"n": edition.max_applications_per_group}
                )
    if edition.max_applications_per_unit:
        used = unit_applications_used(edition, unit.pk, excluding=application.pk)
        if used >= edition.max_applications_per_unit:
            problems.append(
                _("The unit already has %(n)s application(s) in this edition, the limit.")
                % {"n": edition.max_applications_per_unit}
            )
    if edition.programme.kind in (ProgrammeKind.TACKLING, ProgrammeKind.BENCHMARK):
        for co in application.co_applicants.all():
            if not (co.contact_name and co.contact_phone):
                problems.append(_("Give a contact person for %(org)s.") % {"org": co.organisation_name})
    return problems


def application_deadline(application: Application):
    """When submission closes for this application: the window's end, or a staff extension if later."""
    phase = application.edition.application_phase
    if phase is None:
        return None
    if application.deadline_extended_until and application.deadline_extended_until > phase.ends_at:
        return application.deadline_extended_until
    return phase.ends_at


def application_open_for_changes(application: Application, now=None) -> bool:
    """Whether the applicant may still change the application: before its deadline (`application_deadline`: the
    window's end, or the staff extension of this application). After it, a draft or a returned application is
    read-only; an application without an application phase has no deadline to pass."""
    deadline = application_deadline(application)
    return deadline is None or (now or timezone.now()) < deadline


def _require_open_for_changes(application: Application, now=None) -> None:
    if not application_open_for_changes(application, now):
        raise BusinessRuleError(
            _(
                "The application window closed at %(deadline)s (Beijing time); this application can no longer be "
                "changed. Contact the secretariat if you believe an extension is justified."
            )
            % {"deadline": f"{timezone.localtime(application_deadline(application)):%Y-%m-%d %H:%M}"},
            code="late",
        )


def _check_deadline(application: Application, now) -> None:
    phase = application.edition.application_phase
    deadline = application_deadline(application)
    if phase is None or deadline is None or now < phase.starts_at:
        raise BusinessRuleError(_("Applications to this edition are not open."), code="closed")
    if now >= deadline:
        raise BusinessRuleError(
            _(
                "The application window closed at %(deadline)s (Beijing time); the submission was not accepted. "
                "Your draft is kept. Contact the secretariat if you believe an extension is justified."
            )
            % {"deadline": f"{timezone.localtime(deadline):%Y-%m-%d %H:%M}"},
            code="late",
        )


def _next_number(edition: Edition) -> str:
    """The next number of the edition, e.g. QC-2026-0001, taken under a row lock so parallel submissions never
    share or skip a number."""
    sequence, _created = NumberSequence.objects.get_or_create(edition=edition)
    sequence = NumberSequence.objects.select_for_update().get(pk=sequence.pk)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{edition.programme.code.upper()}-{edition.year}-{sequence.last_number:04d}"


def application_submit(*, actor, application: Application, now=None) -> Application:
    """Submit (or resubmit) an application to its unit.

    Refuses after the deadline whatever the browser shows; checks completeness and eligibility; gives a
    stable number on the first submission (never reused); flags similar earlier topics; locks the content;
    the notices of the move go out after commit (notifications/, on `signals.transition_committed`). A repeated
    submission (a double click) changes nothing and returns the application as it stands.
    """
    now = now or timezone.now()
    # Earlier entries with a similar topic: other applications only (none of the rows locked below), so looked up
    # before the locks, which are then held for the checks and the numbering alone. Looked up again under the lock
    # only if the topic changed in between.
    holders = Application.objects.values("group_id", "unit_id", "title", "status").get(pk=application.pk)
    similar_before = None
    if holders["status"] in status_sets().editable:  # a repeated submission looks nothing up
        similar_before = _similar_topics(
            edition=application.edition, unit_id=holders["unit_id"], title=holders["title"]
        )
    with transaction.atomic():
        # The per-group and per-unit limits count the other applications: lock the group and the unit rows
        # before counting, so two drafts submitted at the same moment are counted one after the other. Order:
        # group, unit, application (unit_endorse takes unit, application), so no two paths wait on each other.
        if holders["group_id"]:
            QCGroup.objects.select_for_update().filter(pk=holders["group_id"]).first()
        Unit.objects.select_for_update().filter(pk=holders["unit_id"]).first()
        # What the checks read comes with the row, in one query per relation (not one per check).
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("edition__programme", "group", "unit")
            .prefetch_related(
                "edition__phases",
                "edition__questions",
                "edition__attachment_requirements",
                "attachments",
            )
            .get(pk=application.pk)
        )

        def check_and_number(_fresh: Application) -> dict:
            # Only for a real move: a repeated submission (a double click) neither re-checks nor takes a number.
            # The same row under the same lock as `locked`, which has the related rows the checks read.
            _require_editable(locked)
            _check_deadline(locked, now)
            problems = application_problems(locked)
            if problems:
                raise BusinessRuleError(" ".join(problems), code="incomplete")
            similar = similar_before
            if similar is None or locked.title != holders["title"]:
                similar = similar_topics(locked)
            fields = {"submitted_at": now, "similar_topics": similar, "return_reason": ""}
            if not locked.number:
                fields["number"] = _next_number(locked.edition)
            if locked.first_submitted_at is None:
                fields["first_submitted_at"] = now
            return fields

        result, _changed = application_transition(
            application=locked,
            action=Action.SUBMIT,
            actor=actor,
            prepare=check_and_number,
            note=_("Resubmitted after changes") if locked.status == Status.RETURNED_TO_GROUP else "",
        )
    return result


def application_withdraw(*, actor, application: Application, note: str = "") -> Application:
    """Withdraw; a repeated withdrawal is a no-op."""
    return application_transition(application=application, action=Action.WITHDRAW, actor=actor, note=note).application


@transaction.atomic
def application_extend_deadline(*, actor, application: Application, until, reason: str) -> Application:
    """Staff give one application more time to submit, with the reason in the audit log."""
    if not reason.strip():
        raise BusinessRuleError(_("Give the reason for the extension."))
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status not in status_sets().editable:
        raise BusinessRuleError(
            _("This application is “%(status)s”: its applicant can no longer change it, so there is nothing to extend.")
            % {"status": locked.get_status_display()},
            code="not_extendable",
        )
    phase = locked.edition.application_phase
    if phase and until <= phase.ends_at:
        raise BusinessRuleError(_("The extension must end after the edition's deadline."))
    before = snapshot(locked, ["deadline_extended_until"])
    locked.deadline_extended_until = until
    locked.save(update_fields=["deadline_extended_until", "updated_at"])
    ApplicationEvent.objects.create(
        application=locked,
        action="deadline_extended",
        from_status=locked.status,
        to_status=locked.status,
        actor=actor,
        note=f"{timezone.localtime(until):%Y-%m-%d %H:%M} · {reason.strip()}",
    )
    audit_record(
        actor=actor,
        obj=locked,
        action="application.deadline_extended",
        changes=diff(before, locked),
        note=reason.strip(),
    )
    return locked
