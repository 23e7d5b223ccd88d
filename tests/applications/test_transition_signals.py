"""The signals of a move: a receiver before the move may veto it with a message (the status stays, the page shows
the message); receivers after the move run only once it committed, and one failing does not stop the others or
undo the move. `status` is never a field the caller sets."""

import logging

import pytest
from django.db import transaction
from django.urls import reverse

from applications import signals
from applications.enums import Action, Status
from applications.models import Application, ApplicationEvent
from applications.services import application_transition, application_withdraw
from core.exceptions import BusinessRuleError

from .conftest import messages_of

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

VETO = "The secretariat froze this application while it checks a complaint."


@pytest.fixture
def connected():
    """Connect receivers for one test only."""
    made = []

    def connect(signal, receiver):
        signal.connect(receiver, weak=False)
        made.append((signal, receiver))

    yield connect
    for signal, receiver in made:
        signal.disconnect(receiver)


def _veto_withdrawal(sender, *, application, action, from_status, to_status, **kwargs):
    if action == Action.WITHDRAW:
        raise signals.TransitionVetoed(VETO)


def test_veto_refuses_the_move_and_keeps_the_status(connected, draft, leader):
    connected(signals.transition_requested, _veto_withdrawal)
    events = ApplicationEvent.objects.filter(application=draft).count()

    with pytest.raises(BusinessRuleError) as error:
        application_withdraw(actor=leader, application=draft)

    draft.refresh_from_db()
    assert (str(error.value), error.value.code, draft.status) == (VETO, "vetoed", Status.DRAFT)
    assert ApplicationEvent.objects.filter(application=draft).count() == events


def test_veto_message_is_shown_on_the_page(connected, draft, leader_client):
    connected(signals.transition_requested, _veto_withdrawal)

    response = leader_client.post(reverse("applications:withdraw", args=[draft.pk]))

    assert messages_of(response) == [VETO]
    assert Application.objects.get(pk=draft.pk).status == Status.DRAFT


def test_veto_receiver_sees_the_move_under_the_lock(connected, draft, leader):
    seen = []

    def record(sender, *, application, action, from_status, to_status, actor, note, **kwargs):
        seen.append((sender, application.pk, action, from_status, to_status, actor, note))

    connected(signals.transition_requested, record)

    application_withdraw(actor=leader, application=draft, note="不再参加")

    assert seen == [(Application, draft.pk, Action.WITHDRAW, Status.DRAFT, Status.WITHDRAWN, leader, "不再参加")]


def test_committed_receivers_run_after_commit_only(connected, draft, leader, django_capture_on_commit_callbacks):
    seen = []

    def record(sender, *, application, action, from_status, to_status, event, **kwargs):
        seen.append((application.pk, action, from_status, to_status, event.to_status))

    connected(signals.transition_committed, record)

    with django_capture_on_commit_callbacks(execute=True):
        application_withdraw(actor=leader, application=draft)
        assert seen == []  # the move is made but not committed yet

    assert seen == [(draft.pk, Action.WITHDRAW, Status.DRAFT, Status.WITHDRAWN, Status.WITHDRAWN)]


def test_committed_receivers_do_not_run_on_rollback(connected, draft, leader, django_capture_on_commit_callbacks):
    seen = []
    connected(signals.transition_committed, lambda sender, **kwargs: seen.append(kwargs["action"]))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            application_withdraw(actor=leader, application=draft)
            raise RuntimeError("something later in the same request fails")

    draft.refresh_from_db()
    assert (callbacks, seen, draft.status) == ([], [], Status.DRAFT)


def test_failing_committed_receiver_is_logged_and_the_others_run(
    connected, draft, leader, django_capture_on_commit_callbacks, caplog
):
    seen = []

    def broken(sender, **kwargs):
        raise ValueError("mail server on fire")

    connected(signals.transition_committed, broken)
    connected(signals.transition_committed, lambda sender, **kwargs: seen.append(kwargs["action"]))

    with caplog.at_level(logging.ERROR, logger="applications.signals"):
        with django_capture_on_commit_callbacks(execute=True):
            result = application_withdraw(actor=leader, application=draft)

    assert (result.status, Application.objects.get(pk=draft.pk).status) == (Status.WITHDRAWN, Status.WITHDRAWN)
    assert seen == [Action.WITHDRAW]
    assert [r.exc_info[1].args for r in caplog.records if r.name == "applications.signals"] == [
        ("mail server on fire",)
    ]


def test_a_repeated_move_sends_no_signal(connected, draft, leader, django_capture_on_commit_callbacks):
    seen = []
    connected(signals.transition_requested, lambda sender, **kwargs: seen.append("requested"))
    connected(signals.transition_committed, lambda sender, **kwargs: seen.append("committed"))
    with django_capture_on_commit_callbacks(execute=True):
        application_withdraw(actor=leader, application=draft)

    with django_capture_on_commit_callbacks(execute=True):
        result, changed = application_transition(application=draft, action=Action.WITHDRAW, actor=leader)

    assert (seen, changed, result.status) == (["requested", "committed"], False, Status.WITHDRAWN)


@pytest.mark.parametrize("where", ["fields", "prepare"])
def test_status_is_never_a_field(draft, leader, where):
    extra = (
        {"fields": {"status": Status.RECOMMENDED}}
        if where == "fields"
        else {"prepare": lambda locked: {"status": Status.RECOMMENDED}}
    )

    with pytest.raises(ValueError, match="transition table"):
        application_transition(application=draft, action=Action.WITHDRAW, actor=leader, **extra)

    assert Application.objects.get(pk=draft.pk).status == Status.DRAFT


def test_prepare_refusal_keeps_the_status(draft, leader):
    def refuse(locked):
        raise BusinessRuleError("Not now.", code="not_now")

    with pytest.raises(BusinessRuleError, match="Not now."):
        application_transition(application=draft, action=Action.WITHDRAW, actor=leader, prepare=refuse)

    assert Application.objects.get(pk=draft.pk).status == Status.DRAFT
