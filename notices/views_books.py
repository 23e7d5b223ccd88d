"""Staff pages for an edition's books (优秀成果汇编, 国家级推荐材料包) and shared cases; the group's consent page;
the public case pages. Thin: permission → form → one service → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from applications.models import Application
from awards.models import Edition
from awards.selectors import edition_for_editing
from core.exceptions import BusinessRuleError
from core.files import stored_file_response
from core.views import paginate
from documents import selectors as document_selectors
from documents.services import document_request

from . import cases, compendium, national
from .forms_books import ConsentForm, PackageForm, PublishForm
from .models_books import CaseShare, NationalPackage

STAFF_SECTION = "books"
PER_PAGE = 30
books_required = permission_required("notices.manage_books", raise_exception=True)
cases_required = permission_required("notices.manage_cases", raise_exception=True)


def _render(request, template, context):
    return render(request, template, {"staff_section": STAFF_SECTION, **context})


# --- Staff: books ---------------------------------------------------------------------------------------------------


@login_required
@books_required
def books_index(request):
    editions = Edition.objects.select_related("programme").order_by("-year", "-pk")
    return _render(request, "notices/books/books_index.html", {"page": paginate(request, editions, PER_PAGE)})


@login_required
@books_required
def books_edition(request, edition_pk):
    edition = edition_for_editing(edition_pk)
    finalised = compendium.is_finalised(edition)
    kind = compendium.COMPENDIUM if finalised else compendium.COMPENDIUM_DRAFT
    context = {
        "edition": edition,
        "finalised": finalised,
        "compendium_kind": kind,
        "compendium": document_selectors.document_for(kind, edition),
        "form": PackageForm(candidates=national.package_candidates(edition)),
        "packages": national.edition_packages(edition)[:20],
    }
    return _render(request, "notices/books/books_edition.html", context)


@login_required
@books_required
@require_POST
def books_compendium(request, edition_pk):
    edition = edition_for_editing(edition_pk)
    kind = compendium.COMPENDIUM if compendium.is_finalised(edition) else compendium.COMPENDIUM_DRAFT
    document = document_request(kind=kind, obj=edition, actor=request.user)
    if request.htmx:
        return render(request, "documents/_document_status.html", {"document": document, "kind_label": ""})
    return redirect("notices:books_edition", edition_pk=edition.pk)


@login_required
@books_required
@require_POST
def books_package(request, edition_pk):
    edition = edition_for_editing(edition_pk)
    form = PackageForm(request.POST, candidates=national.package_candidates(edition))
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("applications", [])))
        return redirect("notices:books_edition", edition_pk=edition.pk)
    package = national.package_request(
        actor=request.user, edition=edition, applications=form.cleaned_data["applications"]
    )
    messages.success(request, _("The package is being built."))
    return redirect("notices:books_package_status", pk=package.pk)


def _package(pk) -> NationalPackage:
    return get_object_or_404(NationalPackage.objects.select_related("edition"), pk=pk)


@login_required
@books_required
def books_package_status(request, pk):
    package = _package(pk)
    template = "notices/books/_package_status.html" if request.htmx else "notices/books/package_status.html"
    return _render(request, template, {"package": package, "count": package.applications.count()})


@login_required
@books_required
def books_package_download(request, pk):
    package = _package(pk)
    if not package.is_ready:
        raise Http404
    return stored_file_response(package.file, filename=package.filename, content_type="application/zip")


# --- Staff: shared cases --------------------------------------------------------------------------------------------


@login_required
@cases_required
def cases_staff(request):
    page = paginate(request, cases.staff_cases(), PER_PAGE)
    return _render(request, "notices/cases/case_staff_list.html", {"page": page})


@login_required
@cases_required
@require_POST
def cases_publish(request, pk):
    share = get_object_or_404(CaseShare, pk=pk)
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        cases.case_publish(actor=request.user, share=share, published=form.cleaned_data.get("published", False))
    except BusinessRuleError as error:
        messages.error(request, error.message)
    return redirect("notices:cases_staff")


# --- The group's consent --------------------------------------------------------------------------------------------


@login_required
def case_consent(request, application_pk):
    application = get_object_or_404(Application.objects.select_related("edition", "group", "unit"), pk=application_pk)
    if not request.user.has_perm("notices.consent_case", application):
        raise Http404  # not the user's business whether it exists
    share = cases.share_of(application)
    initial = {
        "consent_summary": bool(share and share.consent_summary),
        "consent_report": bool(share and share.consent_report),
    }
    form = ConsentForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        share = cases.case_consent_set(
            actor=request.user,
            application=application,
            summary=form.cleaned_data["consent_summary"],
            report=form.cleaned_data["consent_report"],
        )
        messages.success(request, _("Your choice is saved."))
        return redirect("notices:case_consent", application_pk=application.pk)
    return render(
        request, "notices/cases/case_consent.html", {"application": application, "share": share, "form": form}
    )


# --- Public ---------------------------------------------------------------------------------------------------------


def case_list(request):
    page = paginate(request, cases.public_cases(), PER_PAGE)
    return render(request, "notices/cases/case_list.html", {"page": page})


def case_detail(request, pk):
    share = cases.public_case(pk)
    context = {
        "share": share,
        "summary": cases.case_summary(share),
        "level": cases.case_level(share),
        "report": cases.case_report(share),
    }
    return render(request, "notices/cases/case_detail.html", context)


def case_report(request, pk):
    share = cases.public_case(pk)
    report = cases.case_report(share)
    if report is None:
        raise Http404
    name = national.safe_filename(f"{share.application.title}-成果报告.pdf")
    return stored_file_response(report.file, filename=name, content_type=report.mime_type)
