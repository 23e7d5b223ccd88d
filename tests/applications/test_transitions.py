"""The transition table: every allowed move, every refused one, and a repeated move as a no-op."""

import pytest

from applications.enums import TRANSITIONS, Action, Status
from applications.models import ApplicationEvent
from applications.services import application_submit, application_transition
from core.audit import audit_for
from core.exceptions import BusinessRuleError
from tests.factories.applications import draft_application

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

# How to reach each state from a draft, through the transition function only.
PATHS = {
    Status.DRAFT: [],
    Status.SUBMITTED: [Action.SUBMIT],
    Status.RETURNED_TO_GROUP: [Action.SUBMIT, Action.UNIT_RETURN],
    Status.ENDORSED: [Action.SUBMIT, Action.UNIT_ENDORSE],
    Status.RETURNED_TO_UNIT: [Action.SUBMIT, Action.UNIT_ENDORSE, Action.RECOMMENDER_RETURN],
    Status.RECOMMENDED: [Action.SUBMIT, Action.UNIT_ENDORSE, Action.RECOMMEND],
    Status.DECLINED: [Action.SUBMIT, Action.UNIT_ENDORSE, Action.DECLINE],
    Status.WITHDRAWN: [Action.WITHDRAW],
}
CELLS = [(status, action) for status in Status for action in Action]
ALLOWED = [(s, a) for s, a in CELLS if s in TRANSITIONS[a][0]]
REFUSED = [(s, a) for s, a in CELLS if s not in TRANSITIONS[a][0] and s != TRANSITIONS[a][1]]
ALREADY_THERE = [(s, a) for s, a in CELLS if s not in TRANSITIONS[a][0] and s == TRANSITIONS[a][1]]


@pytest.fixture
def in_state(edition, group):
    def make(status):
        application = draft_application(edition=edition, group=group, complete=False)
        for action in PATHS[status]:
            application = application_transition(application=application, action=action, actor=group.leader).application
        assert application.status == status
        return application

    return make


def test_paths_cover_every_state():
    assert set(PATHS) == set(Status)


@pytest.mark.parametrize(("status", "action"), ALLOWED, ids=[f"{s}-{a}" for s, a in ALLOWED])
def test_transition_allowed_moves_and_records(in_state, leader, status, action):
    application = in_state(status)
    events = ApplicationEvent.objects.filter(application=application).count()
    revision = application.revision

    result, changed = application_transition(application=application, action=action, actor=leader, note="备注")

    assert (changed, result.status) == (True, TRANSITIONS[action][1])
    assert result.revision == revision + 1
    event = ApplicationEvent.objects.filter(application=application).latest("id")
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        action,
        status,
        TRANSITIONS[action][1],
        leader,
        "备注",
    )
    assert ApplicationEvent.objects.filter(application=application).count() == events + 1
    audit = audit_for(application).filter(action=f"application.{action}").latest("id")
    assert audit.changes["status"] == [status, TRANSITIONS[action][1]]


@pytest.mark.parametrize(("status", "action"), REFUSED, ids=[f"{s}-{a}" for s, a in REFUSED])
def test_transition_refused_with_clear_message(in_state, leader, status, action):
    application = in_state(status)

    with pytest.raises(BusinessRuleError) as error:
        application_transition(application=application, action=action, actor=leader)

    assert error.value.code == "bad_transition"
    assert str(error.value) == (
        f"This application is “{Status(status).label}”; “{Action(action).label}” is not possible now."
    )
    application.refresh_from_db()
    assert application.status == status


@pytest.mark.parametrize(("status", "action"), ALREADY_THERE, ids=[f"{s}-{a}" for s, a in ALREADY_THERE])
def test_transition_repeated_is_a_no_op(in_state, leader, status, action):
    application = in_state(status)
    events = ApplicationEvent.objects.filter(application=application).count()

    result, changed = application_transition(application=application, action=action, actor=leader)

    assert (changed, result.status) == (False, status)
    assert result.revision == application.revision
    assert ApplicationEvent.objects.filter(application=application).count() == events


def test_submit_twice_is_a_no_op(draft, leader, contact, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = application_submit(actor=leader, application=draft)
    with django_capture_on_commit_callbacks(execute=True):
        second = application_submit(actor=leader, application=draft)

    assert (first.number, second.number) == (first.number, first.number)
    assert second.status == Status.SUBMITTED
    assert list(draft.events.values_list("action", flat=True)) == ["create", "submit"]
    # One notice each for the group's leader and the unit's contact (notifications/), however often it is clicked.
    assert sorted((m.to, m.subject) for m in mailoutbox) == sorted(
        (to, f"Application {first.number} submitted: {draft.title}") for to in ([leader.email], [contact.email])
    )
