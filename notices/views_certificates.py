"""获奖证书 pages: staff (templates, preview, batches with progress, ZIP), the owners' download and the public
verification page. Thin views: permission → form → one service in `notices.certificates` → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from applications.models import Application
from awards.models import Edition, Programme
from awards.selectors import edition_for_editing
from core.exceptions import BusinessRuleError
from core.files import stored_file_response
from documents.pdf import PDFRenderError

from . import certificates
from .forms_certificates import CertificateTemplateForm, VerifyForm
from .models_certificates import CertificateBatch, CertificateTemplate
from .workflow import CERTIFIED_STATUSES

STAFF_SECTION = "certificates"
manage_required = permission_required("notices.manage_certificates", raise_exception=True)
# Public lookups per client address and minute: enough for people, too few to walk the number space.
VERIFY_LIMIT = 30


def _render(request, template, context, **kwargs):
    return render(request, template, {"staff_section": STAFF_SECTION, **context}, **kwargs)


# --- Staff ----------------------------------------------------------------------------------------------------------


@login_required
@manage_required
def certificates_index(request):
    editions = (
        Edition.objects.select_related("programme")
        .annotate(certified=Count("applications", filter=Q(applications__status__in=CERTIFIED_STATUSES)))
        .order_by("-year", "programme__code")
    )
    programmes = Programme.objects.order_by("code").select_related("certificate_template")
    return _render(request, "notices/certificate_index.html", {"editions": editions, "programmes": programmes})


@login_required
@manage_required
def certificate_edition(request, edition_pk):
    edition = edition_for_editing(edition_pk)
    batch = certificates.latest_batch(edition)
    context = {
        "edition": edition,
        "template": certificates.template_for(edition),
        "certified": certificates.certified_applications(edition).count(),
        "batch": batch,
        "stale": batch is not None and certificates.is_stale(batch),
    }
    return _render(request, "notices/certificate_edition.html", context)


def _template_page(request, owner, template, back):
    initial = {"title": template.title, "body": template.body, "signer": template.signer} if template else None
    form = CertificateTemplateForm(
        request.POST if request.method == "POST" else None, request.FILES or None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            certificates.certificate_template_save(
                actor=request.user, owner=owner, data=form.cleaned_data, images=form.images()
            )
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The certificate template is saved."))
            return redirect(back)
    return _render(
        request,
        "notices/certificate_template.html",
        {"form": form, "owner": owner, "template": template, "placeholders": certificates.PLACEHOLDERS, "back": back},
    )


@login_required
@manage_required
def certificate_template_edition(request, edition_pk):
    edition = edition_for_editing(edition_pk)
    own = CertificateTemplate.objects.filter(edition=edition).first()
    # A new edition template starts from the programme's.
    template = own or certificates.template_for(edition)
    return _template_page(request, edition, template, reverse("notices:certificate_edition", args=[edition.pk]))


@login_required
@manage_required
def certificate_template_programme(request, programme_pk):
    programme = get_object_or_404(Programme, pk=programme_pk)
    template = CertificateTemplate.objects.filter(programme=programme).first()
    return _template_page(request, programme, template, reverse("notices:certificates_index"))


@require_GET
@login_required
@manage_required
@never_cache
def certificate_preview(request, edition_pk):
    edition = edition_for_editing(edition_pk)
    template = certificates.template_for(edition)
    if template is None:
        raise Http404
    try:
        data = certificates.certificate_preview(edition=edition, template=template)
    except PDFRenderError:
        messages.error(request, _("The preview could not be built; check the images of the template."))
        return redirect("notices:certificate_edition", edition_pk=edition.pk)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="preview.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
@manage_required
def certificate_batch_start(request, edition_pk):
    edition = edition_for_editing(edition_pk)
    try:
        certificates.certificate_batch_start(actor=request.user, edition=edition)
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The certificates are being built; this page shows the progress."))
    return redirect("notices:certificate_edition", edition_pk=edition.pk)


@require_POST
@login_required
@manage_required
def certificate_batch_resume(request, pk):
    batch = get_object_or_404(CertificateBatch, pk=pk)
    try:
        certificates.certificate_batch_resume(actor=request.user, batch=batch)
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The batch is resumed."))
    return redirect("notices:certificate_edition", edition_pk=batch.edition_id)


@require_GET
@login_required
@manage_required
@never_cache
def certificate_batch_status(request, pk):
    batch = get_object_or_404(CertificateBatch.objects.select_related("edition"), pk=pk)
    context = {"batch": batch, "stale": certificates.is_stale(batch), "edition": batch.edition}
    return render(request, "notices/_certificate_batch.html", context)


@require_GET
@login_required
@manage_required
def certificate_batch_zip(request, pk):
    batch = get_object_or_404(CertificateBatch, pk=pk)
    if not batch.zip_file:
        raise Http404
    name = f"certificates-{batch.edition.year}-{batch.edition.programme.code}.zip"
    return stored_file_response(batch.zip_file, filename=name, content_type="application/zip")


# --- The owners' download ---------------------------------------------------------------------------------------------


@require_GET
@login_required
def certificate_download(request, application_pk):
    application = Application.objects.filter(pk=application_pk).select_related("unit").first()
    # One answer for a missing application, one outside the user's reach and one without a certificate.
    if application is None or not request.user.has_perm("notices.download_certificate", application):
        raise Http404
    certificate = getattr(application, "certificate", None)
    if certificate is None or not certificate.is_ready:
        raise Http404
    return stored_file_response(
        certificate.file, filename=certificates.zip_entry_name(certificate), content_type="application/pdf"
    )


# --- Public verification ----------------------------------------------------------------------------------------------


def _over_limit(request) -> bool:
    key = f"certificate-verify:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=60)
    try:
        return cache.incr(key) > VERIFY_LIMIT
    except ValueError:
        return False


def _verify_page(request, text):
    if _over_limit(request):
        return render(request, "429.html", status=429)
    result = certificates.verify(text) if text else None
    form = VerifyForm(initial={"number": text})
    response = render(request, "notices/certificate_verify.html", {"form": form, "result": result, "number": text})
    # Revocation must show at once: nobody caches the answer.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def certificate_verify(request):
    return _verify_page(request, (request.GET.get("number") or "").strip()[:40])


@require_GET
def certificate_verify_number(request, number):
    return _verify_page(request, number[:40])
