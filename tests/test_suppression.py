"""Disclosure control: primary and secondary suppression, checked on small hand-made tables.

The audit's promise is linear: no small cell can be computed from what is shown. The
tests check that promise directly with numpy (rank of the shown sums), not by
repeating the module's own logic.
"""

import numpy as np
import pytest

from exploitation_report.suppression import (Shown, is_small, protect, published, share_is_disclosive, small_count,
                                             suppress_record)


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
