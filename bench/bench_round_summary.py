"""The round's review summary (评审汇总表) in Excel for 5,000 applications × 5 experts, against the floor: openpyxl
write-only mode writing the same cells (title, header and body values, no styles), in the same run. Median time
and peak memory (tracemalloc) of each, and the ratios; the goal is at most 1.5× the floor.

The builder takes plain rows (`reviews.results.round_results` → `reviews.documents.summary_xlsx`), so the bench
feeds it generated rows in memory and times the builder alone; the read is a constant number of queries (covered
by tests/reviews/test_results_selectors.py). Django is set up for the settings only.

    .venv/bin/python bench/bench_round_summary.py                     # 5,000 applications, 5 experts, 5 runs
    .venv/bin/python bench/bench_round_summary.py --rows 1000 --experts 3 --runs 3
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

from openpyxl import Workbook  # noqa: E402

from awards.models import Edition  # noqa: E402
from reviews import aggregation  # noqa: E402
from reviews.documents import summary_cells, summary_headers, summary_title, summary_xlsx  # noqa: E402
from reviews.enums import Aggregation  # noqa: E402
from reviews.models import ReviewRound  # noqa: E402
from reviews.results import ExpertColumn, Mark, ResultRow, RoundResults  # noqa: E402

NAMES = ("王慧敏", "刘振华", "张建国", "李晓燕", "陈伟", "赵丽", "孙强", "周敏")
TITLES = ["降低数控车床加工件尺寸超差率", "研制轴承套圈自动上料装置", '=HYPERLINK("http://x","提高焊接一次合格率")']
CATEGORIES = ("问题解决型", "创新型")


def sample(rows: int, per_application: int, pool: int = 200) -> RoundResults:
    round_ = ReviewRound(
        name="材料文审",
        edition=Edition(title="2026年上海市质量管理小组活动成果", year=2026),
        aggregation=Aggregation.TRIMMED_MEAN,
        blind=True,
    )
    experts = [ExpertColumn(id=i, code=f"E{i:02d}", name=f"{NAMES[i % len(NAMES)]}{i}") for i in range(1, pool + 1)]
    result_rows = []
    for i in range(rows):
        totals = [Decimal(60 + (i * 7 + r * 13) % 40) + Decimal("0.5") * (r % 2) for r in range(per_application)]
        flagged = set(aggregation.outliers(totals, 15))
        marks = tuple(
            Mark(expert=experts[(i * per_application + r) % pool], total=t, outlier=r in flagged)
            for r, t in enumerate(totals)
        )
        result_rows.append(
            ResultRow(
                application_id=i + 1,
                category_id=i % 2,
                category=CATEGORIES[i % 2],
                number=f"QC-2026-{i + 1:04d}",
                code=f"R1-{i + 1:04d}",
                title=f"{TITLES[i % len(TITLES)]}（第{i + 1}项）",
                unit="上海华瑞精密机械有限公司",
                marks=marks,
                result=aggregation.round_score(totals, Aggregation.TRIMMED_MEAN),
                stdev=aggregation.stdev(totals),
                count=len(totals),
                normalised=None,
                flags=("outlier",) if flagged else (),
                rank=i // 2 + 1,
            )
        )
    return RoundResults(round=round_, experts=tuple(experts), rows=tuple(result_rows))


def floor_xlsx(title, headers, cells) -> bytes:
    """The same cells through openpyxl write-only, nothing else: the cost of the xlsx format itself."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("floor")
    ws.append([title])
    ws.append(headers)
    for row in cells:
        ws.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def timed(cases, runs: int) -> dict[str, tuple[float, int]]:
    """{label: (median seconds over `runs`, output size in bytes)}, after one warm-up run each. The cases take
    turns within each run, so a busy machine slows the floor and the builder alike."""
    sizes = {label: len(fn()) for label, fn in cases}
    timings = {label: [] for label, _fn in cases}
    for _ in range(runs):
        for label, fn in cases:
            start = time.perf_counter()
            fn()
            timings[label].append(time.perf_counter() - start)
    return {label: (statistics.median(timings[label]), sizes[label]) for label, _fn in cases}


def peak_memory(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--experts", type=int, default=5, help="experts per application")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    results = sample(options.rows, options.experts)
    title, headers = summary_title(results.round), summary_headers(results)

    cases = [
        # The floor gets its cells ready-made; the builder turns the rows into cells itself, inside the timing.
        ("floor (write-only, same cells, bare)", lambda: floor_xlsx(title, headers, summary_cells(results, False))),
        ("summary xlsx, codes (builder)", lambda: summary_xlsx(results, shows_names=False)),
        ("summary xlsx, names (builder)", lambda: summary_xlsx(results, shows_names=True)),
    ]
    print(f"{options.rows} applications × {options.experts} experts; python {sys.version.split()[0]}")
    print(f"{'case':<42} {'median s':>9} {'runs':>5} {'peak MiB':>9} {'size KiB':>9}")
    measured = {}
    times = timed(cases, options.runs)
    for label, fn in cases:
        seconds, size = times[label]
        peak = peak_memory(fn)
        measured[label] = (seconds, peak)
        print(f"{label:<42} {seconds:>9.3f} {options.runs:>5} {peak / 2**20:>9.1f} {size / 1024:>9.1f}")

    floor_seconds, floor_peak = measured[cases[0][0]]
    print()
    for label, _fn in cases[1:]:
        seconds, peak = measured[label]
        verdict = "within" if seconds / floor_seconds <= 1.5 else "ABOVE"
        print(
            f"{label}: {seconds / floor_seconds:.2f}× the floor's time ({verdict} the 1.5× goal), "
            f"{peak / floor_peak:.2f}× its peak memory"
        )


if __name__ == "__main__":
    main()
