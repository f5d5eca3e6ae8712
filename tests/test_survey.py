"""Response flow, single-choice distributions and shares by group, on hand-made data."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from exploitation_report.chapters import survey_tables
from exploitation_report.inputs.codebook import Variable
from exploitation_report.stats import survey

ROUTE = Variable("know_route", "Weet u waar u kunt melden?", "single", codes={1: "Ja", 2: "Nee", 3: "Twijfel"})
KNOW = Variable("know_signals", "Kennis van signalen", "single",
                codes={1: "Zeer slecht", 2: "Slecht", 3: "Neutraal", 4: "Goed", 5: "Zeer goed"})


def values(counts: dict) -> pd.Series:
    return pd.Series([code for code, n in counts.items() for _ in range(n)] + [None, None], dtype="Int64")


def test_response_flow_hides_a_small_number_screened_out_and_what_reveals_it():
    big = pd.DataFrame({"works_in_municipality": [1] * 50 + [2] * 10})
    assert survey.response(big, 200, 5) == {"returned": 60, "screened_out": 10, "analysed": 50, "invited": 200}
    small = pd.DataFrame({"works_in_municipality": [1] * 50 + [2] * 3})
    flow = survey.response(small, 200, 5)
    assert flow["screened_out"] is None and flow["returned"] is None and flow["analysed"] == 50


def test_distribution_counts_shares_and_total():
    dist = survey.distribution(values({1: 40, 2: 30, 3: 30}), ROUTE, 5)
    assert dist.base == 100 and not dist.hidden
    rec = dist.record((1,))
    assert rec["count"] == 40 and rec["estimate"] == pytest.approx(0.4) and not rec["suppressed"]
    assert dist.shown_base == 100 and {c: r["count"] for c, r in dist.shares().items()} == {1: 40, 2: 30, 3: 30}
    table = survey_tables.distribution_table([("Meldroute", dist)])
    assert table.iloc[0].tolist() == ["Ja", "40", "40%", "31–50%"]
    assert table.iloc[-1].tolist() == ["Totaal", "100", "100%", ""]


def test_distribution_small_cell_with_secondary():
    dist = survey.distribution(values({1: 60, 2: 3, 3: 20}), ROUTE, 5)
    assert dist.hidden == {2, 3}
    assert {c: r["count"] for c, r in dist.shares().items()} == {1: 60, 2: None, 3: None}
    assert dist.record((2,))["suppressed"] and dist.record((2,))["count"] is None


def test_a_summed_distribution_is_hidden_whole_or_not_at_all():
    # The estimate sums the victims over the bands (at their midpoints, lower and upper bounds). In the
    # 2024 edition the sum 121 with the bands shown gave the hidden ones back: 6, 2 and 1 respondents.
    bands = Variable("n_criminal", "Hoeveel slachtoffers?", "band",
                     codes={1: "1", 2: "2–3", 3: "4–5", 4: "6–10"},
                     bands={1: (1, 1), 2: (2, 3), 3: (4, 5), 4: (6, 10)})
    counts = values({1: 89, 2: 6, 3: 2, 4: 1})
    assert survey.distribution(counts, bands, 5).hidden == {2, 3, 4}
    whole = survey.distribution(counts, bands, 5, summed=True)
    assert whole.hidden == {1, 2, 3, 4} and whole.shown_base == 98
    assert survey.distribution(values({1: 60, 2: 20, 3: 10, 4: 8}), bands, 5, summed=True).hidden == set()


def test_a_hidden_unknown_answer_hides_the_number_who_answered_where_that_is_counted_elsewhere():
    # The estimate publishes how many reporters' number of other professionals is unknown (no answer
    # or 'weet ik niet'); with the number who met a victim and the n here, a hidden 'weet ik niet' of 2
    # followed as 3 - (17 - 16).
    others = Variable("n_other_professionals", "Bij hoeveel anderen?", "band",
                      codes={1: "Geen", 2: "Eén", 3: "Twee of meer", 9: "Weet ik niet"},
                      bands={1: (0, 0), 2: (1, 1), 3: (2, None)})
    counts = values({1: 20, 2: 30, 3: 40, 9: 2})
    assert "total" not in survey.distribution(counts, others, 5).hidden
    gone = survey.distribution(counts, others, 5, answered_elsewhere=True)
    assert 9 in gone.hidden and "total" in gone.hidden and gone.shown_base is None
    # A hidden band (not an unknown answer) leaves the number who answered shown.
    banded = survey.distribution(values({1: 2, 2: 8, 3: 40, 9: 20}), others, 5, answered_elsewhere=True)
    assert banded.hidden == {1, 2}


def test_a_combined_share_cannot_undo_a_hidden_cell():
    # "Goed of zeer goed" (4 + 5) with 5 shown would give back 4; so something more is hidden.
    dist = survey.distribution(values({1: 3, 2: 20, 3: 30, 4: 25, 5: 22}), KNOW, 5, combos={"well": (4, 5)})
    assert 1 in dist.hidden
    # What a reader sees, as sums of the five cells: each shown category, the total and the combined share.
    rows = [np.eye(5)[c - 1] for c in range(1, 6) if c not in dist.hidden] + [np.ones(5)]
    if "well" not in dist.hidden:
        rows.append(np.array([0, 0, 0, 1, 1]))
    a = np.array(rows)
    assert np.linalg.matrix_rank(np.vstack([a, np.eye(5)[0]])) > np.linalg.matrix_rank(a)  # cell 1 not computable
    assert dist.record("well")["suppressed"] == ("well" in dist.hidden)


def test_fixed_and_hidden_total():
    dist = survey.distribution(values({1: 40, 2: 30, 3: 30}), ROUTE, 5, fixed={1: True})
    assert 1 in dist.hidden and len(dist.hidden - {1}) >= 1  # hidden elsewhere: not recomputable here
    gone = survey.distribution(values({1: 40, 2: 30, 3: 30}), ROUTE, 5, total_hidden=True)
    assert gone.shown_base is None and all(r["count"] is None for r in gone.shares().values())
    assert all(row[1] == "x" for row in survey_tables.distribution_rows(gone))
    # The hidden total is not given away as the base of the shares either.
    assert all(rec["base"] is None and rec["suppressed"] for rec in gone.shares().values())
    assert gone.record((1,))["base"] is None


def test_shares_by_group_protects_the_column():
    indicator = pd.Series([True] * 20 + [False] * 20 + [True] * 3 + [False] * 17 + [True] * 15 + [False] * 15,
                          dtype="boolean")
    group = pd.Series([1] * 40 + [2] * 20 + [3] * 30, dtype="Int64")
    by = survey.shares_by(indicator, group, ROUTE.codes, 5)
    recs = by.records()
    assert recs[2]["suppressed"]                     # 3 of 20
    assert sum(r["suppressed"] for key, r in recs.items() if key != "total") >= 2  # total shown: a second one
    assert recs["total"]["count"] == 38 and recs["total"]["base"] == 90
    assert survey_tables.shares_by_rows(by, "Kent de meldroute")[-1][0] == "Totaal"
    assert survey_tables.shares_by_rows(by, "Kent de meldroute")[0][0] == "Kent de meldroute: Ja"


def test_shares_by_a_hidden_overall_base_stays_hidden():
    indicator = pd.Series([True] * 20 + [False] * 20 + [True] * 15 + [False] * 15, dtype="boolean")
    group = pd.Series([1] * 40 + [3] * 30, dtype="Int64")
    by = survey.shares_by(indicator, group, ROUTE.codes, 5, base_hidden=True)
    total = by.records()["total"]
    assert total["suppressed"] and total["base"] is None
    assert survey_tables.shares_by_rows(by, "Groep")[-1][1:] == ("x", "x", "x")
    assert by.independence() is None  # something is hidden: no statistic that could pin it down


def test_shares_by_protects_the_unknown_group_against_the_overall_share():
    # 1 of the 4 whose group is unknown said yes. The share over the whole base (51 of 104) is
    # published elsewhere; the table's total (50 of 100) beside it gave that 1 away (helper-52 found
    # it in the 2024 edition: 21 of 122 in the summary, 20 of 118 in the table by reporting route).
    indicator = pd.Series([True] * 30 + [False] * 30 + [True] * 20 + [False] * 20 + [True] + [False] * 3,
                          dtype="boolean")
    group = pd.Series([1] * 60 + [2] * 40 + [pd.NA] * 4, dtype="Int64")
    recs = survey.shares_by(indicator, group, ROUTE.codes, 5).records()
    shown = [recs[k]["count"] for k in (1, 2, "total") if not recs[k]["suppressed"]]
    assert recs["total"]["suppressed"] or len(shown) < 2    # no two of rows and total together
    # Without unknowns nothing changes: rows and total all shown.
    known = survey.shares_by(indicator[:100], group[:100], ROUTE.codes, 5).records()
    assert not any(known[k]["suppressed"] for k in (1, 2, "total"))


def test_shares_by_tests_the_table_it_shows():
    indicator = pd.Series([True] * 30 + [False] * 10 + [True] * 10 + [False] * 20, dtype="boolean")
    group = pd.Series([1] * 40 + [2] * 30, dtype="Int64")
    by = survey.shares_by(indicator, group, ROUTE.codes, 5)
    test = by.independence()
    # Two groups by yes/no: Fisher's exact test on exactly the counts in the table.
    assert (test.rows, test.columns, test.n) == (2, 2, 70) and test.method == "fisher_exact"
    assert test.p_value == pytest.approx(stats.fisher_exact([[30, 10], [10, 20]]).pvalue)


def test_indicator_row_formats():
    rec = {"estimate": 0.37, "count": 47, "base": 127, "ci_low": 0.29, "ci_high": 0.46, "suppressed": False}
    assert survey_tables.indicator_row("Meldde extern", "wie zag", rec) == ("Meldde extern", "wie zag", "127", "37%",
                                                                            "29–46%")
    hidden = {"suppressed": True, "base": None}
    assert survey_tables.indicator_row("Meldde extern", "wie zag", hidden) == ("Meldde extern", "wie zag", "x", "x", "x")
