"""The per-group and per-unit application limits: the dashboard's "n of N used" and the submission's refusal
count with the same function (applications.selectors), so they agree at the boundary."""

import re

import pytest
from django.urls import reverse

from applications import selectors, services
from applications.enums import Status
from awards.models import Edition
from core.exceptions import BusinessRuleError
from recommenders import services as recommender_services
from tests.factories.applications import draft_application, eligible_group

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def limits_shown(client, group) -> dict:
    """{kind: (used, limit)} of the limits the group's dashboard shows for the open edition."""
    page = client.get(reverse("accounts:group_dashboard", args=[group.pk])).content.decode()
    return {
        kind: (int(used), int(limit))
        for kind, used, limit in re.findall(
            r'data-testid="application-limit" data-kind="(\w+)" data-used="(\d+)" data-limit="(\d+)"', page
        )
    }


def submit(application):
    return services.application_submit(actor=application.created_by, application=application)


def test_group_limit_page_and_submission_agree_at_the_boundary(edition, group, leader_client):
    Edition.objects.filter(pk=edition.pk).update(max_applications_per_group=2, max_applications_per_unit=None)
    drafts = [draft_application(edition=edition, group=group, title=f"课题{i}") for i in range(3)]

    assert limits_shown(leader_client, group) == {"group": (0, 2)}  # drafts hold no place
    submit(drafts[0])
    assert limits_shown(leader_client, group) == {"group": (1, 2)}
    submit(drafts[1])
    assert limits_shown(leader_client, group) == {"group": (2, 2)}

    with pytest.raises(BusinessRuleError) as error:
        submit(drafts[2])
    assert "The group already has 2 application(s) in this edition, the limit." in error.value.message
    assert selectors.group_applications_used(edition, group.pk) == 2


def test_unit_limit_page_and_submission_agree_at_the_boundary(edition, group, leader_client):
    Edition.objects.filter(pk=edition.pk).update(max_applications_per_group=None, max_applications_per_unit=1)
    other = draft_application(edition=edition, group=eligible_group(group.unit), title="兄弟小组的课题")
    mine = draft_application(edition=edition, group=group, title="本组课题")

    assert limits_shown(leader_client, group) == {"unit": (0, 1)}
    submit(other)
    assert limits_shown(leader_client, group) == {"unit": (1, 1)}

    with pytest.raises(BusinessRuleError) as error:
        submit(mine)
    assert "The unit already has 1 application(s) in this edition, the limit." in error.value.message


def test_a_returned_application_keeps_its_place_and_may_be_resubmitted(edition, group, leader_client, contact):
    Edition.objects.filter(pk=edition.pk).update(max_applications_per_group=1, max_applications_per_unit=None)
    application = submit(draft_application(edition=edition, group=group))
    recommender_services.unit_return(actor=contact, application=application, reason="请补充数据。")

    assert limits_shown(leader_client, group) == {"group": (1, 1)}  # returned, not withdrawn: its place is held
    assert submit(application).status == Status.SUBMITTED  # it never competes with itself
    assert limits_shown(leader_client, group) == {"group": (1, 1)}
