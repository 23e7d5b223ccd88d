"""Defects the issue-11 browser story (tests/e2e/test_levels_story.py) found in the 评定 and 合议 pages."""

import re

import pytest
from django.urls import reverse

from reviews import levels
from tests.factories import staff_user
from tests.factories.recommenders import qc_edition
from tests.factories.reviews import quick_admitted
from tests.factories.reviews_levels import closed_round, level_scheme, result
from tests.helpers import client_for

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture
def scheme():
    edition = qc_edition()
    doc = closed_round(edition, name="材料文审")
    pres = closed_round(edition, name="发表赛")
    application = quick_admitted(edition)
    result(doc, application, 90)
    result(pres, application, 80)
    return level_scheme(edition, {doc: 40, pres: 60}, levels=[("标杆级", 85, None, None)])


def test_round_cells_carry_their_round_name(scheme):
    """On phones the combined table stacks into cards labelled per cell: every round's cell said "Round", so two
    rounds' scores could not be told apart."""
    (row,) = levels.combined_table(scheme).rows
    assert [cell.round_name for cell in row.cells] == ["材料文审", "发表赛"]
    page = client_for(staff_user()).get(reverse("reviews:levels_table", args=[scheme.edition_id])).content.decode()
    assert 'data-label="材料文审"' in page and 'data-label="发表赛"' in page


def test_level_fields_are_labelled_once(scheme):
    """The levels formset printed each field's label twice (the column header and crispy's label beside it); the
    header names the column, the label stays for screen readers only."""
    page = client_for(staff_user()).get(reverse("reviews:levels_settings", args=[scheme.edition_id])).content.decode()
    labels = re.findall(r'<label[^>]*for="id_(?:levels-|form-)?0-name"[^>]*>', page)
    assert labels and all("visually-hidden" in label for label in labels)
