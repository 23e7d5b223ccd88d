"""Application numbers: per programme and year, given on the first submission, never shared, skipped or reused."""

import pytest
from django.db import connection

from applications.enums import Action, Status
from applications.models import Application
from applications.services import application_submit, application_transition
from tests.battery.concurrency import run_at_once
from tests.factories.applications import draft_application, eligible_group, submitted_application

PARALLEL = 50


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_50_parallel_submissions_get_50_consecutive_numbers(edition):
    assert connection.vendor == "postgresql"
    drafts = [draft_application(edition=edition, group=eligible_group()) for _ in range(PARALLEL)]
    outcomes = run_at_once(
        [lambda d=d: application_submit(actor=d.created_by, application=d) for d in drafts], timeout=60
    )
    errors = [o.message for o in outcomes if not o.ok]

    assert errors == []
    numbers = sorted(Application.objects.filter(edition=edition).values_list("number", flat=True))
    assert numbers == [f"QC-{edition.year}-{n:04d}" for n in range(1, PARALLEL + 1)]
    assert Application.objects.filter(edition=edition, status=Status.SUBMITTED).count() == PARALLEL
    assert edition.number_sequence.last_number == PARALLEL


@pytest.mark.unit
@pytest.mark.django_db
def test_number_is_kept_on_resubmission_and_never_reused(edition, group):
    first = submitted_application(edition=edition, group=group)
    returned = application_transition(
        application=first, action=Action.UNIT_RETURN, actor=first.created_by, fields={"return_reason": "补充数据"}
    ).application
    resubmitted = application_submit(actor=group.leader, application=returned)
    withdrawn = submitted_application(edition=edition, title="提高焊接一次合格率")
    application_transition(application=withdrawn, action=Action.WITHDRAW, actor=withdrawn.created_by)
    third = submitted_application(edition=edition, title="缩短换模时间")

    assert (first.number, resubmitted.number, withdrawn.number, third.number) == (
        f"QC-{edition.year}-0001",
        f"QC-{edition.year}-0001",
        f"QC-{edition.year}-0002",
        f"QC-{edition.year}-0003",
    )


@pytest.mark.unit
@pytest.mark.django_db
def test_numbers_are_per_programme(edition):
    from awards.enums import ProgrammeKind
    from tests.factories.awards import ProgrammeFactory, open_edition

    other = open_edition(ProgrammeKind.QC_ACHIEVEMENT, programme=ProgrammeFactory(code="QX"))
    assert submitted_application(edition=edition).number == f"QC-{edition.year}-0001"
    assert submitted_application(edition=other).number == f"QX-{other.year}-0001"
