"""The audit log read by people: field and choice labels in the active language, long values shortened."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from accounts.models import Unit
from core.audit import SHORT_VALUE_CHARS, readable_changes
from core.models import AuditEntry

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def _entry(changes):
    return AuditEntry(content_type=ContentType.objects.get_for_model(Unit), object_id="1", changes=changes)


def _rows(changes, language="en"):
    with translation.override(language):
        return [(r["field"], r["old"]["short"], r["new"]["short"]) for r in readable_changes(_entry(changes))]


def test_fields_choices_and_booleans_are_labelled():
    assert _rows({"status": ["pending", "approved"], "is_member": [False, True], "total": [None, "86.00"]}) == [
        ("Status", "Waiting for approval", "Approved"),
        ("Association member", "no", "yes"),
        ("Total score", "—", "86.00"),
    ]


def test_labels_follow_the_page_language():
    field, old, new = _rows({"status": ["pending", "approved"]}, "zh-hans")[0]
    assert (field, old, new) == ("状态", "待审核", "已通过")


def test_long_values_are_shortened_with_the_whole_value_kept():
    long = "甲" * (SHORT_VALUE_CHARS + 10)
    with translation.override("en"):
        row = readable_changes(_entry({"address": [None, long]}))[0]
    assert row["new"] == {"text": long, "short": "甲" * (SHORT_VALUE_CHARS - 1) + "…", "truncated": True}
    assert row["old"] == {"text": "—", "short": "—", "truncated": False}
