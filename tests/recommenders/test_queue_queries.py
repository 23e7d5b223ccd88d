"""The pages people use most run a constant number of queries, at most 12: the same for 1 row as for 200.

The 199 extra rows are copies of the first (bulk-created, numbered), so they share its related objects; the
constant-count tests in tests/accounts/test_list_queries.py and tests/applications/test_queries.py vary the related
objects per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application
from reviews import declaration
from reviews.enums import AssignmentSource, AssignmentState
from reviews.models import Assignment
from tests.factories import recommender_member, staff_user
from tests.factories.recommenders import contact_of, endorsed_application, qc_edition, submitted_application
from tests.factories.reviews import assigned, pool_expert, review_round
from tests.helpers import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.unit]

BUDGET = 12


def copies(application, count: int) -> list[Application]:
    fields = ("edition", "category", "subtype", "group", "unit", "created_by", "status", "submitted_at")
    return Application.objects.bulk_create(
        Application(
            **{name: getattr(application, name) for name in fields},
            title=f"{application.title} {i}",
            number=f"Z{application.pk}-{i:04d}",
        )
        for i in range(count)
    )


def queries(client, url, marker: str, rows: int) -> int:
    client.get(url)  # caches filled once per process (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count(marker) == rows
    return len(captured)


def assert_constant(client, url, marker, add_rows, rows_shown):
    at_one = queries(client, url, marker, 1)
    add_rows()
    at_many = queries(client, url, marker, rows_shown)
    assert at_one == at_many <= BUDGET, (at_one, at_many)


def test_unit_queue_runs_constant_queries():
    application = submitted_application(edition=qc_edition())
    client = client_for(contact_of(application.unit))
    url = reverse("recommenders:unit_queue", args=[application.unit.pk])
    # The queue shows 25 rows a page.
    assert_constant(client, url, 'data-testid="unit-queue-row"', lambda: copies(application, 199), 25)


def test_recommender_queue_runs_constant_queries():
    edition = qc_edition()
    application = endorsed_application(edition=edition)
    client = client_for(recommender_member(application.unit.recommender))
    url = reverse("recommenders:recommender_queue", args=[application.unit.recommender.pk]) + f"?edition={edition.pk}"
    marker = 'data-testid="application-status"'
    assert_constant(client, url, marker, lambda: copies(application, 199), 200)


def test_expert_round_runs_constant_queries():
    edition = qc_edition()
    application = submitted_application(edition=edition)
    round_ = review_round(edition)
    expert = pool_expert(edition.programme)
    assigned(round_, application, expert)
    declaration.declaration_sign(actor=expert.user, round=round_)
    client = client_for(expert.user)
    url = reverse("reviews:expert_round", args=[round_.pk])

    def add_rows():
        Assignment.objects.bulk_create(
            Assignment(
                round=round_,
                application=copy,
                expert=expert,
                source=AssignmentSource.SOLVER,
                state=AssignmentState.ACCEPTED,
                code=f"R{round_.pk}-{i + 2:04d}",
            )
            for i, copy in enumerate(copies(application, 199))
        )

    marker = 'class="btn btn-sm btn-primary" href="/reviews/expert/assignments/'  # "Open", once per accepted row
    assert_constant(client, url, marker, add_rows, 200)


def test_staff_applications_runs_constant_queries():
    application = submitted_application(edition=qc_edition())
    client = client_for(staff_user())
    url = reverse("applications:staff_list")
    # 50 rows a page.
    assert_constant(client, url, 'data-testid="application-status"', lambda: copies(application, 199), 50)
