"""评定: weighted totals, ranks, bands, quotas and tie-breaks against hand-computed tables."""

from decimal import Decimal

import pytest

from reviews import levels
from reviews.levels import Entry, LevelRule, propose, weighted_total
from tests.factories.recommenders import qc_edition
from tests.factories.reviews import quick_admitted
from tests.factories.reviews_levels import closed_round, level_scheme, result

D = Decimal


def test_weighted_total_half_up_two_decimals():
    # 80.05 × 40 % + 90.01 × 60 % = 32.02 + 54.006 = 86.026 → 86.03
    assert weighted_total([(D("80.05"), 40), (D("90.01"), 60)]) == D("86.03")
    # 85.125 × 100 % stays exact, shown half up: 85.13
    assert weighted_total([(D("85.125"), 100)]) == D("85.13")


def test_weighted_total_missing_round_gives_none():
    assert weighted_total([(D("80"), 40), (None, 60)]) is None
    assert weighted_total([]) is None


def test_bands_give_the_best_level_reached():
    rules = [LevelRule(1, min_score=D("90")), LevelRule(2, min_score=D("80")), LevelRule(3, min_score=D("60"))]
    entries = [
        Entry(10, D("95")),
        Entry(11, D("90.00")),
        Entry(12, D("89.99")),
        Entry(13, D("60")),
        Entry(14, D("59.99")),
    ]
    placed = propose(entries, rules)
    assert [placed[i].level_id for i in (10, 11, 12, 13, 14)] == [1, 1, 2, 3, None]
    assert [placed[i].rank for i in (10, 11, 12, 13, 14)] == [1, 2, 3, 4, 5]


def test_share_quota_floors_and_spills_to_the_next_level():
    # 10 ranked: 20 % → 2 places at level 1, 30 % → 3 at level 2, the rest (no limit) level 3.
    rules = [LevelRule(1, max_share=D("20")), LevelRule(2, max_share=D("30")), LevelRule(3)]
    entries = [Entry(i, D(100 - i)) for i in range(10)]
    placed = propose(entries, rules)
    assert [placed[i].level_id for i in range(10)] == [1, 1, 2, 2, 2, 3, 3, 3, 3, 3]
    # 5 % of 19 is 0.95: no 标杆级 at all (at most 5 %)
    entries = [Entry(i, D(100 - i)) for i in range(19)]
    assert propose(entries, [LevelRule(1, max_share=D("5")), LevelRule(2)])[0].level_id == 2


def test_count_and_share_both_apply_the_smaller():
    rules = [LevelRule(1, max_share=D("50"), max_count=1), LevelRule(2)]
    placed = propose([Entry(1, D("90")), Entry(2, D("80")), Entry(3, D("70")), Entry(4, D("60"))], rules)
    assert [placed[i].level_id for i in (1, 2, 3, 4)] == [1, 2, 2, 2]


def test_band_and_quota_together():
    # 2 places at level 1 but only one reaches 90; level 2 needs 75.
    rules = [LevelRule(1, min_score=D("90"), max_count=2), LevelRule(2, min_score=D("75")), LevelRule(3)]
    placed = propose([Entry(1, D("92")), Entry(2, D("88")), Entry(3, D("76")), Entry(4, D("74"))], rules)
    assert [placed[i].level_id for i in (1, 2, 3, 4)] == [1, 2, 2, 3]


def test_tie_at_quota_line_drops_whole_group_and_is_flagged():
    rules = [LevelRule(1, max_count=2), LevelRule(2)]
    entries = [Entry(1, D("95")), Entry(2, D("90")), Entry(3, D("90")), Entry(4, D("80"))]
    placed = propose(entries, rules)
    assert [placed[i].level_id for i in (1, 2, 3, 4)] == [1, 2, 2, 2]
    assert [placed[i].rank for i in (1, 2, 3, 4)] == [1, 2, 2, 4]
    assert placed[2].tied and placed[3].tied and placed[2].quota_tie and placed[3].quota_tie
    assert not placed[1].quota_tie and not placed[4].tied


def test_tie_inside_quota_is_flagged_but_placed():
    placed = propose([Entry(1, D("90")), Entry(2, D("90")), Entry(3, D("80"))], [LevelRule(1, max_count=2)])
    assert placed[1].level_id == placed[2].level_id == 1
    assert placed[1].tied and not placed[1].quota_tie
    assert placed[3].level_id is None


def test_tie_break_scores_order_equal_totals():
    # Equal totals 86; presentation first breaks the tie, then document.
    entries = [
        Entry(1, D("86"), (D("88"), D("83"))),
        Entry(2, D("86"), (D("90"), D("80"))),
        Entry(3, D("86"), (D("88"), D("83"))),  # same as 1 on every key: the tie remains
        Entry(4, D("86"), (None, D("99"))),  # a missing key sorts last
    ]
    placed = propose(entries, [LevelRule(1, max_count=1), LevelRule(2)])
    assert [placed[i].rank for i in (2, 1, 3, 4)] == [1, 2, 2, 4]
    assert placed[2].level_id == 1 and not placed[2].tied
    assert placed[1].tied and placed[3].tied and not placed[4].tied


def test_no_total_gets_no_rank_and_no_level():
    placed = propose([Entry(1, None), Entry(2, D("50"))], [LevelRule(1)])
    assert placed[1] == levels.Placement(rank=None, tied=False, level_id=None)
    assert placed[2].rank == 1 and placed[2].level_id == 1


@pytest.fixture
def world(db):
    edition = qc_edition()
    doc = closed_round(edition, name="材料文审")
    pres = closed_round(edition, name="发表赛")
    apps = [quick_admitted(edition) for _ in range(4)]
    other = quick_admitted(edition, category="innovation")
    return edition, doc, pres, apps, other


def test_combined_table_hand_computed(world):
    edition, doc, pres, (a, b, c, d), other = world
    # doc × 40 % + pres × 60 %:   a 90/80 → 84.00   b 85/86.67 → 86.002 → 86.00   c 80/90 → 86.00   d 70/— → none
    for app, ds, ps in [(a, 90, 80), (b, 85, "86.67"), (c, 80, 90), (d, 70, None), (other, 60, 60)]:
        result(doc, app, ds, flags=["outlier"] if app == a else ())
        if ps is not None:
            result(pres, app, ps)
    scheme = level_scheme(
        edition,
        {doc: 40, pres: 60},
        levels=[("标杆级", None, None, 1), ("优秀级", "85", None, None), ("推进级", None, None, None)],
        tie_break=[pres, doc],
    )
    table = levels.combined_table(scheme)
    rows = {r.application_id: r for r in table.rows}
    assert [rows[x.pk].total for x in (a, b, c, d)] == [D("84.00"), D("86.00"), D("86.00"), None]
    # b and c tie at 86.00; the presentation score breaks it: c 90 > b 86.67, so c (numbered later) is first.
    assert (rows[c.pk].rank, rows[b.pk].rank, rows[a.pk].rank, rows[d.pk].rank) == (1, 2, 3, None)
    assert [str(rows[x.pk].proposed) for x in (c, b, a)] == ["标杆级", "优秀级", "推进级"]
    assert [r.application_id for r in table.categories[0][1]] == [c.pk, b.pk, a.pk, d.pk]
    assert rows[d.pk].proposed is None and levels.FLAG_MISSING in rows[d.pk].flags
    assert "outlier" in rows[a.pk].flags and levels.FLAG_TIE not in rows[b.pk].flags
    # Without the tie-break rule the tie stays, flagged, and both share rank 1
    scheme.tie_break = []
    scheme.save()
    rows = {r.application_id: r for r in levels.combined_table(scheme).rows}
    assert rows[b.pk].rank == rows[c.pk].rank == 1 and levels.FLAG_TIE in rows[b.pk].flags
    assert levels.FLAG_QUOTA_TIE in rows[c.pk].flags and str(rows[c.pk].proposed) == "优秀级"
    # The other category ranks on its own: 60.00, first, 标杆级 (its own quota of one)
    assert (rows[other.pk].total, rows[other.pk].rank, str(rows[other.pk].proposed)) == (D("60.00"), 1, "标杆级")
    assert [name for name, _rows in table.categories][0] == str(a.category)


def test_adjustment_source_replaces_a_round_score(world):
    edition, doc, pres, (a, b, *_rest), _other = world
    for app in (a, b):
        result(doc, app, 80)
        result(pres, app, 80)
    scheme = level_scheme(
        edition, {doc: 40, pres: 60}, levels=[("一等奖", None, None, 1), ("二等奖", None, None, None)]
    )

    def panel(round_):
        return {a.pk: (D("90.004"), "合议上调")} if round_.pk == pres.pk else {}

    levels.register_adjustment_source(panel)
    try:
        table = levels.combined_table(scheme)
    finally:
        levels.unregister_adjustment_source(panel)
    rows = {r.application_id: r for r in table.rows}
    # a: 80 × 40 % + 90.00 × 60 % = 86.00 ; b: 80.00
    assert rows[a.pk].total == D("86.00") and rows[b.pk].total == D("80.00")
    assert rows[a.pk].cells[1].result == D("80.00") and rows[a.pk].cells[1].note == "合议上调"
    assert levels.FLAG_ADJUSTED in rows[a.pk].flags and levels.FLAG_ADJUSTED not in rows[b.pk].flags
    assert str(rows[a.pk].proposed) == "一等奖"
    assert levels.combined_table(scheme).rows[0].total == D("80.00")  # unregistered: back to the results
