"""Who may see an application is a registry of rules: a rule registered by another app (here: an expert sees the
applications assigned to them) is honoured by the permission and by the list selector alike."""

import pytest
from django.db.models import Q

from applications import visibility
from applications.models import Application
from applications.selectors import applications_visible_to
from tests.factories import expert_user
from tests.factories.applications import submitted_application

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture
def assignments():
    """Stand-in for a reviews app's assignment table: {expert pk: {application pk}}."""
    assigned: dict[int, set[int]] = {}
    visibility.register(
        "tests.assigned_expert",
        sees=lambda user, application: application.pk in assigned.get(user.pk, set()),
        scope=lambda user: Q(pk__in=assigned.get(user.pk, set())),
    )
    yield assigned
    visibility.unregister("tests.assigned_expert")


def _sees(user, application) -> tuple[bool, bool]:
    return (
        user.has_perm("applications.view_application", application),
        applications_visible_to(user).filter(pk=application.pk).exists(),
    )


def test_registered_rule_opens_the_application_to_its_expert(assignments):
    mine, other = submitted_application(), submitted_application(title="缩短换模时间")
    expert = expert_user()

    assert _sees(expert, mine) == (False, False)

    assignments[expert.pk] = {mine.pk}

    assert (_sees(expert, mine), _sees(expert, other)) == ((True, True), (False, False))
    assert list(applications_visible_to(expert)) == [Application.objects.get(pk=mine.pk)]


def test_without_the_rule_the_expert_sees_nothing():
    application = submitted_application()
    expert = expert_user()

    assert _sees(expert, application) == (False, False)
    assert {rule for rule in visibility._RULES} == {
        "applications.applicant",
        "applications.unit",
        "applications.recommender",
        "recommenders.co_recommender",  # 联合推荐: only the organisations invited on that application
    }
