"""Formal review pages: staff queue and decision, the group's correction, the unit's and recommender's dashboards."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from reviews import formal
from reviews.enums import FormalOutcome
from tests.factories import recommender_member, staff_user
from tests.factories.recommenders import contact_of, qc_edition
from tests.factories.reviews import recommended_application
from tests.helpers import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def test_staff_queue_lists_and_bulk_admits():
    edition = qc_edition()
    first, second = recommended_application(edition=edition), recommended_application(edition=edition)
    client = client_for(staff_user())
    page = client.get(reverse("reviews:formal_queue"), {"edition": edition.pk}).content.decode()
    assert first.title in page and second.title in page and 'data-testid="bulk-admit"' in page
    response = client.post(reverse("reviews:formal_bulk_admit"), {"applications": [first.pk], "edition": edition.pk})
    assert response.status_code == 302
    assert Application.objects.get(pk=first.pk).status == "admitted"
    assert Application.objects.get(pk=second.pk).status == "recommended"


def test_staff_page_shows_materials_and_refuses_a_decision_without_reason():
    application = recommended_application()
    client = client_for(staff_user())
    page = client.get(reverse("reviews:formal_application", args=[application.pk])).content.decode()
    assert (
        application.title in page
        and "Attachments complete and legible" in page
        and 'data-action="formal_admit"' in page
    )
    response = client.post(reverse("reviews:formal_decide", args=[application.pk]), {"outcome": "reject", "reason": ""})
    assert response.status_code == 400 and 'data-testid="decision-error"' in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == "recommended"


def test_correction_through_the_pages_and_outcome_seen_by_group_unit_and_recommender():
    application = recommended_application()
    deadline = timezone.localtime(timezone.now() + datetime.timedelta(days=14), datetime.UTC)
    local = deadline.astimezone(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M")
    response = client_for(staff_user()).post(
        reverse("reviews:formal_decide", args=[application.pk]),
        {
            "outcome": "correct",
            "reason": "请补充盖章扫描件。",
            "correction_items": ["stamped_scan"],
            "correction_deadline": local,
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "correction"
    review = application.formal_review
    assert timezone.localtime(review.correction_deadline).strftime("%Y-%m-%dT%H:%M") == local
    leader = client_for(application.group.leader)
    detail = leader.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "请补充盖章扫描件。" in detail and "Stamped scan present and matching" in detail
    assert 'data-action="resubmit_correction"' in detail
    dashboard = leader.get(reverse("accounts:group_dashboard", args=[application.group_id])).content.decode()
    assert "请补充盖章扫描件。" in dashboard
    leader.post(reverse("reviews:formal_resubmit", args=[application.pk]))
    assert Application.objects.get(pk=application.pk).status == "corrected"

    unit_page = client_for(contact_of(application.unit)).get(
        reverse("accounts:unit_dashboard", args=[application.unit_id])
    )
    assert "请补充盖章扫描件。" in unit_page.content.decode()
    recommender = application.unit.recommender
    own = client_for(recommender_member(recommender))
    page = own.get(reverse("accounts:recommender_dashboard", args=[recommender.pk])).content.decode()
    assert 'data-testid="formal-outcomes"' in page and "请补充盖章扫描件。" in page
    stranger = recommender_member()
    other = client_for(stranger)
    assert other.get(reverse("accounts:recommender_dashboard", args=[recommender.pk])).status_code == 403
    their_page = other.get(
        reverse("accounts:recommender_dashboard", args=[stranger.memberships.first().recommender_id])
    )
    assert "请补充盖章扫描件。" not in their_page.content.decode()
    assert other.get(reverse("recommenders:recommender_application", args=[application.pk])).status_code == 404


def test_resubmit_after_the_deadline_shows_the_reason_and_changes_nothing():
    application = recommended_application()
    formal.formal_review_decide(
        actor=staff_user(),
        application=application,
        outcome=FormalOutcome.CORRECT,
        reason="附件不清晰。",
        correction_items=["attachments"],
        correction_deadline=timezone.now() + datetime.timedelta(days=14),
    )
    type(application.formal_review).objects.filter(application=application).update(
        correction_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    client = client_for(application.group.leader)
    response = client.post(reverse("reviews:formal_resubmit", args=[application.pk]), follow=True)
    assert "deadline passed" in response.content.decode()
    assert 'data-action="resubmit_correction"' not in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == "correction"


def test_checklist_editor_renames_and_adds():
    application = recommended_application()
    edition = application.edition
    items = formal.checklist_ensure(edition)
    client = client_for(staff_user())
    url = reverse("reviews:formal_checklist", args=[edition.pk])
    assert client.get(url).status_code == 200
    data = {"form-TOTAL_FORMS": len(items) + 1, "form-INITIAL_FORMS": len(items)}
    for index, item in enumerate(items):
        data |= {
            f"form-{index}-id": item.pk,
            f"form-{index}-code": item.code,
            f"form-{index}-label": item.label + ("（改）" if index == 0 else ""),
            f"form-{index}-label_en": item.label_en,
            f"form-{index}-position": item.position,
            f"form-{index}-is_active": "on" if index != 1 else "",
        }
    n = len(items)
    data |= {
        f"form-{n}-code": "photos",
        f"form-{n}-label": "照片清晰",
        f"form-{n}-position": 9,
        f"form-{n}-is_active": "on",
    }
    assert client.post(url, data).status_code == 302
    codes = [i.code for i in formal.checklist_ensure(edition)]
    assert items[1].code not in codes and "photos" in codes
    assert formal.checklist_ensure(edition)[0].label.endswith("（改）")


@pytest.mark.parametrize("view", ["reviews:formal_decide", "reviews:formal_checks"])
def test_a_refused_decision_past_formal_review_creates_no_checklist(view):
    """Regression (tests/test_authz_states.py): a decision or a check posted for an application past formal review
    was refused, yet created the edition's default checklist on the way (the form's choices and the re-rendered
    page). A refusal writes nothing; the page itself (GET) still creates the defaults for the editor."""
    from reviews.models import ChecklistItem

    application = recommended_application()
    formal.formal_review_decide(actor=staff_user(), application=application, outcome=FormalOutcome.ADMIT)
    ChecklistItem.objects.filter(edition=application.edition).delete()
    client = client_for(staff_user())

    response = client.post(reverse(view, args=[application.pk]), {"outcome": "admit", "reason": ""})

    assert response.status_code in (302, 400)
    assert Application.objects.get(pk=application.pk).status == "admitted"
    assert not ChecklistItem.objects.filter(edition=application.edition).exists()
    assert client.get(reverse("reviews:formal_application", args=[application.pk])).status_code == 200
    assert ChecklistItem.objects.filter(edition=application.edition).exists()


def test_a_decision_in_the_queue_still_creates_the_checklist_it_names():
    """The fix above keeps the first decision of an edition working: in the queue, the defaults are created."""
    from reviews.models import ChecklistItem

    application = recommended_application()
    ChecklistItem.objects.filter(edition=application.edition).delete()
    deadline = (timezone.now() + datetime.timedelta(days=14)).astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    response = client_for(staff_user()).post(
        reverse("reviews:formal_decide", args=[application.pk]),
        {
            "outcome": "correct",
            "reason": "请补充盖章扫描件。",
            "correction_items": ["stamped_scan"],
            "correction_deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).status == "correction"
