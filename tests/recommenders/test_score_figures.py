"""One figure everywhere: four reviewer sheets totalling 340.1 give the mean 85.03 (340.1 / 4 = 85.025, half up)
on the recommender's application page and queue, in the Excel recommendation table and review summary, and in
their PDFs — never 85.02 (half-even or float rounding)."""

import io
import re
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from documents.enums import DocumentStatus
from documents.services import document_build_now
from recommenders import services
from recommenders.documents_recommender import (
    RECOMMENDATION_HEADERS,
    RECOMMENDATION_TABLE_PDF,
    RECOMMENDATION_TABLE_XLSX,
    REVIEW_SUMMARY_PDF,
    REVIEW_SUMMARY_XLSX,
)
from tests.factories import RecommenderFactory, UnitFactory, recommender_member
from tests.factories.recommenders import endorsed_application, qc_edition
from tests.helpers import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

# Hand-computed: the four sheets' totals and their mean.
SHEETS = [
    ({"topic": "14", "cause": "28", "measures": "18", "effect": "17", "report": "4", "feature": "9"}, "90.00"),
    ({"topic": "13", "cause": "26", "measures": "17", "effect": "16", "report": "4", "feature": "8.5"}, "84.50"),
    ({"topic": "12", "cause": "24", "measures": "16", "effect": "16", "report": "4", "feature": "8.1"}, "80.10"),
    ({"topic": "13", "cause": "26", "measures": "17", "effect": "17", "report": "4", "feature": "8.5"}, "85.50"),
]
MEAN = "85.03"  # (90.0 + 84.5 + 80.1 + 85.5) / 4 = 340.1 / 4 = 85.025 → 85.03


@pytest.fixture
def world():
    edition = qc_edition(year=2062)
    recommender = RecommenderFactory(name="浦东新区市场监督管理局")
    unit = UnitFactory(recommender=recommender, name="上海华瑞精密机械有限公司")
    reviewers = [recommender_member(recommender, full_name=f"评委{i}") for i in range(1, 5)]
    application = endorsed_application(edition=edition, unit=unit, title="降低精密轴承外圈磨削不良率")
    for reviewer, (sheet, _total) in zip(reviewers, SHEETS, strict=True):
        services.recommender_evaluation_save(
            actor=reviewer, application=application, recommender=recommender, scores=sheet
        )
    services.recommender_rank(
        actor=reviewers[0],
        recommender=recommender,
        edition=edition,
        category=application.category,
        ordered_ids=[application.pk],
    )
    services.recommender_decide(
        actor=reviewers[0], application=application, recommender=recommender, recommend=True, opinion="同意推荐。"
    )
    dossier = services.dossier_for(recommender=recommender, edition=edition)
    return {"recommender": recommender, "application": application, "member": reviewers[0], "dossier": dossier}


def _built(kind, world) -> bytes:
    document = document_build_now(kind=kind, obj=world["dossier"], actor=world["member"])
    assert document.status == DocumentStatus.READY, document.error
    with document.file.open("rb") as handle:
        return handle.read()


def _pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_the_sheets_total_as_computed_by_hand(world):
    totals = sorted(str(e.total) for e in world["application"].evaluations.filter(level="recommender"))
    assert totals == sorted(total[:-1] for _sheet, total in SHEETS)  # stored with one decimal place
    assert sum(Decimal(total) for _sheet, total in SHEETS) == Decimal("340.1")


def test_the_application_page_shows_the_mean_85_03(world):
    response = client_for(world["member"]).get(
        reverse("recommenders:recommender_application", args=[world["application"].pk])
    )
    html = response.content.decode()
    assert response.context["mean"] == Decimal(MEAN)
    assert re.search(r'data-testid="reviewer-mean">85\.03<', html)
    assert sorted(re.findall(r'data-testid="sheet-total">([\d.]+)<', html)) == sorted(t for _s, t in SHEETS)


def test_the_queue_shows_the_mean_85_03(world):
    response = client_for(world["member"]).get(
        reverse("recommenders:recommender_queue", args=[world["recommender"].pk])
    )
    html = response.content.decode()
    assert ">85.03<" in html
    assert "85.02" not in html


def test_the_excel_tables_hold_the_mean_85_03(world):
    sheet = load_workbook(io.BytesIO(_built(RECOMMENDATION_TABLE_XLSX, world))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[: len(RECOMMENDATION_HEADERS)] == RECOMMENDATION_HEADERS)
    line = rows[header + 1]
    assert line[RECOMMENDATION_HEADERS.index("推荐单位评审均分")] == pytest.approx(85.03, abs=1e-9)

    summary = load_workbook(io.BytesIO(_built(REVIEW_SUMMARY_XLSX, world))).active
    rows = [[cell.value for cell in row] for row in summary.iter_rows()]
    header = next(i for i, row in enumerate(rows) if "评审均分" in row)
    line = rows[header + 1]
    assert line[rows[header].index("评审均分")] == pytest.approx(85.03, abs=1e-9)


def test_the_pdf_tables_print_the_mean_85_03(world):
    for kind in (RECOMMENDATION_TABLE_PDF, REVIEW_SUMMARY_PDF):
        text = _pdf_text(_built(kind, world))
        assert MEAN in text, kind
        assert "85.02" not in text, kind


def test_the_unit_self_evaluation_total_shows_two_decimals(world):
    """The unit's 80 % of every item (80.0, stored with one decimal place) shows as 80.00 on page and queue."""
    client = client_for(world["member"])
    page = client.get(reverse("recommenders:recommender_application", args=[world["application"].pk]))
    queue = client.get(reverse("recommenders:recommender_queue", args=[world["recommender"].pk]))
    assert re.search(r'data-testid="self-total">80\.00<', page.content.decode())
    assert ">80.00<" in queue.content.decode() and ">80.0<" not in queue.content.decode()
