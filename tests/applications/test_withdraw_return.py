"""Withdrawal until the unit has acted; a returned application is edited and resubmitted with its number."""

import pytest
from django.urls import reverse

from applications.enums import Action, Status
from applications.services import (
    application_save_draft,
    application_submit,
    application_transition,
    application_withdraw,
)
from core.exceptions import BusinessRuleError
from tests.factories.applications import submitted_application

from .conftest import client_for, messages_of

pytestmark = [pytest.mark.django_db, pytest.mark.unit]


def test_withdraw_a_draft(draft, leader):
    assert application_withdraw(actor=leader, application=draft, note="暂不申报").status == Status.WITHDRAWN
    assert draft.events.latest("id").note == "暂不申报"


def test_withdraw_before_the_unit_acts(edition, group):
    application = submitted_application(edition=edition, group=group)
    result = application_withdraw(actor=group.leader, application=application)
    assert (result.status, result.number) == (Status.WITHDRAWN, application.number)


def test_withdraw_refused_once_the_unit_endorsed(edition, group, contact):
    application = submitted_application(edition=edition, group=group)
    application_transition(application=application, action=Action.UNIT_ENDORSE, actor=contact)

    with pytest.raises(BusinessRuleError) as error:
        application_withdraw(actor=group.leader, application=application)

    assert str(error.value) == ("This application is “Endorsed, at the recommender”; “Withdraw” is not possible now.")


def test_withdraw_view_once_endorsed_is_403_and_button_hidden(edition, group, contact):
    application = submitted_application(edition=edition, group=group)
    application_transition(application=application, action=Action.UNIT_ENDORSE, actor=contact)
    client = client_for(group.leader)

    assert client.post(reverse("applications:withdraw", args=[application.pk])).status_code == 403
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'data-testid="withdraw-form"' not in page


def test_withdraw_view_and_double_click(draft, leader_client):
    url = reverse("applications:withdraw", args=[draft.pk])
    first = leader_client.post(url, {"note": "暂不申报"})
    second = leader_client.post(url, {"note": "暂不申报"})

    assert (first.status_code, second.status_code) == (302, 302)
    assert messages_of(first) == ["The application was withdrawn."]
    draft.refresh_from_db()
    assert draft.status == Status.WITHDRAWN
    assert list(draft.events.values_list("action", flat=True)) == ["create", "withdraw"]


def test_returned_application_is_edited_and_resubmitted_keeping_its_number(edition, group, contact):
    application = submitted_application(edition=edition, group=group)
    number = application.number
    returned = application_transition(
        application=application,
        action=Action.UNIT_RETURN,
        actor=contact,
        note="请补充效果验证数据",
        fields={"return_reason": "请补充效果验证数据"},
    ).application
    client = client_for(group.leader)

    detail = client.get(reverse("applications:detail", args=[returned.pk])).content.decode()
    edit = client.get(reverse("applications:edit", args=[returned.pk])).content.decode()
    assert 'data-testid="return-reason"' in detail and "请补充效果验证数据" in detail
    assert "请补充效果验证数据" in edit

    edited = application_save_draft(
        actor=group.leader,
        application=returned,
        revision=returned.revision,
        title=returned.title,
        category=returned.category,
        subtype=None,
        answers={"main_results": "补充了三个月的效果验证数据。"},
    )
    result = application_submit(actor=group.leader, application=edited)

    assert (result.status, result.number, result.return_reason) == (Status.SUBMITTED, number, "")
    assert result.answers["main_results"] == "补充了三个月的效果验证数据。"
    assert list(result.events.values_list("action", "note")) == [
        ("create", ""),
        ("submit", ""),
        ("unit_return", "请补充效果验证数据"),
        ("submit", "Resubmitted after changes"),
    ]


def test_submitted_application_cannot_be_edited(edition, group):
    application = submitted_application(edition=edition, group=group)
    client = client_for(group.leader)
    assert client.get(reverse("applications:edit", args=[application.pk])).status_code == 403
    with pytest.raises(BusinessRuleError, match="can no longer be edited"):
        application_save_draft(
            actor=group.leader,
            application=application,
            revision=application.revision,
            title="x",
            category=application.category,
            subtype=None,
            answers={},
        )
