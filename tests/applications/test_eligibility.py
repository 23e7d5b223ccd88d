"""Eligibility rules, checked at submission: each broken rule is named in the refusal."""

import datetime

import pytest
from django.utils import timezone

from accounts.enums import ApprovalStatus
from accounts.models import GroupMember, QCGroup, Unit
from applications.enums import Status
from applications.services import application_problems, application_submit
from awards.models import Edition
from core.exceptions import BusinessRuleError
from tests.factories import GroupMemberFactory
from tests.factories.applications import draft_application, eligible_group, submitted_application

pytestmark = [pytest.mark.django_db, pytest.mark.unit]


def _refusal(application) -> str:
    with pytest.raises(BusinessRuleError) as error:
        application_submit(actor=application.created_by, application=application)
    assert error.value.code == "incomplete"
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    return str(error.value)


def test_complete_eligible_draft_has_no_problems(draft):
    assert application_problems(draft) == []


def test_unit_not_approved_is_refused(draft):
    Unit.objects.filter(pk=draft.unit_id).update(status=ApprovalStatus.DEACTIVATED)
    draft.refresh_from_db()
    assert _refusal(draft) == f"The unit “{draft.unit.name}” is not approved."


def test_group_registered_after_window_opened_is_refused(draft, edition):
    opened = edition.application_phase.starts_at
    QCGroup.objects.filter(pk=draft.group_id).update(created_at=opened + datetime.timedelta(minutes=1))
    draft.refresh_from_db()
    assert _refusal(draft) == (
        "The QC group was registered after the application window opened on "
        f"{timezone.localtime(opened):%Y-%m-%d}; this edition admits only groups registered before."
    )


def test_group_registered_before_window_rule_can_be_switched_off(draft, edition):
    Edition.objects.filter(pk=edition.pk).update(group_registered_before_window=False)
    QCGroup.objects.filter(pk=draft.group_id).update(created_at=timezone.now())
    draft.refresh_from_db()
    assert application_problems(draft) == []


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (2, "The group has 2 members; at least 3 are required."),
        (11, "The group has 11 members; at most 10 are allowed."),
    ],
)
def test_member_count_outside_3_to_10_is_refused(edition, members, message):
    application = draft_application(edition=edition, group=eligible_group(members=members))
    assert _refusal(application) == message


@pytest.mark.parametrize("members", [3, 10])
def test_member_count_at_the_bounds_is_accepted(edition, members):
    application = draft_application(edition=edition, group=eligible_group(members=members))
    assert application_submit(actor=application.created_by, application=application).status == Status.SUBMITTED


def test_members_counted_at_submission_not_at_creation(draft):
    GroupMember.objects.filter(group=draft.group).exclude(pk=draft.group.members.first().pk).delete()
    assert _refusal(draft) == "The group has 1 members; at least 3 are required."
    GroupMemberFactory.create_batch(2, group=draft.group)
    assert application_submit(actor=draft.created_by, application=draft).status == Status.SUBMITTED


def test_per_group_limit_is_refused(edition, group):
    submitted_application(edition=edition, group=group)
    second = draft_application(edition=edition, group=group, title="提高焊接一次合格率")
    assert _refusal(second) == "The group already has 1 application(s) in this edition, the limit."


def test_withdrawn_application_does_not_count_for_the_limit(edition, group):
    first = draft_application(edition=edition, group=group)
    from applications.services import application_withdraw

    application_withdraw(actor=group.leader, application=submitted_application(edition=edition, group=group))
    assert application_problems(first) == []


def test_per_unit_limit_is_refused(edition, group):
    Edition.objects.filter(pk=edition.pk).update(max_applications_per_unit=1)
    submitted_application(edition=edition, group=group)
    other_group = eligible_group(group.unit)
    second = draft_application(edition=edition, group=other_group, title="提高焊接一次合格率")
    assert _refusal(second) == "The unit already has 1 application(s) in this edition, the limit."


def test_missing_answers_and_files_are_listed(edition, group):
    application = draft_application(edition=edition, group=group, complete=False)
    problems = application_problems(application)
    assert problems == [
        "Answer “Contact person”.",  # in the English versions of the questions: the tests run in English
        "Answer “Contact phone”.",
        "Answer “Summary of the achievement”.",
        "Answer “Main results”.",
        "Answer “Reasons for choosing the topic”.",
        "Answer “Start of the activity”.",
        "Answer “End of the activity”.",
        "Upload “Achievement report (PDF)”.",
        "Upload “Stamped application form (scan)”.",
    ]
    assert _refusal(application) == " ".join(problems)
