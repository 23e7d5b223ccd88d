"""The one way to write the audit log."""

import datetime
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy

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


# --- Reading the log -------------------------------------------------------------------------------------------

# A value longer than this is shown shortened, with the whole value on demand.
SHORT_VALUE_CHARS = 60

# Labels of change keys that are not fields of the object's model (lists, scores, files); apps add theirs through
# register_field_labels in AppConfig.ready().
FIELD_LABELS: dict = {
    "members": gettext_lazy("members"),
    "rows": gettext_lazy("rows"),
    "ranking": gettext_lazy("ranking"),
    "total": gettext_lazy("total score"),
    "scan": gettext_lazy("stamped scan"),
    "answers": gettext_lazy("answers changed"),
    "co_applicants": gettext_lazy("co-applicants"),
    "copied_from": gettext_lazy("copied from"),
    "membership": gettext_lazy("role"),
    "password": gettext_lazy("password"),
}


def register_field_labels(labels: dict) -> None:
    FIELD_LABELS.update(labels)


def _field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


def _readable_value(field, value) -> str:
    """One stored audit value as people read it: choice labels, yes/no, lists joined; None is "—"."""
    from django.utils.translation import gettext

    if value is None or value == "":
        return "—"
    if field is not None and getattr(field, "choices", None):
        labels = {str(key): label for key, label in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, (list, tuple)):
        return "; ".join(_readable_value(None, v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_readable_value(None, v)}" for k, v in value.items()) or "—"
    return str(value)


def _shortened(text: str) -> dict:
    if len(text) <= SHORT_VALUE_CHARS:
        return {"text": text, "short": text, "truncated": False}
    return {"text": text, "short": text[: SHORT_VALUE_CHARS - 1] + "…", "truncated": True}


def _field_title(label: str) -> str:
    """A verbose name or a stored key as a title: "stamped_form" → "Stamped form"; Chinese labels stay as they are."""
    label = label.replace("_", " ")
    return label[:1].upper() + label[1:]


def readable_changes(entry) -> list[dict]:
    """The changes of an audit entry for display, in the active language.

    Each item: {"field": the field's verbose name (or the stored key when it is not a field of the object's model),
    "old"/"new": {"text", "short", "truncated"}}: choice codes become their labels ("returned_to_unit" → "退回单位"),
    booleans yes/no, and values longer than SHORT_VALUE_CHARS carry a shortened form for the page.
    """
    model = entry.content_type.model_class() if entry.content_type_id else None
    rows = []
    for name, values in (entry.changes or {}).items():
        field = _field(model, name)
        if field is not None and hasattr(field, "verbose_name"):
            label = str(field.verbose_name)
        else:
            label = str(FIELD_LABELS.get(name, name))
        old, new = (list(values) + [None, None])[:2] if isinstance(values, (list, tuple)) else (None, values)
        rows.append(
            {
                "field": _field_title(label),
                "old": _shortened(_readable_value(field, old)),
                "new": _shortened(_readable_value(field, new)),
            }
        )
    return rows
