"""The registry of document kinds: which builder makes which file for which owner model.

Each app that produces documents keeps its builders in `<app>/documents.py` and registers them there, at import
time, with `register(...)`; its `AppConfig.ready()` imports that module so the kinds exist in every process that
loads Django (web, Celery worker, management commands):

    # applications/documents.py
    from documents import registry
    from documents.pdf import render_pdf, verification_context

    def build_application_form(application, document) -> bytes:
        context = {"application": application, **verification_context(document)}
        return render_pdf("applications/application_form_pdf.html", context)

    registry.register(
        "application_form",
        label=_("Application form (PDF)"),
        model="applications.Application",
        build=build_application_form,
        filename=lambda application: f"{application.number}-申报表.pdf",
        mime_type=registry.PDF,
        permission="applications.view_application",
        scope=applications_visible_to,  # applications.selectors: what the application page shows this user
    )

    # applications/apps.py
    class ApplicationsConfig(AppConfig):
        def ready(self):
            from . import documents  # noqa: F401  (registers the document kinds)

Who may request, follow and download a kind's document is decided on its owner, exactly as for the owner's own
page: `scope(user)` is the page's selector (the owners the user may open at all, in their current state: a group's
draft is not in its unit's scope), and `permission` is then checked on the owner. Both must hold; the documents
views answer 404 otherwise, as the page does. Every kind of the project gives a scope (tests check it).

A builder is pure: `build(obj, document) -> bytes` reads the owner (through selectors) and returns the file's
bytes; it writes nothing. It receives the `Document` row so it can print the verification link (`public_id`).
`version(obj) -> str` names the state of the owner the file reflects: a ready document whose `source_version`
equals the owner's current version is not rebuilt. Kind names are the glossary's document kinds
(`application_form`, `scoring_opinion_form`, `recommendation_table_xlsx`, ...).
"""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from core.files import clean_filename

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The version of an owner without `updated_at`: such a document is built once and then kept.
CONSTANT_VERSION = "1"


class UnknownDocumentKind(LookupError):
    pass


def default_version(obj) -> str:
    updated_at = getattr(obj, "updated_at", None)
    return updated_at.isoformat() if updated_at is not None else CONSTANT_VERSION


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    label: str
    model: type[models.Model] | str
    build: Callable[[models.Model, models.Model], bytes]
    filename: Callable[[models.Model], str]
    mime_type: str
    permission: str
    version: Callable[[models.Model], str] = default_version
    scope: Callable[..., models.QuerySet] | None = None

    @property
    def model_class(self) -> type[models.Model]:
        if isinstance(self.model, str):
            return apps.get_model(self.model)
        return self.model

    def get_owner(self, object_id):
        """The owner with this primary key, or None (also for a malformed id)."""
        manager = self.model_class._default_manager
        try:
            return manager.filter(pk=object_id).first()
        except (ValueError, TypeError, ValidationError):
            return None

    def permits(self, user, owner) -> bool:
        """May `user` have this kind's document of `owner`: the owner is within the user's scope (the page's
        selector, in the owner's current state) and the user holds the kind's permission on it."""
        if owner is None or not getattr(user, "is_authenticated", False):
            return False
        if self.scope is not None and not self.scope(user).filter(pk=owner.pk).exists():
            return False
        return user.has_perm(self.permission, owner)

    def version_of(self, obj) -> str:
        return str(self.version(obj))

    def filename_of(self, obj) -> str:
        """The download name; organisation names go into it, so bidi and control characters are removed."""
        return clean_filename(str(self.filename(obj)), default=f"{self.kind}")


_kinds: dict[str, DocumentKind] = {}


def register(
    kind: str,
    *,
    label,
    model,
    build,
    filename,
    mime_type: str,
    permission: str,
    version=None,
    scope=None,
) -> DocumentKind:
    """Register a document kind. Registering a kind twice is a programming error and raises ValueError."""
    if kind in _kinds:
        raise ValueError(f"document kind {kind!r} is registered already")
    entry = DocumentKind(
        kind=kind,
        label=label,
        model=model,
        build=build,
        filename=filename,
        mime_type=mime_type,
        permission=permission,
        version=version or default_version,
        scope=scope,
    )
    _kinds[kind] = entry
    return entry


def unregister(kind: str) -> None:
    _kinds.pop(kind, None)


@contextlib.contextmanager
def registered(kind: str, **options):
    """Register a kind for the duration of a `with` block (tests and one-off scripts)."""
    entry = register(kind, **options)
    try:
        yield entry
    finally:
        unregister(kind)


def get(kind: str) -> DocumentKind:
    try:
        return _kinds[kind]
    except KeyError:
        raise UnknownDocumentKind(kind) from None


def kinds() -> list[DocumentKind]:
    """Every registered kind, sorted by name."""
    return [_kinds[name] for name in sorted(_kinds)]
