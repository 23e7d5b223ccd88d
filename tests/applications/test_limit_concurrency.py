"""Limits counted under a row lock: concurrent submissions (per group, per unit) and endorsements (the unit's
quota) never exceed them.

PostgreSQL with real transactions (`transaction=True`) and one connection per thread, all released at once by a
barrier. With the group/unit row lock removed from `application_submit` (or the unit lock from `unit_endorse`),
these tests fail: every thread counts the others before any has committed.
"""

import pytest
from django.db import connection

from applications import services
from applications.enums import Status
from applications.models import Application
from awards.models import Edition
from recommenders import services as recommender_services
from tests.battery.concurrency import run_at_once as run_together
from tests.factories import UnitFactory
from tests.factories.applications import draft_application, eligible_group
from tests.factories.recommenders import contact_of, qc_edition, ready_to_endorse, submitted_application

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

THREADS = 6


def run_at_once(calls):
    """The calls at once on separate connections (`tests.battery.concurrency`); their (code, message)s."""
    return [(outcome.code, outcome.message) for outcome in run_together(calls)]


def submit(application):
    return lambda: services.application_submit(actor=application.created_by, application=application)


def test_concurrent_submissions_of_one_group_respect_the_group_limit():
    assert connection.vendor == "postgresql"
    edition = qc_edition()
    Edition.objects.filter(pk=edition.pk).update(max_applications_per_group=1, max_applications_per_unit=None)
    group = eligible_group()
    drafts = [draft_application(edition=edition, group=group, title=f"并发申报课题{i}") for i in range(THREADS)]

    outcomes = run_at_once([submit(d) for d in drafts])

    assert sorted(code for code, _ in outcomes) == ["incomplete"] * (THREADS - 1) + ["ok"]
    assert all("The group already has 1 application(s) in this edition, the limit." in m for c, m in outcomes if m)
    statuses = list(Application.objects.filter(edition=edition).values_list("status", flat=True))
    assert statuses.count(Status.SUBMITTED) == 1


def test_concurrent_submissions_of_one_unit_respect_the_unit_limit():
    edition = qc_edition()
    Edition.objects.filter(pk=edition.pk).update(max_applications_per_group=None, max_applications_per_unit=2)
    unit = UnitFactory()
    drafts = [
        draft_application(edition=edition, group=eligible_group(unit), title=f"单位并发课题{i}") for i in range(THREADS)
    ]

    outcomes = run_at_once([submit(d) for d in drafts])

    assert sorted(code for code, _ in outcomes) == ["incomplete"] * (THREADS - 2) + ["ok", "ok"]
    assert all("The unit already has 2 application(s) in this edition, the limit." in m for c, m in outcomes if m)
    statuses = list(Application.objects.filter(edition=edition).values_list("status", flat=True))
    assert statuses.count(Status.SUBMITTED) == 2


def test_concurrent_endorsements_respect_the_units_quota():
    edition = qc_edition(unit_quota=1)
    Edition.objects.filter(pk=edition.pk).update(max_applications_per_unit=None, max_applications_per_group=None)
    unit = UnitFactory()
    contact = contact_of(unit)
    ready = [
        ready_to_endorse(submitted_application(edition=edition, unit=unit, title=f"并发推荐课题{i}"), contact)
        for i in range(THREADS)
    ]

    outcomes = run_at_once([lambda a=a: recommender_services.unit_endorse(actor=contact, application=a) for a in ready])

    assert sorted(code for code, _ in outcomes) == ["ok"] + ["quota"] * (THREADS - 1)
    statuses = list(Application.objects.filter(edition=edition).values_list("status", flat=True))
    assert statuses.count(Status.ENDORSED) == 1
