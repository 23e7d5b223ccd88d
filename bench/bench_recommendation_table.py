"""The recommender's tables for 500 applications: 推荐表 (recommendation table) and 评审汇总表 (review summary), in
Excel and PDF: median time and peak memory of each builder, beside the floor (openpyxl write-only of the same cells,
no styles, no merge).

The builders take plain rows (`recommenders.documents_recommender`: reads → frozen rows → pure builder), so this
bench feeds them 500 generated rows in memory and times the builders alone; no database is touched (the reads are
one query each and are covered by the query-count tests). Django is set up only for the PDF templates.

    .venv/bin/python bench/bench_recommendation_table.py              # 500 rows, 5 runs (3 for PDF)
    .venv/bin/python bench/bench_recommendation_table.py --rows 2000 --runs 3
"""

import argparse
import io
import os
import statistics
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saq_portal.settings.local")

import django

django.setup()

from django.utils import translation  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from awards import scores  # noqa: E402
from documents.excel import build_table_workbook  # noqa: E402
from recommenders import documents_recommender as tables  # noqa: E402

REVIEWERS = ("王慧敏", "刘振华", "张建国", "李晓燕", "陈伟")
UNITS = [
    "上海华瑞精密机械有限公司",
    "上海申江电气集团有限公司",
    "+上海浦联建设集团有限公司",
    "上海明德医药股份有限公司",
]
TITLES = ["降低数控车床加工件尺寸超差率", "研制轴承套圈自动上料装置", '=HYPERLINK("http://x","提高焊接一次合格率")']


def sample(rows: int):
    meta = tables.TableMeta(recommender="浦东新区市场监督管理局", edition="2026年上海市质量管理小组活动成果", year=2026)
    recommendation, review = [], []
    for i in range(rows):
        category = "问题解决型" if i % 2 else "创新型"
        totals = tuple(Decimal(70 + (i * 7 + r * 3) % 30) + Decimal("0.5") for r in range(len(REVIEWERS)))
        mean = scores.mean(totals)
        common = {
            "number": f"QC-2026-{i + 1:04d}",
            "title": f"{TITLES[i % len(TITLES)]}（第{i + 1}项）",
            "unit": UNITS[i % len(UNITS)],
            "category": category,
        }
        recommendation.append(
            tables.RecommendationRow(
                **common,
                group=f"精益求精{i}QC小组",
                self_total=Decimal(80 + i % 15),
                reviewer_mean=mean,
                rank=i // 2 + 1,
                opinion="成果选题紧密结合生产实际，活动程序完整，数据翔实，效果显著，同意推荐。",
            )
        )
        review.append(tables.ReviewRow(**common, totals=totals, mean=mean, rank=i // 2 + 1, decision="推荐"))
    return meta, recommendation, tables.ReviewSummary(reviewers=REVIEWERS, rows=tuple(review))


def floor_xlsx(headers, cells) -> bytes:
    """The same cells through openpyxl write-only, nothing else: the cost of the xlsx format itself."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("floor")
    ws.append(headers)
    for row in cells:
        ws.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def timed(fn, runs: int) -> tuple[float, int]:
    """(median seconds over `runs`, size of the output in bytes), after one warm-up run."""
    size = len(fn())
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), size


def peak_memory(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5, help="runs per Excel builder (PDF: max(3, runs // 2))")
    options = parser.parse_args()
    translation.activate("zh-hans")
    meta, recommendation, summary = sample(options.rows)
    recommendation_cells = list(tables._recommendation_cells(recommendation))
    review_cells = list(tables._review_cells(summary))
    review_headers = tables.review_headers(summary)
    pdf_runs = max(3, options.runs // 2)

    cases = [
        (
            "recommendation table, floor (write-only, bare)",
            lambda: floor_xlsx(tables.RECOMMENDATION_HEADERS, recommendation_cells),
            options.runs,
        ),
        (
            "recommendation table xlsx (builder)",
            lambda: tables.recommendation_table_xlsx(meta, recommendation),
            options.runs,
        ),
        (
            "recommendation table xlsx, write-only mode",
            lambda: build_table_workbook(
                title=meta.title("成果推荐表"),
                headers=tables.RECOMMENDATION_HEADERS,
                rows=iter(recommendation_cells),
                column_widths=tables.RECOMMENDATION_WIDTHS,
                write_only=True,
            ),
            options.runs,
        ),
        ("recommendation table pdf (builder)", lambda: tables.recommendation_table_pdf(meta, recommendation), pdf_runs),
        ("review summary, floor (write-only, bare)", lambda: floor_xlsx(review_headers, review_cells), options.runs),
        ("review summary xlsx (builder)", lambda: tables.review_summary_xlsx(meta, summary), options.runs),
        ("review summary pdf (builder)", lambda: tables.review_summary_pdf(meta, summary), pdf_runs),
    ]
    print(f"{options.rows} applications, {len(REVIEWERS)} reviewers; python {sys.version.split()[0]}")
    print(f"{'case':<50} {'median s':>9} {'runs':>5} {'peak MiB':>9} {'size KiB':>9}")
    results = {}
    for label, fn, runs in cases:
        seconds, size = timed(fn, runs)
        peak = peak_memory(fn)
        results[label] = (seconds, peak)
        print(f"{label:<50} {seconds:>9.3f} {runs:>5} {peak / 2**20:>9.1f} {size / 1024:>9.1f}")

    def ratio(label, floor):
        (s, m), (fs, fm) = results[label], results[floor]
        return f"{label}: {s / fs:.1f}× the floor's time, {m / fm:.1f}× its peak memory"

    print()
    print(ratio("recommendation table xlsx (builder)", "recommendation table, floor (write-only, bare)"))
    print(ratio("recommendation table xlsx, write-only mode", "recommendation table, floor (write-only, bare)"))
    print(ratio("recommendation table pdf (builder)", "recommendation table, floor (write-only, bare)"))
    print(ratio("review summary xlsx (builder)", "review summary, floor (write-only, bare)"))
    print(ratio("review summary pdf (builder)", "review summary, floor (write-only, bare)"))


if __name__ == "__main__":
    main()
