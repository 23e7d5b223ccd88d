"""Reads of documents for views and other apps."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from .models import Document


def _owner_filter(obj) -> dict:
    return {"owner_type": ContentType.objects.get_for_model(obj), "owner_id": str(obj.pk)}


def document_for(kind: str, obj) -> Document | None:
    """The document of `kind` for `obj`, or None if it was never requested."""
    return Document.objects.filter(kind=kind, **_owner_filter(obj)).first()


def documents_for_owner(obj) -> QuerySet[Document]:
    """Every document of `obj`, by kind."""
    return Document.objects.filter(**_owner_filter(obj)).order_by("kind")


def document_by_pk(pk: int) -> Document | None:
    return Document.objects.select_related("owner_type").filter(pk=pk).first()


def document_by_public_id(public_id) -> Document | None:
    return Document.objects.select_related("owner_type").filter(public_id=public_id).first()
