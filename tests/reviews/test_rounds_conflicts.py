"""Conflicts of interest: each automatic source is found, refreshing is idempotent, declaring recuses and refills."""

import pytest

from accounts.models import GroupMember, Unit
from applications.models import CoApplicant
from core.exceptions import BusinessRuleError
from core.models import AuditEntry
from recommenders.models import Evaluation
from reviews.conflicts import conflict_declare, conflicted_application_ids, conflicts_refresh
from reviews.enums import AssignmentState, ConflictSource
from reviews.models import Assignment, Conflict
from tests.factories import staff_user
from tests.factories.accounts import UnitFactory
from tests.factories.awards import open_edition
from tests.factories.reviews import assigned, pool_expert, quick_admitted, review_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return open_edition()


@pytest.fixture
def application(edition):
    return quick_admitted(edition)


def _sources(round_, expert, application):
    return set(
        Conflict.objects.filter(round=round_, expert=expert, application=application).values_list("source", flat=True)
    )


def test_conflict_same_unit(edition, application):
    expert = pool_expert(edition.programme, employer=application.unit)
    bystander = pool_expert(edition.programme, employer=UnitFactory())
    round_ = review_round(edition)
    assert conflicts_refresh(round=round_) == 1
    assert _sources(round_, expert, application) == {ConflictSource.SAME_UNIT}
    assert _sources(round_, bystander, application) == set()


def test_conflict_same_recommender(edition, application):
    sister = UnitFactory(recommender=application.unit.recommender)
    expert = pool_expert(edition.programme, employer=sister)
    round_ = review_round(edition)
    conflicts_refresh(round=round_)
    assert _sources(round_, expert, application) == {ConflictSource.SAME_RECOMMENDER}


def test_conflict_same_unit_also_shares_the_recommender(edition, application):
    expert = pool_expert(edition.programme, employer=application.unit)
    round_ = review_round(edition)
    conflicts_refresh(round=round_)
    assert _sources(round_, expert, application) == {ConflictSource.SAME_UNIT}


def test_conflict_co_applicant(edition, application):
    partner = UnitFactory()
    CoApplicant.objects.create(
        application=application, unit=partner, organisation_name=partner.name, contact_name="李", contact_phone="1"
    )
    expert = pool_expert(edition.programme, employer=partner)
    round_ = review_round(edition)
    conflicts_refresh(round=round_)
    assert _sources(round_, expert, application) == {ConflictSource.CO_APPLICANT}


def test_conflict_group_member_by_name_and_mobile(edition, application):
    GroupMember.objects.create(group=application.group, name="王专家", phone="138-1234-5678")
    expert = pool_expert(edition.programme, full_name="王专家", mobile="13812345678")
    namesake = pool_expert(edition.programme, full_name="王专家", mobile="13900000000")
    round_ = review_round(edition)
    conflicts_refresh(round=round_)
    assert _sources(round_, expert, application) == {ConflictSource.GROUP_MEMBER}
    assert _sources(round_, namesake, application) == set()


def test_conflict_group_member_by_role_in_the_group(edition, application):
    expert = pool_expert(edition.programme)
    from accounts.models import Expert

    # The group's leader is also in the pool (his user holds the group role).
    leader_as_expert = Expert.objects.create(user=application.group.leader, organisation_name="x")
    from reviews.models import PoolEntry

    PoolEntry.objects.create(programme=edition.programme, expert=leader_as_expert, categories=["problem_solving"])
    round_ = review_round(edition)
    conflicts_refresh(round=round_)
    assert _sources(round_, leader_as_expert, application) == {ConflictSource.GROUP_MEMBER}
    assert _sources(round_, expert, application) == set()


def test_conflict_scored_earlier(edition, application):
    expert = pool_expert(edition.programme)
    Evaluation.objects.create(
        application=application,
        level="recommender",
        recommender=application.unit.recommender,
        reviewer=expert.user,
        rubric=application.category.rubric,
        scores={},
    )
    round_ = review_round(edition)
    conflicts_refresh(round=round_)
    assert _sources(round_, expert, application) == {ConflictSource.SCORED_EARLIER}


def test_conflicts_refresh_is_idempotent_and_drops_what_no_longer_holds(edition, application):
    expert = pool_expert(edition.programme, employer=application.unit)
    round_ = review_round(edition)
    conflicts_refresh(round=round_)
    assert conflicts_refresh(round=round_) == 0
    assert Conflict.objects.filter(round=round_).count() == 1
    expert.pool_entries.update(employer=None)
    conflicts_refresh(round=round_)
    assert not Conflict.objects.filter(round=round_).exists()


def test_conflict_declare_needs_a_reason(edition, application):
    round_ = review_round(edition)
    with pytest.raises(BusinessRuleError, match="why"):
        conflict_declare(
            actor=staff_user(), round=round_, expert=pool_expert(edition.programme), application=application, reason=""
        )


def test_declared_conflict_recuses_and_the_application_is_refilled(edition, application):
    round_ = review_round(edition, experts_per_application=3)
    experts = [pool_expert(edition.programme) for _ in range(4)]
    for expert in experts[:3]:
        assigned(round_, application, expert)
    declaring = experts[0]

    conflict_declare(
        actor=declaring.user, round=round_, expert=declaring, application=application, reason="我曾指导该小组"
    )

    recused = Assignment.objects.get(round=round_, expert=declaring)
    assert (recused.state, recused.reason) == (AssignmentState.RECUSED, "我曾指导该小组")
    live = Assignment.objects.filter(round=round_, application=application, state__in=["offered", "accepted"])
    assert set(live.values_list("expert_id", flat=True)) == {e.pk for e in experts[1:]}
    assert live.get(expert=experts[3]).code == recused.code
    assert conflicted_application_ids(declaring, round_) == {application.pk}
    assert AuditEntry.objects.filter(action="conflict.declared", object_id=str(round_.pk)).count() == 1


def test_declared_conflict_with_an_organisation_covers_its_applications(edition, application):
    other = quick_admitted(edition)
    round_ = review_round(edition)
    expert = pool_expert(edition.programme)
    unit = Unit.objects.get(pk=application.unit_id)
    conflict_declare(actor=expert.user, round=round_, expert=expert, unit=unit, reason="前雇主")
    assert conflicted_application_ids(expert, round_) == {application.pk}
    assert other.pk not in conflicted_application_ids(expert, round_)
