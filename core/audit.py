"""The one way to write the audit log."""

import datetime
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def snapshot(obj, fields):
    """Field values of `obj` as JSON-friendly data, for a later `diff`."""
    return {name: _plain(getattr(obj, f"{name}_id" if _is_fk(obj, name) else name)) for name in fields}


def _is_fk(obj, name):
    field = obj._meta.get_field(name)
    return field.many_to_one or field.one_to_one


def diff(before: dict, obj) -> dict:
    """{field: [old, new]} for the fields of `before` whose value changed on `obj`."""
    after = snapshot(obj, before.keys())
    return {name: [before[name], after[name]] for name in before if before[name] != after[name]}


def audit_record(*, actor, obj, action: str, changes: dict | None = None, note: str = "") -> AuditEntry:
    """Write one audit row for `obj`. Call inside the transaction that makes the change."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=_plain(changes or {}),
        note=note,
    )


def audit_for(obj):
    """The audit trail of one object, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj.__class__), object_id=str(obj.pk)
    ).select_related("actor")


def created(obj, fields) -> dict:
    """{field: [None, value]}: the changes of an object that has just been created."""
    return {name: [None, value] for name, value in snapshot(obj, fields).items()}


# How people read the audit actions; each app adds its own in AppConfig.ready() through register_labels.
ACTION_LABELS: dict[str, str] = {}


def register_labels(labels: dict) -> None:
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
