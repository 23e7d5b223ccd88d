"""Pages of the presentation competition (发表赛).

Staff (`reviews.manage_rounds`): the presentation rounds, building sessions, a session's running order (drag and
drop posting the order, or up/down buttons without JavaScript), judges, place and time, closing, mailing the groups,
the running sheet and judges' sheets (PDF through the documents job), and the live board (htmx polling).
Judges (the expert channel): their sessions and a scoring page per presentation that saves as the judge types
(`static/js/score-autosave.js`); never the running results. Groups: their slot and the presentation file upload.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rules.contrib.views import permission_required

from awards.selectors import edition_for_editing
from core import roles
from core.exceptions import BusinessRuleError
from core.files import stored_file_response

from . import presentation, scoring
from . import selectors_expert as expert_selectors
from .conflicts import round_pool
from .documents import JUDGE_SHEETS_PDF, RUNNING_SHEET_PDF
from .enums import SheetState
from .forms_expert import ExpertSheetForm
from .forms_presentation import (
    BuildSessionsForm,
    JudgesForm,
    MoveForm,
    PresentationFileForm,
    SessionForm,
)
from .forms_rounds import RoundForm
from .models_presentation import PresentationSession
from .views_expert import declaration_gate, expert_only

manage_required = permission_required("reviews.manage_rounds", raise_exception=True)
STAFF_SECTION = "presentation"


def _render(request, template, context, **kwargs):
    return render(request, template, {"staff_section": STAFF_SECTION, **context}, **kwargs)


def _session_url(session) -> str:
    return reverse("reviews:presentation_session", args=[session.pk])


# --- Staff: rounds and sessions -------------------------------------------------------------------------------------


@login_required
@manage_required
def presentation_index(request):
    return _render(
        request, "reviews/presentation/index.html", {"editions": presentation.editions_with_presentation_rounds()}
    )


@login_required
@manage_required
@require_http_methods(["GET", "POST"])
def presentation_round_create(request, edition_pk):
    edition = edition_for_editing(edition_pk)
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        initial={"name": _("%(year)s presentation competition") % {"year": edition.year}, "blind": False},
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "blind"}
        try:
            round_ = presentation.presentation_round_create(actor=request.user, edition=edition, **data)
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Presentation round “%(round)s” created.") % {"round": round_})
            return redirect("reviews:presentation_round", pk=round_.pk)
    return _render(request, "reviews/presentation/round_form.html", {"edition": edition, "form": form})


@login_required
@manage_required
@require_http_methods(["GET", "POST"])
def presentation_round(request, pk):
    round_ = presentation.presentation_round_for_staff(pk)
    form = BuildSessionsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = presentation.sessions_build(actor=request.user, round=round_, **form.cleaned_data)
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext("%(count)d session built.", "%(count)d sessions built.", len(created))
                % {"count": len(created)},
            )
            return redirect("reviews:presentation_round", pk=round_.pk)
    context = {
        "round": round_,
        "sessions": presentation.sessions_of_round(round_),
        "unplaced": presentation.unplaced_count(round_),
        "document_rounds": presentation.document_rounds_closed(round_.edition),
        "form": form,
    }
    return _render(request, "reviews/presentation/round.html", context)


def _session_context(request, session, **forms) -> dict:
    slots = presentation.session_slots(session)
    others = PresentationSession.objects.filter(round=session.round).exclude(pk=session.pk).order_by("starts_at")
    return {
        "round": session.round,
        "session": session,
        "slots": slots,
        "session_form": forms.get("session_form") or SessionForm(instance=session),
        "judges_form": forms.get("judges_form")
        or JudgesForm(pool=_pool_experts(session), initial={"judges": list(session.judges.all())}),
        "move_form": MoveForm(sessions=others),
        "has_other_sessions": others.exists(),
        "kinds": {"running": RUNNING_SHEET_PDF, "judges": JUDGE_SHEETS_PDF},
    }


def _pool_experts(session):
    from accounts.models import Expert

    return Expert.objects.filter(pk__in=round_pool(session.round).values("expert_id")).select_related("user")


@login_required
@manage_required
@require_http_methods(["GET", "POST"])
def presentation_session(request, pk):
    session = presentation.session_for_staff(pk)
    form = SessionForm(request.POST, instance=session) if request.method == "POST" else None
    if form is not None and form.is_valid():
        try:
            presentation.session_change(actor=request.user, session=session, data=form.cleaned_data)
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The session is saved."))
            return redirect(_session_url(session))
    if form is not None:
        session.refresh_from_db()
    return _render(request, "reviews/presentation/session.html", _session_context(request, session, session_form=form))


@login_required
@manage_required
@require_POST
def presentation_session_judges(request, pk):
    session = presentation.session_for_staff(pk)
    form = JudgesForm(request.POST, pool=_pool_experts(session))
    if form.is_valid():
        try:
            presentation.session_judges_set(actor=request.user, session=session, experts=form.cleaned_data["judges"])
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The judges are set; conflicted presentations stay blank for them."))
    else:
        messages.error(request, _("Choose judges from the pool."))
    return redirect(_session_url(session))


@login_required
@manage_required
@require_POST
def presentation_session_reorder(request, pk):
    """The new running order as `slot` values in order (the drag-and-drop script posts it; htmx gets the list)."""
    session = presentation.session_for_staff(pk)
    try:
        presentation.session_reorder(actor=request.user, session=session, slot_ids=request.POST.getlist("slot"))
    except BusinessRuleError as error:
        if request.htmx:
            return JsonResponse({"ok": False, "message": error.message}, status=400)
        messages.error(request, error.message)
        return redirect(_session_url(session))
    if request.htmx:
        context = {"session": session, "slots": presentation.session_slots(session)}
        return render(request, "reviews/presentation/_slots.html", context)
    messages.success(request, _("The running order is saved."))
    return redirect(_session_url(session))


@login_required
@manage_required
@require_POST
def presentation_slot_shift(request, pk, direction):
    slot = presentation.slot_for_staff(pk)
    if direction not in ("up", "down"):
        raise Http404
    try:
        presentation.slot_shift(actor=request.user, slot=slot, delta=-1 if direction == "up" else 1)
    except BusinessRuleError as error:
        messages.error(request, error.message)
    return redirect(f"{_session_url(slot.session)}#slot-{slot.pk}")


@login_required
@manage_required
@require_POST
def presentation_slot_move(request, pk):
    slot = presentation.slot_for_staff(pk)
    others = PresentationSession.objects.filter(round_id=slot.round_id).exclude(pk=slot.session_id)
    form = MoveForm(request.POST, sessions=others)
    if not form.is_valid():
        messages.error(request, _("Choose the session to move it to."))
        return redirect(_session_url(slot.session))
    try:
        presentation.slot_move(actor=request.user, slot=slot, session=form.cleaned_data["session"])
    except BusinessRuleError as error:
        messages.error(request, error.message)
        return redirect(_session_url(slot.session))
    messages.success(request, _("Moved to “%(session)s”.") % {"session": form.cleaned_data["session"]})
    return redirect(_session_url(slot.session))


@login_required
@manage_required
@require_POST
def presentation_session_close(request, pk):
    session = presentation.session_for_staff(pk)
    presentation.session_close(actor=request.user, session=session)
    messages.success(request, _("The session is closed: its scores are frozen."))
    return redirect(_session_url(session))


@login_required
@manage_required
@require_POST
def presentation_session_reopen(request, pk):
    session = presentation.session_for_staff(pk)
    try:
        presentation.session_reopen(actor=request.user, session=session, reason=request.POST.get("reason", ""))
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The session is open again."))
    return redirect(_session_url(session))


@login_required
@manage_required
@require_POST
def presentation_session_notify(request, pk):
    session = presentation.session_for_staff(pk)
    try:
        sent = presentation.session_notify(actor=request.user, session=session)
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, ngettext("%(count)d group is mailed.", "%(count)d groups are mailed.", sent) % {"count": sent}
        )
    return redirect(_session_url(session))


@login_required
@manage_required
@require_GET
def presentation_board(request, pk):
    """The live board; htmx polls it and swaps the table only."""
    session = presentation.session_for_staff(pk)
    context = {"session": session, "round": session.round, "board": presentation.session_board(session)}
    if request.htmx:
        return render(request, "reviews/presentation/_board.html", context)
    return _render(request, "reviews/presentation/board.html", context)


# --- Judges -----------------------------------------------------------------------------------------------------------


def _judge_session(request, pk) -> PresentationSession:
    expert_only(request.user)
    session = presentation.judge_session(request.user, pk)
    if session is None:
        raise Http404
    return session


@login_required
def presentation_judge_session(request, pk):
    session = _judge_session(request, pk)
    gate = declaration_gate(request, session.round)
    if gate:
        return gate
    rows = presentation.judge_slots(request.user, session)
    context = {"session": session, "round": session.round, "rows": rows, "submitted": SheetState.SUBMITTED}
    return render(request, "reviews/presentation/judge_session.html", context)


def _judge_row(request, session, slot_pk) -> dict:
    row = next((r for r in presentation.judge_slots(request.user, session) if r["slot"].pk == slot_pk), None)
    if row is None or row["assignment"] is None:
        raise Http404  # not in the session, or a conflicted (blank) slot
    return row


def _sheet_context(session, row, *, form=None, error="") -> dict:
    assignment = row["assignment"]
    sheet = row["sheet"]
    rubric = expert_selectors.rubric_for(assignment)
    items = scoring.rubric_items(rubric)
    problem = scoring.scoring_problem(assignment)
    saved = (
        {"scores": sheet.scores, "comments": sheet.comments, "comment": sheet.comment, "revision": sheet.revision}
        if sheet
        else {}
    )
    form = form or ExpertSheetForm(items=items, step=session.round.score_step, saved=saved, disabled=bool(problem))
    return {
        "session": session,
        "round": session.round,
        "slot": row["slot"],
        "assignment": assignment,
        "sheet": sheet,
        "form": form,
        "rows": form.rows(),
        "max_total": rubric.total_points if rubric else None,
        "saved_total": sheet.total if sheet else None,
        "problem": problem,
        "error": error,
        "submitted": SheetState.SUBMITTED,
    }


@login_required
@require_http_methods(["GET", "POST"])
def presentation_judge_slot(request, pk, slot_pk):
    """One presentation's sheet. A POST with `X-Autosave` answers JSON (the autosave script); a plain POST (no
    JavaScript, or the Submit button) redirects."""
    session = _judge_session(request, pk)
    gate = declaration_gate(request, session.round)
    if gate:
        return gate
    row = _judge_row(request, session, slot_pk)
    if request.method == "GET":
        return render(request, "reviews/presentation/judge_slot.html", _sheet_context(session, row))
    autosave = request.headers.get("X-Autosave") == "1"
    context = _sheet_context(session, row)
    form = ExpertSheetForm(request.POST, items=context["form"].items, step=session.round.score_step)
    form.is_valid()
    submit = "submit" in request.POST and not autosave
    revision = request.POST.get("revision", "")
    try:
        sheet = scoring.sheet_save(
            actor=request.user,
            assignment=row["assignment"],
            scores=form.raw_scores(),
            comments=form.comments(),
            comment=request.POST.get("comment", ""),
            revision=int(revision) if revision.isdigit() else -1,
            submit=submit,
        )
    except BusinessRuleError as error:
        status = 409 if error.code in ("stale", "closed") else 400
        if autosave:
            return JsonResponse({"ok": False, "code": error.code, "message": error.message}, status=status)
        return render(
            request,
            "reviews/presentation/judge_slot.html",
            _sheet_context(session, row, form=form, error=error.message),
            status=status,
        )
    if autosave:
        return JsonResponse(
            {"ok": True, "revision": sheet.revision, "total": str(sheet.total) if sheet.total is not None else ""}
        )
    messages.success(request, _("Your score sheet is submitted.") if submit else _("Your score sheet is saved."))
    return redirect("reviews:presentation_judge_slot", pk=session.pk, slot_pk=slot_pk)


@login_required
@require_GET
def presentation_slot_file(request, pk):
    """A group's uploaded presentation file: staff, and the session's judges for a slot they score (after the
    declaration); 404 for anyone else and when nothing is uploaded."""
    staff = request.user.has_perm("reviews.manage_rounds")
    slot = presentation.slot_file_for(request.user, pk, staff=staff)
    if slot is None:
        raise Http404
    if not staff:
        gate = declaration_gate(request, slot.session.round)
        if gate:
            return gate
    return stored_file_response(
        slot.file, filename=presentation.slot_file_name(slot), content_type=slot.file_type or "application/octet-stream"
    )


# --- Groups -----------------------------------------------------------------------------------------------------------


def _group_slot(request, pk):
    if not roles.group_ids(request.user):
        raise PermissionDenied
    return presentation.slot_for_group_member(request.user, pk)


@login_required
@require_http_methods(["GET", "POST"])
def presentation_group_slot(request, pk):
    slot = _group_slot(request, pk)
    form = PresentationFileForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            presentation.slot_file_upload(actor=request.user, slot=slot, uploaded_file=form.cleaned_data["file"])
        except BusinessRuleError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("Your presentation file is uploaded."))
            return redirect("reviews:presentation_group_slot", pk=slot.pk)
    context = {"slot": slot, "session": slot.session, "form": form, "upload_problem": presentation.upload_problem(slot)}
    return render(request, "reviews/presentation/group_slot.html", context, status=400 if form.errors else 200)
