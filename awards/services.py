"""Writes to programmes and editions: create from defaults, copy last year's, extend and adjust."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import audit_record, created, diff, snapshot
from core.exceptions import BusinessRuleError

from . import defaults, selectors
from .models import (
    SOURCE_LANGUAGE,
    AttachmentRequirement,
    Category,
    Edition,
    Phase,
    Programme,
    Question,
    Rubric,
    RubricItem,
)

PROGRAMME_FIELDS = ("code", "name", "name_en", "kind", "applicant_kind", "description", "description_en", "is_active")
# The kinds of figure an activity-statistics field takes (recommenders.services.statistics_save checks them).
STATISTICS_KINDS = ("int", "decimal")

EDITION_RULE_FIELDS = (
    "title",
    "title_en",
    "notice",
    "notice_en",
    "min_members",
    "max_members",
    "group_registered_before_window",
    "max_applications_per_group",
    "max_applications_per_unit",
    "similarity_threshold",
    "unit_quota",
    "recommend_per_unit",
    "recommend_per_unit_category",
    "recommender_total_quota",
)


def _programme_values(programme: Programme, data: dict) -> None:
    for field in PROGRAMME_FIELDS:
        if field in data:
            setattr(programme, field, data[field])
    # Application numbers are printed with the code in capitals (QC-2026-0001): store it that way, so that "qc"
    # and "QC" can never be two programmes whose numbers collide.
    programme.code = (programme.code or "").strip().upper()


@transaction.atomic
def programme_create(*, actor, data: dict) -> Programme:
    """A new programme from `data` (the keys of PROGRAMME_FIELDS), validated by `full_clean`; audited.

    Raises ValidationError for invalid data (a code already taken, an unknown kind)."""
    programme = Programme()
    _programme_values(programme, data)
    programme.full_clean()
    programme.save()
    audit_record(actor=actor, obj=programme, action="programme.created", changes=created(programme, PROGRAMME_FIELDS))
    return programme


@transaction.atomic
def programme_update(*, actor, programme: Programme, data: dict) -> Programme:
    """Change a programme's fields from `data` under a row lock; a no-op writes nothing.

    The code is the prefix of the application numbers: once an edition of the programme has applications it
    is fixed (BusinessRuleError, code "code_locked"). Raises ValidationError for invalid data."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    before = snapshot(programme, PROGRAMME_FIELDS)
    _programme_values(programme, data)
    # Numbers print the code in capitals, so only a change of letters (not of case) changes them.
    if programme.code != before["code"].upper() and selectors.programme_code_locked(programme):
        raise BusinessRuleError(
            _(
                "The code cannot be changed: editions of this programme already have applications, and their "
                "numbers start with %(code)s."
            )
            % {"code": before["code"]},
            code="code_locked",
        )
    kind_changed = (programme.kind, programme.applicant_kind) != (before["kind"], before["applicant_kind"])
    if kind_changed and selectors.programme_code_locked(programme):
        # Forms, co-applicants and who may apply follow the kind: existing applications would no longer fit.
        raise BusinessRuleError(
            _("The kind and who applies cannot be changed: editions of this programme already have applications."),
            code="kind_locked",
        )
    changes = diff(before, programme)
    if not changes:
        return programme
    programme.full_clean()
    programme.save()
    audit_record(actor=actor, obj=programme, action="programme.updated", changes=changes)
    return programme


def local_datetime(year, month, day, hour=0, minute=0) -> datetime.datetime:
    """An aware datetime on the association's wall clock (Asia/Shanghai)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _shift_years(moment: datetime.datetime, years: int) -> datetime.datetime:
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    try:
        return local.replace(year=local.year + years)
    except ValueError:  # 29 February into a common year
        return local.replace(year=local.year + years, day=28)


@transaction.atomic
def edition_create(*, actor, programme: Programme, year: int, title: str = "") -> Edition:
    """A new edition configured from the defaults of its programme kind (used when there is no earlier one)."""
    if Edition.objects.filter(programme=programme, year=year).exists():
        raise BusinessRuleError(_("This programme already has an edition for %(year)s.") % {"year": year})
    edition = Edition.objects.create(
        programme=programme,
        year=year,
        title=title or defaults.edition_title(year, programme.name),
        title_en="" if title else defaults.edition_title_en(year, programme.name_en),
    )
    for kind, start, end in defaults.PHASES:
        Phase.objects.create(
            edition=edition, kind=kind, starts_at=local_datetime(year, *start), ends_at=local_datetime(year, *end)
        )
    rubrics = {}
    for position, (code, name, name_en, children, rubric_code) in enumerate(defaults.CATEGORIES[programme.kind]):
        if rubric_code not in rubrics:
            rubric_name, rubric_name_en, items = defaults.RUBRICS[rubric_code]
            rubric = Rubric.objects.create(edition=edition, name=rubric_name, name_en=rubric_name_en)
            RubricItem.objects.bulk_create(
                RubricItem(
                    rubric=rubric,
                    code=item_code,
                    name=item_name,
                    name_en=item_name_en,
                    max_points=points,
                    description=text,
                    description_en=text_en,
                    position=i,
                )
                for i, (item_code, item_name, item_name_en, points, text, text_en) in enumerate(items)
            )
            rubrics[rubric_code] = rubric
        parent = Category.objects.create(
            edition=edition, code=code, name=name, name_en=name_en, rubric=rubrics[rubric_code], position=position
        )
        for sub_position, (sub_code, sub_name, sub_name_en) in enumerate(children):
            Category.objects.create(
                edition=edition,
                parent=parent,
                code=f"{code}_{sub_code}",
                name=sub_name,
                name_en=sub_name_en,
                rubric=rubrics[rubric_code],
                position=sub_position,
            )
    questions = [(q, True) for q in defaults.BASE_QUESTIONS]
    questions += [(q, False) for q in defaults.PROGRAMME_QUESTIONS.get(programme.kind, [])]
    Question.objects.bulk_create(
        Question(edition=edition, is_base=is_base, position=i, **spec) for i, (spec, is_base) in enumerate(questions)
    )
    AttachmentRequirement.objects.bulk_create(
        AttachmentRequirement(edition=edition, position=i, **spec)
        for i, spec in enumerate(defaults.ATTACHMENTS.get(programme.kind, defaults.DEFAULT_ATTACHMENTS))
    )
    audit_record(actor=actor, obj=edition, action="edition.created", changes=created(edition, ["programme", "year"]))
    return edition


@transaction.atomic
def edition_copy(*, actor, source: Edition, year: int, title: str = "") -> Edition:
    """Copy an edition into another year: rules, quotas, categories, rubrics, questions, attachments, and the
    schedule moved by whole years (so 12 July 22:00 stays 12 July 22:00). Staff then adjust the dates."""
    if Edition.objects.filter(programme=source.programme, year=year).exists():
        raise BusinessRuleError(_("This programme already has an edition for %(year)s.") % {"year": year})
    years = year - source.year
    edition = Edition.objects.get(pk=source.pk)
    edition.pk = edition.id = None
    edition._state.adding = True
    edition.year = year
    edition.title = title or source.title.replace(str(source.year), str(year))
    edition.title_en = "" if title else source.title_en.replace(str(source.year), str(year))
    edition.copied_from = source
    edition.save()
    for phase in source.phases.all():
        Phase.objects.create(
            edition=edition,
            kind=phase.kind,
            starts_at=_shift_years(phase.starts_at, years),
            ends_at=_shift_years(phase.ends_at, years),
        )
    rubric_map = {}
    for rubric in source.rubrics.prefetch_related("items"):
        copy = Rubric.objects.create(edition=edition, name=rubric.name, name_en=rubric.name_en)
        RubricItem.objects.bulk_create(
            RubricItem(
                rubric=copy,
                code=i.code,
                name=i.name,
                name_en=i.name_en,
                description=i.description,
                description_en=i.description_en,
                max_points=i.max_points,
                position=i.position,
            )
            for i in rubric.items.all()
        )
        rubric_map[rubric.pk] = copy
    category_map = {}
    # Parents (parent_id null) first: PostgreSQL sorts nulls last unless told otherwise.
    for category in source.categories.order_by(F("parent_id").asc(nulls_first=True), "position", "id"):
        category_map[category.pk] = Category.objects.create(
            edition=edition,
            code=category.code,
            name=category.name,
            name_en=category.name_en,
            position=category.position,
            parent=category_map.get(category.parent_id),
            rubric=rubric_map.get(category.rubric_id),
        )
    Question.objects.bulk_create(
        Question(
            edition=edition,
            code=q.code,
            label=q.label,
            label_en=q.label_en,
            help_text=q.help_text,
            help_text_en=q.help_text_en,
            kind=q.kind,
            required=q.required,
            choices=q.choices,
            choices_en=q.choices_en,
            max_length=q.max_length,
            min_value=q.min_value,
            max_value=q.max_value,
            on_or_after=q.on_or_after,
            is_base=q.is_base,
            position=q.position,
        )
        for q in source.questions.all()
    )
    AttachmentRequirement.objects.bulk_create(
        AttachmentRequirement(
            edition=edition,
            code=a.code,
            name=a.name,
            name_en=a.name_en,
            help_text=a.help_text,
            help_text_en=a.help_text_en,
            required=a.required,
            allowed_types=a.allowed_types,
            max_size_mb=a.max_size_mb,
            position=a.position,
        )
        for a in source.attachment_requirements.all()
    )
    audit_record(
        actor=actor,
        obj=edition,
        action="edition.copied",
        changes={"copied_from": [None, source.pk], "year": [None, year]},
    )
    return edition


@transaction.atomic
def edition_update(*, actor, edition: Edition, data: dict) -> Edition:
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    before = snapshot(edition, EDITION_RULE_FIELDS)
    for field in EDITION_RULE_FIELDS:
        if field in data:
            setattr(edition, field, data[field])
    edition.full_clean()
    edition.save()
    changes = diff(before, edition)
    if changes:
        audit_record(actor=actor, obj=edition, action="edition.updated", changes=changes)
    return edition


@transaction.atomic
def phases_save(*, actor, edition: Edition, formset) -> None:
    """Save the schedule from a validated formset; every date change is audited on the edition."""
    changes = {}
    # The forms have already written the new values onto their instances: read the old ones from the database.
    before = {phase.pk: str(phase) for phase in Phase.objects.filter(edition=edition)}
    for form in formset.forms:
        if not form.has_changed() or not form.cleaned_data:
            continue
        if form.cleaned_data.get("DELETE") and form.instance.pk:
            changes[form.instance.kind] = [before.get(form.instance.pk), None]
            form.instance.delete()
            continue
        old = before.get(form.instance.pk)
        phase = form.save(commit=False)
        phase.edition = edition
        phase.save()
        changes[phase.kind] = [old, str(phase)]
    if changes:
        audit_record(actor=actor, obj=edition, action="edition.schedule_changed", changes=changes)


def categories_in_use(categories) -> dict:
    """{category: number of applications (any status, drafts included) filed under it or under it as sub-type}."""
    from django.apps import apps
    from django.db.models import Q

    application_model = apps.get_model("applications", "Application")
    used = {}
    for category in categories:
        count = application_model.objects.filter(Q(category=category) | Q(subtype=category)).count()
        if count:
            used[category] = count
    return used


def category_delete_check(categories) -> None:
    """Refuse deleting categories that applications use, naming each and how many use it."""
    used = categories_in_use(categories)
    if used:
        raise BusinessRuleError(
            " ".join(
                ngettext(
                    "“%(category)s” cannot be deleted: %(count)d application uses it. Keep it (you may rename it), "
                    "or have that application moved to another category first.",
                    "“%(category)s” cannot be deleted: %(count)d applications use it. Keep it (you may rename it), "
                    "or have those applications moved to another category first.",
                    count,
                )
                % {"category": category, "count": count}
                for category, count in used.items()
            ),
            code="category_in_use",
        )


def _row_name(row) -> str:
    """A row as the audit log records it: in its own (Chinese) texts, whatever language the page is in."""
    with translation.override(SOURCE_LANGUAGE):
        return str(row)


@transaction.atomic
def config_rows_save(*, actor, edition: Edition, formset, action: str) -> None:
    """Save questions or attachment requirements from a validated formset, audited on the edition."""
    names = []
    for form in formset.forms:
        if not form.has_changed() or not form.cleaned_data:
            continue
        if form.cleaned_data.get("DELETE"):
            if form.instance.pk:
                names.append(f"- {_row_name(form.instance)}")
                form.instance.delete()
            continue
        row = form.save(commit=False)
        row.edition = edition
        row.save()
        names.append(_row_name(row))
    if names:
        audit_record(actor=actor, obj=edition, action=action, changes={"rows": [None, names]})


def _statistics_field(raw: dict) -> dict:
    field = {
        "code": str(raw.get("code", "")).strip(),
        "label": str(raw.get("label", "")).strip(),
        "kind": str(raw.get("kind", "")).strip(),
    }
    validate_slug(field["code"])
    if not field["label"]:
        raise BusinessRuleError(_("Each field needs a label."), code="statistics_fields")
    if field["kind"] not in STATISTICS_KINDS:
        raise BusinessRuleError(
            _("“%(label)s”: the kind must be a whole number or a decimal.") % {"label": field["label"]},
            code="statistics_fields",
        )
    return field


@transaction.atomic
def edition_statistics_fields_save(*, actor, edition: Edition, fields: list[dict]) -> Edition:
    """Replace the fields of the edition's activity statistics (活动统计表) with `fields`, in that order: a
    list of {code, label, kind}, kind "int" or "decimal". Locks the edition; a no-op writes nothing; audited
    with the fields added, removed or changed (old and new) and the order when it changed.

    Recommenders' figures are stored under the codes, so a code for which a recommender has already reported a
    figure cannot be removed (or renamed): BusinessRuleError, code "statistics_reported". Repeated codes are
    refused too (code "statistics_fields"); ValidationError for a code that is not a slug."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    new = [_statistics_field(raw) for raw in fields]
    codes = [field["code"] for field in new]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise BusinessRuleError(
            _("Each code may be used only once: %(codes)s is repeated.") % {"codes": "、".join(repeated)},
            code="statistics_fields",
        )
    old = list(edition.statistics_fields or [])
    if new == old:
        return edition
    removed = {field["code"] for field in old} - set(codes)
    reported = selectors.edition_reported_statistics_codes(edition) & removed
    if reported:
        labels = [f"“{field['label']}” ({field['code']})" for field in old if field["code"] in reported]
        raise BusinessRuleError(
            _(
                "Not saved: recommending organisations have already reported figures for %(fields)s. Keep these "
                "fields and their codes; you may still change their labels."
            )
            % {"fields": "、".join(labels)},
            code="statistics_reported",
        )
    edition.statistics_fields = new
    edition.full_clean()
    edition.save(update_fields=["statistics_fields", "updated_at"])
    audit_record(
        actor=actor, obj=edition, action="edition.statistics_fields_changed", changes=_statistics_changes(old, new)
    )
    return edition


def _statistics_changes(old: list[dict], new: list[dict]) -> dict:
    """{code: [old "label (kind)" or None, new or None]} for each field added, removed or changed, and
    {"(order)": [old codes, new codes]} when the fields kept changed places: readable in the audit log."""
    before = {field["code"]: f"{field['label']} ({field['kind']})" for field in old}
    after = {field["code"]: f"{field['label']} ({field['kind']})" for field in new}
    codes = [*before, *(code for code in after if code not in before)]
    changes = {code: [before.get(code), after.get(code)] for code in codes if before.get(code) != after.get(code)}
    if [code for code in before if code in after] != [code for code in after if code in before]:
        changes["(order)"] = [list(before), list(after)]
    return changes
