"""Formal review services: outcomes, reasons, the correction loop, bulk admission, carry-over, the queue."""

import datetime

import pytest
from django.utils import timezone

from applications.models import Application, ApplicationEvent
from core.exceptions import BusinessRuleError
from core.models import AuditEntry
from reviews import formal
from reviews.enums import FormalOutcome
from reviews.models import ChecklistItem, FormalReview
from tests.factories import staff_user
from tests.factories.awards import open_edition
from tests.factories.recommenders import qc_edition
from tests.factories.reviews import recommended_application

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

REASON = "材料齐全，符合要求。"


def _later(days=14):
    return timezone.now() + datetime.timedelta(days=days)


def test_checklist_ensure_creates_the_defaults_once():
    edition = qc_edition()
    items = formal.checklist_ensure(edition)
    assert [i.code for i in items] == [code for code, _zh, _en in formal.DEFAULT_CHECKLIST]
    assert items[0].label == "附件齐全、清晰可读" and items[0].label_en == "Attachments complete and legible"
    ChecklistItem.objects.filter(edition=edition, code="limits").update(is_active=False)
    assert "limits" not in [i.code for i in formal.checklist_ensure(edition)]
    assert ChecklistItem.objects.filter(edition=edition).count() == len(formal.DEFAULT_CHECKLIST)


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        (FormalOutcome.ADMIT, "admitted"),
        (FormalOutcome.NOT_ADMIT, "not_admitted"),
        (FormalOutcome.DEFER, "deferred"),
        (FormalOutcome.REJECT, "rejected"),
        (FormalOutcome.CORRECT, "correction"),
    ],
)
def test_each_outcome_moves_the_status_and_records_reason_and_audit(outcome, status):
    application = recommended_application()
    staff = staff_user()
    extra = {"correction_items": ["attachments"], "correction_deadline": _later()} if outcome == "correct" else {}
    review = formal.formal_review_decide(actor=staff, application=application, outcome=outcome, reason=REASON, **extra)
    application.refresh_from_db()
    assert application.status == status
    assert (review.outcome, review.reason, review.decided_by) == (outcome, REASON, staff)
    event = ApplicationEvent.objects.filter(application=application).exclude(action="deadline_extended").latest("id")
    assert (event.to_status, event.note, event.actor) == (status, REASON, staff)
    actions = set(AuditEntry.objects.filter(object_id=str(application.pk)).values_list("action", flat=True))
    assert "formal_review.decided" in actions and f"application.formal_{event.action[7:]}" in actions


@pytest.mark.parametrize("outcome", [FormalOutcome.NOT_ADMIT, FormalOutcome.DEFER, FormalOutcome.REJECT])
def test_reason_is_required_except_for_admission(outcome):
    application = recommended_application()
    with pytest.raises(BusinessRuleError) as error:
        formal.formal_review_decide(actor=staff_user(), application=application, outcome=outcome, reason="  ")
    assert error.value.code == "reason"
    assert Application.objects.get(pk=application.pk).status == "recommended"
    review = formal.formal_review_decide(actor=staff_user(), application=application, outcome=FormalOutcome.ADMIT)
    assert review.reason == "" and Application.objects.get(pk=application.pk).status == "admitted"


def test_correction_needs_items_and_a_future_deadline():
    application = recommended_application()
    staff = staff_user()
    kwargs = {"actor": staff, "application": application, "outcome": FormalOutcome.CORRECT, "reason": REASON}
    with pytest.raises(BusinessRuleError) as error:
        formal.formal_review_decide(**kwargs, correction_deadline=_later())
    assert error.value.code == "items"
    with pytest.raises(BusinessRuleError) as error:
        formal.formal_review_decide(**kwargs, correction_items=["attachments"], correction_deadline=_later(-1))
    assert error.value.code == "deadline"
    with pytest.raises(BusinessRuleError) as error:
        formal.formal_review_decide(**kwargs, correction_items=["nonsense"], correction_deadline=_later())
    assert error.value.code == "unknown_check"
    assert Application.objects.get(pk=application.pk).status == "recommended"


def test_correction_loop_returns_edits_resubmits_and_comes_back_to_the_queue():
    application = recommended_application()
    staff = staff_user()
    deadline = _later(14)
    formal.formal_review_decide(
        actor=staff,
        application=application,
        outcome=FormalOutcome.CORRECT,
        reason="盖章扫描件不清晰。",
        correction_items=["stamped_scan"],
        correction_deadline=deadline,
    )
    application.refresh_from_db()
    assert application.status == "correction"
    assert application.deadline_extended_until == deadline  # the group may edit until the correction deadline
    leader = application.group.leader
    assert leader.has_perm("applications.change_application", application)
    assert leader.has_perm("applications.resubmit_correction", application)
    result = formal.correction_resubmit(actor=leader, application=application)
    assert result.status == "corrected"
    assert FormalReview.objects.get(application=application).corrected_at is not None
    edition = application.edition
    assert application.pk in [a.pk for a in formal.formal_queue(edition, status=formal.QUEUE)]
    formal.formal_review_decide(actor=staff, application=result, outcome=FormalOutcome.ADMIT)
    assert Application.objects.get(pk=application.pk).status == "admitted"


def _returned(deadline_days=14):
    application = recommended_application()
    formal.formal_review_decide(
        actor=staff_user(),
        application=application,
        outcome=FormalOutcome.CORRECT,
        reason="附件不全。",
        correction_items=["attachments"],
        correction_deadline=_later(deadline_days),
    )
    return Application.objects.get(pk=application.pk)


def test_resubmit_after_the_deadline_is_refused_and_the_expiry_job_does_not_admit():
    application = _returned()
    FormalReview.objects.filter(application=application).update(
        correction_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    other = _returned()  # still before its deadline: untouched
    with pytest.raises(BusinessRuleError) as error:
        formal.correction_resubmit(actor=application.group.leader, application=application)
    assert error.value.code == "late" and "deadline passed" in error.value.message
    assert not application.group.leader.has_perm("applications.resubmit_correction", application)
    assert formal.corrections_expire() == [application.pk]
    assert formal.corrections_expire() == []  # idempotent
    application.refresh_from_db()
    assert application.status == "not_admitted"
    assert Application.objects.get(pk=other.pk).status == "correction"
    review = FormalReview.objects.get(application=application)
    assert review.outcome == FormalOutcome.NOT_ADMIT and review.decided_by is None
    entry = AuditEntry.objects.get(object_id=str(application.pk), action="formal_review.expired")
    assert entry.actor is None


def test_expiry_task_runs_the_service():
    from reviews.tasks import expire_corrections

    application = _returned()
    FormalReview.objects.filter(application=application).update(
        correction_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    expire_corrections()
    assert Application.objects.get(pk=application.pk).status == "not_admitted"


def test_the_beat_schedule_runs_the_expiry():
    from django.conf import settings

    assert {"task": "reviews.expire_corrections", "schedule": 900.0} in settings.CELERY_BEAT_SCHEDULE.values()


def test_bulk_admit_skips_the_one_already_decided():
    edition = qc_edition()
    first, second, third = (recommended_application(edition=edition) for _ in range(3))
    staff = staff_user()
    formal.formal_review_decide(actor=staff, application=second, outcome=FormalOutcome.REJECT, reason="不符合条件。")
    counts = formal.formal_review_bulk_admit(actor=staff, applications=[first, second, third])
    assert counts == {"admitted": 2, "skipped": 1}
    statuses = dict(Application.objects.filter(edition=edition).values_list("pk", "status"))
    assert statuses == {first.pk: "admitted", second.pk: "rejected", third.pk: "admitted"}


def test_carry_over_moves_the_same_row_to_the_next_edition_with_its_history():
    application = recommended_application()
    old_edition = application.edition
    staff = staff_user()
    formal.formal_review_decide(actor=staff, application=application, outcome=FormalOutcome.DEFER, reason="明年再评。")
    next_edition = open_edition(programme=old_edition.programme, year=old_edition.year + 1)
    assert formal.next_edition(application) == next_edition
    events_before = ApplicationEvent.objects.filter(application=application).count()
    moved = formal.formal_review_carry_over(actor=staff, application=application, to_edition=next_edition)
    assert (moved.pk, moved.status, moved.edition_id) == (application.pk, "recommended", next_edition.pk)
    assert moved.category.edition_id == next_edition.pk and moved.category.code == application.category.code
    assert ApplicationEvent.objects.filter(application=application).count() == events_before + 1
    review = FormalReview.objects.get(application=application)
    assert (review.carried_from, review.outcome, review.reason) == (old_edition, "", "")
    assert moved.pk in [a.pk for a in formal.formal_queue(next_edition, status=formal.QUEUE)]


def test_carry_over_refuses_an_earlier_edition():
    application = recommended_application()
    formal.formal_review_decide(
        actor=staff_user(), application=application, outcome=FormalOutcome.DEFER, reason="明年再评。"
    )
    with pytest.raises(BusinessRuleError):
        formal.formal_review_carry_over(actor=staff_user(), application=application, to_edition=application.edition)


def test_save_checks_records_the_checklist_and_refuses_unknown_items():
    application = recommended_application()
    review = formal.formal_review_save_checks(
        actor=staff_user(), application=application, checks={"attachments": True, "category": False}
    )
    assert review.checks == {"attachments": True, "category": False}
    assert AuditEntry.objects.filter(object_id=str(application.pk), action="formal_review.checked").count() == 1
    with pytest.raises(BusinessRuleError):
        formal.formal_review_save_checks(actor=staff_user(), application=application, checks={"nope": True})


def test_queue_filters_by_category_and_status():
    edition = qc_edition()
    first, second = recommended_application(edition=edition), recommended_application(edition=edition)
    formal.formal_review_decide(actor=staff_user(), application=second, outcome=FormalOutcome.ADMIT)
    assert [a.pk for a in formal.formal_queue(edition)] == [first.pk, second.pk]  # waiting first
    assert [a.pk for a in formal.formal_queue(edition, status=formal.QUEUE)] == [first.pk]
    assert [a.pk for a in formal.formal_queue(edition, status="admitted")] == [second.pk]
    assert [a.pk for a in formal.formal_queue(edition, category=first.category)] == [
        a.pk for a in (first, second) if a.category_id == first.category_id
    ]


def test_queue_reads_a_constant_number_of_queries(django_assert_max_num_queries):
    edition = qc_edition()
    recommended_application(edition=edition)
    with django_assert_max_num_queries(2):
        assert len(formal.formal_queue(edition)) == 1
    for _ in range(3):
        recommended_application(edition=edition)
    with django_assert_max_num_queries(2):
        rows = formal.formal_queue(edition)
        assert len(rows) == 4
        assert [getattr(getattr(a, "formal_review", None), "outcome", None) for a in rows] == [None] * 4


def test_a_repeated_admission_of_an_application_admitted_without_a_formal_review_row_changes_nothing(client):
    """An application can stand admitted with no FormalReview row (carried over; set up in bulk). Admitting it
    again is a repeated request: nothing written, no error (it used to raise DoesNotExist, a 500 on the page)."""
    from django.urls import reverse

    from tests.factories.reviews import quick_admitted

    application = quick_admitted(open_edition())
    events = ApplicationEvent.objects.filter(application=application).count()
    assert formal.formal_review_decide(actor=staff_user(), application=application, outcome=FormalOutcome.ADMIT) is None
    client.force_login(staff_user())
    response = client.post(reverse("reviews:formal_decide", args=[application.pk]), {"outcome": "admit"})
    assert response.status_code == 302
    assert not FormalReview.objects.filter(application=application).exists()
    assert ApplicationEvent.objects.filter(application=application).count() == events
    assert Application.objects.get(pk=application.pk).status == application.status
