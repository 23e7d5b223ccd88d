"""A topic the same unit entered in an earlier edition (same or very similar title) is flagged."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from applications.services import application_submit, similar_topics
from tests.factories.applications import draft_application, eligible_group, submitted_application
from tests.factories.awards import past_edition

from .conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.unit]

EARLIER = "降低数控车床加工件尺寸超差率"


@pytest.fixture
def earlier(edition, group):
    """Last year's application of the same unit, submitted while that window was open."""
    last_year = past_edition(programme=edition.programme, year=edition.year - 1)
    with time_machine.travel(last_year.application_phase.starts_at + datetime.timedelta(days=1), tick=False):
        return submitted_application(edition=last_year, group=eligible_group(group.unit), title=EARLIER)


def test_similar_title_of_same_unit_is_flagged_on_submission(earlier, edition, group):
    application = draft_application(edition=edition, group=group, title="降低数控车床加工件的尺寸超差率！")

    result = application_submit(actor=group.leader, application=application)

    assert result.similar_topics == [
        {"number": earlier.number, "title": EARLIER, "year": edition.year - 1, "similarity": 0.97}
    ]


def test_different_title_is_not_flagged(earlier, edition, group):
    application = draft_application(edition=edition, group=group, title="提高焊接工序一次合格率")
    assert similar_topics(application) == []


def test_same_title_of_another_unit_is_not_flagged(earlier, edition):
    application = draft_application(edition=edition, group=eligible_group(), title=EARLIER)
    assert similar_topics(application) == []


def test_flag_is_shown_to_the_applicant_before_and_to_staff_after_submission(earlier, edition, group, staff):
    application = draft_application(edition=edition, group=group, title=EARLIER)

    page = client_for(group.leader).get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'data-testid="similar-topics"' in page
    assert f"{edition.year - 1} · {earlier.number} · {EARLIER}" in page

    application_submit(actor=group.leader, application=application)
    staff_page = client_for(staff).get(reverse("applications:staff_list"), {"edition": edition.pk}).content.decode()
    assert staff_page.count(">similar topic</span>") == 1
