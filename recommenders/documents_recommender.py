"""The recommender's hand-in tables: 推荐表 (recommendation table), 评审汇总表 (review summary), 活动统计表 (activity
statistics), as Excel and PDF, owned by the `Dossier` of one recommender and edition.

Two steps, so each can be timed and tested alone (bench/bench_recommendation_table.py):
1. reads: `table_meta`, `recommendation_rows`, `review_summary` turn the database into plain frozen rows;
2. builders: `recommendation_table_xlsx(meta, rows)` ... are pure functions from those rows to bytes.

A document's version is a digest of the rows it prints, so a table is rebuilt exactly when a number, a rank, a
decision or a name in it changed, and asking again for an unchanged table returns the same file.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from applications.enums import Action, Status, status_sets
from awards import scores
from documents import registry
from documents.excel import build_table_workbook
from documents.pdf import render_pdf

from . import selectors
from .enums import EndorsementLevel, HandInKind
from .models import Dossier, Endorsement, Evaluation

PERMISSION = "recommenders.view_dossier"
RECOMMENDATION_TABLE_XLSX = "recommendation_table_xlsx"
RECOMMENDATION_TABLE_PDF = "recommendation_table_pdf"
REVIEW_SUMMARY_XLSX = "review_summary_xlsx"
REVIEW_SUMMARY_PDF = "review_summary_pdf"
ACTIVITY_STATISTICS_XLSX = "activity_statistics_xlsx"

# openpyxl's write-only mode streams rows instead of keeping every cell object; measured by the bench, it pays
# off only for long tables, so shorter ones keep the normal mode.
WRITE_ONLY_ROWS = 5000

RECOMMENDATION_HEADERS = [
    "序号",
    "申报编号",
    "成果名称/课题",
    "小组名称",
    "申报单位",
    "课题类型",
    "单位自评分",
    "推荐单位评审均分",
    "排名",
    "推荐意见",
]
RECOMMENDATION_WIDTHS = [6, 16, 40, 22, 32, 12, 10, 12, 6, 40]
# 联合推荐: when a row is recommended jointly, the table gains this column after 申报单位 (every organisation, the
# lead first); a table without a joint recommendation keeps its usual columns.
JOINT_HEADER = "联合推荐单位"
JOINT_AFTER = RECOMMENDATION_HEADERS.index("申报单位") + 1
JOINT_WIDTH = 28
# The decisions as the recommender's page words them (the Action labels: 推荐 / 不予推荐), in Chinese.
DECISION_ACTIONS = {Status.RECOMMENDED: Action.RECOMMEND, Status.DECLINED: Action.DECLINE}
UNDECIDED_TEXT = "待定"
# What the review summary lists: everything the recommender reviewed and has not sent back.
REVIEWED_STATUSES = tuple(s for s in Status if s in status_sets().recommender_desk)


@dataclass(frozen=True)
class TableMeta:
    recommender: str
    edition: str
    year: int

    def title(self, what: str) -> str:
        return f"{self.edition} {what}（推荐单位：{self.recommender}）"


@dataclass(frozen=True)
class RecommendationRow:
    number: str
    title: str
    group: str
    unit: str
    category: str
    self_total: Decimal | None
    reviewer_mean: Decimal | None
    rank: int | None
    opinion: str
    # 联合推荐: every recommending organisation, the lead first, "、"-joined; empty when the lead recommends alone.
    joint: str = ""


@dataclass(frozen=True)
class ReviewRow:
    number: str
    title: str
    unit: str
    category: str
    totals: tuple[Decimal | None, ...]  # one per reviewer, in the order of ReviewSummary.reviewers
    mean: Decimal | None
    rank: int | None
    decision: str


@dataclass(frozen=True)
class ReviewSummary:
    reviewers: tuple[str, ...]
    rows: tuple[ReviewRow, ...]


@dataclass(frozen=True)
class StatisticsTable:
    labels: tuple[str, ...]
    values: tuple[Decimal | int | None, ...]


def decision_text(status: str) -> str:
    """推荐 / 不予推荐 / 待定: the label of the decision's action (what the page's buttons say), in Chinese."""
    action = DECISION_ACTIONS.get(status)
    if action is None:
        return UNDECIDED_TEXT if status == Status.ENDORSED else ""
    with translation.override("zh-hans"):
        return str(action.label)


def category_text(application) -> str:
    """The category with its sub-type, as the application names them: 问题解决型·现场型."""
    if application.subtype_id:
        return f"{application.category.name}·{application.subtype.name}"
    return application.category.name


# --- Reads --------------------------------------------------------------------------------------------------------


def table_meta(dossier: Dossier) -> TableMeta:
    return TableMeta(recommender=dossier.recommender.name, edition=dossier.edition.title, year=dossier.edition.year)


def _queue(dossier: Dossier, statuses):
    opinion = Subquery(
        Endorsement.objects.filter(application=OuterRef("pk"), level=EndorsementLevel.RECOMMENDER).values("opinion")[:1]
    )
    return (
        selectors.recommender_queue(dossier.recommender, edition=dossier.edition)
        .filter(status__in=statuses)
        .annotate(recommender_opinion=opinion)
    )


def recommendation_rows(dossier: Dossier) -> list[RecommendationRow]:
    """The recommended applications, by category and rank: three queries (the rows, then `recommender_names` for
    联合推荐). 排名 is the place among the recommended applications of the category, in the order of the
    organisation's ranking (1..k: the best recommended is 1 even when a better-ranked application was not
    recommended; the review summary shows the full ranking)."""
    rows, places = [], {}
    applications = list(_queue(dossier, [Status.RECOMMENDED]))
    names = selectors.recommender_names(a.pk for a in applications) if applications else {}
    for a in applications:
        joint = names.get(a.pk, [])
        place = None
        if a.rank is not None:
            place = places[a.category_id] = places.get(a.category_id, 0) + 1
        rows.append(
            RecommendationRow(
                number=a.number or "",
                title=a.title,
                group=a.group.name if a.group_id else "",
                unit=a.unit.name,
                category=category_text(a),
                self_total=a.self_total,
                reviewer_mean=scores.round_half_up(a.reviewer_mean),
                rank=place,
                opinion=a.recommender_opinion or decision_text(Status.RECOMMENDED),
                joint="、".join(joint) if len(joint) > 1 else "",
            )
        )
    return rows


def review_summary(dossier: Dossier) -> ReviewSummary:
    """Every reviewed application with each reviewer's total: two queries."""
    applications = list(_queue(dossier, REVIEWED_STATUSES))
    sheets = (
        Evaluation.objects.filter(
            application__in=[a.pk for a in applications],
            level=EndorsementLevel.RECOMMENDER,
            recommender=dossier.recommender,
        )
        .values_list("application_id", "reviewer_id", "reviewer__full_name", "reviewer__email", "total")
        .order_by("reviewer__full_name", "reviewer_id")
    )
    reviewers: dict[int, str] = {}
    totals: dict[tuple[int, int], Decimal] = {}
    for application_id, reviewer_id, name, email, total in sheets:
        reviewers.setdefault(reviewer_id, name or email)
        totals[(application_id, reviewer_id)] = total
    order = list(reviewers)
    rows = tuple(
        ReviewRow(
            number=a.number or "",
            title=a.title,
            unit=a.unit.name,
            category=category_text(a),
            totals=tuple(totals.get((a.pk, r)) for r in order),
            mean=scores.round_half_up(a.reviewer_mean),
            rank=a.rank,
            decision=decision_text(a.status),
        )
        for a in applications
    )
    return ReviewSummary(reviewers=tuple(reviewers[r] for r in order), rows=rows)


def statistics_table(dossier: Dossier) -> StatisticsTable:
    fields = dossier.edition.statistics_fields or []
    values = []
    for field in fields:
        value = (dossier.statistics or {}).get(field["code"])
        if value is not None and field.get("kind") != "int":
            value = Decimal(str(value))
        values.append(value)
    return StatisticsTable(labels=tuple(f["label"] for f in fields), values=tuple(values))


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def recommendation_version(dossier: Dossier) -> str:
    return _digest(table_meta(dossier), recommendation_rows(dossier))


def review_version(dossier: Dossier) -> str:
    return _digest(table_meta(dossier), review_summary(dossier))


def statistics_version(dossier: Dossier) -> str:
    return _digest(table_meta(dossier), statistics_table(dossier))


# --- Builders (pure) ----------------------------------------------------------------------------------------------


def has_joint(rows: Sequence[RecommendationRow]) -> bool:
    return any(r.joint for r in rows)


def recommendation_headers(rows: Sequence[RecommendationRow]) -> list[str]:
    if not has_joint(rows):
        return RECOMMENDATION_HEADERS
    return [*RECOMMENDATION_HEADERS[:JOINT_AFTER], JOINT_HEADER, *RECOMMENDATION_HEADERS[JOINT_AFTER:]]


def _recommendation_widths(rows: Sequence[RecommendationRow]) -> list[int]:
    if not has_joint(rows):
        return RECOMMENDATION_WIDTHS
    return [*RECOMMENDATION_WIDTHS[:JOINT_AFTER], JOINT_WIDTH, *RECOMMENDATION_WIDTHS[JOINT_AFTER:]]


def _recommendation_cells(rows: Sequence[RecommendationRow]):
    joint = has_joint(rows)
    for index, r in enumerate(rows, start=1):
        cells = [index, r.number, r.title, r.group, r.unit]
        cells += [r.joint] if joint else []
        cells += [r.category, r.self_total, r.reviewer_mean, r.rank, r.opinion]
        yield cells


def recommendation_table_xlsx(meta: TableMeta, rows: Sequence[RecommendationRow]) -> bytes:
    return build_table_workbook(
        title=meta.title("成果推荐表"),
        headers=recommendation_headers(rows),
        rows=list(_recommendation_cells(rows)),
        column_widths=_recommendation_widths(rows),
        sheet_title="推荐表",
        write_only=len(rows) > WRITE_ONLY_ROWS,
    )


def recommendation_table_pdf(meta: TableMeta, rows: Sequence[RecommendationRow]) -> bytes:
    return render_pdf(
        "recommenders/recommendation_table_pdf.html",
        {
            "meta": meta,
            "title": meta.title("成果推荐表"),
            "headers": recommendation_headers(rows),
            "rows": rows,
            "joint": has_joint(rows),
        },
    )


def review_headers(summary: ReviewSummary) -> list[str]:
    return [
        "序号",
        "申报编号",
        "成果名称/课题",
        "申报单位",
        "课题类型",
        *(f"评委{i}：{name}" for i, name in enumerate(summary.reviewers, start=1)),
        "评审均分",
        "排名",
        "推荐结论",
    ]


def _review_cells(summary: ReviewSummary):
    for index, r in enumerate(summary.rows, start=1):
        yield [index, r.number, r.title, r.unit, r.category, *r.totals, r.mean, r.rank, r.decision]


def review_summary_xlsx(meta: TableMeta, summary: ReviewSummary) -> bytes:
    widths = [6, 16, 40, 32, 12, *(12 for _ in summary.reviewers), 10, 6, 10]
    return build_table_workbook(
        title=meta.title("成果评审汇总表"),
        headers=review_headers(summary),
        rows=list(_review_cells(summary)),
        column_widths=widths,
        sheet_title="评审汇总表",
        write_only=len(summary.rows) > WRITE_ONLY_ROWS,
    )


def review_summary_pdf(meta: TableMeta, summary: ReviewSummary) -> bytes:
    # Fixed column widths (percent of the landscape page): the reviewers share up to 32 %, the title the rest.
    reviewers = len(summary.reviewers)
    reviewer_width = min(8, 32 / reviewers) if reviewers else 0
    return render_pdf(
        "recommenders/review_summary_pdf.html",
        {
            "meta": meta,
            "title": meta.title("成果评审汇总表"),
            "headers": review_headers(summary),
            "summary": summary,
            "reviewer_width": f"{reviewer_width:.2f}",
            "title_width": f"{47 - reviewer_width * reviewers:.2f}",
        },
    )


def activity_statistics_xlsx(meta: TableMeta, table: StatisticsTable) -> bytes:
    rows = [
        [index, label, value]
        for index, (label, value) in enumerate(zip(table.labels, table.values, strict=True), start=1)
    ]
    return build_table_workbook(
        title=meta.title("质量管理小组活动统计表"),
        headers=["序号", "统计项目", "数值"],
        rows=rows,
        column_widths=[6, 44, 16],
        sheet_title="活动统计表",
    )


# Which document each generated hand-in is: the hand-in stores the bytes of that document at the time.
HANDIN_DOCUMENTS = {
    HandInKind.RECOMMENDATION_TABLE: RECOMMENDATION_TABLE_XLSX,
    HandInKind.RECOMMENDATION_TABLE_PDF: RECOMMENDATION_TABLE_PDF,
    HandInKind.REVIEW_SUMMARY: REVIEW_SUMMARY_XLSX,
    HandInKind.REVIEW_SUMMARY_PDF: REVIEW_SUMMARY_PDF,
    HandInKind.ACTIVITY_STATISTICS: ACTIVITY_STATISTICS_XLSX,
}


def handin_document_kind(kind: str) -> str | None:
    return HANDIN_DOCUMENTS.get(kind)


# --- Registration -------------------------------------------------------------------------------------------------


def _filename(what: str, extension: str):
    def name(dossier: Dossier) -> str:
        return f"{dossier.edition.year}-{dossier.recommender.name}-{what}.{extension}"

    return name


_KINDS = [
    (
        RECOMMENDATION_TABLE_XLSX,
        _("Recommendation table (Excel)"),
        lambda d, _doc: recommendation_table_xlsx(table_meta(d), recommendation_rows(d)),
        _filename("成果推荐表", "xlsx"),
        registry.XLSX,
        recommendation_version,
    ),
    (
        RECOMMENDATION_TABLE_PDF,
        _("Recommendation table (PDF)"),
        lambda d, _doc: recommendation_table_pdf(table_meta(d), recommendation_rows(d)),
        _filename("成果推荐表", "pdf"),
        registry.PDF,
        recommendation_version,
    ),
    (
        REVIEW_SUMMARY_XLSX,
        _("Review summary (Excel)"),
        lambda d, _doc: review_summary_xlsx(table_meta(d), review_summary(d)),
        _filename("成果评审汇总表", "xlsx"),
        registry.XLSX,
        review_version,
    ),
    (
        REVIEW_SUMMARY_PDF,
        _("Review summary (PDF)"),
        lambda d, _doc: review_summary_pdf(table_meta(d), review_summary(d)),
        _filename("成果评审汇总表", "pdf"),
        registry.PDF,
        review_version,
    ),
    (
        ACTIVITY_STATISTICS_XLSX,
        _("Activity statistics (Excel)"),
        lambda d, _doc: activity_statistics_xlsx(table_meta(d), statistics_table(d)),
        _filename("活动统计表", "xlsx"),
        registry.XLSX,
        statistics_version,
    ),
]

for _kind, _label, _build, _name, _mime, _version in _KINDS:
    registry.register(
        _kind,
        label=_label,
        model="recommenders.Dossier",
        build=_build,
        filename=_name,
        mime_type=_mime,
        permission=PERMISSION,
        scope=selectors.dossiers_visible_to,
        version=_version,
    )
