"""公示名单, 结果公布名单 and 异议汇总表 in Excel and PDF, owned by the edition's `ResultsPublicity`. Staff only (the
documents registry). Every workbook cell goes through `documents.excel`'s formula escape; the version is a digest
of the printed rows, so a change (an upheld objection, a revocation) makes the next request rebuild."""

import hashlib

from django.utils.translation import gettext_lazy as _

from documents import registry
from documents.excel import build_table_workbook
from documents.pdf import render_pdf

PUBLICITY_XLSX = "results_publicity"
PUBLICITY_PDF = "results_publicity_pdf"
FINAL_XLSX = "results_final"
FINAL_PDF = "results_final_pdf"
OBJECTIONS_XLSX = "results_objections"
OBJECTIONS_PDF = "results_objections_pdf"
PERMISSION = "notices.manage_results"
PDF_TEMPLATE = "reviews/levels/results_pdf.html"  # the generic landscape list (title, headers, rows)


def _list_table(publicity, final: bool):
    from . import results

    edition = publicity.edition
    rows = (
        results.final_results(edition) if final else results.publicity_rows(edition, with_scores=publicity.show_scores)
    )
    headers = ["序号", "申报编号", "成果名称/课题", "小组", "申报单位", "推荐单位", "类别", "等级"]
    scores = publicity.show_scores and not final
    if scores:
        headers.append("加权总分")
    if final:
        headers += ["状态", "撤销理由"]
    lines = []
    for index, row in enumerate(rows, start=1):
        line = [index, row.number, row.title, row.group, row.unit, "、".join(row.recommenders), row.category, row.level]
        if scores:
            line.append(row.score)
        if final:
            line += ["已撤销" if row.revoked else "已确认", row.revoked_reason]
        lines.append(line)
    title = f"{edition.title} {'评审结果公布名单' if final else '评审结果公示名单'}"
    return title, headers, lines


def _objections_table(publicity):
    from . import results

    headers = ["序号", "受理编号", "被异议成果", "异议人", "手机", "邮箱", "理由", "状态", "承办人", "答复"]
    lines = [
        [
            index,
            o.tracking_number,
            f"{o.application.number or ''} {o.application.title}",
            o.real_name,
            o.mobile,
            o.email,
            o.reason,
            str(o.get_state_display()),
            (o.assignee.full_name or o.assignee.email) if o.assignee else "",
            o.answer,
        ]
        for index, o in enumerate(results.objections_for_staff(publicity).order_by("created_at", "pk"), start=1)
    ]
    return f"{publicity.edition.title} 公示异议汇总表", headers, lines


TABLES = {
    PUBLICITY_XLSX: lambda p: _list_table(p, False),
    PUBLICITY_PDF: lambda p: _list_table(p, False),
    FINAL_XLSX: lambda p: _list_table(p, True),
    FINAL_PDF: lambda p: _list_table(p, True),
    OBJECTIONS_XLSX: _objections_table,
    OBJECTIONS_PDF: _objections_table,
}


def xlsx(table) -> bytes:
    title, headers, lines = table
    return build_table_workbook(title=title, headers=headers, rows=lines, sheet_title=title.split()[-1][:31])


def pdf(table) -> bytes:
    title, headers, lines = table
    return render_pdf(PDF_TEMPLATE, {"title": title, "headers": headers, "rows": lines})


def _version(kind):
    return lambda publicity: hashlib.sha256(repr(TABLES[kind](publicity)).encode()).hexdigest()


def _scope(user):
    from core import roles

    from .models_results import ResultsPublicity

    return ResultsPublicity.objects.all() if roles.is_staff(user) else ResultsPublicity.objects.none()


NAMES = {
    PUBLICITY_XLSX: (_("Results publicity list (Excel)"), "公示名单.xlsx"),
    PUBLICITY_PDF: (_("Results publicity list (PDF)"), "公示名单.pdf"),
    FINAL_XLSX: (_("Final results list (Excel)"), "结果公布名单.xlsx"),
    FINAL_PDF: (_("Final results list (PDF)"), "结果公布名单.pdf"),
    OBJECTIONS_XLSX: (_("Objections (Excel)"), "异议汇总表.xlsx"),
    OBJECTIONS_PDF: (_("Objections (PDF)"), "异议汇总表.pdf"),
}


def _register(kind: str) -> None:
    label, suffix = NAMES[kind]
    is_pdf = kind.endswith("_pdf")
    registry.register(
        kind,
        label=label,
        model="notices.ResultsPublicity",
        build=lambda p, _doc: (pdf if is_pdf else xlsx)(TABLES[kind](p)),
        filename=lambda p: f"{p.edition.year}-{suffix}",
        mime_type=registry.PDF if is_pdf else registry.XLSX,
        permission=PERMISSION,
        scope=_scope,
        version=_version(kind),
    )


for _kind in NAMES:
    _register(_kind)
