"""发表赛 (presentation competition): services and selectors of sessions, running orders, judges and live scoring.

A presentation round is a `ReviewRound` of kind PRESENTATION: its rubrics, conflicts, declarations, assignments and
score sheets are the document review's own, so `reviews.results` aggregates it the same way. What this module adds:

- sessions (`PresentationSession`) of one category, with slots (`SessionSlot`, one per application per round);
- a judge of a session gets an ACCEPTED `Assignment` (source SESSION) per application of the session, except where
  a conflict exists (`reviews.conflicts`): that slot stays blank for the judge and is excluded from the results;
- a judge changes their own score only while the session is open (`session_scoring_problem`, asked by
  `reviews.scoring.scoring_problem`);
- groups upload their presentation file (PDF or PPTX, checked by content) until the session's deadline.

Every write locks the session (or round) row and is audited in the same transaction.
"""

import hashlib
from collections import defaultdict

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from awards import scores as score_rules
from core.audit import audit_record
from core.exceptions import BusinessRuleError
from core.files import (
    PDF,
    PPTX,
    atomic_with_files,
    clean_filename,
    delete_replaced_file_after_commit,
    save_file,
    validate_file,
)
from core.mail import mail_after_commit

from .conflicts import conflict_pairs, conflicts_refresh
from .enums import (
    LIVE_ASSIGNMENT_STATES,
    AssignmentSource,
    AssignmentState,
    RoundKind,
    RoundState,
    SessionState,
    SheetState,
)
from .models import Assignment, ReviewRound, RoundResult, ScoreSheet
from .models_presentation import PresentationSession, SessionSlot
from .rounds import round_create

PRESENTATION_FILE_TYPES = [PDF, PPTX]
PRESENTATION_FILE_MAX_MB = 100


def _refuse_closed_round(round_: ReviewRound) -> None:
    if round_.is_closed:
        raise BusinessRuleError(_("The round is closed."), code="round_closed")


def _locked_session(session: PresentationSession) -> PresentationSession:
    return PresentationSession.objects.select_for_update().select_related("round").get(pk=session.pk)


# --- The round ------------------------------------------------------------------------------------------------------


@transaction.atomic
def presentation_round_create(*, actor, edition, name: str, opens_at, closes_at, **settings) -> ReviewRound:
    """A presentation round of `edition`: `rounds.round_create` (rubrics copied from the edition's categories)
    with kind PRESENTATION. Audited `round.created` (by round_create) and `presentation.round_created`."""
    round_ = round_create(actor=actor, edition=edition, name=name, opens_at=opens_at, closes_at=closes_at, **settings)
    round_.kind = RoundKind.PRESENTATION
    round_.blind = False  # judges see the group presenting
    round_.save(update_fields=["kind", "blind", "updated_at"])
    audit_record(actor=actor, obj=round_, action="presentation.round_created", changes={"kind": [None, round_.kind]})
    return round_


def passed_applications(round_: ReviewRound):
    """The applications that passed the document review of the round's edition: those with a result in a closed
    document round."""
    results = RoundResult.objects.filter(
        round__edition_id=round_.edition_id, round__kind=RoundKind.DOCUMENT, round__state=RoundState.CLOSED
    )
    return Application.objects.filter(pk__in=results.values("application_id"))


# --- Building sessions ----------------------------------------------------------------------------------------------


def _split(items: list, parts: int) -> list[list]:
    """`items` in `parts` runs of sizes differing by at most one, order kept."""
    size, extra = divmod(len(items), parts)
    runs, start = [], 0
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        runs.append(items[start:end])
        start = end
    return [run for run in runs if run]


@transaction.atomic
def sessions_build(
    *, actor, round: ReviewRound, sessions_per_category: int, starts_at, slot_minutes: int = 15, venue: str = ""
) -> list[PresentationSession]:
    """Split the passed applications not yet in a session into `sessions_per_category` sessions per category,
    balanced by size (sizes differ by at most one), in application-number order. Sessions of a category start
    one after the other on `starts_at`. Locks the round; audited `session.built`. Applications already placed keep
    their place, so running it again only places newcomers (in new sessions)."""
    round_ = ReviewRound.objects.select_for_update().get(pk=round.pk)
    _refuse_closed_round(round_)
    if round_.kind != RoundKind.PRESENTATION:
        raise BusinessRuleError(_("Sessions belong to a presentation round."), code="not_presentation")
    if not 1 <= int(sessions_per_category) <= 50:
        raise BusinessRuleError(_("Between 1 and 50 sessions per category."), code="session_count")
    placed = SessionSlot.objects.filter(round=round_).values("application_id")
    applications = list(
        passed_applications(round_)
        .exclude(pk__in=placed)
        .select_related("category")
        .order_by("category__position", "category_id", "number", "pk")
    )
    by_category = defaultdict(list)
    for application in applications:
        by_category[application.category].append(application)
    existing = PresentationSession.objects.filter(round=round_).count()
    created = []
    for category, apps in by_category.items():
        runs = _split(apps, int(sessions_per_category))
        start = starts_at
        for run in runs:
            existing += 1
            session = PresentationSession.objects.create(
                round=round_,
                category=category,
                name=_("Session %(number)s · %(category)s") % {"number": existing, "category": category},
                venue=venue,
                starts_at=start,
                slot_minutes=slot_minutes,
            )
            SessionSlot.objects.bulk_create(
                SessionSlot(round=round_, session=session, application=a, position=i)
                for i, a in enumerate(run, start=1)
            )
            start = start + timezone.timedelta(minutes=slot_minutes * len(run))
            created.append(session)
    if created:
        audit_record(
            actor=actor,
            obj=round_,
            action="session.built",
            changes={"sessions": [None, [s.pk for s in created]], "applications": [None, len(applications)]},
        )
    return created


SESSION_FIELDS = ("name", "venue", "meeting_link", "starts_at", "slot_minutes", "instructions", "upload_deadline")


@transaction.atomic
def session_change(*, actor, session: PresentationSession, data: dict) -> PresentationSession:
    """Change a session's place, time and instructions (keys of SESSION_FIELDS). Refused once it is closed, or
    its round is (the schedule is then the record of what took place). Audited `session.changed` with old and new
    values; a no-op writes nothing."""
    from core.audit import diff, snapshot

    session = _locked_session(session)
    if session.is_closed:
        raise BusinessRuleError(_("The session is closed."), code="session_closed")
    _refuse_closed_round(session.round)
    before = snapshot(session, SESSION_FIELDS)
    for name, value in data.items():
        if name in SESSION_FIELDS:
            setattr(session, name, value)
    if not session.venue and not session.meeting_link:
        raise BusinessRuleError(_("Give a venue or an online meeting link."), code="session_place")
    changes = diff(before, session)
    if changes:
        session.save(update_fields=[*changes, "updated_at"])
        audit_record(actor=actor, obj=session, action="session.changed", changes=changes)
    return session


def _renumber(session: PresentationSession, slot_ids: list[int]) -> None:
    # Two passes keep each update simple: positions are not unique, but the order must be exactly the list's.
    for position, slot_id in enumerate(slot_ids, start=1):
        SessionSlot.objects.filter(pk=slot_id, session=session).update(position=position)


@transaction.atomic
def session_reorder(*, actor, session: PresentationSession, slot_ids: list[int]) -> PresentationSession:
    """Set the running order to `slot_ids` (every slot of the session, each once). Locks the session; refused once
    closed, or once its round is; audited `session.reordered` with the order before and after; the same order
    writes nothing."""
    session = _locked_session(session)
    if session.is_closed:
        raise BusinessRuleError(_("The session is closed."), code="session_closed")
    _refuse_closed_round(session.round)
    current = list(SessionSlot.objects.filter(session=session).order_by("position", "id").values_list("id", flat=True))
    try:
        slot_ids = [int(pk) for pk in slot_ids]
    except (TypeError, ValueError):
        slot_ids = []
    if sorted(slot_ids) != sorted(current) or len(set(slot_ids)) != len(slot_ids):
        raise BusinessRuleError(_("The new order must list every presentation of the session once."), code="order")
    if slot_ids != current:
        _renumber(session, slot_ids)
        audit_record(actor=actor, obj=session, action="session.reordered", changes={"order": [current, slot_ids]})
    return session


@transaction.atomic
def slot_shift(*, actor, slot: SessionSlot, delta: int) -> PresentationSession:
    """Move a slot one place up (delta -1) or down (+1): the buttons that work without JavaScript."""
    ids = list(
        SessionSlot.objects.filter(session_id=slot.session_id).order_by("position", "id").values_list("id", flat=True)
    )
    index = ids.index(slot.pk)
    target = index + (1 if delta > 0 else -1)
    if 0 <= target < len(ids):
        ids[index], ids[target] = ids[target], ids[index]
    return session_reorder(actor=actor, session=slot.session, slot_ids=ids)


@transaction.atomic
def slot_move(*, actor, slot: SessionSlot, session: PresentationSession) -> SessionSlot:
    """Move a presentation to another session of the same round (placed last). The judges' assignments follow:
    the old session's judges lose it (assignment REMOVED), the new session's get it. Refused when either session
    is closed. Audited `slot.moved`."""
    slot = SessionSlot.objects.select_for_update().select_related("session").get(pk=slot.pk)
    source = _locked_session(slot.session)
    target = _locked_session(session)
    if target.round_id != slot.round_id:
        raise BusinessRuleError(_("Choose a session of the same round."), code="other_round")
    if source.is_closed or target.is_closed:
        raise BusinessRuleError(_("The session is closed."), code="session_closed")
    _refuse_closed_round(target.round)
    if source.pk == target.pk:
        return slot
    last = SessionSlot.objects.filter(session=target).aggregate(m=Max("position"))["m"] or 0
    slot.session = target
    slot.position = last + 1
    slot.save(update_fields=["session", "position"])
    _renumber(
        source, list(SessionSlot.objects.filter(session=source).order_by("position", "id").values_list("id", flat=True))
    )
    # The old session's judges lose it (unless they judge the new session too); the new session's get it.
    Assignment.objects.filter(
        round_id=slot.round_id,
        application_id=slot.application_id,
        source=AssignmentSource.SESSION,
        state__in=LIVE_ASSIGNMENT_STATES,
    ).exclude(expert__in=target.judges.all()).update(
        state=AssignmentState.REMOVED, reason=_("Moved to another session."), updated_at=timezone.now()
    )
    _sync_assignments(target)
    audit_record(actor=actor, obj=slot.application, action="slot.moved", changes={"session": [source.pk, target.pk]})
    return slot


# --- Judges and their assignments -----------------------------------------------------------------------------------


def _sync_assignments(session: PresentationSession) -> None:
    """Make the session's assignments match judges × slots: a live ACCEPTED assignment per judge and application,
    none for a conflicted pair (RECUSED if it existed), REMOVED for a judge or an application that left."""
    round_ = session.round
    judges = set(session.judges.values_list("pk", flat=True))
    app_ids = dict(SessionSlot.objects.filter(session=session).values_list("application_id", "application__number"))
    conflicts = conflict_pairs(round_)
    rows = {
        (a.expert_id, a.application_id): a
        for a in Assignment.objects.select_for_update().filter(round=round_, application_id__in=app_ids)
    }
    # Assignments of this session's applications held by judges who no longer judge it.
    for (expert_id, _application_id), assignment in rows.items():
        if assignment.source != AssignmentSource.SESSION or assignment.state not in LIVE_ASSIGNMENT_STATES:
            continue
        if expert_id not in judges:
            assignment.state = AssignmentState.REMOVED
            assignment.reason = _("No longer a judge of the session.")
            assignment.save(update_fields=["state", "reason", "updated_at"])
    new = []
    for expert_id in judges:
        for application_id, number in app_ids.items():
            pair = (expert_id, application_id)
            existing = rows.get(pair)
            if pair in conflicts:
                if existing is not None and existing.state in LIVE_ASSIGNMENT_STATES:
                    existing.state = AssignmentState.RECUSED
                    existing.reason = _("Conflict of interest.")
                    existing.save(update_fields=["state", "reason", "updated_at"])
                continue
            if existing is None:
                new.append(
                    Assignment(
                        round=round_,
                        application_id=application_id,
                        expert_id=expert_id,
                        source=AssignmentSource.SESSION,
                        state=AssignmentState.ACCEPTED,
                        responded_at=timezone.now(),
                        code=number or f"A{application_id}",
                    )
                )
            elif existing.state == AssignmentState.REMOVED and existing.source == AssignmentSource.SESSION:
                existing.state = AssignmentState.ACCEPTED
                existing.reason = ""
                existing.save(update_fields=["state", "reason", "updated_at"])
    Assignment.objects.bulk_create(new)


@transaction.atomic
def session_judges_set(*, actor, session: PresentationSession, experts) -> PresentationSession:
    """Set the session's judges (experts of the programme's pool) and give each an assignment per application of
    the session, except conflicted pairs (found afresh by `conflicts_refresh`). Locks the session; refused once
    closed; audited `session.judges_set`; the same judges write nothing but still sync the assignments."""
    from .conflicts import round_pool

    session = _locked_session(session)
    if session.is_closed:
        raise BusinessRuleError(_("The session is closed."), code="session_closed")
    _refuse_closed_round(session.round)  # a closed round takes no new assignment (the database refuses it too)
    pool = set(round_pool(session.round).values_list("expert_id", flat=True))
    chosen = {e.pk for e in experts}
    if chosen - pool:
        raise BusinessRuleError(_("Every judge must be an active expert of the programme's pool."), code="pool")
    before = set(session.judges.values_list("pk", flat=True))
    conflicts_refresh(round=session.round)
    if chosen != before:
        session.judges.set(chosen)
        audit_record(
            actor=actor, obj=session, action="session.judges_set", changes={"judges": [sorted(before), sorted(chosen)]}
        )
    _sync_assignments(session)
    return session


# --- Closing and scoring ------------------------------------------------------------------------------------------


@transaction.atomic
def session_close(*, actor, session: PresentationSession) -> PresentationSession:
    """Close the session: its judges' scores are frozen (`session_scoring_problem`). Locks the session; audited
    `session.closed`; idempotent."""
    session = _locked_session(session)
    if session.is_closed:
        return session
    session.state = SessionState.CLOSED
    session.closed_at = timezone.now()
    session.closed_by = actor
    session.save(update_fields=["state", "closed_at", "closed_by", "updated_at"])
    audit_record(actor=actor, obj=session, action="session.closed", changes={"state": [SessionState.OPEN, "closed"]})
    return session


@transaction.atomic
def session_reopen(*, actor, session: PresentationSession, reason: str) -> PresentationSession:
    """Reopen a closed session (a reason is required) while its round is not closed. Audited `session.reopened`."""
    reason = (reason or "").strip()
    if not reason:
        raise BusinessRuleError(_("Give the reason for reopening the session."), code="reason")
    session = _locked_session(session)
    _refuse_closed_round(session.round)
    if not session.is_closed:
        return session
    session.state = SessionState.OPEN
    session.closed_at = None
    session.closed_by = None
    session.save(update_fields=["state", "closed_at", "closed_by", "updated_at"])
    audit_record(
        actor=actor,
        obj=session,
        action="session.reopened",
        changes={"state": ["closed", SessionState.OPEN]},
        note=reason,
    )
    return session


def slot_of(assignment) -> SessionSlot | None:
    return (
        SessionSlot.objects.select_related("session")
        .filter(round_id=assignment.round_id, application_id=assignment.application_id)
        .first()
    )


def session_scoring_problem(assignment) -> str:
    """Why a judge cannot change this presentation score now ("" when they can): asked by
    `scoring.scoring_problem` for assignments of a presentation round."""
    slot = slot_of(assignment)
    if slot is None:
        return _("This presentation is in no session.")
    if slot.session.is_closed:
        return _("The session is closed: scores can no longer be changed.")
    return ""


# --- Groups: their slot and their file ----------------------------------------------------------------------------


def upload_problem(slot: SessionSlot, now=None) -> str:
    now = now or timezone.now()
    if slot.session.is_closed:
        return _("The session is closed.")
    # A session left open when its round closed takes no file either: the round's results are final (scores,
    # moves and judges are refused there too).
    if slot.round.is_closed:
        return _("The round is closed.")
    if slot.session.upload_deadline and now >= slot.session.upload_deadline:
        return _("The deadline for the presentation file has passed.")
    return ""


@atomic_with_files()
def slot_file_upload(*, actor, slot: SessionSlot, uploaded_file, now=None) -> SessionSlot:
    """Store the group's presentation file (PDF or PPTX, checked by content like the application's attachments)
    before the session's deadline; it replaces the previous one. Locks the slot; audited `slot.file_uploaded`;
    the same bytes again are a no-op."""
    slot = SessionSlot.objects.select_for_update().select_related("session").get(pk=slot.pk)
    problem = upload_problem(slot, now)
    if problem:
        raise BusinessRuleError(problem, code="upload_closed")
    data = uploaded_file.read()
    mime = validate_file(
        data=data, allowed_types=PRESENTATION_FILE_TYPES, max_mb=PRESENTATION_FILE_MAX_MB, label=_("Presentation file")
    )
    digest = hashlib.sha256(data).hexdigest()
    if digest == slot.file_sha256:
        return slot
    old_name, old_digest = slot.file.name, slot.file_sha256
    slot.file_sha256 = digest
    slot.file_type = mime
    slot.file_name = clean_filename(getattr(uploaded_file, "name", "") or "presentation")
    slot.file_uploaded_at = now or timezone.now()
    save_file(slot.file, digest, ContentFile(data))
    slot.save(update_fields=["file", "file_sha256", "file_type", "file_name", "file_uploaded_at"])
    delete_replaced_file_after_commit(SessionSlot, "file", old_name)
    audit_record(
        actor=actor, obj=slot.application, action="slot.file_uploaded", changes={"sha256": [old_digest, digest]}
    )
    return slot


def _group_addresses(application) -> list[str]:
    addresses = [application.created_by.email if application.created_by_id else ""]
    group = application.group
    if group is not None and getattr(group, "leader_id", None):
        addresses.append(group.leader.email)
    return [a for a in addresses if a]


@transaction.atomic
def session_notify(*, actor, session: PresentationSession) -> int:
    """Mail each group of the session its slot, venue and instructions (after commit) and stamp the slot.
    Returns how many mails were queued. Only before the session takes place: not once it or its round is closed
    (a notice of a slot that has passed would mislead). Audited `session.notified`."""
    session = _locked_session(session)
    if session.is_closed:
        raise BusinessRuleError(_("The session is closed."), code="session_closed")
    _refuse_closed_round(session.round)
    slots = list(
        SessionSlot.objects.filter(session=session).select_related(
            "application__group__leader", "application__created_by", "session"
        )
    )
    now = timezone.now()
    sent = 0
    for slot in slots:
        to = _group_addresses(slot.application)
        if not to:
            continue
        mail_after_commit(to=to, template="reviews/presentation/slot_mail", context={"slot": slot, "session": session})
        sent += 1
    SessionSlot.objects.filter(pk__in=[s.pk for s in slots]).update(notified_at=now)
    audit_record(actor=actor, obj=session, action="session.notified", changes={"mails": [None, sent]})
    return sent


# --- Selectors ------------------------------------------------------------------------------------------------------


def editions_with_presentation_rounds():
    """Every edition, newest first, with its presentation rounds (the staff's index)."""
    from django.db.models import Prefetch

    from awards.models import Edition

    rounds = ReviewRound.objects.filter(kind=RoundKind.PRESENTATION).order_by("opens_at", "id")
    return (
        Edition.objects.select_related("programme")
        .prefetch_related(Prefetch("review_rounds", queryset=rounds, to_attr="presentation_rounds"))
        .order_by("-year", "programme__code")
    )


def document_rounds_closed(edition):
    return ReviewRound.objects.filter(edition=edition, kind=RoundKind.DOCUMENT, state=RoundState.CLOSED)


def presentation_round_for_staff(pk) -> ReviewRound:
    return get_object_or_404(
        ReviewRound.objects.select_related("edition__programme"), pk=pk, kind=RoundKind.PRESENTATION
    )


def sessions_of_round(round_: ReviewRound) -> list[PresentationSession]:
    """The round's sessions with their category, slot count and judge count (constant queries)."""
    return list(
        PresentationSession.objects.filter(round=round_)
        .select_related("category")
        .annotate(slot_count=Count("slots", distinct=True), judge_count=Count("judges", distinct=True))
        .order_by("starts_at", "id")
    )


def unplaced_count(round_: ReviewRound) -> int:
    placed = SessionSlot.objects.filter(round=round_).values("application_id")
    return passed_applications(round_).exclude(pk__in=placed).count()


def session_for_staff(pk) -> PresentationSession:
    return get_object_or_404(PresentationSession.objects.select_related("round__edition__programme", "category"), pk=pk)


def session_slots(session: PresentationSession) -> list[SessionSlot]:
    return list(
        SessionSlot.objects.filter(session=session)
        .select_related("application__group", "application__unit", "application__category", "session")
        .order_by("position", "id")
    )


def slot_for_staff(pk) -> SessionSlot:
    return get_object_or_404(SessionSlot.objects.select_related("session__round"), pk=pk)


def session_board(session: PresentationSession) -> dict:
    """The live board: judges × slots with each sheet's total and state ("conflict" where the pair is conflicted
    and blank), and each slot's running mean of the submitted totals. Staff only: never shown to judges."""
    slots = session_slots(session)
    judges = list(session.judges.select_related("user").order_by("user__full_name", "pk"))
    app_ids = [s.application_id for s in slots]
    assignments = {}
    rows = Assignment.objects.filter(round_id=session.round_id, application_id__in=app_ids, expert__in=judges).values(
        "expert_id", "application_id", "state", "sheet__total", "sheet__state"
    )
    for row in rows:
        assignments[(row["expert_id"], row["application_id"])] = row
    conflicts = conflict_pairs(session.round)
    table = []
    for slot in slots:
        cells, submitted = [], []
        for judge in judges:
            key = (judge.pk, slot.application_id)
            row = assignments.get(key)
            if key in conflicts or (row and row["state"] == AssignmentState.RECUSED):
                cells.append({"status": "conflict", "total": None})
            elif row is None or row["state"] not in LIVE_ASSIGNMENT_STATES:
                cells.append({"status": "none", "total": None})
            elif row["sheet__state"] == SheetState.SUBMITTED:
                cells.append({"status": "submitted", "total": row["sheet__total"]})
                submitted.append(row["sheet__total"])
            elif row["sheet__total"] is not None:
                cells.append({"status": "draft", "total": row["sheet__total"]})
            else:
                cells.append({"status": "waiting", "total": None})
        table.append({"slot": slot, "cells": cells, "mean": score_rules.mean(submitted), "count": len(submitted)})
    return {"judges": judges, "rows": table}


# --- Judges' and groups' views ------------------------------------------------------------------------------------


def judge_sessions(user) -> list[PresentationSession]:
    """The sessions the signed-in expert judges in rounds past preparation."""
    from .selectors_expert import expert_of

    expert = expert_of(user)
    if expert is None:
        return []
    return list(
        PresentationSession.objects.filter(judges=expert)
        .exclude(round__state=RoundState.DRAFT)
        .select_related("round__edition__programme", "category")
        .order_by("starts_at", "id")
    )


def judge_session(user, pk) -> PresentationSession | None:
    return next((s for s in judge_sessions(user) if str(s.pk) == str(pk)), None)


def judge_slots(user, session: PresentationSession) -> list[dict]:
    """The session's running order for one judge: each slot with the judge's live assignment (None when
    conflicted: the slot is blank for them) and their sheet."""
    from .selectors_expert import expert_of, visible_assignments

    expert = expert_of(user)
    slots = session_slots(session)
    mine = {
        a.application_id: a
        for a in visible_assignments(user).filter(
            round_id=session.round_id, application_id__in=[s.application_id for s in slots]
        )
    }
    sheets = {s.assignment_id: s for s in ScoreSheet.objects.filter(assignment__in=mine.values())}
    out = []
    for slot in slots:
        assignment = mine.get(slot.application_id)
        out.append(
            {
                "slot": slot,
                "assignment": assignment,
                "sheet": sheets.get(assignment.pk) if assignment else None,
                "expert": expert,
            }
        )
    return out


def group_slots(**application_filter) -> list[SessionSlot]:
    """The slots of the applications matching `application_filter` (e.g. application__group=group), in rounds
    past preparation."""
    return list(
        SessionSlot.objects.filter(**application_filter)
        .exclude(round__state=RoundState.DRAFT)
        .select_related("session", "application", "round")
        .order_by("session__starts_at", "position")
    )


def slot_for_group_member(user, pk) -> SessionSlot:
    """A slot of an application of a group the user belongs to (group role), in a round past preparation; 404
    otherwise."""
    from core import roles

    return get_object_or_404(
        SessionSlot.objects.exclude(round__state=RoundState.DRAFT).select_related("session", "application"),
        pk=pk,
        application__group_id__in=roles.group_ids(user),
    )


def slot_file_for(user, pk, *, staff: bool) -> SessionSlot | None:
    """A slot whose presentation file `user` may download: staff any slot; a judge of the slot's session only
    a slot they score (not a conflicted, blank one). None otherwise, and when nothing is uploaded."""
    slot = SessionSlot.objects.select_related("session__round", "application").filter(pk=pk).exclude(file="").first()
    if slot is None or staff:
        return slot
    session = judge_session(user, slot.session_id)
    if session is None:
        return None
    row = next((r for r in judge_slots(user, session) if r["slot"].pk == slot.pk), None)
    return slot if row and row["assignment"] is not None else None


def slot_file_name(slot: SessionSlot) -> str:
    """The download name: the application's number (the running order's key) and the group's file name.
    Presentation rounds are not blind, so the group's own name for the file may show."""
    number = slot.application.number or f"A{slot.application_id}"
    return f"{number}-{slot.file_name or 'presentation'}"
