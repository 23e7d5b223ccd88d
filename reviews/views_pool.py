"""Staff pages of the expert pool: the list per programme, add, edit, and the Excel import (upload → preview →
confirm). Thin views: permission → form → one service → redirect. The parsed rows wait for the confirmation in the
session (never in a table)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from core.exceptions import BusinessRuleError
from core.files import XLSX, clean_filename
from core.views import paginate

from . import pool, pool_import
from .forms_pool import AddForm, ChangeForm, FilterForm, ImportForm

manage_required = permission_required("reviews.manage_pool", raise_exception=True)
STAFF_SECTION = "pool"


def _render(request, template, context):
    return render(request, template, {"staff_section": STAFF_SECTION, **context})


def _session_key(programme) -> str:
    return f"reviews.pool_import.{programme.pk}"


@login_required
@manage_required
def pool_home(request):
    return _render(request, "reviews/pool_home.html", {"programmes": pool.pool_programmes()})


@login_required
@manage_required
def pool_list(request, programme_pk):
    programme = pool.programme_for_pool(programme_pk)
    form = FilterForm(request.GET or None, programme=programme)
    page = paginate(request, pool.pool_for(programme, form.filters()))
    names = dict(pool.category_choices(programme))
    for entry in page:
        entry.category_labels = [names.get(code, code) for code in entry.categories]
    return _render(request, "reviews/pool_list.html", {"programme": programme, "form": form, "page": page})


@login_required
@manage_required
def pool_add(request, programme_pk):
    programme = pool.programme_for_pool(programme_pk)
    form = AddForm(request.POST if request.method == "POST" else None, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = pool.pool_entry_add(
                actor=request.user,
                programme=programme,
                email=data["email"],
                full_name=data["full_name"],
                mobile=data["mobile"] or None,
                organisation_name=data["organisation_name"],
                title=data["title"],
                categories=data["categories"],
                fields=data["fields"],
                employer=data["employer"],
                max_load=data["max_load"],
                available_from=data["available_from"],
                available_until=data["available_until"],
            )
        except BusinessRuleError as error:
            form.add_error(
                "email" if error.code == "duplicate" else "mobile" if error.code == "mobile" else None, error.message
            )
        else:
            messages.success(request, _("%(name)s added to the pool.") % {"name": entry.expert.user.full_name})
            return redirect("reviews:pool_list", programme.pk)
    return _render(request, "reviews/pool_form.html", {"programme": programme, "form": form, "entry": None})


@login_required
@manage_required
def pool_edit(request, pk):
    entry = pool.pool_entry_for_staff(pk)
    form = ChangeForm(request.POST if request.method == "POST" else None, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            entry = pool.pool_entry_change(actor=request.user, entry=entry, **form.cleaned_data)
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(name)s's pool entry saved.") % {"name": entry.expert.user.full_name})
            return redirect("reviews:pool_list", entry.programme_id)
    return _render(request, "reviews/pool_form.html", {"programme": entry.programme, "form": form, "entry": entry})


@login_required
@manage_required
def pool_template(request, programme_pk):
    programme = pool.programme_for_pool(programme_pk)
    response = HttpResponse(pool_import.template_workbook(programme), content_type=XLSX)
    name = clean_filename(f"{programme.code}-expert-pool-template.xlsx")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@manage_required
def pool_import_upload(request, programme_pk):
    """GET: the upload form. POST: read the file and show the preview (nothing saved)."""
    programme = pool.programme_for_pool(programme_pk)
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            raw_rows = pool_import.read_workbook(upload.read())
        except BusinessRuleError as error:
            form.add_error("file", error.message)
        else:
            rows = pool_import.preview(programme, raw_rows)
            request.session[_session_key(programme)] = {"rows": raw_rows, "plan": pool_import.plan_of(rows)}
            return _render(
                request,
                "reviews/pool_import_preview.html",
                {
                    "programme": programme,
                    "rows": rows,
                    "counts": pool_import.summary(rows),
                    "filename": clean_filename(upload.name),
                    "columns": pool_import.COLUMNS,
                },
            )
    return _render(request, "reviews/pool_import.html", {"programme": programme, "form": form})


@login_required
@manage_required
@require_POST
def pool_import_confirm(request, programme_pk):
    programme = pool.programme_for_pool(programme_pk)
    stored = request.session.get(_session_key(programme))
    if not stored:
        messages.error(request, _("There is no import waiting for confirmation. Upload the file again."))
        return redirect("reviews:pool_import", programme.pk)
    try:
        counts = pool_import.pool_import(
            actor=request.user, programme=programme, raw_rows=stored["rows"], plan=stored["plan"]
        )
    except BusinessRuleError as error:
        request.session.pop(_session_key(programme), None)
        messages.error(request, error.message)
        return redirect("reviews:pool_import", programme.pk)
    request.session.pop(_session_key(programme), None)
    messages.success(
        request,
        _("Import saved: %(added)s added, %(updated)s updated, %(errors)s rows with errors left out.") % counts,
    )
    return redirect("reviews:pool_list", programme.pk)
