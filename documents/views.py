from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.files import stored_file_response

from . import registry, selectors
from .rules import may_access_owner
from .services import document_request


def _kind_label(kind: str):
    try:
        return registry.get(kind).label
    except registry.UnknownDocumentKind:
        return None


def _document_for_user(user, pk: int, perm: str):
    """Fetch and authorise in one step: 404 both when the row does not exist and when the user may not see its
    owner, so nobody learns which documents exist by trying ids."""
    document = selectors.document_by_pk(pk)
    if document is None or not user.has_perm(perm, document):
        raise Http404
    return document


@require_GET
@login_required
@never_cache
def document_download(request, pk):
    document = _document_for_user(request.user, pk, "documents.download_document")
    if not document.is_ready:
        raise Http404
    return stored_file_response(document.file, filename=document.filename, content_type=document.mime_type)


@require_GET
@login_required
@never_cache
def document_status(request, pk):
    document = _document_for_user(request.user, pk, "documents.view_document")
    template = "documents/_document_status.html" if request.htmx else "documents/document_status.html"
    return render(request, template, {"document": document, "kind_label": _kind_label(document.kind)})


@require_POST
@login_required
def document_request_view(request, kind, object_id):
    try:
        entry = registry.get(kind)
    except registry.UnknownDocumentKind:
        raise Http404 from None
    owner = entry.get_owner(object_id)
    # The same answer for a missing owner and one outside the user's reach: existence is not revealed.
    if owner is None or not may_access_owner(request.user, kind, owner):
        raise Http404
    document = document_request(kind=kind, obj=owner, actor=request.user)
    if request.htmx:
        return render(request, "documents/_document_status.html", {"document": document, "kind_label": entry.label})
    target = request.POST.get("next") or request.headers.get("referer", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("documents:status", args=[document.pk])
    return redirect(target)


@require_GET
def document_verify(request, public_id):
    """Public: confirms that a document with this id was issued, and which file (checksum) is the genuine one."""
    document = selectors.document_by_public_id(public_id)
    if document is None or not document.is_ready:
        raise Http404
    label = _kind_label(document.kind)
    if label is None:
        raise Http404
    context = {"document": document, "kind_label": label, "owner_label": str(document.owner or "")}
    return render(request, "documents/document_verify.html", context)
