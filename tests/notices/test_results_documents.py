"""The publicity, final and objections lists in Excel (formula-escaped) and PDF through the documents registry."""

import io

import openpyxl
import pytest

from documents import registry
from notices import documents_results as docs
from notices import results

from .results_world import OBJECTOR, published, released_edition

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def test_lists_build_with_escaped_cells_and_no_scores_unless_chosen():
    edition, _scheme, best, _good, _refused = released_edition()
    publicity = published(edition)
    results.objection_file(
        publicity=publicity, application_id=best.pk, **{**OBJECTOR, "reason": '=HYPERLINK("http://x")'}
    )
    book = openpyxl.load_workbook(io.BytesIO(registry.get(docs.PUBLICITY_XLSX).build(publicity, None)))
    text = repr([[c.value for c in row] for row in book.active.iter_rows()])
    assert best.number in text and "加权总分" not in text and "95" not in text.replace(best.number, "")
    objections = openpyxl.load_workbook(io.BytesIO(registry.get(docs.OBJECTIONS_XLSX).build(publicity, None)))
    cells = [c for row in objections.active.iter_rows() for c in row]
    formula = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
    assert formula and all(c.data_type == "s" and c.quotePrefix for c in formula)
    assert OBJECTOR["mobile"] in [c.value for c in cells]
    pdf = registry.get(docs.FINAL_PDF).build(publicity, None)
    assert pdf.startswith(b"%PDF")
