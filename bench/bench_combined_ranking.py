"""Combined ranking (评定) of 5,000 applications over 2 closed rounds × 5 experts, against a bare floor.

The data: one QC edition with 5,000 admitted applications spread over its categories, a closed document
round (40 %) and a closed presentation round (60 %), tie-break presentation then document, and the default three
levels with bands and quotas (标杆级 ≥ 85 and at most 5 %, 优秀级 ≥ 75 and at most 30 %, 推进级 ≥ 60). Each round
holds one `RoundResult` per application (bulk-created: the figures at closing, aggregated with the round's rule
from 5 generated expert totals on a 0.5 step, so ties and outliers occur); `combined_table` reads those rows, not
the sheets, so no sheets are made. Everything is built inside one transaction that is rolled back at the end.

Timed: `reviews.levels.combined_table(scheme)` as the staff page calls it (chain scores included) — its queries,
every category's `propose` and the rows — median of `--runs`, with its query count; `propose` alone on the same
entries; and the floor: the same result rows and applications read with bare `values_list` queries, the weighted
totals summed and each category sorted in Python. Floor and table take turns within each run.

    .venv/bin/python bench/bench_combined_ranking.py                 # 5,000 applications, 5 runs
    .venv/bin/python bench/bench_combined_ranking.py --applications 1000 --runs 3

Uses the PostgreSQL database `saq_bench_reviews` (created and migrated on first use; emptied before each run, and
the run's data rolled back).
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saq_portal.settings.test")

GOAL_SECONDS = 3.0  # "under a few seconds" for the whole table of 5,000


class Rollback(Exception):
    pass


def build(applications: int, experts: int = 5, seed: int = 2026):
    """The edition, its two closed rounds with results, and the level scheme; returns the scheme."""
    from applications.models import Application
    from reviews import aggregation
    from reviews.enums import ReviewStatus, RoundState
    from reviews.models import ReviewRound, RoundResult
    from tests.factories.awards import open_edition
    from tests.factories.reviews import quick_admitted, review_round
    from tests.factories.reviews_levels import level_scheme
    from tests.factories.reviews_presentation import presentation_round

    rng = random.Random(seed)
    edition = open_edition()
    template = quick_admitted(edition)
    categories = list(edition.categories.filter(parent=None).order_by("position", "pk"))
    batch = [
        Application(
            edition=edition,
            category=categories[i % len(categories)],
            title=f"降低某型号产品装配不良率的研究 {i:05d}",
            group_id=template.group_id,
            unit_id=template.unit_id,
            created_by_id=template.created_by_id,
            status=ReviewStatus.ADMITTED,
            number=f"QB{edition.pk}-{edition.year}-{i + 1:05d}",
        )
        for i in range(applications - 1)
    ]
    Application.objects.bulk_create(batch, batch_size=2000)
    ids = list(Application.objects.filter(edition=edition).values_list("pk", flat=True))

    # Open while the results go in, then closed: PostgreSQL refuses a result in a closed round (reviews.0008).
    document = review_round(edition, name="材料文审")
    presentation = presentation_round(edition)
    results = []
    for round_ in (document, presentation):
        for application_id in ids:
            totals = [Decimal(rng.randrange(110, 196)) / 2 for _ in range(experts)]  # 55.0 … 97.5, step 0.5
            outlying = aggregation.outliers(totals, round_.outlier_points or 15)
            results.append(
                RoundResult(
                    round=round_,
                    application_id=application_id,
                    score=aggregation.round_score(totals, round_.aggregation),
                    stdev=aggregation.stdev(totals),
                    sheet_count=experts,
                    flags=["outlier"] if outlying else [],
                )
            )
    RoundResult.objects.bulk_create(results, batch_size=2000)
    ReviewRound.objects.filter(pk__in=[document.pk, presentation.pk]).update(state=RoundState.CLOSED)
    document.state = presentation.state = RoundState.CLOSED
    return level_scheme(
        edition,
        {document: 40, presentation: 60},
        levels=[("标杆级", 85, 5, None), ("优秀级", 75, 30, None), ("推进级", 60, None, None)],
        tie_break=[presentation, document],
    )


def floor(scheme) -> int:
    """The same rows read bare, weighted totals summed and each category sorted: the least the table can cost."""
    from applications.models import Application
    from reviews.models import RoundResult
    from reviews.models_levels import SchemeRound
    from reviews.workflow_levels import RELEASE_SOURCES

    weights = dict(SchemeRound.objects.filter(scheme=scheme).values_list("round_id", "weight"))
    category = dict(
        Application.objects.filter(edition_id=scheme.edition_id, status__in=RELEASE_SOURCES).values_list(
            "pk", "category_id"
        )
    )
    totals = defaultdict(Decimal)
    rows = RoundResult.objects.filter(round_id__in=weights, application_id__in=list(category)).values_list(
        "round_id", "application_id", "score"
    )
    for round_id, application_id, score in rows:
        totals[application_id] += score * weights[round_id]
    by_category = defaultdict(list)
    for application_id, total in totals.items():
        by_category[category[application_id]].append((total, application_id))
    for members in by_category.values():
        members.sort(reverse=True)
    return len(totals)


def count_queries(fn) -> int:
    from django.db import connection

    seen = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        fn()
    return len(seen)


def measure(scheme, runs: int) -> dict:
    """Medians (seconds) of the table, `propose` alone and the floor, the table's rows and query count."""
    from reviews.levels import Entry, LevelRule, combined_table, propose
    from reviews.models_levels import AwardLevel

    table = combined_table(scheme)  # warm-up, and the rows `propose` is timed on
    queries = count_queries(lambda: combined_table(scheme))
    levels = AwardLevel.objects.filter(scheme=scheme)
    rules = [LevelRule(lv.pk, lv.min_score, lv.max_share, lv.max_count) for lv in levels]
    entries = defaultdict(list)
    for row in table.rows:
        entries[row.category_id].append(
            Entry(row.application_id, row.total, tuple(c.score for c in reversed(row.cells)))
        )
    floor(scheme)
    timings = defaultdict(list)
    for _ in range(runs):  # interleaved, so a busy machine slows all three alike
        for label, fn in (
            ("floor", lambda: floor(scheme)),
            ("table", lambda: combined_table(scheme)),
            ("propose", lambda: [propose(members, rules) for members in entries.values()]),
        ):
            start = time.perf_counter()
            fn()
            timings[label].append(time.perf_counter() - start)
    return {
        "rows": len(table.rows),
        "categories": len(entries),
        "queries": queries,
        "levels": {str(level): count for level, count in _level_counts(table).items()},
        "ties": sum("tie" in row.flags for row in table.rows),
        **{label: statistics.median(values) for label, values in timings.items()},
    }


def _level_counts(table) -> dict:
    counts = defaultdict(int)
    for row in table.rows:
        counts[row.proposed.name if row.proposed else "—"] += 1
    return counts


def report(figures: dict, runs: int) -> str:
    rows, table, floor_s, propose_s = figures["rows"], figures["table"], figures["floor"], figures["propose"]
    verdict = "met" if table < GOAL_SECONDS else "MISSED"
    return "\n".join(
        [
            f"{rows} applications in {figures['categories']} categories, 2 closed rounds × 5 experts; "
            f"median of {runs} runs",
            f"{'case':<44} {'median s':>9} {'µs/row':>8} {'queries':>8}",
            f"{'combined_table (reads + propose + rows)':<44} {table:>9.3f} {table / rows * 1e6:>8.0f} "
            f"{figures['queries']:>8}",
            f"{'propose alone (every category)':<44} {propose_s:>9.3f} {propose_s / rows * 1e6:>8.0f} {'-':>8}",
            f"{'floor (values_list + sort in Python)':<44} {floor_s:>9.3f} {floor_s / rows * 1e6:>8.0f} {3:>8}",
            "",
            f"proposed levels: {', '.join(f'{k} {v}' for k, v in figures['levels'].items())}; "
            f"{figures['ties']} rows flagged as ties",
            f"combined_table: {table / floor_s:.1f}× the floor's time; goal under {GOAL_SECONDS:.0f} s: {verdict}",
        ]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--experts", type=int, default=5, help="experts per application in each round")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from bench.bench_list_pages import setup_database

    setup_database("saq_bench_reviews")
    from django.core.management import call_command
    from django.db import transaction

    # Emptied first: the factories' sequences start again in each process, so nothing may be left from elsewhere.
    call_command("flush", interactive=False, verbosity=0)

    try:
        with transaction.atomic():
            start = time.perf_counter()
            scheme = build(args.applications, args.experts)
            built = time.perf_counter() - start
            figures = measure(scheme, args.runs)
            raise Rollback
    except Rollback:
        pass
    print(f"(data built in {built:.1f} s, rolled back afterwards)")
    print(report(figures, args.runs))


if __name__ == "__main__":
    main()
