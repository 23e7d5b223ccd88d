"""优秀成果汇编: entries (confirmed; a draft from the awarded), grouping, contents page numbers, bookmarks."""

import datetime
import io
import re
import subprocess
import tempfile

import pytest
from pypdf import PdfReader

from applications.models import Application
from documents.enums import DocumentStatus
from documents.services import document_build_now
from notices import compendium
from tests.factories.notices_books import awarded_edition, confirm


@pytest.fixture
def world(db):
    edition, apps = awarded_edition(
        [("problem_solving", 95), ("problem_solving", 70), ("innovation", 92), ("problem_solving", 30)]
    )
    for index, application in enumerate(apps):
        answers = {"summary": f"第{index + 1}项成果的简介：通过PDCA循环降低了不良率。"}
        Application.objects.filter(pk=application.pk).update(answers=answers)
    return edition, [Application.objects.get(pk=a.pk) for a in apps]


def _layout(sections):
    return [(s.category, s.level, [e.number for e in s.entries]) for s in sections]


def test_draft_has_the_awarded_grouped_by_category_then_level(world, django_assert_max_num_queries):
    edition, (a, b, c, _not_awarded) = world
    # The entries, then the recommender names (lead, and joint recommenders): the same for any number of entries.
    with django_assert_max_num_queries(3):
        sections = compendium.compendium_sections(edition, draft=True)
    layout = _layout(sections)
    assert sorted(layout) == sorted(
        [
            (a.category.name, "一等奖", [a.number]),
            (b.category.name, "二等奖", [b.number]),
            (c.category.name, "一等奖", [c.number]),
        ]
    )
    # one category's sections together, its better level first
    categories = [category for category, _level, _numbers in layout]
    assert categories.index(a.category.name) + 1 == len(categories) - categories[::-1].index(a.category.name) - 1
    assert layout.index((a.category.name, "一等奖", [a.number])) < layout.index((b.category.name, "二等奖", [b.number]))
    assert sections[0].entries[0].summary.startswith("第")
    assert not compendium.is_finalised(edition)


def test_final_holds_only_confirmed_entries(world):
    edition, (a, b, c, _d) = world
    assert compendium.compendium_sections(edition, draft=False) == []
    confirm(a)
    assert [e.number for s in compendium.compendium_sections(edition, draft=False) for e in s.entries] == [a.number]
    confirm(b)
    confirm(c)
    # Confirmed one by one, but final only once the edition's publicity is finalised.
    assert not compendium.is_finalised(edition)
    from notices import results
    from tests.factories import staff_user
    from tests.notices.results_world import published

    results.edition_finalise(actor=staff_user(), publicity=published(edition, started_ago=datetime.timedelta(days=30)))
    assert compendium.is_finalised(edition)


def _page_texts(data: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(data)
        fh.flush()
        pages = len(PdfReader(io.BytesIO(data)).pages)
        return [
            subprocess.run(
                ["pdftotext", "-layout", "-f", str(p), "-l", str(p), fh.name, "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            for p in range(1, pages + 1)
        ]


def _outline(reader):
    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item) + 1

    return list(walk(reader.outline, 1))


def test_compendium_pdf_contents_page_numbers_and_bookmarks(world):
    edition, apps = world
    for application in apps[:3]:
        confirm(application)
    document = document_build_now(kind=compendium.COMPENDIUM, obj=edition)
    assert document.status == DocumentStatus.READY, document.error
    with document.file.open("rb") as fh:
        data = fh.read()
    texts = _page_texts(data)
    reader = PdfReader(io.BytesIO(data))
    assert "优秀成果汇编" in texts[0]
    toc = texts[1]
    assert "目" in toc
    entries = [e for s in compendium.compendium_sections(edition, draft=False) for e in s.entries]
    assert len(entries) == 3
    outline = _outline(reader)
    for entry in entries:
        # the page where the entry starts: the first page whose text holds its summary
        start = next(i + 1 for i, text in enumerate(texts) if entry.summary[:8] in text)
        line = next(line for line in toc.splitlines() if entry.number in line)
        assert int(re.findall(r"(\d+)\s*$", line)[0]) == start, (line, toc)
        assert (2, entry.title, start) in outline
    sections = [item for item in outline if item[0] == 1]
    assert [title for _depth, title, _page in sections][0] == "目录"
    assert len(sections) == 1 + len(compendium.compendium_sections(edition, draft=False))


def test_compendium_version_changes_with_a_summary(world):
    edition, (a, *_rest) = world
    before = compendium.compendium_version(edition, draft=True)
    Application.objects.filter(pk=a.pk).update(answers={"summary": "改过的简介"})
    assert compendium.compendium_version(edition, draft=True) != before
