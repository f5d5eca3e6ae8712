"""Disclosure control: primary and secondary suppression, checked on small hand-made tables.

The audit's promise is linear: no small cell can be computed from what is shown. The
tests check that promise directly with numpy (rank of the shown sums), not by
repeating the module's own logic.
"""

import numpy as np
import pytest

from exploitation_report.stats.suppression import (
    Shown,
    all_or_none_base,
    is_small,
    protect,
    published,
    share_is_disclosive,
    small_count,
    suppress_record,
)


def computable(cell_vector, shown, hidden) -> bool:
    rows = []
    n = len(cell_vector)
    for s in shown:
        if s.key in hidden:
            continue
        v = np.zeros(n)
        v[list(s.cells)] = 1
        rows.append(v)
    if not rows:
        return False
    a = np.array(rows)
    return np.linalg.matrix_rank(np.vstack([a, cell_vector])) == np.linalg.matrix_rank(a)


def one_way(values, threshold, with_total=True) -> list[bool]:
    """Hidden cells of a one-way frequency table: each cell shown, and (optionally) their total."""
    shown = [Shown(i, (i,)) for i in range(len(values))]
    if with_total:
        shown.append(Shown("total", tuple(range(len(values))), cost=np.inf))
    hidden = protect(values, shown, threshold)
    return [i in hidden for i in range(len(values))]


def unit(n, *idx):
    v = np.zeros(n)
    v[list(idx)] = 1
    return v


def test_is_small_shows_zero():
    assert is_small(1, 5) and is_small(4, 5)
    assert not is_small(0, 5) and not is_small(5, 5) and not is_small(None, 5)


def test_primary_and_secondary_suppression():
    counts = [40, 3, 12, 0, 25]
    # 3 is small; alone it could be recovered from the total, so the next smallest (12) goes too; zero stays.
    assert one_way(counts, 5) == [False, True, True, False, False]
    assert one_way(counts, 5, with_total=False) == [False, True, False, False, False]


def test_two_small_cells_need_no_secondary():
    assert one_way([2, 4, 30, 50], 5) == [True, True, False, False]


def test_secondary_prefers_a_non_zero_cell():
    # Hiding the zero would leave "3 + x = 3": the small cell would still be known.
    assert one_way([3, 0, 40, 41], 5) == [True, False, True, False]


def test_a_small_group_of_cells_that_are_small_each_stays_hidden():
    # Reported externally by knowledge of the route (threshold 10): yes/no per group. The group
    # 'Twijfel' (1 + 6 = 7) was hidden, yet the total base 36 minus the bases 17 and 12 gave it back.
    cells = [4, 13, 0, 12, 1, 6]
    shown = [Shown(1, (0,)), Shown((1, "base"), (0, 1), group=True), Shown(2, (2,)),
             Shown((2, "base"), (2, 3), group=True), Shown(3, (4,)), Shown((3, "base"), (4, 5), group=True),
             Shown("total", (0, 2, 4), cost=np.inf), Shown(("total", "base"), tuple(range(6)), cost=np.inf)]
    hidden = protect(cells, shown, 10)
    assert (3, "base") in hidden and not computable(unit(6, 4, 5), shown, hidden)


def test_complement_is_protected():
    # Cells: yes = 47, no = 3 (small). Shown: yes and the base: the base minus yes gives the 3.
    shown = [Shown("yes", (0,)), Shown("base", (0, 1), cost=np.inf)]
    hidden = protect([47, 3], shown, 5)
    assert hidden == {"yes"}


def test_difference_of_two_shown_figures_is_protected():
    # Cells: only sexual 2, only criminal 10, both 10, none 20. Shown: sexual, criminal, any, base.
    # "only sexual" = any - criminal: a rule on totals and complements alone would miss it.
    cells = [2, 10, 10, 20]
    shown = [Shown("sexual", (0, 2)), Shown("criminal", (1, 2)), Shown("any", (0, 1, 2)),
             Shown("base", (0, 1, 2, 3), cost=np.inf)]
    assert computable(unit(4, 0), shown, set())
    hidden = protect(cells, shown, 5)
    assert not computable(unit(4, 0), shown, hidden)
    assert "base" not in hidden


def test_cross_table_rows_and_columns():
    # 3 x 2 counts with row and column totals shown; one small cell needs a rectangle of four.
    cells = [3, 20, 15, 22, 30, 18]  # row-major: (r0c0, r0c1, r1c0, r1c1, r2c0, r2c1)
    shown = [Shown(("cell", i), (i,)) for i in range(6)]
    shown += [Shown(("row", r), (2 * r, 2 * r + 1), cost=np.inf) for r in range(3)]
    shown += [Shown(("col", c), (c, 2 + c, 4 + c), cost=np.inf) for c in range(2)]
    hidden = protect(cells, shown, 5)
    assert not computable(unit(6, 0), shown, hidden)
    cells_hidden = sorted(k[1] for k in hidden if k[0] == "cell")
    # At least the rectangle of four (the greedy search need not find the smallest pattern).
    assert len(cells_hidden) >= 4 and 0 in cells_hidden
    # The row and the column of the small cell each hide a second cell.
    assert sum(i in cells_hidden for i in (0, 1)) == 2 and sum(i in cells_hidden for i in (0, 2, 4)) >= 2


def test_small_groups_of_cells_are_protected():
    # Two sectors; the group "only sexual" over both sectors (1 + 2) is small although computable.
    cells = [1, 20, 2, 30]
    shown = [Shown("s1", (0, 1)), Shown("s2", (2, 3)), Shown("only_sexual_total", (0, 2)),
             Shown("other_total", (1, 3))]
    hidden = protect(cells, shown, 5, groups=[(0, 2)])
    assert "only_sexual_total" in hidden
    assert not computable(unit(4, 0, 2), shown, hidden)


def test_forced_keys_and_determinism():
    cells = [10, 12, 30]
    shown = [Shown(i, (i,)) for i in range(3)] + [Shown("total", (0, 1, 2), cost=np.inf)]
    hidden = protect(cells, shown, 5, hidden={1})
    assert hidden == {1, 0}  # the forced cell, and the smallest other so the total does not give it back
    assert protect(cells, shown, 5, hidden={1}) == hidden


def test_share_disclosure_covers_complement_and_base():
    assert share_is_disclosive(3, 100, 5)
    assert share_is_disclosive(97, 100, 5)      # complement of 3 people
    assert share_is_disclosive(2, 4, 5)          # base too small
    assert not share_is_disclosive(0, 100, 5)
    assert not share_is_disclosive(50, 100, 5)


def test_suppressed_record_holds_no_small_count():
    rec = {"count": 3, "base": 120, "estimate": 0.025, "ci_low": 0.01, "ci_high": 0.07, "ci_level": 0.95}
    out = suppress_record(rec, 5)
    assert out["suppressed"] and out["count"] is None and out["estimate"] is None and out["base"] == 120
    small_base = suppress_record({**rec, "count": 2, "base": 4}, 5)
    assert small_base["base"] is None
    assert suppress_record({**rec, "count": 60}, 5)["suppressed"] is False
    forced = suppress_record({**rec, "count": 60}, 5, hidden=True)
    assert forced["suppressed"] and forced["count"] is None and forced["base"] == 120


def test_a_hidden_base_takes_the_share_and_the_base_along():
    # The base is the size of a group hidden elsewhere: printing it would undo that suppression.
    rec = {"count": 60, "base": 120, "estimate": 0.5, "ci_low": 0.41, "ci_high": 0.59, "ci_level": 0.95}
    out = suppress_record(rec, 5, base_hidden=True)
    assert out["suppressed"] and out["base"] is None and out["count"] is None and out["estimate"] is None
    assert not published(out) and published(suppress_record(rec, 5))


@pytest.mark.parametrize("n,expected", [(None, None), (0, 0), (3, None), (5, 5)])
def test_small_count(n, expected):
    assert small_count(n, 5) == expected


# --------------------------------------------------------------------------- groups of hidden cells (issue 10)


def frequency_table(values, threshold):
    shown = [Shown(i, (i,)) for i in range(len(values))] + [Shown("total", tuple(range(len(values))), cost=np.inf,
                                                                  group=True)]
    return shown, protect(values, shown, threshold)


def hidden_sum_is_known_and_small(values, shown, hidden, threshold) -> bool:
    """What a reader gets as 'total minus the shown cells', when that is 1 .. threshold - 1."""
    cells = [i for i in range(len(values)) if i in hidden]
    together = sum(values[i] for i in cells)
    return computable(unit(len(values), *cells), shown, hidden) and 0 < together < threshold


def test_cells_hidden_in_one_row_together_hold_at_least_the_threshold():
    # The table: 96 respondents, two small cells (1 and 2); each alone is safe once
    # both are hidden, but 96 minus the shown cells gives 3 for the pair.
    values = [60, 1, 2, 20, 13]
    shown, hidden = frequency_table(values, 5)
    assert {1, 2} <= hidden and "total" not in hidden
    assert not hidden_sum_is_known_and_small(values, shown, hidden, 5)
    assert sum(values[i] for i in hidden if i != "total") >= 5
    # The next smallest cell is the one added, and only one.
    assert hidden == {1, 2, 4}


def test_hidden_cells_are_extended_until_their_sum_is_safe():
    values = [50, 1, 1, 1, 1, 40]   # four small cells: 4 together, still small
    shown, hidden = frequency_table(values, 5)
    assert {1, 2, 3, 4} <= hidden and len(hidden) == 5
    assert not hidden_sum_is_known_and_small(values, shown, hidden, 5)


def test_pair_that_reaches_the_threshold_needs_nothing_more():
    values = [60, 2, 3, 31]
    assert frequency_table(values, 5)[1] == {1, 2}


def test_hidden_cells_per_row_of_a_cross_table():
    # Two rows with row totals and a grand total: in row 0 two small cells (1 + 1), the row
    # total minus the shown cell gives their sum unless a third figure of the row goes too.
    cells = [1, 1, 30, 20, 25, 30]   # rows of three
    shown = [Shown(("cell", i), (i,)) for i in range(6)]
    shown += [Shown(("row", r), tuple(range(3 * r, 3 * r + 3)), cost=np.inf, group=True) for r in range(2)]
    hidden = protect(cells, shown, 5)
    row0 = [i for i in range(3) if ("cell", i) in hidden]
    assert row0 == [0, 1, 2] or ("row", 0) in hidden
    assert not computable(unit(6, 0, 1), shown, hidden)


@pytest.mark.parametrize("count,base,disclosive", [(11, 11, True), (0, 11, True), (0, 19, True), (19, 19, True),
                                                   (20, 20, False), (0, 20, False), (6, 12, False)])
def test_shares_of_none_or_all_in_small_groups_are_not_published(count, base, disclosive):
    # ALL_OR_NONE x threshold = 20: "all 11 in the sector met a victim" says something about each of them.
    assert all_or_none_base(5) == 20
    assert share_is_disclosive(count, base, 5) is disclosive
    rec = {"count": count, "base": base, "estimate": count / base, "ci_low": 0.0, "ci_high": 1.0, "ci_level": 0.95}
    assert published(suppress_record(rec, 5)) is not disclosive


def test_a_sector_where_everyone_met_a_victim_is_not_published_nor_computable():
    # Per sector (yes, no); shown: each sector's yes count and base, and the totals.
    # Sector 0: all 11 met a victim (no = 0). Sector 1: 30 of 60.
    cells = [11, 0, 30, 30]
    shown = [Shown("yes0", (0,)), Shown("base0", (0, 1), group=True), Shown("yes1", (2,)),
             Shown("base1", (2, 3), group=True), Shown("yes", (0, 2), cost=np.inf),
             Shown("base", (0, 1, 2, 3), cost=np.inf, group=True)]
    hidden = protect(cells, shown, 5)
    assert not computable(unit(4, 1), shown, hidden)   # "none of the 11 did not" is not computable
    assert not computable(unit(4, 0), shown, hidden) or "base0" in hidden
    # A large group may show 100 %: the same table with 40 in sector 0 hides nothing.
    assert protect([40, 0, 30, 30], shown, 5) == set()


def test_distribution_of_a_small_group_with_an_empty_answer_hides_it():
    # 12 answered; nobody chose the third answer: "none of them" is about every member.
    values = [7, 5, 0]
    shown, hidden = frequency_table(values, 5)
    assert not computable(unit(3, 2), shown, hidden)
    values = [27, 25, 0]                                       # 52 answered: 0 % may be shown
    assert frequency_table(values, 5)[1] == set()


def test_a_count_is_hidden_with_a_small_complement_in_a_published_whole():
    from exploitation_report.stats.suppression import hidden_with_complement

    assert hidden_with_complement(3, 30, 5) and hidden_with_complement(27, 30, 5)   # 30 - 27 = 3
    assert not hidden_with_complement(27, None, 5)                                # the whole is not published
    assert not hidden_with_complement(20, 30, 5) and not hidden_with_complement(30, 30, 5)   # 0 names nobody
