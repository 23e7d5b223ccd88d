"""Reads for the applicant channel and staff lists, scoped to the user; and the counts behind the per-group and
per-unit application limits (one function each, used by `services.application_problems` under the submission's
row locks and by the dashboards' "n of N used")."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import dateformat, timezone, translation

from accounts.enums import ApprovalStatus
from awards.enums import ApplicantKind, PhaseKind, QuestionKind
from awards.models import Edition
from awards.selectors import edition_setup
from core import roles

from . import visibility
from .answers import as_date, as_number, figure, normalise_text
from .enums import Status, status_sets
from .models import Application, Attachment

LIST_RELATED = ("edition__programme", "category", "subtype", "group", "unit", "unit__recommender")


def applications_visible_to(user) -> QuerySet[Application]:
    """Every application the user may open: staff all; others by the registered visibility rules (the same rules
    as `applications.view_application`, see applications.visibility)."""
    qs = Application.objects.select_related(*LIST_RELATED)
    if roles.is_staff(user):
        return qs
    return qs.filter(visibility.visible_filter(user))


def application_for(user, pk) -> Application:
    """Fetch and scope in one step: a pk outside the user's reach is a 404, not a leak. The edition comes with
    its programme, phases, questions and attachment requirements (`awards.selectors.edition_setup`, shared by
    every application of the edition and cached); the attachments, and the co-applicants where the programme
    takes them, are prefetched. One row is checked with the visibility rules' `sees` (the same rules as the
    lists' `scope`, tests/applications/test_visibility_registry.py): cheaper than planning their OR in SQL."""
    application = (
        Application.objects.select_related(*(name for name in LIST_RELATED if not name.startswith("edition")))
        .filter(pk=pk)
        .first()
    )
    if application is None or not (roles.is_staff(user) or visibility.may_see(user, application)):
        raise Http404
    application.edition = edition_setup(application.edition_id)
    lookups = [Prefetch("attachments", queryset=Attachment.objects.select_related("requirement", "uploaded_by"))]
    if application.edition.programme.accepts_co_applicants:
        lookups.append("co_applicants")
    prefetch_related_objects([application], *lookups)
    return application


def applications_of_group(group) -> QuerySet[Application]:
    return (
        Application.objects.filter(group=group)
        .exclude(status=Status.WITHDRAWN)
        .select_related(*LIST_RELATED)
        .prefetch_related("edition__phases")
        .order_by("-edition__year", "-id")
    )


def applications_of_unit_as_applicant(unit) -> QuerySet[Application]:
    return (
        Application.objects.filter(unit=unit, group__isnull=True)
        .exclude(status=Status.WITHDRAWN)
        .select_related(*LIST_RELATED)
        .prefetch_related("edition__phases")
        .order_by("-edition__year", "-id")
    )


def open_editions_for(applicant_kind: str) -> list[Edition]:
    """Editions whose application window is open now, for groups or for units (and consortia)."""
    now = timezone.now()
    kinds = (
        [ApplicantKind.GROUP]
        if applicant_kind == ApplicantKind.GROUP
        else [ApplicantKind.UNIT, ApplicantKind.CONSORTIUM]
    )
    return list(
        Edition.objects.filter(
            programme__applicant_kind__in=kinds,
            programme__is_active=True,
            phases__kind=PhaseKind.APPLICATION,
            phases__starts_at__lte=now,
            phases__ends_at__gt=now,
        )
        .select_related("programme")
        .prefetch_related("phases")
        .order_by("programme__code")
    )


def group_may_apply(group) -> bool:
    return group.status == ApprovalStatus.APPROVED and group.unit.status == ApprovalStatus.APPROVED


def current_attachments(application: Application) -> dict[int, Attachment]:
    """The current file per requirement id, from the prefetched attachments."""
    return {a.requirement_id: a for a in application.attachments.all() if a.is_current}


def staff_applications(*, edition=None, status: str = "", search: str = "") -> QuerySet[Application]:
    """Every application, filtered, ordered by number. The rows join only what they show: each further join
    multiplies PostgreSQL's planning time for an ORDER BY ... LIMIT over many rows (8 tables: ~10 ms, 6: ~2 ms)."""
    qs = Application.objects.select_related(*STAFF_LIST_RELATED)
    if edition is not None:
        qs = qs.filter(edition=edition)
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(
            Q(number__icontains=search)
            | Q(title__icontains=search)
            | Q(unit__name__icontains=search)
            | Q(group__name__icontains=search)
        )
    return qs.only(*STAFF_LIST_FIELDS).order_by("number", "id")


STAFF_LIST_RELATED = ("category", "subtype", "group", "unit", "unit__recommender")
STAFF_LIST_FIELDS = (
    "number",
    "title",
    "status",
    "submitted_at",
    "similar_topics",
    "deadline_extended_until",
    "edition_id",
    "category__name",
    "category__name_en",
    "subtype__name",
    "subtype__name_en",
    "group__name",
    "unit__name",
    "unit__recommender__name",
)


# --- Limits -------------------------------------------------------------------------------------------------------

LIMIT_GROUP = "group"
LIMIT_UNIT = "unit"


@dataclass(frozen=True)
class LimitUse:
    """One application limit of an edition: how many places are used of how many."""

    kind: str
    limit: int
    used: int

    @property
    def full(self) -> bool:
        return self.used >= self.limit


def group_applications_used(edition, group_id: int, *, excluding: int | None = None) -> int:
    """The places of the per-group limit (`Edition.max_applications_per_group`) used: the group's applications in
    the edition that were submitted and not withdrawn (a draft holds no place). `excluding`: the application
    being submitted, which never takes a place from itself (a returned one already holds one)."""
    qs = Application.objects.filter(edition=edition, group_id=group_id, status__in=status_sets().counts_for_limits)
    return (qs.exclude(pk=excluding) if excluding else qs).count()


def unit_applications_used(edition, unit_id: int, *, excluding: int | None = None) -> int:
    """The places of the per-unit limit (`Edition.max_applications_per_unit`) used: the unit's applications in the
    edition (its own and its groups') that were submitted and not withdrawn. `excluding` as above."""
    qs = Application.objects.filter(edition=edition, unit_id=unit_id, status__in=status_sets().counts_for_limits)
    return (qs.exclude(pk=excluding) if excluding else qs).count()


def application_limits(edition, *, group=None, unit=None) -> list[LimitUse]:
    """The edition's application limits that bind a group (and its unit) or a unit, with the places used: what a
    dashboard shows as "n of N used", counted as the submission counts them."""
    uses = []
    if group is not None and edition.max_applications_per_group:
        uses.append(
            LimitUse(LIMIT_GROUP, edition.max_applications_per_group, group_applications_used(edition, group.pk))
        )
    unit_id = group.unit_id if group is not None else (unit.pk if unit is not None else None)
    if unit_id is not None and edition.max_applications_per_unit:
        uses.append(LimitUse(LIMIT_UNIT, edition.max_applications_per_unit, unit_applications_used(edition, unit_id)))
    return uses


# --- Answers as every page and the PDF show them ------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    """One question of the application form and its answer, formatted for reading.

    `value` is the answer as text ("" when unanswered): a number without trailing zeros, a date in the reader's
    language (2024年3月5日 / 2024-03-05), a choice by its name, a text with its line breaks ("\\n"). `members` holds
    the rows of a member table, `attachment` the current file of a file question (its name is the value)."""

    code: str
    label: str
    kind: str
    value: str
    long: bool = False
    members: tuple = ()
    attachment: Attachment | None = None


def _answer_date(value) -> str:
    date = as_date(value)
    if date is None:
        return str(value)
    chinese = (translation.get_language() or "").startswith("zh")
    return dateformat.format(date, "Y年n月j日" if chinese else "Y-m-d")


def _answer_text(question, value) -> str:
    if value in (None, "", []):
        return ""
    if question.kind == QuestionKind.NUMBER:
        number = as_number(value)
        return figure(number) if number is not None else str(value)
    if question.kind == QuestionKind.DATE:
        return _answer_date(value)
    if question.kind == QuestionKind.CHOICE:
        return str(question.choice_label(value))
    return normalise_text(str(value))


def answer_rows(application: Application, *, attachments=None) -> list[AnswerRow]:
    """The application's answers, one row per question of its edition in the form's order, formatted in the active
    language. The group, unit and recommender pages render them with templates/applications/_answers.html and the
    application PDF prints the same rows. `attachments`: the current files (default: the prefetched current ones)."""
    if attachments is None:
        attachments = [a for a in application.attachments.all() if a.is_current]
    by_code = {a.requirement.code: a for a in attachments}
    answers = application.answers or {}
    rows = []
    for question in application.edition.questions.all():
        value = answers.get(question.code)
        attachment = by_code.get(question.code) if question.kind == QuestionKind.FILE else None
        members = ()
        if question.kind == QuestionKind.MEMBER_TABLE:
            members = tuple(m for m in value or [] if isinstance(m, dict))
            text = ""
        elif question.kind == QuestionKind.FILE:
            text = attachment.original_name if attachment else ""
        else:
            text = _answer_text(question, value)
        rows.append(
            AnswerRow(
                code=question.code,
                label=str(question.localized("label")),
                kind=question.kind,
                value=text,
                long=question.kind == QuestionKind.LONG_TEXT,
                members=members,
                attachment=attachment,
            )
        )
    return rows
