"""List pages cost the same number of queries whatever the number of editions they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards import services
from awards.enums import ProgrammeKind
from tests.factories.awards import EditionFactory, ProgrammeFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

# Session, user and memberships (the staff check) + the page's own queries.
PROGRAMME_LIST_QUERIES = 3 + 2  # programmes, editions with their status and application window
EDITION_LIST_QUERIES = 3 + 2  # the paginator's count, the page of editions


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_two_editions(qc_2020):
    """Another year of the same programme, and an edition of a second programme."""
    services.edition_copy(actor=None, source=qc_2020, year=2021)
    EditionFactory(programme=ProgrammeFactory(kind=ProgrammeKind.TACKLING), year=2021)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("awards:programme_list", PROGRAMME_LIST_QUERIES), ("awards:edition_list", EDITION_LIST_QUERIES)],
)
def test_list_page_queries_stay_constant_from_1_to_3_editions(qc_2020, staff_client, name, expected):
    url = reverse(name)
    with_one = queries_for(staff_client, url)
    add_two_editions(qc_2020)
    response = staff_client.get(url)
    assert response.content.decode().count('data-status="') == 3
    with_three = queries_for(staff_client, url)
    assert with_one == with_three == expected
