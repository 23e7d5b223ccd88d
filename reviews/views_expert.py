"""The expert channel (专家通道): the task list of a round, the declaration gate, the application's materials with
the rubric (save, submit), the attachments under neutral names; and the staff's declaration and correction pages.

Expert pages never reuse the applicant, unit or recommender pages: in a blind round they show the assignment's
code, the title, the category and the content answers, and no group, unit, recommender or member name anywhere
(contact and member questions are left out; files are named `<code>-<requirement>.<ext>` and PDFs lose their
metadata). An assignment that is not the expert's, not live, in a round in preparation or conflicted is a 404.
"""

import io
import mimetypes

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from applications.selectors import answer_rows
from awards.enums import QuestionKind
from awards.models import english_active
from core.exceptions import BusinessRuleError
from core.files import PDF, clean_filename
from core.pagecache import cached_page

from . import declaration as declarations
from . import scoring
from . import selectors_expert as selectors
from .enums import AssignmentState, SheetState
from .forms_expert import ConflictForm, CorrectionForm, DeclarationTextForm, DeclineForm, ExpertSheetForm, SignForm

# Questions whose answers name people or organisations: never shown in a blind round.
NAMING_KINDS = frozenset({QuestionKind.TEXT, QuestionKind.PHONE, QuestionKind.MEMBER_TABLE})
EXTENSIONS = {PDF: "pdf", "image/png": "png", "image/jpeg": "jpg"}
INLINE_TYPES = frozenset(EXTENSIONS)


def expert_only(user):
    """Refuse (403) anyone who is not an expert of the pool; shared by the expert channel's pages."""
    if not user.has_perm("accounts.access_expert_channel") or selectors.expert_of(user) is None:
        raise PermissionDenied


def _round_for(request, round_pk):
    expert_only(request.user)
    round_ = selectors.expert_round(request.user, round_pk)
    if round_ is None:
        raise Http404
    return round_


def _assignment_for(request, pk):
    expert_only(request.user)
    assignment = selectors.assignment_for(request.user, pk)
    if assignment is None:
        raise Http404
    return assignment


def declaration_gate(request, round_):
    """A redirect to the declaration page while the expert has not signed it for this round (else None)."""
    if declarations.declaration_signed(selectors.expert_of(request.user), round_):
        return None
    url = reverse("reviews:expert_declaration", args=[round_.pk])
    return redirect(f"{url}?next={request.get_full_path()}")


def _round_url(round_) -> str:
    return reverse("reviews:expert_round", args=[round_.pk])


# --- Dashboard panel ----------------------------------------------------------------------------------------------


def dashboard_panel(request, expert) -> dict:
    """The expert dashboard's panel: each round with work, its deadline, progress and declaration status."""
    if expert is None:
        return {}
    rounds = []
    for round_ in selectors.expert_rounds(request.user):
        rows = selectors.round_assignments(request.user, round_)
        rounds.append(
            {
                "round": round_,
                "progress": selectors.round_progress(rows),
                "signed": declarations.declaration_signed(expert, round_),
            }
        )
    if not rounds:
        return {}
    return {"dashboard_panels": ["reviews/expert_dashboard_panel.html"], "expert_round_rows": rounds}


# --- Declaration --------------------------------------------------------------------------------------------------


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@login_required
@require_http_methods(["GET", "POST"])
def expert_declaration(request, round_pk):
    round_ = _round_for(request, round_pk)
    expert = selectors.expert_of(request.user)
    signature = declarations.declaration_signature(expert, round_)
    text = signature.text if signature else declarations.declaration_text_current(round_.edition.programme)
    form = SignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and signature is None:
        if form.is_valid():
            declarations.declaration_sign(actor=request.user, round=round_)
            messages.success(request, _("You signed the declaration."))
            return redirect(_safe_next(request, _round_url(round_)))
        messages.error(request, _("Tick the box to sign the declaration."))
    context = {
        "round": round_,
        "text": text,
        "body": text.body_en if english_active() and text.body_en else text.body,
        "signature": signature,
        "form": form,
        "next": _safe_next(request, _round_url(round_)),
    }
    return render(request, "reviews/expert_declaration.html", context)


# --- Task list ----------------------------------------------------------------------------------------------------


def _round_context(request, round_, *, conflict_form=None) -> dict:
    rows = selectors.round_assignments(request.user, round_)
    return {
        "round": round_,
        "rows": rows,
        "progress": selectors.round_progress(rows),
        "signature": declarations.declaration_signature(selectors.expert_of(request.user), round_),
        "takes_scores": scoring.round_takes_scores(round_),
        "decline_form": DeclineForm(),
        "conflict_form": conflict_form or ConflictForm(assignments=rows),
        "offered": AssignmentState.OFFERED,
        "submitted": SheetState.SUBMITTED,
    }


@login_required
@cached_page
def expert_round(request, round_pk):
    round_ = _round_for(request, round_pk)
    gate = declaration_gate(request, round_)
    if gate:
        return gate
    return render(request, "reviews/expert_round.html", _round_context(request, round_))


def _call(module: str, name: str):
    """A service of the rounds part, imported when used (the parts are built side by side)."""
    import importlib

    try:
        return getattr(importlib.import_module(f"reviews.{module}"), name)
    except (ImportError, AttributeError):
        return None


@login_required
@require_POST
def expert_accept(request, pk):
    assignment = _assignment_for(request, pk)
    gate = declaration_gate(request, assignment.round)
    if gate:
        return gate
    service = _call("assign", "assignment_accept")
    if service is None:
        messages.error(request, _("Answering assignments is not available yet."))
    else:
        try:
            service(actor=request.user, assignment=assignment)
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("You accepted %(code)s.") % {"code": assignment.code})
    return redirect(_round_url(assignment.round))


@login_required
@require_POST
def expert_decline(request, pk):
    assignment = _assignment_for(request, pk)
    gate = declaration_gate(request, assignment.round)
    if gate:
        return gate
    form = DeclineForm(request.POST)
    service = _call("assign", "assignment_decline")
    if not form.is_valid():
        messages.error(request, _("Give the reason why you decline."))
    elif service is None:
        messages.error(request, _("Answering assignments is not available yet."))
    else:
        try:
            service(actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"].strip())
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("You declined %(code)s.") % {"code": assignment.code})
    return redirect(_round_url(assignment.round))


@login_required
@require_POST
def expert_conflict(request, round_pk):
    round_ = _round_for(request, round_pk)
    gate = declaration_gate(request, round_)
    if gate:
        return gate
    rows = selectors.round_assignments(request.user, round_)
    form = ConflictForm(request.POST, assignments=rows)
    if not form.is_valid():
        messages.error(request, _("Choose the application and give the reason for the conflict."))
        return render(request, "reviews/expert_round.html", _round_context(request, round_, conflict_form=form))
    assignment = next(a for a in rows if a.pk == form.cleaned_data["assignment"])
    service = _call("conflicts", "conflict_declare")
    if service is None:
        messages.error(request, _("Declaring conflicts is not available yet."))
        return redirect(_round_url(round_))
    application = assignment.application
    whole_unit = form.cleaned_data["scope"] == "organisation"
    try:
        service(
            actor=request.user,
            round=round_,
            expert=selectors.expert_of(request.user),
            application=None if whole_unit else application,
            unit=application.unit if whole_unit else None,
            reason=form.cleaned_data["reason"].strip(),
        )
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your conflict of interest is recorded; the application leaves your list."))
    if selectors.expert_round(request.user, round_.pk) is None:
        return redirect("accounts:expert_dashboard")
    return redirect(_round_url(round_))


# --- One assignment -----------------------------------------------------------------------------------------------


def _answers(assignment) -> list:
    rows = answer_rows(assignment.application, attachments=[])
    if assignment.round.blind:
        rows = [r for r in rows if r.kind not in NAMING_KINDS]
    return [r for r in rows if r.kind != QuestionKind.FILE]


def _files(assignment) -> list[dict]:
    return [
        {
            "attachment": a,
            "label": a.requirement.localized("name") if hasattr(a.requirement, "localized") else a.requirement.code,
            "name": _neutral_name(assignment, a),
            "url": reverse("reviews:expert_file", args=[assignment.pk, a.pk]),
            "is_pdf": a.mime_type == PDF,
            "is_image": a.mime_type.startswith("image/"),
        }
        for a in selectors.current_attachments(assignment.application)
    ]


def _neutral_name(assignment, attachment) -> str:
    extension = EXTENSIONS.get(attachment.mime_type) or (mimetypes.guess_extension(attachment.mime_type) or ".bin")
    extension = extension.lstrip(".")
    return clean_filename(f"{assignment.code or assignment.pk}-{attachment.requirement.code}.{extension}")


def _assignment_context(request, assignment, *, form=None, error="") -> dict:
    sheet = selectors.sheet_of(assignment)
    rubric = selectors.rubric_for(assignment)
    items = scoring.rubric_items(rubric)
    problem = scoring.scoring_problem(assignment)
    saved = (
        {"scores": sheet.scores, "comments": sheet.comments, "comment": sheet.comment, "revision": sheet.revision}
        if sheet
        else {}
    )
    if form is None:
        form = ExpertSheetForm(items=items, step=assignment.round.score_step, saved=saved, disabled=bool(problem))
    others = selectors.other_totals(assignment) if assignment.round.scores_visible_to_experts else None
    return {
        "assignment": assignment,
        "round": assignment.round,
        "application": assignment.application,
        "answers": _answers(assignment),
        "files": _files(assignment),
        "sheet": sheet,
        "rubric": rubric,
        "items": items,
        "form": form,
        "rows": form.rows(),
        "saved_total": sheet.total if sheet else None,
        "max_total": rubric.total_points if rubric else None,
        "problem": problem,
        "error": error,
        "others": others,
        "submitted": SheetState.SUBMITTED,
        "step": assignment.round.score_step,
    }


@login_required
@require_http_methods(["GET", "POST"])
def expert_assignment(request, pk):
    assignment = _assignment_for(request, pk)
    gate = declaration_gate(request, assignment.round)
    if gate:
        return gate
    if request.method == "GET":
        return render(request, "reviews/expert_assignment.html", _assignment_context(request, assignment))
    context = _assignment_context(request, assignment)
    form = ExpertSheetForm(request.POST, items=context["items"], step=assignment.round.score_step)
    form.is_valid()  # marks the refused inputs; the service has the last word
    autosave = request.headers.get("X-Autosave") == "1"  # static/js/score-autosave.js: a draft save, JSON answer
    submit = "submit" in request.POST and not autosave
    try:
        sheet = scoring.sheet_save(
            actor=request.user,
            assignment=assignment,
            scores=form.raw_scores(),
            comments=form.comments(),
            comment=request.POST.get("comment", ""),
            revision=request.POST.get("revision") if str(request.POST.get("revision", "")).isdigit() else -1,
            submit=submit,
        )
    except BusinessRuleError as error:
        if autosave:
            status = 409 if error.code in ("stale", "closed") else 400
            return JsonResponse({"ok": False, "code": error.code, "message": error.message}, status=status)
        # The page again with everything as typed: nothing the expert entered is lost.
        context = _assignment_context(request, assignment, form=form, error=error.message)
        return render(request, "reviews/expert_assignment.html", context, status=409 if error.code == "stale" else 400)
    if autosave:
        total = str(sheet.total) if sheet.total is not None else ""
        return JsonResponse({"ok": True, "revision": sheet.revision, "total": total})
    messages.success(request, _("Your score sheet is submitted.") if submit else _("Your score sheet is saved."))
    return redirect("reviews:expert_assignment", pk=assignment.pk)


def _strip_pdf(handle) -> bytes | None:
    """The PDF without its document information and XMP metadata (None when it cannot be read)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    try:
        reader = PdfReader(handle)
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        writer.metadata = None
        if NameObject("/Metadata") in writer._root_object:
            del writer._root_object[NameObject("/Metadata")]
        out = io.BytesIO()
        writer.write(out)
    except Exception:
        return None
    data = out.getvalue()
    return data


@csp_replace({"frame-ancestors": ["'self'"]})
@xframe_options_sameorigin
@login_required
def expert_file(request, pk, attachment_pk):
    assignment = _assignment_for(request, pk)
    gate = declaration_gate(request, assignment.round)
    if gate:
        return gate
    attachment = selectors.attachment_of(assignment, attachment_pk)
    if attachment is None:
        raise Http404
    name = _neutral_name(assignment, attachment)
    inline = attachment.mime_type in INLINE_TYPES
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    if assignment.round.blind and attachment.mime_type == PDF:
        with handle:
            data = _strip_pdf(handle)
        if data is None:
            raise Http404
        handle = io.BytesIO(data)
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=attachment.mime_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Staff --------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def staff_declaration(request):
    if not request.user.has_perm("reviews.manage_declaration"):
        raise PermissionDenied
    programmes = declarations.programmes_for_declarations()
    programme = next((p for p in programmes if str(p.pk) == request.GET.get("programme")), None) or (
        programmes[0] if programmes else None
    )
    text = declarations.declaration_text_current(programme) if programme else None
    form = DeclarationTextForm(
        request.POST if request.method == "POST" else None,
        initial={"body": getattr(text, "body", ""), "body_en": getattr(text, "body_en", "")},
    )
    if request.method == "POST" and programme is not None and form.is_valid():
        try:
            declarations.declaration_text_change(actor=request.user, programme=programme, **form.cleaned_data)
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The declaration is saved as a new version."))
            return redirect(f"{reverse('reviews:staff_declaration')}?programme={programme.pk}")
    context = {
        "programmes": programmes,
        "programme": programme,
        "text": text,
        "form": form,
        "signatures": declarations.signatures_of_programme(programme) if programme else [],
        "staff_section": "declaration",
    }
    return render(request, "reviews/expert_staff_declaration.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def staff_sheet_correct(request, pk):
    if not request.user.has_perm("reviews.correct_sheet"):
        raise PermissionDenied
    sheet = selectors.sheet_for_staff(pk)
    if sheet is None:
        raise Http404
    round_ = sheet.assignment.round
    items = scoring.rubric_items(sheet.rubric)
    form = CorrectionForm(
        request.POST if request.method == "POST" else None, items=items, step=round_.score_step, saved=sheet.scores
    )
    if request.method == "POST":
        form.is_valid()
        try:
            scoring.sheet_correct(
                actor=request.user, sheet=sheet, scores=form.raw_scores(), reason=request.POST.get("reason", "")
            )
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The score sheet is corrected."))
            return redirect("reviews:staff_sheet_correct", pk=sheet.pk)
    context = {"sheet": sheet, "round": round_, "form": form, "staff_section": "declaration"}
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/expert_staff_correct.html", context, status=status)
