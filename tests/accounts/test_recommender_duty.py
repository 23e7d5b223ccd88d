"""Who decides for a recommending organisation: staff set it when granting the role and switch it later, audited;
the organisation's first member decides and it always keeps one decider (issue 7)."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.enums import RecommenderKind, Role
from accounts.models import Membership
from core.models import AuditEntry
from tests.accounts.conftest import client_for, messages_of
from tests.factories import RecommenderFactory, UserFactory, recommender_member

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

LAST_DECIDER = (
    "This person is the only member who decides for the recommending organisation; let another member decide first."
)


def grant(staff, person, recommender, **extra):
    return client_for(staff).post(
        reverse("accounts:staff_user_detail", args=[person.pk]),
        {"role": Role.RECOMMENDER, "recommender": recommender.pk, **extra},
    )


def duty(person, recommender) -> bool:
    return Membership.objects.get(user=person, role=Role.RECOMMENDER, recommender=recommender).can_decide


def test_the_invited_contact_of_a_new_organisation_decides(staff):
    recommender = services.recommender_create(
        actor=staff,
        name="静安区市场监督管理局",
        kind=RecommenderKind.DISTRICT,
        contact_name="周联系",
        contact_email="zhou@jingan.test",
    )
    membership = Membership.objects.get(recommender=recommender)
    assert (membership.user.email, membership.can_decide) == ("zhou@jingan.test", True)


def test_staff_grant_a_reviewer_or_a_decider_and_the_grant_is_audited(staff):
    recommender = RecommenderFactory()
    first, second, third = UserFactory(), UserFactory(), UserFactory()

    grant(staff, first, recommender)  # the first member decides even unticked
    grant(staff, second, recommender)  # later members review unless ticked
    grant(staff, third, recommender, can_decide="on")

    assert [duty(p, recommender) for p in (first, second, third)] == [True, False, True]
    audits = AuditEntry.objects.filter(action="membership.granted").order_by("id")
    assert [a.changes["can_decide"] for a in audits] == [[None, True], [None, False], [None, True]]


def test_staff_switch_a_member_between_reviewer_and_decider_audited(staff):
    recommender = RecommenderFactory()
    lead = recommender_member(recommender)
    reviewer = recommender_member(recommender, can_decide=False)
    membership = reviewer.memberships.get(role=Role.RECOMMENDER)
    url = reverse("accounts:staff_membership_decider", args=[membership.pk])

    response = client_for(staff).post(url, {"can_decide": "1"}, follow=True)
    assert messages_of(response) == ["Saved."]
    assert duty(reviewer, recommender) is True
    client_for(staff).post(url, {"can_decide": "0"})
    assert duty(reviewer, recommender) is False
    assert list(
        AuditEntry.objects.filter(object_id=str(reviewer.pk)).order_by("id").values_list("action", "changes")
    ) == [
        ("membership.decider_set", {"membership": str(membership), "can_decide": [False, True]}),
        ("membership.reviewer_set", {"membership": str(membership), "can_decide": [True, False]}),
    ]
    assert duty(lead, recommender) is True


def test_the_last_decider_stays_a_decider(staff):
    recommender = RecommenderFactory()
    lead = recommender_member(recommender)
    recommender_member(recommender, can_decide=False)
    membership = lead.memberships.get(role=Role.RECOMMENDER)

    response = client_for(staff).post(
        reverse("accounts:staff_membership_decider", args=[membership.pk]), {"can_decide": "0"}, follow=True
    )
    assert messages_of(response) == [LAST_DECIDER]
    response = client_for(staff).post(
        reverse("accounts:staff_membership_active", args=[membership.pk]), {"active": "0"}, follow=True
    )
    assert messages_of(response) == [LAST_DECIDER]
    membership.refresh_from_db()
    assert (membership.can_decide, membership.is_active) == (True, True)


def test_the_staff_user_page_shows_each_members_duty(staff):
    recommender = RecommenderFactory()
    recommender_member(recommender)
    reviewer = recommender_member(recommender, can_decide=False)
    membership = reviewer.memberships.get(role=Role.RECOMMENDER)

    page = client_for(staff).get(reverse("accounts:staff_user_detail", args=[reviewer.pk])).content.decode()
    assert f'data-testid="duty-{membership.pk}">reviews<' in page
    assert "Let decide for the organisation" in page
