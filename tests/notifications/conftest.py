"""The people around one application: who must be told about each move, and one person who must not."""

import types

import pytest

from accounts.enums import Role
from accounts.models import Membership
from tests.factories import UnitFactory, UserFactory, recommender_member
from tests.factories.recommenders import contact_of, draft_application, qc_edition


@pytest.fixture
def edition():
    return qc_edition()


@pytest.fixture
def people(edition):
    """A complete draft of a QC group and everybody around it (mail addresses say who is who)."""
    application = draft_application(edition=edition)
    group = application.group
    leader = group.leader
    member = UserFactory(email="member@group.test", full_name="组员乙")
    Membership.objects.create(user=member, role=Role.GROUP, group=group)
    contact = contact_of(application.unit, email="contact@unit.test", full_name="联系人丙")
    recommender = application.unit.recommender
    decider = recommender_member(recommender, email="decider@rec.test", full_name="推荐人丁")
    reviewer = recommender_member(recommender, can_decide=False, email="reviewer@rec.test", full_name="评审戊")
    # A contact of another unit under the same recommender: holds none of this application.
    outsider = contact_of(UnitFactory(recommender=recommender), email="outsider@unit.test")
    return types.SimpleNamespace(
        application=application,
        leader=leader,
        member=member,
        contact=contact,
        decider=decider,
        reviewer=reviewer,
        outsider=outsider,
        recommender=recommender,
    )
