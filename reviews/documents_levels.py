"""评定结果汇总表: the combined results table of an edition (owned by its `LevelScheme`) in Excel and PDF, for the
committee. Staff only. `combined_table` (reads) → pure builders; every text cell of the workbook goes through the
formula-injection escape of `documents.excel`; the version is a digest of the printed rows, so a level change,
a new result or an adjustment makes the next request rebuild."""

import hashlib
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from documents import registry
from documents.excel import build_table_workbook
from documents.pdf import render_pdf

from .documents import FLAG_TEXT as ROUND_FLAG_TEXT

LEVELS_XLSX = "combined_results"
LEVELS_PDF = "combined_results_pdf"
PERMISSION = "reviews.manage_levels"
FLAG_TEXT = {
    **ROUND_FLAG_TEXT,
    "missing": "缺少轮次结果",
    "tie": "并列",
    "quota_tie": "名额线并列",
    "adjusted": "合议调整",
    "changed": "等级已调整",
}


def title(scheme) -> str:
    return f"{scheme.edition.title} 评定结果汇总表"


def headers(table) -> list[str]:
    cells = ["序号", "申报编号", "成果名称/课题", "类别", "申报单位"]
    cells += [f"{sr.round.name}（{sr.weight}%）" for sr in table.rounds]
    cells += ["加权总分", "类别排名", "建议等级", "评定等级", "调整理由", "单位自评", "推荐单位评分", "标记"]
    return cells


def _flags(row) -> str:
    return "、".join(FLAG_TEXT.get(flag, flag) for flag in row.flags)


def cells(table) -> Iterator[list]:
    for index, row in enumerate(table.rows, start=1):
        line = [index, row.number, row.title, row.category, row.unit]
        line += [c.score for c in row.cells]
        line += [
            row.total,
            row.rank,
            row.proposed.name if row.proposed else "—",
            row.level.name if row.level else "—",
            row.reason,
            row.self_total,
            row.recommender_mean,
            _flags(row),
        ]
        yield line


def levels_xlsx(table) -> bytes:
    widths = [6, 16, 40, 12, 24] + [12] * len(table.rounds) + [10, 8, 10, 10, 30, 10, 10, 16]
    return build_table_workbook(
        title=title(table.scheme),
        headers=headers(table),
        rows=list(cells(table)),
        column_widths=widths,
        sheet_title="评定结果汇总表",
    )


def levels_pdf(table) -> bytes:
    return render_pdf(
        "reviews/levels/results_pdf.html",
        {
            "title": title(table.scheme),
            "headers": headers(table),
            "rows": list(cells(table)),
            "checksum": table.scheme.short_checksum,
        },
    )


def _read(scheme):
    from .levels import combined_table

    return combined_table(scheme)


def levels_version(scheme) -> str:
    text = repr((title(scheme), scheme.released_checksum, list(cells(_read(scheme)))))
    return hashlib.sha256(text.encode()).hexdigest()


def _scope(user):
    from core import roles

    from .models_levels import LevelScheme

    return LevelScheme.objects.all() if roles.is_staff(user) else LevelScheme.objects.none()


registry.register(
    LEVELS_XLSX,
    label=_("Combined results table (Excel)"),
    model="reviews.LevelScheme",
    build=lambda s, _doc: levels_xlsx(_read(s)),
    filename=lambda s: f"{s.edition.year}-评定结果汇总表.xlsx",
    mime_type=registry.XLSX,
    permission=PERMISSION,
    scope=_scope,
    version=levels_version,
)
registry.register(
    LEVELS_PDF,
    label=_("Combined results table (PDF)"),
    model="reviews.LevelScheme",
    build=lambda s, _doc: levels_pdf(_read(s)),
    filename=lambda s: f"{s.edition.year}-评定结果汇总表.pdf",
    mime_type=registry.PDF,
    permission=PERMISSION,
    scope=_scope,
    version=levels_version,
)
