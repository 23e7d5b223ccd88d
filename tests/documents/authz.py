"""Generated documents of every registered kind, for the authorization matrix (tests/authz_matrix.yaml).

Each object is a namespace `kind`, `owner` and `document` (a ready row of that kind for that owner), so a row of the
matrix requests it (`{kind: doc_x.kind, object_id: doc_x.owner}`) or downloads it (`{pk: doc_x.document}`). The
row's file is a few stored bytes with the owner's current version: asking for it again finds it current and
builds nothing, so the matrix checks who may have the document, not how long a PDF takes to render.

Owners, in the states where visibility differs:
- application_form: a group's draft (its unit must not see it) and a submitted application;
- scoring_opinion_form: the same draft and submitted application, and one endorsed by own_unit (at own_recommender);
- the recommender's dossier tables (every kind on `recommenders.Dossier`): own_recommender's and
  other_recommender's dossier of the edition.
"""

import types

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from documents import registry
from documents.enums import DocumentStatus
from documents.models import Document
from documents.selectors import document_for
from tests.authz_world import register_object

APPLICATION_FORM = "application_form"
SCORING_OPINION_FORM = "scoring_opinion_form"
DOSSIER_KINDS = (
    "recommendation_table_xlsx",
    "recommendation_table_pdf",
    "review_summary_xlsx",
    "review_summary_pdf",
    "activity_statistics_xlsx",
)


def stored_document(kind: str, owner) -> types.SimpleNamespace:
    """A ready document of `kind` for `owner`, current with the owner's version, with a stand-in file. A document
    the owner's workflow made already (the unit's endorsement builds its scoring form) is used as it is."""
    entry = registry.get(kind)
    existing = document_for(kind, owner)
    if existing is not None and existing.is_ready:
        return types.SimpleNamespace(kind=kind, owner=owner, document=existing)
    document = existing or Document(
        kind=kind, owner_type=ContentType.objects.get_for_model(owner), owner_id=str(owner.pk)
    )
    document.status = DocumentStatus.READY
    document.filename = entry.filename_of(owner)
    document.mime_type = entry.mime_type
    document.source_version = entry.version_of(owner)
    document.built_at = timezone.now()
    data = b"%PDF-1.4\n% authz matrix stand-in\n%%EOF\n"
    document.file.save(f"authz-{kind}", ContentFile(data), save=False)
    document.size, document.checksum = len(data), "0" * 64
    document.save()
    return types.SimpleNamespace(kind=kind, owner=owner, document=document)


def _register(name: str, kind: str, owner_object: str) -> None:
    register_object(name)(lambda world: stored_document(kind, world.get(owner_object)))


for _side in ("own", "other"):
    _register(f"doc_form_{_side}_draft", APPLICATION_FORM, f"app_{_side}_draft")
    _register(f"doc_form_{_side}_submitted", APPLICATION_FORM, f"app_{_side}_submitted")
    _register(f"doc_scoring_{_side}_draft", SCORING_OPINION_FORM, f"app_{_side}_draft")
    _register(f"doc_scoring_{_side}_submitted", SCORING_OPINION_FORM, f"app_{_side}_submitted")
    _register(f"doc_scoring_{_side}_endorsed", SCORING_OPINION_FORM, f"rec_{_side}_application")
    for _kind in DOSSIER_KINDS:
        _register(f"doc_{_kind}_{_side}", _kind, f"doc_{_side}_dossier")


def _dossier(world, recommender_object: str):
    from recommenders.services import dossier_for

    return dossier_for(recommender=world.get(recommender_object), edition=world.get("rec_edition"))


@register_object("doc_own_dossier")
def _doc_own_dossier(world):
    return _dossier(world, "own_recommender")


@register_object("doc_other_dossier")
def _doc_other_dossier(world):
    return _dossier(world, "other_recommender")
