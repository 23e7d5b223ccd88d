"""公示, 异议 and 结果公布 pages. Public (no sign-in): the publicity list, the objection form, the objection status
lookup (tracking number + mobile, rate-limited per client) and the final results list — never scores unless staff
chose to show them, never personal data. Staff: publish, handle objections, finalise, revoke, documents.
Thin views: permission → form → one service in notices.results → redirect with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from applications.models import Application
from awards.selectors import edition_for_editing
from core.clients import client_ip
from core.exceptions import BusinessRuleError
from core.files import stored_file_response
from documents import selectors as document_selectors
from documents.services import document_request
from reviews.models_levels import AwardLevel, LevelScheme

from . import documents_results as docs
from . import results
from .forms_results import (
    AnswerForm,
    AssignForm,
    ConcludeForm,
    NoteForm,
    ObjectionForm,
    PublicityForm,
    RequestForm,
    RevokeForm,
    StatusForm,
)
from .models_results import ObjectionFile, ObjectionRequest

STAFF_SECTION = "results"
manage_required = permission_required("notices.manage_results", raise_exception=True)
STATUS_LOOKUPS_PER_HOUR = 20
DOCUMENT_KINDS = {
    "publicity_xlsx": docs.PUBLICITY_XLSX,
    "publicity_pdf": docs.PUBLICITY_PDF,
    "final_xlsx": docs.FINAL_XLSX,
    "final_pdf": docs.FINAL_PDF,
    "objections_xlsx": docs.OBJECTIONS_XLSX,
    "objections_pdf": docs.OBJECTIONS_PDF,
}


# --- Public ---------------------------------------------------------------------------------------------------------


def _public(edition_pk):
    publicity = results.public_publicity(edition_pk)
    if publicity is None:
        raise Http404
    return publicity


def public_index(request):
    return render(request, "notices/results/public_index.html", {"publicities": results.public_publicities()})


def public_publicity(request, edition_pk):
    publicity = _public(edition_pk)
    now = timezone.now()
    context = {
        "publicity": publicity,
        "edition": publicity.edition,
        "rows": results.publicity_rows(publicity.edition, with_scores=publicity.show_scores),
        "show_scores": publicity.show_scores,
        "is_open": publicity.starts_at <= now < publicity.ends_at and not publicity.is_finalised,
    }
    return render(request, "notices/results/public_publicity.html", context)


def public_final(request, edition_pk):
    publicity = _public(edition_pk)
    if not publicity.is_finalised:
        raise Http404
    context = {"publicity": publicity, "edition": publicity.edition, "rows": results.final_results(publicity.edition)}
    return render(request, "notices/results/public_final.html", context)


# The receipt (tracking number) and the status (the answer to the objector) go to an anonymous visitor, whom
# core.private_pages does not cover: neither a shared proxy nor the browser's disk cache may keep them.
@never_cache
def objection_new(request, edition_pk):
    publicity = _public(edition_pk)
    rows = results.publicity_rows(publicity.edition)
    form = ObjectionForm(request.POST if request.method == "POST" else None, request.FILES or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            objection = results.objection_file(
                publicity=publicity,
                application_id=data["application"],
                real_name=data["real_name"],
                mobile=data["mobile"],
                email=data["email"],
                reason=data["reason"],
                consent=data["consent"],
                files=data["evidence"],
            )
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            # The receipt is rendered, not redirected to: the tracking number never sits in a URL or a log.
            return render(request, "notices/results/objection_receipt.html", {"objection": objection})
    return render(
        request,
        "notices/results/objection_form.html",
        {"publicity": publicity, "edition": publicity.edition, "form": form},
    )


def _over_limit(request) -> bool:
    key = f"results:status-lookups:{client_ip(request)}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    return count > STATUS_LOOKUPS_PER_HOUR


@never_cache
def objection_status(request):
    form = StatusForm(request.POST if request.method == "POST" else None)
    objection = None
    if request.method == "POST" and form.is_valid():
        if _over_limit(request):
            form.add_error(None, _("Too many lookups; try again in an hour."))
            return render(request, "notices/results/objection_status.html", {"form": form}, status=429)
        objection = results.objection_status(form.cleaned_data["tracking_number"], form.cleaned_data["mobile"])
        if objection is None:
            form.add_error(None, _("No objection matches this tracking number and mobile."))
    return render(request, "notices/results/objection_status.html", {"form": form, "objection": objection})


@require_POST
@login_required
def objection_answer(request, pk):
    asked = get_object_or_404(ObjectionRequest.objects.select_related("objection__application"), pk=pk)
    if not request.user.has_perm("notices.answer_objection", asked):
        raise PermissionDenied
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            results.objection_respond(actor=request.user, request=asked, response=form.cleaned_data["response"])
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your answer is sent to the secretariat."))
    else:
        messages.error(request, _("Write the answer."))
    return redirect("applications:detail", asked.objection.application_id)


# --- Staff ----------------------------------------------------------------------------------------------------------


def _render(request, template, context):
    return render(request, template, {"staff_section": STAFF_SECTION, **context})


@login_required
@manage_required
def staff_index(request):
    schemes = (
        LevelScheme.objects.filter(released_at__isnull=False)
        .select_related("edition__programme", "edition__results_publicity")
        .order_by("-edition__year", "-pk")
    )
    return _render(request, "notices/results/staff_index.html", {"schemes": schemes})


def _staff_publicity(edition_pk):
    edition = edition_for_editing(edition_pk)
    return edition, results.publicity_of(edition)


@login_required
@manage_required
def staff_edition(request, edition_pk):
    edition, publicity = _staff_publicity(edition_pk)
    scheme = LevelScheme.objects.filter(edition=edition).first()
    if scheme is None or not scheme.is_released:
        raise Http404
    started = publicity is not None and publicity.starts_at <= timezone.now()
    context = {
        "edition": edition,
        "scheme": scheme,
        "publicity": publicity,
        "started": started,
        "form": None if started else PublicityForm(initial={"working_days": 7}),
        "rows": results.publicity_rows(edition, with_scores=True),
        "objections": list(results.objections_for_staff(publicity)) if publicity else [],
        "blockers": results.finalise_blockers(publicity) if publicity and not publicity.is_finalised else [],
        "documents": [document_selectors.document_for(kind, publicity) for kind in DOCUMENT_KINDS.values()]
        if publicity
        else [],
    }
    return _render(request, "notices/results/staff_edition.html", context)


@require_POST
@login_required
@manage_required
def staff_publish(request, edition_pk):
    edition = edition_for_editing(edition_pk)
    form = PublicityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the start time and the working days."))
    else:
        data = form.cleaned_data
        try:
            publicity = results.publicity_publish(
                actor=request.user,
                edition=edition,
                starts_at=data["starts_at"],
                working_days=data["working_days"],
                show_scores=data["show_scores"],
                notice=data["notice"],
            )
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The publicity runs to %(end)s (Beijing time).")
                % {"end": f"{timezone.localtime(publicity.ends_at):%Y-%m-%d %H:%M}"},
            )
    return redirect("notices:results_edition", edition_pk=edition.pk)


@require_POST
@login_required
@manage_required
def staff_finalise(request, edition_pk):
    _edition, publicity = _staff_publicity(edition_pk)
    if publicity is None:
        raise Http404
    try:
        count = results.edition_finalise(actor=request.user, publicity=publicity)
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The results are finalised: %(n)d awards confirmed.") % {"n": count})
    return redirect("notices:results_edition", edition_pk=edition_pk)


@login_required
@manage_required
def staff_revoke(request, edition_pk, application_pk):
    application = get_object_or_404(Application, pk=application_pk, edition_id=edition_pk)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            results.award_revoke(actor=request.user, application=application, reason=form.cleaned_data["reason"])
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The award is revoked."))
            return redirect("notices:results_edition", edition_pk=edition_pk)
    return _render(request, "notices/results/staff_revoke.html", {"application": application, "form": form})


@require_POST
@login_required
@manage_required
def staff_document(request, edition_pk):
    _edition, publicity = _staff_publicity(edition_pk)
    kind = DOCUMENT_KINDS.get(request.POST.get("format"))
    if publicity is None or kind is None:
        raise Http404
    document = document_request(kind=kind, obj=publicity, actor=request.user)
    if request.htmx:
        return render(request, "documents/_document_status.html", {"document": document, "kind_label": ""})
    return redirect("notices:results_edition", edition_pk=edition_pk)


def _objection_page(request, objection, **forms):
    levels = AwardLevel.objects.filter(scheme__edition_id=objection.publicity.edition_id)
    context = {
        "objection": objection,
        "edition": objection.publicity.edition,
        "files": list(objection.files.select_related("note")),
        "notes": list(objection.notes.select_related("author")),
        "requests": list(objection.requests.all()),
        "assign_form": forms.get("assign_form") or AssignForm(initial={"assignee": objection.assignee_id}),
        "note_form": forms.get("note_form") or NoteForm(),
        "request_form": forms.get("request_form") or RequestForm(),
        "conclude_form": forms.get("conclude_form") or ConcludeForm(levels=levels),
    }
    return _render(request, "notices/results/staff_objection.html", context)


@login_required
@manage_required
def staff_objection(request, pk):
    objection = results.objection_for_staff(pk)
    if request.method != "POST":
        return _objection_page(request, objection)
    step = request.POST.get("step")
    levels = AwardLevel.objects.filter(scheme__edition_id=objection.publicity.edition_id)
    forms = {
        "assign": ("assign_form", AssignForm(request.POST)),
        "note": ("note_form", NoteForm(request.POST, request.FILES)),
        "request": ("request_form", RequestForm(request.POST)),
        "conclude": ("conclude_form", ConcludeForm(request.POST, levels=levels)),
    }
    if step not in forms:
        raise Http404
    name, form = forms[step]
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "assign":
                results.objection_assign(actor=request.user, objection=objection, assignee=data["assignee"])
            elif step == "note":
                results.objection_note_add(
                    actor=request.user, objection=objection, text=data["text"], files=data["files"]
                )
            elif step == "request":
                results.objection_request(
                    actor=request.user, objection=objection, question=data["question"], deadline=data["deadline"]
                )
            else:
                results.objection_conclude(
                    actor=request.user,
                    objection=objection,
                    upheld=data["upheld"],
                    answer=data["answer"],
                    effect=data["effect"],
                    level=data["level"],
                )
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("notices:objection_detail", pk=objection.pk)
    return _objection_page(request, objection, **{name: form})


@login_required
@manage_required
def staff_objection_file(request, pk):
    stored = get_object_or_404(ObjectionFile, pk=pk)
    return stored_file_response(stored.file, filename=stored.file_name, content_type=stored.file_type)
