"""优秀成果汇编: one PDF book per edition of the awarded entries' summaries, with a cover, a table of contents with
page numbers (WeasyPrint `target-counter`) and PDF bookmarks (`bookmark-level`), grouped by category, then level.

Two kinds on the edition: `compendium` holds the award-confirmed entries (what the edition's finalisation leaves);
`compendium_draft` lets staff proof the book before that, from the awarded entries (and any confirmed already).
Staff only. The version is a digest of what is printed, so a changed summary or level rebuilds on the next request.
"""

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from documents import registry
from documents.pdf import render_pdf

from .workflow import CERTIFIED_STATUSES

COMPENDIUM = "compendium"
COMPENDIUM_DRAFT = "compendium_draft"
PERMISSION = "notices.manage_books"
SUMMARY_CODE = "summary"  # awards/defaults.py: 成果简介


@dataclass
class Entry:
    anchor: str
    number: str
    title: str
    group: str
    unit: str
    recommenders: str
    summary: str


@dataclass
class Section:
    anchor: str
    category: str
    level: str
    entries: list[Entry] = field(default_factory=list)


def entry_statuses(*, draft: bool) -> set[str]:
    from reviews.workflow_levels import LevelStatus

    return {*CERTIFIED_STATUSES, LevelStatus.AWARDED} if draft else set(CERTIFIED_STATUSES)


def is_finalised(edition) -> bool:
    """The edition's results are final (its publicity was finalised): the book is no longer a draft."""
    from .results import publicity_of

    publicity = publicity_of(edition)
    return publicity is not None and publicity.is_finalised


def compendium_sections(edition, *, draft: bool) -> list[Section]:
    """The book's sections (category, then level best first) and their entries by number. Two queries."""
    from recommenders.selectors import recommender_names

    applications = list(
        Application.objects.filter(edition=edition, status__in=entry_statuses(draft=draft))
        .select_related("category", "group", "unit", "level_decision__level")
        .order_by("category__position", "category__name", "level_decision__level__position", "number", "pk")
    )
    names = recommender_names([a.pk for a in applications])
    sections: list[Section] = []
    for application in applications:
        decision = getattr(application, "level_decision", None)
        level = decision.level.name if decision and decision.level else "—"
        key = (application.category.name, level)
        if not sections or (sections[-1].category, sections[-1].level) != key:
            sections.append(Section(anchor=f"s{len(sections) + 1}", category=key[0], level=key[1]))
        summary = application.answers.get(SUMMARY_CODE) if isinstance(application.answers, dict) else ""
        sections[-1].entries.append(
            Entry(
                anchor=f"e{application.pk}",
                number=application.number or "",
                title=application.title,
                group=application.group.name if application.group_id else "",
                unit=application.unit.name,
                recommenders="、".join(names.get(application.pk, [])),
                summary=str(summary or "").strip(),
            )
        )
    return sections


def book_title(edition) -> str:
    return f"{edition.title} 优秀成果汇编"


def build_compendium(edition, *, draft: bool) -> bytes:
    sections = compendium_sections(edition, draft=draft)
    context = {
        "title": book_title(edition),
        "edition": edition,
        "sections": sections,
        "count": sum(len(s.entries) for s in sections),
        "draft": draft,
        "printed_at": timezone.localtime(),
    }
    with translation.override(settings.LANGUAGE_CODE):  # the page footer, whoever's request queued the build
        return render_pdf("notices/books/compendium_pdf.html", context)


def compendium_version(edition, *, draft: bool) -> str:
    text = repr((book_title(edition), draft, compendium_sections(edition, draft=draft)))
    return hashlib.sha256(text.encode()).hexdigest()


def _scope(user):
    from awards.models import Edition
    from core import roles

    return Edition.objects.all() if roles.is_staff(user) else Edition.objects.none()


registry.register(
    COMPENDIUM,
    label=_("Compendium of outstanding achievements"),
    model="awards.Edition",
    build=lambda edition, _doc: build_compendium(edition, draft=False),
    filename=lambda edition: f"{edition.year}-优秀成果汇编.pdf",
    mime_type=registry.PDF,
    permission=PERMISSION,
    scope=_scope,
    version=lambda edition: compendium_version(edition, draft=False),
)
registry.register(
    COMPENDIUM_DRAFT,
    label=_("Compendium of outstanding achievements (draft)"),
    model="awards.Edition",
    build=lambda edition, _doc: build_compendium(edition, draft=True),
    filename=lambda edition: f"{edition.year}-优秀成果汇编（草稿）.pdf",
    mime_type=registry.PDF,
    permission=PERMISSION,
    scope=_scope,
    version=lambda edition: compendium_version(edition, draft=True),
)
