"""Every set of statuses comes from the one status table: the sets of today's pipeline, and a status added to the
table after "recommended" showing in the right queues and staying visible, with no list edited."""

import pytest

from applications import enums
from applications.enums import (
    OWN_STATUS_TABLE,
    OWN_TRANSITIONS,
    STATUS_TABLE,
    TRANSITIONS,
    Action,
    Level,
    Status,
    StatusInfo,
    derive_status_sets,
    repeats,
)
from applications.models import Application
from applications.selectors import applications_visible_to
from recommenders.selectors import recommender_queue, unit_queue
from tests.factories import recommender_member, unit_contact
from tests.factories.applications import submitted_application

pytestmark = [pytest.mark.unit]

# Hypothetical statuses a later app might add (not the real ones reviews registers, which the table knows).
IN_DOCUMENT_REVIEW = "example_in_document_review"
AWARDED = "example_awarded"


def test_derived_sets_of_applications_own_pipeline():
    sets = derive_status_sets(OWN_STATUS_TABLE, OWN_TRANSITIONS)

    assert {
        "editable": sets.editable,
        "reached_unit": sets.reached_unit,
        "reached_recommender": sets.reached_recommender,
        "unit_desk": sets.unit_desk,
        "passed_on_by_unit": sets.passed_on_by_unit,
        "recommender_desk": sets.recommender_desk,
    } == {
        "editable": {Status.DRAFT, Status.RETURNED_TO_GROUP},
        "reached_unit": set(Status) - {Status.DRAFT, Status.WITHDRAWN},
        "reached_recommender": {Status.ENDORSED, Status.RETURNED_TO_UNIT, Status.RECOMMENDED, Status.DECLINED},
        "unit_desk": {Status.SUBMITTED, Status.RETURNED_TO_UNIT},
        "passed_on_by_unit": {Status.ENDORSED, Status.RECOMMENDED, Status.DECLINED},
        "recommender_desk": {Status.ENDORSED, Status.RECOMMENDED, Status.DECLINED},
    }


def test_every_status_is_in_the_table_and_the_sets_in_force_follow_the_extended_table():
    assert set(OWN_STATUS_TABLE) == set(Status)
    assert set(Status) <= set(STATUS_TABLE)
    assert enums.status_sets() == derive_status_sets(STATUS_TABLE, TRANSITIONS)
    assert enums.status_sets().level_of[Status.RETURNED_TO_UNIT] == Level.UNIT
    # Every status, added ones too, has a label and is a choice of the status field.
    assert {value for value, _label in enums.status_choices()} == set(STATUS_TABLE)
    assert all(str(enums.status_label(value)) != value for value in STATUS_TABLE)


@pytest.mark.parametrize(
    ("status", "action", "expected"),
    [
        (Status.SUBMITTED, Action.SUBMIT, True),
        (Status.DRAFT, Action.SUBMIT, False),
        (Status.RETURNED_TO_GROUP, Action.UNIT_RETURN, True),
        (Status.RECOMMENDED, Action.RECOMMEND, True),
        (Status.DECLINED, Action.RECOMMEND, False),  # a change of mind, not a repeat
        (Status.WITHDRAWN, Action.WITHDRAW, True),
    ],
)
def test_repeats_is_where_the_action_leads_and_cannot_start(status, action, expected):
    assert repeats(status, action) is expected


def _with_review_statuses():
    """The table as the review rounds would extend it: two statuses after "recommended"."""
    table = {
        **OWN_STATUS_TABLE,
        IN_DOCUMENT_REVIEW: StatusInfo(Level.ASSOCIATION, 40),
        AWARDED: StatusInfo(Level.CLOSED, 60, closed=True),
    }
    transitions = {
        **OWN_TRANSITIONS,
        "pass_formal_review": (frozenset({Status.RECOMMENDED}), IN_DOCUMENT_REVIEW),
        "award": (frozenset({IN_DOCUMENT_REVIEW}), AWARDED),
    }
    return derive_status_sets(table, transitions)


def test_added_statuses_join_the_sets_by_their_order():
    sets = _with_review_statuses()

    assert {IN_DOCUMENT_REVIEW, AWARDED} <= sets.reached_unit & sets.reached_recommender & sets.passed_on_by_unit
    assert {IN_DOCUMENT_REVIEW, AWARDED} <= sets.counts_for_limits
    # Past the recommender's hands: it sees them but no longer scores, ranks or decides.
    assert sets.recommender_desk == {Status.ENDORSED, Status.RECOMMENDED, Status.DECLINED}
    assert sets.held_by(Level.ASSOCIATION) == {Status.RECOMMENDED, IN_DOCUMENT_REVIEW}
    assert not {IN_DOCUMENT_REVIEW, AWARDED} & (sets.editable | sets.unit_desk)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [IN_DOCUMENT_REVIEW, AWARDED])
def test_added_status_stays_visible_and_queued_for_unit_and_recommender(monkeypatch, status):
    application = submitted_application()
    unit = application.unit
    contact, member = unit_contact(unit), recommender_member(unit.recommender)
    Application.objects.filter(pk=application.pk).update(status=status)  # as a later review step would leave it
    application.refresh_from_db()

    def seen():
        return {
            "contact may view": contact.has_perm("applications.view_application", application),
            "contact lists": applications_visible_to(contact).filter(pk=application.pk).exists(),
            "unit queue": unit_queue(unit).filter(pk=application.pk).exists(),
            "member may view": member.has_perm("applications.view_application", application),
            "member lists": applications_visible_to(member).filter(pk=application.pk).exists(),
            "recommender queue": recommender_queue(unit.recommender).filter(pk=application.pk).exists(),
            "member may act": member.has_perm("recommenders.recommender_act", application),
        }

    # Unknown to the table: the unit still sees what was submitted to it; nothing status-based shows it.
    assert seen() == {
        "contact may view": True,
        "contact lists": True,
        "unit queue": False,
        "member may view": False,
        "member lists": False,
        "recommender queue": False,
        "member may act": False,
    }

    monkeypatch.setattr(enums, "STATUS_SETS", _with_review_statuses())

    assert seen() == {
        "contact may view": True,
        "contact lists": True,
        "unit queue": True,
        "member may view": True,
        "member lists": True,
        "recommender queue": True,
        "member may act": False,
    }
