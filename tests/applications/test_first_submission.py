"""The unit (and everyone above the group) sees an application only once it was submitted: a draft withdrawn before
its first submission stays the group's own, with its content and attachments."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from applications.enums import Action, Status
from applications.models import Application, ApplicationEvent
from applications.selectors import applications_visible_to
from applications.services import application_submit, application_transition, application_withdraw
from tests.factories import unit_contact
from tests.factories.applications import draft_application

from .conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.unit]

migration = importlib.import_module("applications.migrations.0002_first_submitted_at")


def _withdrawn_draft(edition, group):
    draft = draft_application(edition=edition, group=group)
    return application_withdraw(actor=draft.created_by, application=draft, note="不再申报")


def test_a_draft_withdrawn_before_submission_stays_hidden_from_the_unit(edition, group):
    withdrawn = _withdrawn_draft(edition, group)
    contact = unit_contact(group.unit)
    client = client_for(contact)
    attachment = withdrawn.attachments.filter(is_current=True).first()

    assert withdrawn.status == Status.WITHDRAWN
    assert withdrawn.first_submitted_at is None
    assert not contact.has_perm("applications.view_application", withdrawn)
    assert not applications_visible_to(contact).filter(pk=withdrawn.pk).exists()
    assert client.get(reverse("applications:detail", args=[withdrawn.pk])).status_code == 404
    assert (
        client.get(reverse("applications:attachment_download", args=[withdrawn.pk, attachment.pk])).status_code == 404
    )
    assert client.post(reverse("documents:request", args=["application_form", withdrawn.pk])).status_code == 404
    dashboard = client.get(reverse("accounts:unit_dashboard", args=[group.unit_id])).content.decode()
    assert reverse("applications:detail", args=[withdrawn.pk]) not in dashboard


def test_the_group_still_sees_its_withdrawn_draft(edition, group, leader_client):
    withdrawn = _withdrawn_draft(edition, group)

    assert leader_client.get(reverse("applications:detail", args=[withdrawn.pk])).status_code == 200


def test_an_application_withdrawn_after_submission_stays_visible_to_the_unit(edition, group):
    submitted = application_submit(actor=group.leader, application=draft_application(edition=edition, group=group))
    withdrawn = application_withdraw(actor=group.leader, application=submitted)
    contact = unit_contact(group.unit)

    assert withdrawn.first_submitted_at is not None
    assert contact.has_perm("applications.view_application", withdrawn)
    assert client_for(contact).get(reverse("applications:detail", args=[withdrawn.pk])).status_code == 200


def test_the_first_submission_is_recorded_once(edition, group):
    draft = draft_application(edition=edition, group=group)
    first = timezone.now() - datetime.timedelta(hours=2)
    submitted = application_submit(actor=group.leader, application=draft, now=first)
    returned = application_transition(
        application=submitted, action=Action.UNIT_RETURN, actor=unit_contact(group.unit), note="补充数据"
    ).application

    resubmitted = application_submit(actor=group.leader, application=returned)

    assert submitted.first_submitted_at == first
    assert resubmitted.first_submitted_at == first
    assert resubmitted.submitted_at > first


def test_migration_fills_the_first_submission_from_the_timeline(edition, group):
    earlier = timezone.now() - datetime.timedelta(days=3)
    submitted = application_submit(actor=group.leader, application=draft_application(edition=edition, group=group))
    ApplicationEvent.objects.filter(application=submitted, action="submit").update(created_at=earlier)
    withdrawn_draft = _withdrawn_draft(edition, group)
    plain_draft = draft_application(edition=edition, group=group, complete=False)
    # A row with a number but no timeline entry (entered outside the portal's services).
    numbered = draft_application(edition=edition, group=group, complete=False)
    Application.objects.filter(pk=numbered.pk).update(
        status=Status.WITHDRAWN, number="QC-1999-0001", submitted_at=earlier - datetime.timedelta(days=1)
    )
    Application.objects.update(first_submitted_at=None)

    migration.fill_first_submitted_at(apps, None)

    values = dict(Application.objects.values_list("pk", "first_submitted_at"))
    assert values == {
        submitted.pk: earlier,
        withdrawn_draft.pk: None,
        plain_draft.pk: None,
        numbered.pk: earlier - datetime.timedelta(days=1),
    }
