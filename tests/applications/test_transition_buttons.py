"""Each application page offers exactly the transitions whose POST would be accepted (issue 9).

For every state of the transition table (and the variants that change what the services accept: the endorsement
prerequisites, a direct member unit, the ranking, a closed phase) and every role, the group's overview, the unit's
review page and the recommender's page are rendered; the enabled buttons that carry `data-action` are collected and
compared with the actions whose POST, tried one by one and rolled back, moved the application to the action's
target state. The expected sets are spelled out too, so a broken setup (nothing offered, nothing accepted) fails.
"""

import datetime
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from applications.enums import TRANSITIONS, Action
from applications.models import Application
from applications.services import application_withdraw
from awards.enums import PhaseKind
from awards.models import Phase
from recommenders import services as recommender_services
from tests.factories import UnitFactory, recommender_member, staff_user
from tests.factories.recommenders import (
    close_unit_endorsement,
    contact_of,
    decided,
    draft_application,
    endorsed_application,
    qc_edition,
    ranked,
    ready_to_endorse,
    submitted_application,
)
from tests.helpers import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

ROLES = ("applicant", "unit", "decider", "reviewer", "staff", "other_unit")


def _unit_contact(application):
    membership = Membership.objects.filter(role="unit", unit=application.unit, is_active=True).first()
    return membership.user if membership else contact_of(application.unit)


def _close_recommendation(edition):
    now = timezone.now()
    Phase.objects.filter(edition=edition, kind=PhaseKind.RECOMMENDATION).update(
        starts_at=now - datetime.timedelta(days=10), ends_at=now - datetime.timedelta(minutes=1)
    )


def _decider(application):
    return recommender_member(application.unit.recommender)


def build(state: str) -> Application:
    """An application in `state`, reached through the services as the portal does."""
    edition = qc_edition()
    if state == "draft":
        return draft_application(edition=edition)
    if state == "withdrawn":
        application = submitted_application(edition=edition)
        return application_withdraw(actor=application.group.leader, application=application)
    if state in ("submitted", "submitted_ready", "submitted_late", "returned_to_group"):
        application = submitted_application(edition=edition)
        contact = _unit_contact(application)
        if state == "returned_to_group":
            return recommender_services.unit_return(actor=contact, application=application, reason="请补充数据。")
        if state != "submitted":
            application = ready_to_endorse(application, contact)
        if state == "submitted_late":
            close_unit_endorsement(edition)
        return application
    if state == "submitted_ready_direct":
        unit = UnitFactory(direct=True, direct_confirmed=True)
        application = submitted_application(edition=edition, unit=unit)
        return ready_to_endorse(application, _unit_contact(application))
    if state in ("correction", "corrected", "admitted", "deferred"):
        return _formal(state, edition)
    application = endorsed_application(edition=edition)
    decider = _decider(application)
    if state == "endorsed":
        return application
    if state == "returned_to_unit":
        return recommender_services.recommender_return(
            actor=decider, application=application, recommender=application.unit.recommender, reason="请单位复核。"
        )
    ranked(decider, application)
    if state == "endorsed_ranked":
        return Application.objects.get(pk=application.pk)
    if state == "endorsed_closed":
        _close_recommendation(edition)
        return Application.objects.get(pk=application.pk)
    return decided(application, decider, recommend=state == "recommended")


def _formal(state: str, edition) -> Application:
    """An application at the association taken through formal review (reviews' services)."""
    from reviews import formal
    from tests.factories.awards import open_edition
    from tests.factories.reviews import recommended_application

    application = recommended_application(edition=edition)
    staff = staff_user()
    if state == "admitted":
        formal.formal_review_decide(actor=staff, application=application, outcome="admit")
    elif state == "deferred":
        formal.formal_review_decide(actor=staff, application=application, outcome="defer", reason=FIX)
        open_edition(programme=edition.programme, year=edition.year + 1)
    else:
        formal.formal_review_decide(
            actor=staff,
            application=application,
            outcome="correct",
            reason=FIX,
            correction_items=["attachments"],
            correction_deadline=timezone.now() + datetime.timedelta(days=14),
        )
        if state == "corrected":
            formal.correction_resubmit(actor=application.group.leader, application=application)
    return Application.objects.get(pk=application.pk)


def user_for(role: str, application):
    if role == "applicant":
        return application.group.leader
    if role == "unit":
        return _unit_contact(application)
    if role in ("decider", "reviewer"):
        if application.unit.recommender_id is None:
            return recommender_member()  # a direct member unit: somebody else's organisation
        return recommender_member(application.unit.recommender, can_decide=role == "decider")
    if role == "staff":
        return staff_user()
    return contact_of(UnitFactory())


class _Actions(HTMLParser):
    """The `data-action` values of the page's enabled buttons and links."""

    def __init__(self):
        super().__init__()
        self.found = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-action" in attrs and "disabled" not in attrs:
            self.found.add(attrs["data-action"])


PAGES = (
    "applications:detail",
    "applications:submit",
    "recommenders:unit_application",
    "recommenders:recommender_application",
    "reviews:formal_application",
)


def offered(client, application) -> set[str]:
    actions = set()
    for name in PAGES:
        response = client.get(reverse(name, args=[application.pk]))
        if response.status_code == 200:
            parser = _Actions()
            parser.feed(response.content.decode())
            actions |= parser.found
    return actions


OPINION = "经评审，意见如下。"
DECIDE = "recommenders:recommender_decide"
FORMAL = "reviews:formal_decide"
FIX = "请补充附件。"
IN_TWO_WEEKS = timezone.localtime(timezone.now() + datetime.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
POSTS = {
    Action.SUBMIT: ("applications:submit", {"confirm": "on"}),
    Action.WITHDRAW: ("applications:withdraw", {"note": ""}),
    Action.UNIT_RETURN: ("recommenders:unit_return", {"reason": "请补充现状调查数据。"}),
    Action.UNIT_ENDORSE: ("recommenders:unit_endorse", {}),
    Action.UNIT_ENDORSE_DIRECT: ("recommenders:unit_endorse", {}),
    Action.RECOMMENDER_RETURN: ("recommenders:recommender_return", {"reason": "请单位复核自评分。"}),
    Action.RECOMMEND: (DECIDE, {"decision": "recommend", "opinion": OPINION, "confirm": "on"}),
    Action.DECLINE: (DECIDE, {"decision": "decline", "opinion": OPINION, "confirm": "on"}),
    Action.RECONSIDER: ("recommenders:recommender_reconsider", {}),
    # reviews (formal): staff decide on the formal-review page; the group hands its correction back.
    "formal_admit": (FORMAL, {"outcome": "admit"}),
    "formal_return": (
        FORMAL,
        {"outcome": "correct", "reason": FIX, "correction_items": "attachments", "correction_deadline": IN_TWO_WEEKS},
    ),
    "formal_not_admit": (FORMAL, {"outcome": "not_admit", "reason": FIX}),
    "formal_defer": (FORMAL, {"outcome": "defer", "reason": FIX}),
    "formal_reject": (FORMAL, {"outcome": "reject", "reason": FIX}),
    "resubmit_correction": ("reviews:formal_resubmit", {}),
    "carry_over": ("reviews:formal_carry_over", {}),
}
# Moves made only in bulk, never from an application's page: the release of an edition's award levels moves every
# candidate at once (reviews.levels.scheme_release, tested in tests/reviews/test_levels_services.py), so no page
# below offers them and no per-application POST may make them. The same holds for the objection outcome, the
# edition's finalisation and the revocation (notices.results, on their own pages).
BULK_ONLY = {"award", "not_award", "withdraw_award", "confirm_award", "revoke_award"}
assert set(POSTS) | BULK_ONLY == set(TRANSITIONS)


class _Named(str):
    @property
    def value(self):
        return str(self)


def accepted(client, application) -> set[str]:
    """The actions whose POST moved the application to the action's target state (each tried, then rolled back)."""
    result = set()
    for action, (name, data) in POSTS.items():
        target = TRANSITIONS[action][1]
        action = Action(action) if action in Action.values else _Named(action)
        savepoint = transaction.savepoint()
        try:
            client.post(reverse(name, args=[application.pk]), data)
            if application.status != target and Application.objects.get(pk=application.pk).status == target:
                result.add(action.value)
        finally:
            transaction.savepoint_rollback(savepoint)
    return result


NONE = {role: set() for role in ROLES}
FORMAL_OUTCOMES = {"formal_admit", "formal_return", "formal_not_admit", "formal_defer", "formal_reject"}
EXPECTED = {
    "draft": {**NONE, "applicant": {"submit", "withdraw"}},
    "submitted": {**NONE, "applicant": {"withdraw"}, "unit": {"unit_return"}},
    "submitted_ready": {**NONE, "applicant": {"withdraw"}, "unit": {"unit_return", "unit_endorse"}},
    "submitted_ready_direct": {**NONE, "applicant": {"withdraw"}, "unit": {"unit_return", "unit_endorse_direct"}},
    "submitted_late": {**NONE, "applicant": {"withdraw"}},
    "returned_to_group": {**NONE, "applicant": {"submit", "withdraw"}},
    "endorsed": {**NONE, "decider": {"decline", "recommender_return"}},  # recommending needs the ranking
    "endorsed_ranked": {**NONE, "decider": {"recommend", "decline", "recommender_return"}},
    "endorsed_closed": NONE,
    "returned_to_unit": {**NONE, "unit": {"unit_return", "unit_endorse"}},
    "recommended": {**NONE, "decider": {"decline", "reconsider"}, "staff": FORMAL_OUTCOMES},
    "correction": {**NONE, "applicant": {"resubmit_correction"}, "staff": {"formal_not_admit"}},
    "corrected": {**NONE, "staff": FORMAL_OUTCOMES},
    "admitted": NONE,
    "deferred": {**NONE, "staff": {"carry_over"}},
    "declined": {**NONE, "decider": {"recommend", "reconsider"}},
    "withdrawn": NONE,
}


@pytest.mark.parametrize("state", list(EXPECTED))
def test_each_page_offers_exactly_the_transitions_the_services_accept(state):
    application = build(state)
    for role in ROLES:
        client = client_for(user_for(role, application))
        shown = offered(client, application)
        took = accepted(client, application)
        assert (role, shown) == (role, took)
        assert (role, shown) == (role, EXPECTED[state][role])


def test_the_recommend_button_gives_way_to_the_reason_while_the_ranking_is_missing():
    application = build("endorsed")
    response = client_for(_decider(application)).get(
        reverse("recommenders:recommender_application", args=[application.pk])
    )
    page = response.content.decode()
    assert 'data-action="recommend"' not in page
    assert 'data-testid="recommend-blocked"' in page
    assert f"“{application.number}” has no rank." in page
