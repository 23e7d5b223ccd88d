"""Document kinds of the association's review (imported by `ReviewsConfig.ready`). Each part keeps its block.

# presentation
出场顺序表 (the session's running sheet: order, number, topic, group, unit, time slot) and 评委评分表 (one page per
judge with the rubric's items and a blank column per presentation; a conflicted judge's row says 回避), owned by the
`PresentationSession`, PDF, staff only. Built from `presentation.session_slots` and the round's current rubric.

# results
评审汇总表 (the round's review summary), owned by the `ReviewRound`, in Excel and PDF: one row per application with
its numbers, title, category, each expert's score (expert names or codes E01.. as staff choose: the round's
`summary_shows_names`, always names in an open round), the result, standard deviation, rank and flags. Staff only.

Two steps like the recommender's tables: `round_results` (reads) → pure builders `summary_xlsx(results, ...)` /
`summary_pdf(results, ...)`. The Excel streams (openpyxl write-only) and stores every text through the
formula-injection escape (`documents.excel.escape_cell`). The document's version is a digest of the printed rows
and of the names/codes choice, so changing either makes the next request rebuild.
"""

import hashlib
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from documents import registry
from documents.excel import build_table_workbook
from documents.pdf import render_pdf

# --- results ------------------------------------------------------------------------------------------------------

ROUND_SUMMARY_XLSX = "round_review_summary"
ROUND_SUMMARY_PDF = "round_review_summary_pdf"
RESULTS_PERMISSION = "reviews.view_results"
FLAG_TEXT = {"outlier": "评分离群", "incomplete": "评分未齐"}


def summary_shows_names(round_) -> bool:
    """Expert names in the summary: always in an open (not blind) round; in a blind round as staff chose."""
    return not round_.blind or round_.summary_shows_names


def summary_title(round_) -> str:
    return f"{round_.edition.title} {round_.name} 评审汇总表"


def expert_label(expert, shows_names: bool) -> str:
    return f"{expert.code} {expert.name}" if shows_names else expert.code


def flags_text(flags) -> str:
    return "、".join(FLAG_TEXT.get(flag, flag) for flag in flags)


def summary_headers(results) -> list[str]:
    headers = ["序号", "申报编号", "评审编号", "成果名称/课题", "课题类型"]
    for i in range(1, results.max_marks + 1):
        headers += [f"专家{i}", f"专家{i}评分"]
    headers += ["评审结果", "标准差", "排名"]
    if results.round.normalise:
        headers.append("标准化结果")
    headers.append("标记")
    return headers


def summary_cells(results, shows_names: bool) -> Iterator[list]:
    """The body rows as plain values: numbers stay Decimals, missing figures are None."""
    width = results.max_marks
    normalise = results.round.normalise
    for index, row in enumerate(results.rows, start=1):
        cells = [index, row.number, row.code, row.title, row.category]
        for mark in row.marks:
            cells += [expert_label(mark.expert, shows_names), mark.total]
        cells += [None, None] * (width - len(row.marks))
        cells += [row.result, row.stdev, row.rank]
        if normalise:
            cells.append(row.normalised)
        cells.append(flags_text(row.flags))
        yield cells


def _widths(results) -> list[float]:
    widths = [6, 16, 12, 40, 12] + [14, 8] * results.max_marks + [10, 8, 6]
    if results.round.normalise:
        widths.append(10)
    return [*widths, 12]


def summary_xlsx(results, *, shows_names: bool) -> bytes:
    """The summary workbook, streamed (write-only, plain body values; text a spreadsheet would evaluate is
    escaped)."""
    return build_table_workbook(
        title=summary_title(results.round),
        headers=summary_headers(results),
        rows=summary_cells(results, shows_names),
        column_widths=_widths(results),
        sheet_title="评审汇总表",
        write_only=True,
        plain_body=True,
    )


def summary_pdf(results, *, shows_names: bool) -> bytes:
    marks = results.max_marks
    return render_pdf(
        "reviews/results_summary_pdf.html",
        {
            "title": summary_title(results.round),
            "round": results.round,
            "results": results,
            "headers": summary_headers(results),
            "rows": [
                {
                    "row": row,
                    "marks": [(expert_label(m.expert, shows_names), m.total) for m in row.marks],
                    "blank": range(marks - len(row.marks)),
                    "flags": flags_text(row.flags),
                }
                for row in results.rows
            ],
        },
    )


def _read(round_):
    from .results import round_results

    return round_results(round_)


def summary_version(round_) -> str:
    from .results import results_version

    return results_version(_read(round_), shows_names=summary_shows_names(round_))


def _results_scope(user):
    from core import roles

    from .models import ReviewRound

    return ReviewRound.objects.all() if roles.is_staff(user) else ReviewRound.objects.none()


registry.register(
    ROUND_SUMMARY_XLSX,
    label=_("Review summary of the round (Excel)"),
    model="reviews.ReviewRound",
    build=lambda r, _doc: summary_xlsx(_read(r), shows_names=summary_shows_names(r)),
    filename=lambda r: f"{r.edition.year}-{r.name}-评审汇总表.xlsx",
    mime_type=registry.XLSX,
    permission=RESULTS_PERMISSION,
    scope=_results_scope,
    version=summary_version,
)
registry.register(
    ROUND_SUMMARY_PDF,
    label=_("Review summary of the round (PDF)"),
    model="reviews.ReviewRound",
    build=lambda r, _doc: summary_pdf(_read(r), shows_names=summary_shows_names(r)),
    filename=lambda r: f"{r.edition.year}-{r.name}-评审汇总表.pdf",
    mime_type=registry.PDF,
    permission=RESULTS_PERMISSION,
    scope=_results_scope,
    version=summary_version,
)


# --- presentation -------------------------------------------------------------------------------------------------

RUNNING_SHEET_PDF = "presentation_running_sheet"
JUDGE_SHEETS_PDF = "presentation_judge_sheets"


def _slot_rows(session) -> list[dict]:
    from .presentation import session_slots

    return [
        {
            "position": slot.position,
            "number": slot.application.number or "",
            "title": slot.application.title,
            "group": slot.application.group.name if slot.application.group_id else "",
            "unit": slot.application.unit.name,
            "starts_at": slot.starts_at,
            "ends_at": slot.ends_at,
            "application_id": slot.application_id,
        }
        for slot in session_slots(session)
    ]


def running_sheet_pdf(session) -> bytes:
    return render_pdf(
        "reviews/presentation/running_sheet_pdf.html",
        {"title": f"{session.round.name} {session.name} 出场顺序表", "session": session, "rows": _slot_rows(session)},
    )


def judge_sheets_pdf(session) -> bytes:
    from .conflicts import conflict_pairs
    from .models import RoundRubric
    from .scoring import rubric_items

    rubric = RoundRubric.objects.filter(round=session.round, category=session.category, is_current=True).first()
    items = rubric_items(rubric)
    rows = _slot_rows(session)
    conflicts = conflict_pairs(session.round)
    judges = [
        {"judge": judge, "rows": [{**row, "conflict": (judge.pk, row["application_id"]) in conflicts} for row in rows]}
        for judge in session.judges.select_related("user").order_by("user__full_name", "pk")
    ]
    return render_pdf(
        "reviews/presentation/judge_sheets_pdf.html",
        {
            "title": f"{session.round.name} {session.name} 评委评分表",
            "session": session,
            "items": items,
            "total": rubric.total_points if rubric else None,
            "judges": judges,
        },
    )


def _session_scope(user):
    from core import roles

    from .models_presentation import PresentationSession

    return PresentationSession.objects.all() if roles.is_staff(user) else PresentationSession.objects.none()


def _session_version(session) -> str:
    from .presentation import session_slots

    parts = [session.updated_at.isoformat()]
    parts += [f"{s.pk}:{s.position}:{s.application.title}" for s in session_slots(session)]
    parts += [str(pk) for pk in session.judges.order_by("pk").values_list("pk", flat=True)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


registry.register(
    RUNNING_SHEET_PDF,
    label=_("Running sheet of the session (PDF)"),
    model="reviews.PresentationSession",
    build=lambda s, _doc: running_sheet_pdf(s),
    filename=lambda s: f"{s.round.edition.year}-{s.name}-出场顺序表.pdf",
    mime_type=registry.PDF,
    permission="reviews.manage_rounds",
    scope=_session_scope,
    version=_session_version,
)
registry.register(
    JUDGE_SHEETS_PDF,
    label=_("Scoring sheets of the judges (PDF)"),
    model="reviews.PresentationSession",
    build=lambda s, _doc: judge_sheets_pdf(s),
    filename=lambda s: f"{s.round.edition.year}-{s.name}-评委评分表.pdf",
    mime_type=registry.PDF,
    permission="reviews.manage_rounds",
    scope=_session_scope,
    version=_session_version,
)
