"""Import a programme's expert pool from an Excel workbook: template, reading, preview, and the confirmed import.

Staff download the template (one header row; a second sheet lists the category codes), fill one expert per row and
upload it. The upload is checked by content (`core.files.validate_file`), read with openpyxl in read-only mode and
kept as plain cell values (in the session, never in a table) while staff look at the preview: every row with its
problems, or what it will do. Nothing is saved until they confirm; the confirmation checks the rows again and saves
all valid rows in one transaction (audited `pool.imported` with the counts).

A row whose email is already in the programme's pool **updates** that entry: the file's categories, fields,
employer, load and dates replace the entry's (the person's name and account stay as they are).

Cells are read as typed (`data_only=False`): a cell holding a formula is stored as its text (`=1+1`), never as a
computed value, and the pages show it as text.
"""

import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from accounts.enums import ApprovalStatus
from accounts.models import Unit, User
from accounts.validators import validate_mobile
from awards.models import Programme
from core.audit import audit_record
from core.exceptions import BusinessRuleError
from core.files import XLSX, clean_display_name, validate_file
from documents.excel import HEADER_FILL, HEADER_FONT, escape_cell

from . import pool
from .models import PoolEntry

MAX_MB = 5
MAX_ROWS = 2000
DEFAULT_LOAD = 20

# The template's columns, in order (the reader goes by position; the first row is the header).
COLUMNS = (
    ("full_name", gettext_lazy("Full name (required)")),
    ("email", gettext_lazy("Email (required)")),
    ("mobile", gettext_lazy("Mobile number")),
    ("organisation_name", gettext_lazy("Organisation")),
    ("title", gettext_lazy("Professional title")),
    ("categories", gettext_lazy("Categories (codes or names, separated by commas)")),
    ("fields", gettext_lazy("Fields of expertise")),
    ("employer", gettext_lazy("Employer unit (credit code or full name)")),
    ("max_load", gettext_lazy("Maximum applications per round")),
    ("available_from", gettext_lazy("Available from (YYYY-MM-DD)")),
    ("available_until", gettext_lazy("Available until (YYYY-MM-DD)")),
)
KEYS = [key for key, _label in COLUMNS]
CATEGORY_SEPARATORS = re.compile(r"[,，;；、/\n]+")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


class Action:
    ADD = "add"
    UPDATE = "update"


# --- The template ------------------------------------------------------------------------------------------------


def template_workbook(programme: Programme) -> bytes:
    """The import template: the header row, and a sheet listing the current edition's categories. Every cell goes
    through `documents.excel.escape_cell` (a category named like a formula stays text)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Experts")[:31]
    for column, (_key, label) in enumerate(COLUMNS, start=1):
        cell = escape_cell(sheet.cell(row=1, column=column), str(label))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        sheet.column_dimensions[cell.column_letter].width = 24
    sheet.freeze_panes = "A2"
    categories = workbook.create_sheet(_("Categories")[:31])
    escape_cell(categories.cell(row=1, column=1), _("Code")).font = HEADER_FONT
    escape_cell(categories.cell(row=1, column=2), _("Name")).font = HEADER_FONT
    escape_cell(categories.cell(row=1, column=3), _("Name in English")).font = HEADER_FONT
    escape_cell(categories.cell(row=1, column=4), _("Parent category")).font = HEADER_FONT
    for letter, width in zip("ABCD", (24, 30, 30, 30), strict=True):
        categories.column_dimensions[letter].width = width
    for row, category in enumerate(pool.programme_categories(programme), start=2):
        escape_cell(categories.cell(row=row, column=1), category.code)
        escape_cell(categories.cell(row=row, column=2), category.name)
        escape_cell(categories.cell(row=row, column=3), category.name_en)
        escape_cell(categories.cell(row=row, column=4), category.parent.name if category.parent_id else "")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Reading -------------------------------------------------------------------------------------------------------


def _plain(value):
    """A cell value as JSON-friendly data: dates as ISO text, numbers as numbers, the rest as text."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    return str(value)


def read_workbook(data: bytes) -> list[dict]:
    """The rows of an uploaded workbook's first sheet below the header, as {"row": number, "cells": [...]}, empty rows
    left out. Refuses a file that is not an xlsx workbook by its content, or one with too many rows."""
    validate_file(data=data, allowed_types=[XLSX], max_mb=MAX_MB, label=_("expert list"))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:
        raise BusinessRuleError(
            _("The workbook cannot be read. Save it again in Excel as .xlsx."), code="corrupt"
        ) from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number == 1:
                continue  # the header
            cells = [_plain(v) for v in values[: len(COLUMNS)]]
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            cells += [None] * (len(COLUMNS) - len(cells))
            rows.append({"row": number, "cells": cells})
            if len(rows) > MAX_ROWS:
                raise BusinessRuleError(
                    _("The list has more than %(max)s experts; split it into several files.") % {"max": MAX_ROWS},
                    code="too_many",
                )
    finally:
        workbook.close()
    if not rows:
        raise BusinessRuleError(_("The workbook has no expert rows below the header."), code="empty")
    return rows


# --- Preview -------------------------------------------------------------------------------------------------------


@dataclass
class PreviewRow:
    row: int
    values: dict
    errors: list[str] = field(default_factory=list)
    action: str = ""
    employer: Unit | None = None
    entry: PoolEntry | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_display_name(str(value))


def _date(value, errors: list[str], label) -> datetime.date | None:
    text = _text(value)
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    errors.append(_("%(label)s: “%(value)s” is not a date (write it as 2026-03-01).") % {"label": label, "value": text})
    return None


def _load(value, errors: list[str]) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_LOAD
    number = None
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not 1 <= number <= pool.MAX_LOAD:
        errors.append(
            _("The maximum load “%(value)s” is not a whole number from 1 to %(max)s.")
            % {"value": _text(value), "max": pool.MAX_LOAD}
        )
        return DEFAULT_LOAD
    return number


class _Lookups:
    """Everything the rows are checked against, read once for the whole file."""

    def __init__(self, programme: Programme, raw_rows: list[dict]):
        self.categories = pool.programme_categories(programme)
        self.category_by_key = {}
        for category in self.categories:
            for key in (category.code, category.name, category.name_en, str(category)):
                if key:
                    self.category_by_key.setdefault(key.strip().lower(), category.code)
        self.entries = {
            entry.expert.user.email.lower(): entry
            for entry in PoolEntry.objects.filter(programme=programme).select_related("expert__user")
        }
        employer_texts = {_text(r["cells"][KEYS.index("employer")]) for r in raw_rows} - {""}
        units = Unit.objects.filter(status=ApprovalStatus.APPROVED).filter(
            Q(credit_code__in={t.upper() for t in employer_texts}) | Q(name__in=employer_texts)
        )
        self.units = {}
        for unit in units.select_related("recommender"):
            self.units[unit.credit_code] = unit
            self.units[unit.name] = unit
        mobiles = {_text(r["cells"][KEYS.index("mobile")]) for r in raw_rows} - {""}
        self.mobile_owner = dict(User.objects.filter(mobile__in=mobiles).values_list("mobile", "email"))


def preview(programme: Programme, raw_rows: list[dict]) -> list[PreviewRow]:
    """Check every row: what is wrong with it, or whether it adds an expert or updates one already in the pool."""
    lookups = _Lookups(programme, raw_rows)
    seen_emails: dict[str, int] = {}
    result = []
    for raw in raw_rows:
        cells = dict(zip(KEYS, raw["cells"], strict=False))
        errors: list[str] = []
        values = {key: _text(cells.get(key)) for key in KEYS}
        if not values["full_name"]:
            errors.append(_("The name is missing."))
        email = values["email"].lower()
        values["email"] = email
        if not email:
            errors.append(_("The email is missing."))
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("“%(value)s” is not a valid email address.") % {"value": email})
            else:
                if email in seen_emails:
                    errors.append(
                        _("The email %(email)s is also in row %(row)s of the file.")
                        % {"email": email, "row": seen_emails[email]}
                    )
                else:
                    seen_emails[email] = raw["row"]
        if values["mobile"]:
            try:
                validate_mobile(values["mobile"])
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                owner = lookups.mobile_owner.get(values["mobile"])
                if owner and owner.lower() != email:
                    errors.append(_("This mobile number belongs to another account."))
        codes = []
        for token in CATEGORY_SEPARATORS.split(values["categories"]):
            token = token.strip()
            if not token:
                continue
            code = lookups.category_by_key.get(token.lower())
            if code is None:
                errors.append(_("Unknown category “%(value)s”.") % {"value": token})
            elif code not in codes:
                codes.append(code)
        values["categories"] = codes
        employer = None
        if values["employer"]:
            employer = lookups.units.get(values["employer"].upper()) or lookups.units.get(values["employer"])
            if employer is None:
                errors.append(
                    _("No approved unit has the credit code or name “%(value)s”.") % {"value": values["employer"]}
                )
        values["max_load"] = _load(cells.get("max_load"), errors)
        labels = dict(COLUMNS)
        available_from = _date(cells.get("available_from"), errors, labels["available_from"])
        available_until = _date(cells.get("available_until"), errors, labels["available_until"])
        if available_from and available_until and available_from > available_until:
            errors.append(_("“Available from” must not be after “available until”."))
        values["available_from"], values["available_until"] = available_from, available_until
        entry = lookups.entries.get(email)
        row = PreviewRow(row=raw["row"], values=values, errors=errors, employer=employer, entry=entry)
        if not errors:
            row.action = Action.UPDATE if entry else Action.ADD
        result.append(row)
    return result


def summary(rows: list[PreviewRow]) -> dict:
    return {
        "added": sum(1 for r in rows if r.action == Action.ADD),
        "updated": sum(1 for r in rows if r.action == Action.UPDATE),
        "errors": sum(1 for r in rows if r.errors),
    }


def plan_of(rows: list[PreviewRow]) -> list[list]:
    """What the confirmation will do, as [row number, action] of the valid rows (kept with the preview)."""
    return [[r.row, r.action] for r in rows if r.ok]


# --- The confirmed import -----------------------------------------------------------------------------------------


@transaction.atomic
def pool_import(*, actor: User, programme: Programme, raw_rows: list[dict], plan: list[list]) -> dict:
    """Save every valid row in one transaction: add the new experts, update those already in the pool. `plan` is what
    the preview showed; when the rows check differently now (the pool or the units changed meanwhile), nothing is
    saved and staff are asked to look at the preview again."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    rows = preview(programme, raw_rows)
    if plan_of(rows) != [list(item) for item in plan]:
        raise BusinessRuleError(
            _("The pool or the units changed since the preview. Upload the file again and check the preview."),
            code="stale",
        )
    allowed = {c.code for c in pool.programme_categories(programme)}
    for row in rows:
        if not row.ok:
            continue
        v = row.values
        if row.action == Action.ADD:
            pool.pool_entry_add(
                actor=actor,
                programme=programme,
                email=v["email"],
                full_name=v["full_name"],
                mobile=v["mobile"] or None,
                organisation_name=v["organisation_name"],
                title=v["title"],
                categories=v["categories"],
                fields=v["fields"],
                employer=row.employer,
                max_load=v["max_load"],
                available_from=v["available_from"],
                available_until=v["available_until"],
                allowed_codes=allowed,
            )
        else:
            pool.pool_entry_change(
                actor=actor,
                entry=row.entry,
                allowed_codes=allowed,
                categories=v["categories"],
                fields=v["fields"],
                employer=row.employer,
                max_load=v["max_load"],
                available_from=v["available_from"],
                available_until=v["available_until"],
            )
    counts = summary(rows)
    audit_record(
        actor=actor,
        obj=programme,
        action="pool.imported",
        changes={
            "added": [None, counts["added"]],
            "updated": [None, counts["updated"]],
            "rows_with_errors": [None, counts["errors"]],
        },
    )
    return counts
