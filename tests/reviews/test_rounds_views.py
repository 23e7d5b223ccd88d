"""The staff's round pages: create in Beijing time, rubric versions, assignment run and its reasons, progress,
closing, the staff menu entry."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from reviews.enums import AssignmentState, RoundState
from reviews.models import Assignment, ReviewRound, RoundRubric, ScoreSheet
from tests.factories import staff_user
from tests.factories.awards import open_edition
from tests.factories.reviews import assigned, pool_expert, quick_admitted, review_round

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def staff_client(client):
    client.force_login(staff_user())
    return client


def test_round_create_reads_beijing_time_to_the_minute(staff_client):
    edition = open_edition()
    response = staff_client.post(
        reverse("reviews:round_create", args=[edition.pk]),
        {
            "name": "材料文审",
            "opens_at": "2026-09-01T09:00",
            "closes_at": "2026-09-15T17:30",
            "experts_per_application": "5",
            "blind": "on",
            "aggregation": "trimmed_mean",
            "trim_min_count": "5",
            "outlier_points": "15",
        },
    )
    round_ = ReviewRound.objects.get(edition=edition)
    assert response.status_code == 302
    assert response.url == reverse("reviews:round_detail", args=[round_.pk])
    assert round_.opens_at == datetime.datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI)
    assert round_.closes_at == datetime.datetime(2026, 9, 15, 17, 30, tzinfo=SHANGHAI)
    assert round_.experts_per_application == 5
    assert RoundRubric.objects.filter(round=round_).count() == edition.categories.filter(rubric__isnull=False).count()
    page = staff_client.get(response.url)
    assert "2026-09-01 09:00 – 2026-09-15 17:30" in page.content.decode()


def test_round_create_refuses_closing_before_opening(staff_client):
    edition = open_edition()
    response = staff_client.post(
        reverse("reviews:round_create", args=[edition.pk]),
        {
            "name": "材料文审",
            "opens_at": "2026-09-15T09:00",
            "closes_at": "2026-09-01T09:00",
            "experts_per_application": "3",
            "aggregation": "mean",
            "trim_min_count": "5",
            "outlier_points": "15",
        },
    )
    assert response.status_code == 200
    assert "A round must close after it opens." in response.content.decode()
    assert not ReviewRound.objects.filter(edition=edition).exists()


def _rubric_post(rubric, **change):
    data = {
        "items-TOTAL_FORMS": str(len(rubric.items)),
        "items-INITIAL_FORMS": str(len(rubric.items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(rubric.items):
        for key in ("code", "name", "name_en", "description", "max_points"):
            data[f"items-{i}-{key}"] = item[key]
    data.update({f"items-0-{key}": value for key, value in change.items()})
    return data


def test_rubric_edit_after_scores_says_a_new_version_was_made(staff_client):
    edition = open_edition()
    round_ = review_round(edition)
    rubric = RoundRubric.objects.get(round=round_, category__code="problem_solving")
    assignment = assigned(round_, quick_admitted(edition), pool_expert(edition.programme))
    ScoreSheet.objects.create(assignment=assignment, rubric=rubric)
    url = reverse("reviews:round_rubric", args=[round_.pk, rubric.pk])

    response = staff_client.post(url, _rubric_post(rubric, max_points="12"), follow=True)

    new = RoundRubric.objects.get(round=round_, category__code="problem_solving", is_current=True)
    assert new.version == 2
    assert new.items[0]["max_points"] == "12.0"
    text = response.content.decode()
    assert "saved as version 2" in text
    assert "Sheets scored before keep version 1" in text


def test_assignment_page_runs_the_solver_and_lists_the_result(staff_client):
    edition = open_edition()
    applications = [quick_admitted(edition) for _ in range(2)]
    experts = [pool_expert(edition.programme, full_name=f"专家{i}") for i in range(3)]
    round_ = review_round(edition, experts_per_application=3)
    response = staff_client.post(reverse("reviews:round_assign_run", args=[round_.pk]), follow=True)
    assert Assignment.objects.filter(round=round_).count() == 6
    text = response.content.decode()
    assert "6 new assignments" in text
    for expert in experts:
        assert expert.user.full_name in text
    assert f"R{round_.pk}-0001" in text
    assert applications[0].title in text


def test_assignment_page_shows_the_infeasibility_reason(staff_client):
    edition = open_edition()
    quick_admitted(edition, category="innovation")
    pool_expert(edition.programme, categories=["innovation"])
    round_ = review_round(edition, experts_per_application=3)
    response = staff_client.post(reverse("reviews:round_assign_run", args=[round_.pk]), follow=True)
    text = response.content.decode()
    assert 'data-testid="assignment-problems"' in text
    assert "1 application × 3 experts = 3 slots" in text
    assert "short by 2" in text
    assert not Assignment.objects.filter(round=round_).exists()
    # The reason is shown once, not on every later visit.
    again = staff_client.get(reverse("reviews:round_assignments", args=[round_.pk]))
    assert "assignment-problems" not in again.content.decode()


def test_pair_rule_form_pins_and_refuses_a_conflicted_pin(staff_client):
    edition = open_edition()
    application = quick_admitted(edition)
    expert = pool_expert(edition.programme, employer=application.unit)
    round_ = review_round(edition)
    staff_client.post(reverse("reviews:round_conflicts", args=[round_.pk]))
    response = staff_client.post(
        reverse("reviews:round_pair_rule", args=[round_.pk]),
        {"expert": expert.pk, "application": application.pk, "kind": "pin"},
        follow=True,
    )
    assert "cannot be pinned" in response.content.decode()
    conflicts_page = staff_client.get(reverse("reviews:round_conflicts", args=[round_.pk])).content.decode()
    assert expert.user.full_name in conflicts_page
    assert "Works at the applying unit" in conflicts_page


def test_close_button_closes_the_round_and_disappears(staff_client):
    round_ = review_round(open_edition(), state=RoundState.OPEN)
    detail = reverse("reviews:round_detail", args=[round_.pk])
    assert 'data-testid="round-close"' in staff_client.get(detail).content.decode()
    response = staff_client.post(reverse("reviews:round_move", args=[round_.pk, "close"]), follow=True)
    round_.refresh_from_db()
    assert round_.is_closed
    text = response.content.decode()
    assert 'data-testid="round-close"' not in text
    assert 'data-testid="round-open"' not in text


def test_progress_page_and_remind_button(staff_client, mailoutbox, django_capture_on_commit_callbacks):
    edition = open_edition()
    application = quick_admitted(edition)
    expert = pool_expert(edition.programme, full_name="进度专家")
    round_ = review_round(edition, experts_per_application=3)
    assigned(round_, application, expert, state=AssignmentState.ACCEPTED)
    page = staff_client.get(reverse("reviews:round_progress", args=[round_.pk])).content.decode()
    assert "进度专家" in page
    assert "1 / 3" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("reviews:round_remind", args=[round_.pk]), follow=True)
    assert "Reminder sent to 1 expert." in response.content.decode()
    assert [m.to for m in mailoutbox] == [[expert.user.email]]


def test_progress_page_query_count_is_the_same_for_1_and_3_assignments(staff_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    edition = open_edition()
    round_ = review_round(edition, experts_per_application=1)
    url = reverse("reviews:round_progress", args=[round_.pk])
    counts = []
    for size in (1, 2):
        for _ in range(size):
            assigned(round_, quick_admitted(edition), pool_expert(edition.programme))
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert Assignment.objects.filter(round=round_).count() == 3
    assert counts[0] == counts[1]


def test_staff_menu_has_review_rounds(staff_client):
    page = staff_client.get(reverse("reviews:round_index")).content.decode()
    assert f'href="{reverse("reviews:round_index")}"' in page
    assert "Review rounds" in page
