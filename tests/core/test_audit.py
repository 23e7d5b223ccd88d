import datetime
import decimal
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType

from accounts.models import QCGroup, Unit
from core.audit import _plain, audit_for, audit_record, created, diff, snapshot
from core.models import AuditEntry
from tests.factories import QCGroupFactory, RecommenderFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("value", "plain"),
    [
        (datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC), "2026-03-01T09:30:00+00:00"),
        (datetime.date(2026, 3, 1), "2026-03-01"),
        (datetime.time(9, 30), "09:30:00"),
        (decimal.Decimal("87.50"), "87.50"),
        (uuid.UUID("12345678-1234-5678-1234-567812345678"), "12345678-1234-5678-1234-567812345678"),
        ([datetime.date(2026, 1, 2), 3], ["2026-01-02", 3]),
        ((1, "a"), [1, "a"]),
        ({"when": datetime.date(2026, 1, 2), "n": None}, {"when": "2026-01-02", "n": None}),
        ("text", "text"),
        (None, None),
    ],
)
def test_plain_makes_json_friendly_values(value, plain):
    assert _plain(value) == plain


@pytest.mark.django_db
def test_plain_model_becomes_its_pk():
    unit = UnitFactory()

    assert _plain(unit) == unit.pk


@pytest.mark.django_db
def test_snapshot_reads_foreign_keys_as_ids_without_queries(django_assert_num_queries):
    unit = Unit.objects.get(pk=UnitFactory().pk)

    with django_assert_num_queries(0):
        values = snapshot(unit, ["name", "recommender", "approved_at"])

    assert values == {
        "name": unit.name,
        "recommender": unit.recommender_id,
        "approved_at": unit.approved_at.isoformat(),
    }


@pytest.mark.django_db
def test_diff_lists_only_changed_fields():
    unit = UnitFactory(status_note="")
    other = RecommenderFactory()
    before = snapshot(unit, ["name", "status", "status_note", "recommender"])

    unit.status = "rejected"
    unit.status_note = "资料不全"
    unit.recommender = other

    assert diff(before, unit) == {
        "status": ["approved", "rejected"],
        "status_note": ["", "资料不全"],
        "recommender": [before["recommender"], other.pk],
    }


@pytest.mark.django_db
def test_diff_unchanged_is_empty():
    group = QCGroupFactory()
    before = snapshot(group, ["name", "founded_on", "leader"])

    assert diff(before, group) == {}


@pytest.mark.django_db
def test_created_marks_every_field_new():
    group = QCGroupFactory(name="精益求精QC小组", founded_on=datetime.date(2024, 5, 6))

    assert created(group, ["name", "founded_on", "unit"]) == {
        "name": [None, "精益求精QC小组"],
        "founded_on": [None, "2024-05-06"],
        "unit": [None, group.unit_id],
    }


@pytest.mark.django_db
def test_audit_record_writes_one_row_with_plain_changes():
    actor = UserFactory()
    group = QCGroupFactory(name="攻坚克难QC小组")

    entry = audit_record(
        actor=actor,
        obj=group,
        action="group.changed",
        changes={"founded_on": [datetime.date(2020, 1, 1), datetime.date(2021, 2, 3)]},
        note="更正成立日期",
    )

    entry.refresh_from_db()
    assert AuditEntry.objects.count() == 1
    assert (entry.actor, entry.action, entry.note) == (actor, "group.changed", "更正成立日期")
    assert (entry.content_type, entry.object_id, entry.object_repr) == (
        ContentType.objects.get_for_model(QCGroup),
        str(group.pk),
        "攻坚克难QC小组",
    )
    assert entry.changes == {"founded_on": ["2020-01-01", "2021-02-03"]}
    assert entry.target == group


@pytest.mark.django_db
@pytest.mark.parametrize("actor", [None, AnonymousUser()])
def test_audit_record_without_signed_in_actor_is_system(actor):
    entry = audit_record(actor=actor, obj=UnitFactory(), action="unit.imported")

    assert (entry.actor, entry.changes, entry.note) == (None, {}, "")


@pytest.mark.django_db
def test_audit_record_truncates_long_repr():
    unit = UnitFactory()
    unit.name = "长" * 400  # not saved: only the repr is at stake

    entry = audit_record(actor=None, obj=unit, action="unit.renamed")

    assert entry.object_repr == "长" * 300


@pytest.mark.django_db
def test_audit_for_returns_entries_of_that_object_newest_first():
    unit, other = UnitFactory(), UnitFactory()
    first = audit_record(actor=None, obj=unit, action="unit.registered")
    audit_record(actor=None, obj=other, action="unit.registered")
    second = audit_record(actor=None, obj=unit, action="unit.approved")

    assert list(audit_for(unit)) == [second, first]


@pytest.mark.django_db
def test_audit_for_does_not_mix_models_with_the_same_pk():
    unit = UnitFactory()
    group = QCGroupFactory(id=unit.pk, unit=unit)
    audit_record(actor=None, obj=unit, action="unit.registered")

    assert (group.pk, list(audit_for(group)), audit_for(unit).count()) == (unit.pk, [], 1)
