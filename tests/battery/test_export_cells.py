"""Every text cell of every export that starts like a formula (= + - @, tab, CR) stays text.

The project writes no CSV (checked below); its workbooks are built by `documents.excel.build_table_workbook` (three
modes) and the expert-pool template. Each registered xlsx kind's pure builder is fed hostile strings in every text
slot; the result is opened with openpyxl: no formula cells, the text is what was written (CR as LF, characters
XML cannot carry dropped), and formula-like text carries the quotePrefix flag.
"""

import decimal
import io
import pathlib
import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from openpyxl import load_workbook

from documents import registry
from documents.excel import build_table_workbook, is_formula_like

HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://evil.test","click")',
    "+41 22 000",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=cmd|' /C calc'!A0",
    "\r=1+2",
    " =1",
    "\n@x",
    "#N/A",
    "=\x01\x02ctl",
    "正常文本",
]


def _expected(text: str) -> str:
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text).replace("\r\n", "\n").replace("\r", "\n")


def assert_cells_are_text(data: bytes, hostile=HOSTILE) -> int:
    """No cell of any sheet is a formula; every hostile string that appears is stored as escaped text.
    Returns how many hostile cells were found."""
    expected = {_expected(h) for h in hostile}
    seen = 0
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and is_formula_like(cell.value):
                    assert cell.data_type == "s" and cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                if cell.value in expected:
                    seen += 1
    return seen


@pytest.mark.parametrize(
    "mode", [{}, {"write_only": True}, {"write_only": True, "plain_body": True}], ids=["normal", "stream", "plain"]
)
def test_the_table_workbook_keeps_hostile_text_as_text_in_every_mode(mode):
    rows = [[index, text, decimal.Decimal("1.5"), text] for index, text in enumerate(HOSTILE)]

    data = build_table_workbook(title="=title", headers=["#", "=header", "n", "@h"], rows=rows, **mode)

    assert assert_cells_are_text(data) >= 2 * len(HOSTILE)
    body = load_workbook(io.BytesIO(data)).active
    assert [body.cell(row=3 + i, column=2).value for i in range(len(HOSTILE))] == [_expected(h) for h in HOSTILE]
    assert body.cell(row=3, column=3).data_type == "n"  # numbers stay numbers


def _recommender_builders():
    from recommenders import documents_recommender as d

    meta = d.TableMeta(recommender="=推荐单位", edition="+2026 届", year=2026)
    rows = [
        d.RecommendationRow(
            number=h, title=h, group=h, unit=h, category=h, self_total=None, reviewer_mean=None, rank=1, opinion=h
        )
        for h in HOSTILE
    ]
    summary = d.ReviewSummary(
        reviewers=tuple(HOSTILE[:3]),
        rows=tuple(
            d.ReviewRow(number=h, title=h, unit=h, category=h, totals=(None, None, None), mean=None, rank=1, decision=h)
            for h in HOSTILE
        ),
    )
    statistics = d.StatisticsTable(labels=tuple(HOSTILE), values=tuple(range(len(HOSTILE))))
    return {
        d.RECOMMENDATION_TABLE_XLSX: lambda: d.recommendation_table_xlsx(meta, rows),
        d.REVIEW_SUMMARY_XLSX: lambda: d.review_summary_xlsx(meta, summary),
        d.ACTIVITY_STATISTICS_XLSX: lambda: d.activity_statistics_xlsx(meta, statistics),
    }


def hostile_round_results():
    """A duck-typed `reviews.results.round_results(...)` with hostile text in every text slot."""
    round_ = SimpleNamespace(name="=round", normalise=True, edition=SimpleNamespace(title="@edition"), blind=False)
    rows = [
        SimpleNamespace(
            number=h,
            code=h,
            title=h,
            category=h,
            marks=[SimpleNamespace(expert=SimpleNamespace(code=h, name=h), total=decimal.Decimal("80"))],
            result=decimal.Decimal("80"),
            stdev=None,
            rank=1,
            normalised=None,
            flags=[h],
        )
        for h in HOSTILE
    ]
    return SimpleNamespace(round=round_, rows=rows, max_marks=2)


def hostile_levels_table():
    level = SimpleNamespace(name="=一等奖")
    rows = [
        SimpleNamespace(
            number=h,
            title=h,
            category=h,
            unit=h,
            cells=[SimpleNamespace(score=decimal.Decimal("81"))],
            total=decimal.Decimal("81"),
            rank=1,
            proposed=level,
            level=level,
            reason=h,
            self_total=None,
            recommender_mean=None,
            flags=[h],
        )
        for h in HOSTILE
    ]
    rounds = [SimpleNamespace(round=SimpleNamespace(name="-round"), weight=100)]
    return SimpleNamespace(scheme=SimpleNamespace(edition=SimpleNamespace(title="=e")), rows=rows, rounds=rounds)


def _results_builders() -> dict:
    """The publicity, final and objections lists: one table shape (title, headers, rows) through one builder."""
    from notices import documents_results as d

    table = ("=2026 公示名单", ["#", "=header", "@h"], [[i, h, h] for i, h in enumerate(HOSTILE)])
    return {kind: (lambda: d.xlsx(table)) for kind in (d.PUBLICITY_XLSX, d.FINAL_XLSX, d.OBJECTIONS_XLSX)}


def xlsx_builders() -> dict:
    from reviews import documents as round_documents
    from reviews import documents_levels

    return {
        **_results_builders(),
        **_recommender_builders(),
        round_documents.ROUND_SUMMARY_XLSX: lambda: round_documents.summary_xlsx(
            hostile_round_results(), shows_names=True
        ),
        documents_levels.LEVELS_XLSX: lambda: documents_levels.levels_xlsx(hostile_levels_table()),
    }


def test_every_registered_workbook_kind_is_covered():
    registered = {kind.kind for kind in registry.kinds() if kind.mime_type == registry.XLSX}
    assert registered and registered <= set(xlsx_builders())


@pytest.mark.parametrize(
    "kind",
    [
        "recommendation_table_xlsx",
        "review_summary_xlsx",
        "activity_statistics_xlsx",
        "round_review_summary",
        "combined_results",
        "results_publicity",
        "results_objections",
    ],
)
def test_each_workbook_builder_keeps_hostile_text_as_text(kind):
    data = xlsx_builders()[kind]()

    assert assert_cells_are_text(data) >= len(HOSTILE) - 1


@pytest.mark.django_db
def test_the_expert_pool_template_keeps_hostile_category_names_as_text():
    from awards.models import Category
    from reviews.pool_import import template_workbook
    from tests.factories.awards import open_edition

    edition = open_edition()
    for index, text in enumerate(HOSTILE):
        Category.objects.create(edition=edition, code=f"hostile{index}", name=text, name_en=text, position=90 + index)

    data = template_workbook(edition.programme)

    assert assert_cells_are_text(data) >= len(HOSTILE)


def test_no_csv_is_written_anywhere():
    """A CSV export would need its own escape (a leading apostrophe); none exists, and a new one must add it here."""
    root = pathlib.Path(settings.BASE_DIR)
    writers = [
        str(path.relative_to(root))
        for app in ("accounts", "applications", "awards", "core", "documents", "notices", "notifications")
        + ("recommenders", "reviews")
        for path in (root / app).rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)|^import csv|^from csv", path.read_text(encoding="utf-8"), re.M)
    ]
    assert writers == []
