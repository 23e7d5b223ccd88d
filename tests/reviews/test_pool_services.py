"""The expert pool's services and selectors (reviews/pool.py)."""

import datetime

import pytest
from django.core import mail

from accounts.enums import ApprovalStatus, Role
from accounts.models import Expert, Membership, User
from core.exceptions import BusinessRuleError
from core.models import AuditEntry
from reviews import pool
from reviews.models import PoolEntry
from tests.factories import UnitFactory, UserFactory, staff_user, unit_contact
from tests.factories.awards import open_edition
from tests.factories.reviews import pool_expert

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture
def programme():
    return open_edition().programme


@pytest.fixture
def staff():
    return staff_user()


def add(staff, programme, **overrides):
    values = {
        "actor": staff,
        "programme": programme,
        "email": "Li.Ming@Example.test",
        "full_name": "李明",
        "mobile": "13900001111",
        "organisation_name": "上海质量研究院",
        "title": "教授级高工",
        "categories": ["problem_solving"],
        "fields": "机械制造",
        "employer": None,
        "max_load": 12,
        "available_from": datetime.date(2026, 3, 1),
        "available_until": datetime.date(2026, 6, 30),
    }
    return pool.pool_entry_add(**(values | overrides))


def test_adding_a_new_person_creates_account_expert_role_profile_and_entry(
    staff, programme, django_capture_on_commit_callbacks
):
    unit = UnitFactory()
    with django_capture_on_commit_callbacks(execute=True):
        entry = add(staff, programme, employer=unit)
    user = User.objects.get(email="li.ming@example.test")
    assert entry.expert.user == user
    assert not user.has_usable_password()  # invited, sets their own password
    assert Membership.objects.filter(user=user, role=Role.EXPERT, is_active=True).exists()
    assert Expert.objects.get(user=user).organisation_name == "上海质量研究院"
    assert (entry.categories, entry.max_load, entry.employer) == (["problem_solving"], 12, unit)
    assert [m.to for m in mail.outbox] == [["li.ming@example.test"]]
    audit = AuditEntry.objects.get(action="pool.added")
    assert audit.object_id == str(entry.pk) and audit.actor == staff


def test_adding_a_person_with_an_account_reuses_it(staff, programme):
    contact = unit_contact(email="contact@example.test")
    entry = add(staff, programme, email="CONTACT@example.test", mobile=None)
    assert entry.expert.user == contact
    assert Membership.objects.filter(user=contact, role=Role.UNIT).exists()
    assert Membership.objects.filter(user=contact, role=Role.EXPERT).exists()


def test_the_same_person_twice_in_a_programme_is_refused(staff, programme):
    add(staff, programme)
    with pytest.raises(BusinessRuleError, match="already in the pool") as error:
        add(staff, programme, email="li.ming@example.test", full_name="李明二")
    assert error.value.code == "duplicate"
    assert PoolEntry.objects.count() == 1
    # Another programme's pool may have the same person.
    other = open_edition().programme
    assert add(staff, other).expert == PoolEntry.objects.get(programme=programme).expert


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"categories": ["no_such"]}, "Unknown category"),
        ({"max_load": 0}, "whole number"),
        ({"available_from": datetime.date(2026, 7, 1)}, "must not be after"),
        ({"employer": "pending"}, "approved unit"),
        ({"email": ""}, "name and email"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_created(staff, programme, overrides, message):
    if overrides.get("employer") == "pending":
        overrides["employer"] = UnitFactory(status=ApprovalStatus.PENDING)
    with pytest.raises(BusinessRuleError, match=message):
        add(staff, programme, **overrides)
    assert not PoolEntry.objects.exists()
    assert not User.objects.filter(email="li.ming@example.test").exists()


def test_a_mobile_number_of_another_account_is_refused(staff, programme):
    UserFactory(mobile="13900001111")
    with pytest.raises(BusinessRuleError, match="mobile number"):
        add(staff, programme)


def test_change_and_deactivate_are_audited(staff, programme):
    entry = add(staff, programme)
    unit = UnitFactory()
    entry = pool.pool_entry_change(
        actor=staff, entry=entry, categories=["innovation", "problem_solving"], employer=unit, max_load=5
    )
    entry.refresh_from_db()
    assert (entry.categories, entry.employer, entry.max_load) == (["innovation", "problem_solving"], unit, 5)
    pool.pool_entry_change(actor=staff, entry=entry, is_active=False)
    entry.refresh_from_db()
    assert entry.is_active is False
    changes = [a.changes for a in AuditEntry.objects.filter(action="pool.changed").order_by("id")]
    assert changes[0]["max_load"] == [12, 5] and changes[0]["employer"] == [None, unit.pk]
    assert changes[1] == {"is_active": [True, False]}
    # Nothing changed: no audit row.
    pool.pool_entry_change(actor=staff, entry=entry, is_active=False)
    assert AuditEntry.objects.filter(action="pool.changed").count() == 2


def test_change_refuses_bad_values_and_unknown_fields(staff, programme):
    entry = add(staff, programme)
    with pytest.raises(BusinessRuleError, match="Unknown category"):
        pool.pool_entry_change(actor=staff, entry=entry, categories=["nope"])
    with pytest.raises(TypeError):
        pool.pool_entry_change(actor=staff, entry=entry, expert=None)
    entry.refresh_from_db()
    assert entry.categories == ["problem_solving"]


def test_pool_for_filters(staff, programme):
    unit = UnitFactory(name="上海滤波器有限公司")
    a = pool_expert(programme, categories=["innovation"], full_name="王芳")
    b = pool_expert(programme, categories=["problem_solving"], full_name="赵强", employer=unit)
    c = pool_expert(programme, categories=["problem_solving"], full_name="钱红")
    PoolEntry.objects.filter(expert=c).update(is_active=False)
    pool_expert(open_edition().programme, full_name="王芳二")  # another programme

    def names(**filters):
        return [e.expert.user.full_name for e in pool.pool_for(programme, filters)]

    assert names() == sorted(["王芳", "赵强", "钱红"])
    assert names(category="innovation") == ["王芳"]
    assert sorted(names(category="problem_solving")) == sorted(["赵强", "钱红"])
    assert sorted(names(active="1")) == sorted(["王芳", "赵强"])
    assert names(active="0") == ["钱红"]
    assert names(q="王") == ["王芳"]
    assert names(q="滤波器") == ["赵强"]
    assert a and b


def test_pool_for_query_count_does_not_grow(programme, django_assert_max_num_queries):
    def render_all():
        return [
            (e.expert.user.full_name, e.expert.organisation_name, e.employer and e.employer.recommender)
            for e in pool.pool_for(programme, {})
        ]

    pool_expert(programme, employer=UnitFactory())
    with django_assert_max_num_queries(1):
        assert len(render_all()) == 1
    for _ in range(6):
        pool_expert(programme, employer=UnitFactory())
    with django_assert_max_num_queries(1):
        assert len(render_all()) == 7


def test_eligible_pool_is_active_and_available_on_the_date(programme):
    day = datetime.date(2026, 5, 1)
    always = pool_expert(programme)
    window = pool_expert(programme)
    PoolEntry.objects.filter(expert=window).update(
        available_from=datetime.date(2026, 4, 1), available_until=datetime.date(2026, 5, 1)
    )
    later = pool_expert(programme)
    PoolEntry.objects.filter(expert=later).update(available_from=datetime.date(2026, 5, 2))
    ended = pool_expert(programme)
    PoolEntry.objects.filter(expert=ended).update(available_until=datetime.date(2026, 4, 30))
    inactive = pool_expert(programme)
    PoolEntry.objects.filter(expert=inactive).update(is_active=False)
    profile_off = pool_expert(programme)
    Expert.objects.filter(pk=profile_off.pk).update(is_active=False)
    pool_expert(open_edition().programme)  # another programme
    assert {e.expert for e in pool.eligible_pool(programme, day)} == {always, window}
