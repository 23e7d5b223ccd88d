"""Defects the review story (tests/e2e/test_review_story.py) showed in the browser, pinned without one."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from reviews import declaration
from reviews.enums import ReviewStatus, SheetState
from tests.factories import staff_user
from tests.factories.recommenders import qc_edition
from tests.factories.reviews import admitted_application, assigned, pool_expert, review_round
from tests.helpers import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def test_round_pages_link_to_the_results_and_the_results_back_to_the_round():
    round_ = review_round(qc_edition())
    client = client_for(staff_user())
    results = reverse("reviews:results_round", args=[round_.pk])
    for name in ("round_detail", "round_progress", "round_assignments"):
        assert f'href="{results}"' in client.get(reverse(f"reviews:{name}", args=[round_.pk])).content.decode()
    page = client.get(results).content.decode()
    assert f'href="{reverse("reviews:round_detail", args=[round_.pk])}"' in page


def test_every_status_reviews_adds_has_a_badge_colour():
    """`.app-status` is white text: a status without its own background rule showed an invisible badge."""
    css = (Path(settings.BASE_DIR) / "static" / "css" / "portal.css").read_text()
    coloured = set(re.findall(r"\.app-status-(\w+)", css))
    assert set(ReviewStatus.values) - coloured == set()


def test_submitted_sheet_state_is_not_the_submission_date_column():
    """The bare msgid "Submitted" is a submission-date column (提交时间) elsewhere; the sheet state has a context."""
    with translation.override("zh-hans"):
        assert str(SheetState.SUBMITTED.label) != translation.gettext("Submitted")
        assert translation.gettext("Submitted") == "提交时间"


def test_expert_comment_boxes_are_styled_inputs():
    edition = qc_edition()
    round_ = review_round(edition)
    expert = pool_expert(edition.programme)
    assignment = assigned(round_, admitted_application(edition=edition), expert)
    declaration.declaration_sign(actor=expert.user, round=round_)
    page = client_for(expert.user).get(reverse("reviews:expert_assignment", args=[assignment.pk])).content.decode()
    textareas = re.findall(r"<textarea[^>]*>", page)
    assert textareas and all('class="form-control' in tag for tag in textareas)
