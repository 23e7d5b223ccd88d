"""The applicant channel (班组通道) and the staff list of applications.

Every view fetches the application through `selectors.application_for` (a 404 outside the user's reach) and then
checks the permission from `applications/rules.py` (a 403), so a button and its endpoint never disagree. Writes go
through `services`; a refused write (BusinessRuleError) is shown in its own words and nothing typed is lost.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors as account_selectors
from awards.enums import ApplicantKind
from core import roles
from core.exceptions import BusinessRuleError
from core.files import TYPE_NAMES, stored_file_response
from core.pagecache import cached_page
from core.views import paginate
from documents import registry
from documents import selectors as document_selectors

from . import panels, selectors, services
from .documents import APPLICATION_FORM
from .enums import Action, repeats, status_sets
from .forms import (
    ApplicationCreateForm,
    ApplicationForm,
    AttachmentUploadForm,
    CoApplicantFormSet,
    ExtendDeadlineForm,
    StaffFilterForm,
    SubmitForm,
    WithdrawForm,
    split_category,
)


def _application(request, pk, perm: str):
    """Fetch within the user's scope (404), then check `perm` on it (403)."""
    application = selectors.application_for(request.user, pk)
    if not request.user.has_perm(perm, application):
        raise PermissionDenied
    return application


def _edition_open_for(kind: str, edition_id) -> tuple[list, object]:
    editions = selectors.open_editions_for(kind)
    chosen = next((e for e in editions if str(e.pk) == str(edition_id or "")), None)
    return editions, chosen


def preview_context(application) -> dict:
    """The application form preview: the document's status, or the button that (re)builds it when the stored
    file no longer reflects the application (a draft changed since the last preview)."""
    entry = registry.get(APPLICATION_FORM)
    document = document_selectors.document_for(APPLICATION_FORM, application)
    if document is not None and document.is_ready and document.source_version != entry.version_of(application):
        document = None
    return {
        "kind": APPLICATION_FORM,
        "object_id": application.pk,
        "kind_label": entry.label,
        "document": document,
        "button_label": _("Preview the application form (PDF)"),
    }


def _deadline_context(application) -> dict:
    phase = application.edition.application_phase
    deadline = services.application_deadline(application)
    return {
        "deadline": deadline,
        "deadline_passed": deadline is not None and deadline <= timezone.now(),
        "window_end": phase.ends_at if phase else None,
        "is_extended": bool(
            phase and application.deadline_extended_until and application.deadline_extended_until > phase.ends_at
        ),
    }


def _deadline_text(application) -> str:
    deadline = services.application_deadline(application)
    return f"{timezone.localtime(deadline):%Y-%m-%d %H:%M}" if deadline else ""


def _created_message(application) -> str:
    deadline = _deadline_text(application)
    if not deadline:
        return _("Draft created. Fill in the form; you can save and come back as often as you need.")
    return _(
        "Draft created. Fill in the form; you can save and come back as often as you need until %(deadline)s "
        "(Beijing time)."
    ) % {"deadline": deadline}


def _saved_message(application) -> str:
    """The confirmation of a save: states until when the applicant may come back (a save after it is refused)."""
    deadline = _deadline_text(application)
    if not deadline:
        return _("Saved.")
    return _("Saved. You can come back and change it until %(deadline)s (Beijing time).") % {"deadline": deadline}


# --- Create -----------------------------------------------------------------------------------------------------


def _create(request, *, kind: str, group=None, unit=None):
    editions, edition = _edition_open_for(kind, request.POST.get("edition") or request.GET.get("edition"))
    applicant = group or unit
    if group is not None:
        for open_edition in editions:
            open_edition.not_eligible = services.group_registration_problem(open_edition, group)
    not_eligible = services.group_registration_problem(edition, group) if group and edition else ""
    if edition is None or not_eligible:
        # A group the edition does not admit is told why before it fills in anything, and gets no form.
        return render(
            request,
            "applications/application_create.html",
            {
                "editions": editions,
                "edition": edition,
                "not_eligible": not_eligible,
                "applicant": applicant,
                "group": group,
                "unit": unit,
                "form": None,
            },
        )
    form = ApplicationCreateForm(request.POST if request.method == "POST" else None, edition=edition)
    if request.method == "POST" and form.is_valid():
        category, subtype = split_category(form.cleaned_data["category"])
        try:
            application = services.application_create(
                actor=request.user,
                edition=edition,
                category=category,
                subtype=subtype,
                title=form.cleaned_data["title"],
                group=group,
                unit=unit,
            )
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _created_message(application))
            return redirect("applications:edit", pk=application.pk)
    return render(
        request,
        "applications/application_create.html",
        {"editions": editions, "edition": edition, "applicant": applicant, "group": group, "unit": unit, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_create_for_group(request, group_pk):
    group = account_selectors.group_for(request.user, group_pk)
    if group.pk not in roles.group_ids(request.user):
        raise PermissionDenied
    return _create(request, kind=ApplicantKind.GROUP, group=group)


@login_required
@require_http_methods(["GET", "POST"])
def application_create_for_unit(request, unit_pk):
    unit = account_selectors.unit_for(request.user, unit_pk)
    if unit.pk not in roles.unit_ids(request.user):
        raise PermissionDenied
    return _create(request, kind=ApplicantKind.UNIT, unit=unit)


# --- Read -------------------------------------------------------------------------------------------------------


@login_required
@require_GET
@cached_page
def application_detail(request, pk):
    application = _application(request, pk, "applications.view_application")
    user = request.user
    can_change = user.has_perm("applications.change_application", application)
    events = list(application.events.select_related("actor"))
    if application.status in status_sets().editable:
        similar = services.similar_topics(application)
        problems = services.application_problems(application) if can_change else []
    else:
        similar = application.similar_topics
        problems = []
    context = {
        "application": application,
        "tab": "detail",
        "events": events,
        "similar": similar,
        "problems": problems,
        "answers": selectors.answer_rows(application, attachments=selectors.current_attachments(application).values()),
        "attachments": sorted(
            selectors.current_attachments(application).values(), key=lambda a: (a.requirement.position, a.pk)
        ),
        "co_applicants": list(application.co_applicants.all())
        if application.edition.programme.accepts_co_applicants
        else [],
        "preview": preview_context(application),
        "withdraw_form": WithdrawForm(),
        **_deadline_context(application),
        **panels.detail_extras(request, application),
    }
    return render(request, "applications/application_detail.html", context)


# --- Edit -------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    application = _application(request, pk, "applications.hold_application")
    if request.method != "POST" and not request.user.has_perm("applications.change_application", application):
        # Past the deadline: the overview says the window closed. A form sent late is refused by the service
        # below, in its words, with what was typed kept on screen.
        return redirect("applications:detail", pk=application.pk)
    current = selectors.current_attachments(application).values()
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        application=application,
        questions=application.edition.questions.all(),
        attachments_by_code={a.requirement.code: a for a in current},
    )
    # "Save draft" from the page's script (static/js/applications.js) saves in place: a JSON answer with the new
    # revision instead of a redirect and the whole form again. Anything but a plain success answers 4xx and the
    # script sends the form the ordinary way, so the errors are drawn at their fields by the code below.
    in_place = request.headers.get("X-Save-In-Place") == "1" and request.POST.get("next") == "edit"
    if request.method == "POST":
        if form.is_valid():
            category, subtype = form.category_pair()
            try:
                saved = services.application_save_draft(
                    actor=request.user,
                    application=application,
                    revision=form.cleaned_data["revision"],
                    title=form.cleaned_data["title"],
                    category=category,
                    subtype=subtype,
                    answers=form.answers(),
                )
            except BusinessRuleError as error:
                if in_place:
                    status = 409 if error.code == "stale" else 400
                    return JsonResponse({"ok": False, "code": error.code, "message": error.message}, status=status)
                if error.code == "stale":
                    form.set_revision(selectors.application_for(request.user, pk).revision)
                form.add_error(None, error.message)
            else:
                if in_place:
                    return JsonResponse(
                        {"ok": True, "revision": saved.revision, "message": _saved_message(application)}
                    )
                messages.success(request, _saved_message(application))
                target = {"attachments": "applications:attachments", "detail": "applications:detail"}.get(
                    request.POST.get("next"), "applications:edit"
                )
                return redirect(target, pk=application.pk)
        else:
            message = _("Not saved: correct the marked fields. Everything you typed is still in the form below.")
            if in_place:
                return JsonResponse({"ok": False, "code": "invalid", "message": message}, status=400)
            form.add_error(None, message)
    context = {"application": application, "tab": "edit", "form": form, **_deadline_context(application)}
    return render(request, "applications/application_edit.html", context)


# --- Attachments ------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def application_attachments(request, pk):
    application = _application(request, pk, "applications.view_application")
    errors = {}
    if request.method == "POST":
        if not request.user.has_perm("applications.hold_application", application):
            raise PermissionDenied
        form = AttachmentUploadForm(request.POST, request.FILES, edition=application.edition)
        if form.is_valid():
            requirement = form.cleaned_data["requirement"]
            try:
                attachment = services.attachment_upload(
                    actor=request.user,
                    application=application,
                    requirement=requirement,
                    uploaded_file=form.cleaned_data["file"],
                )
            except BusinessRuleError as error:
                errors[requirement.pk] = error.message
            else:
                messages.success(
                    request,
                    _("“%(file)s” uploaded for “%(name)s”.")
                    % {"file": attachment.original_name, "name": requirement.localized("name")},
                )
                return redirect("applications:attachments", pk=application.pk)
        else:
            requirement_id = request.POST.get("requirement", "")
            message = _("Choose a file to upload.")
            if requirement_id.isdigit():
                errors[int(requirement_id)] = message
            else:
                messages.error(request, message)
    rows = _requirement_rows(application, errors)
    context = {
        "application": application,
        "tab": "attachments",
        "rows": rows,
        "can_change": request.user.has_perm("applications.change_application", application),
    }
    return render(request, "applications/application_attachments.html", context)


def _requirement_rows(application, errors: dict) -> list[dict]:
    by_requirement: dict[int, list] = {}
    for attachment in application.attachments.all():
        by_requirement.setdefault(attachment.requirement_id, []).append(attachment)
    rows = []
    for requirement in application.edition.attachment_requirements.all():
        files = sorted(by_requirement.get(requirement.pk, []), key=lambda a: (a.created_at, a.pk), reverse=True)
        rows.append(
            {
                "requirement": requirement,
                "current": next((a for a in files if a.is_current), None),
                "history": [a for a in files if not a.is_current],
                "error": errors.get(requirement.pk),
                "accepted": ", ".join(TYPE_NAMES.get(t, t) for t in requirement.allowed_types),
            }
        )
    return rows


@login_required
@require_GET
@never_cache
def attachment_download(request, pk, attachment_pk):
    application = _application(request, pk, "applications.view_application")
    attachment = next((a for a in application.attachments.all() if a.pk == attachment_pk), None)
    if attachment is None:
        raise Http404
    return stored_file_response(attachment.file, filename=attachment.original_name, content_type=attachment.mime_type)


# --- Co-applicants ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def application_co_applicants(request, pk):
    application = _application(request, pk, "applications.view_application")
    if not application.edition.programme.accepts_co_applicants:
        raise Http404
    can_change = request.user.has_perm("applications.change_application", application)
    if request.method == "POST" and not request.user.has_perm("applications.hold_application", application):
        raise PermissionDenied
    formset = CoApplicantFormSet(
        request.POST if request.method == "POST" else None, queryset=application.co_applicants.all(), prefix="co"
    )
    if request.method == "POST":
        if formset.is_valid():
            try:
                services.co_applicants_save(actor=request.user, application=application, formset=formset)
            except BusinessRuleError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Co-applicants saved."))
                return redirect("applications:detail", pk=application.pk)
        else:
            messages.error(request, _("Not saved: correct the marked fields. Everything you typed is still here."))
    context = {"application": application, "tab": "co_applicants", "formset": formset, "can_change": can_change}
    return render(request, "applications/application_co_applicants.html", context)


# --- Submit and withdraw ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def application_submit(request, pk):
    application = selectors.application_for(request.user, pk)
    if (
        repeats(application.status, Action.SUBMIT)
        and request.user.has_perm("applications.view_application", application)
        and request.user.has_perm("applications.withdraw_application", application)
    ):
        # A second click after the first went through, or a reload: show the result, not an error.
        messages.info(
            request, _("This application was submitted; its number is %(number)s.") % {"number": application.number}
        )
        return redirect("applications:detail", pk=application.pk)
    if not request.user.has_perm("applications.submit_application", application):
        raise PermissionDenied
    form = SubmitForm(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(actor=request.user, application=application)
        except BusinessRuleError as exc:
            error = exc
            application = selectors.application_for(request.user, pk)
        else:
            messages.success(
                request,
                _("Submitted to your unit. The application number is %(number)s.") % {"number": application.number},
            )
            return redirect("applications:detail", pk=application.pk)
    context = {
        "application": application,
        "tab": "submit",
        "form": form,
        "error": error,
        "problems": services.application_problems(application),
        "preview": preview_context(application),
        **_deadline_context(application),
    }
    return render(request, "applications/application_submit.html", context)


@login_required
@require_POST
def application_withdraw(request, pk):
    application = selectors.application_for(request.user, pk)
    if repeats(application.status, Action.WITHDRAW) and request.user.has_perm(
        "applications.view_application", application
    ):
        return redirect("applications:detail", pk=application.pk)
    if not request.user.has_perm("applications.withdraw_application", application):
        raise PermissionDenied
    form = WithdrawForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.application_withdraw(actor=request.user, application=application, note=note)
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The application was withdrawn."))
    return redirect("applications:detail", pk=application.pk)


# --- Staff ------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def application_extend_deadline(request, pk):
    application = _application(request, pk, "applications.extend_deadline")
    form = ExtendDeadlineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_extend_deadline(
                actor=request.user,
                application=application,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The deadline of this application was extended."))
            return redirect("applications:detail", pk=application.pk)
    context = {"application": application, "tab": "detail", "form": form, **_deadline_context(application)}
    return render(request, "applications/application_extend_deadline.html", context)


@login_required
@require_GET
@cached_page
def staff_applications(request):
    if not request.user.has_perm("applications.view_all_applications"):
        raise PermissionDenied
    form = StaffFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    edition = data.get("edition")
    page = paginate(
        request,
        selectors.staff_applications(edition=edition, status=data.get("status", ""), search=data.get("q", "").strip()),
    )
    # Joint recommendations (联合推荐) name several organisations: read them for the page at once.
    rows = list(page)
    # The rows hold their unit's recommender already (STAFF_LIST_RELATED): only the joint ones are read.
    leads = {a.pk: a.unit.recommender.name if a.unit and a.unit.recommender else None for a in rows}
    names = panels.recommender_names(leads, leads) if rows else {}
    for application in rows:
        application.recommender_names = names.get(application.pk, [])
    context = {
        "form": form,
        "page": page,
        "edition": edition,
        "staff_section": "applications",
        "list_url": reverse("applications:staff_list"),
        # Read through iter(): the template's loop would ask the choices for their length first, one more query.
        "edition_choices": list(iter(form.fields["edition"].choices)),
    }
    return render(request, "applications/staff_applications.html", context)
