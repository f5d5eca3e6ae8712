"""Tests and effect sizes of `association`, on hand-computed tables and against scipy and pingouin."""

import math

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

from exploitation_report.chapters import association_text as text
from exploitation_report.stats import association as a


def test_cramers_v_by_hand():
    # Expected 25 in every cell, each observed 5 away: chi2 = 4 * 25/25 = 4, V = sqrt(4 / 100) = 0.2.
    assert a.cramers_v([[20, 30], [30, 20]]) == pytest.approx(0.2)
    assert a.cramers_v([[10, 0], [0, 10]]) == pytest.approx(1.0)
    assert a.cramers_v([[5, 5], [5, 5]]) == pytest.approx(0.0)


def test_two_by_two_uses_fisher_exact():
    res = a.independence_test([[8, 2], [1, 5]])
    assert res.method == "fisher_exact"
    # The two-sided p-value scipy documents for this table.
    assert res.p_value == pytest.approx(0.034965034965034975)
    assert res.statistic == pytest.approx(stats.chi2_contingency([[8, 2], [1, 5]], correction=False).statistic)
    assert res.significant


def test_large_table_uses_chi_square_and_agrees_with_pingouin():
    table = np.array([[30, 20], [25, 28], [18, 35]])
    res = a.independence_test(table)
    assert res.method == "chi2"
    # Expand the table to one row per person and let pingouin compute the same test.
    rows = [(i, j) for i in range(3) for j in range(2) for _ in range(table[i, j])]
    data = pd.DataFrame(rows, columns=["group", "answer"])
    _, _, st = pg.chi2_independence(data, x="group", y="answer", correction=False)
    pearson = st.set_index("test").loc["pearson"]
    assert res.statistic == pytest.approx(pearson["chi2"])
    assert res.p_value == pytest.approx(pearson["pval"])
    assert res.cramers_v == pytest.approx(pearson["cramer"])
    assert res.dof == 2 and res.n == table.sum()


def test_small_expected_counts_use_seeded_fisher_freeman_halton():
    table = [[6, 1], [2, 5], [1, 4]]
    res = a.independence_test(table, resamples=5000)
    assert res.method == "fisher_monte_carlo" and res.resamples == 5000
    again = a.independence_test(table, resamples=5000)
    assert again.p_value == res.p_value  # same table, same p-value
    direct = stats.fisher_exact(np.array(table), method=stats.MonteCarloMethod(
        n_resamples=5000, rng=np.random.default_rng(a.SEED)))
    assert res.p_value == pytest.approx(direct.pvalue)
    assert "Fisher-Freeman-Halton" in text.method_nl(res) and "5.000" in text.method_nl(res)


def test_cochran_rule_boundaries():
    assert a.cochran_ok(np.array([5, 5, 5, 5, 4.9]))        # one in five below 5: allowed
    assert not a.cochran_ok(np.array([5, 5, 5, 4.9, 4.9]))  # two in five: too many
    assert not a.cochran_ok(np.array([10, 10, 10, 10, 10, 10, 10, 10, 10, 0.9]))  # any below 1


@pytest.mark.parametrize("v,dims,word", [
    (0.094, 2, "negligible"), (0.095, 2, "weak"), (0.10, 2, "weak"), (0.29, 2, "weak"), (0.30, 2, "moderate"),
    (0.50, 2, "strong"),
    # With three categories on both sides w = V * sqrt(2): V = 0.22 gives w = 0.311.
    (0.20, 3, "weak"), (0.22, 3, "moderate"),
])
def test_strength_boundaries_follow_cohen_on_the_printed_v(v, dims, word):
    assert a.strength(v, dims) == word
    assert text.STRENGTH_NL[word] in ("verwaarloosbaar", "zwak", "matig", "sterk")


def test_degenerate_tables_are_not_tested():
    res = a.independence_test([[4, 0], [7, 0]])
    assert res.method == "none" and res.p_value is None
    assert "niet" in text.sentence(res, "meldden", "sectoren")


def test_sentences_say_what_the_test_does_not_show():
    sig = a.independence_test([[40, 10], [10, 40]])
    said = text.sentence(sig, "een slachtoffer zagen", "sectoren")
    assert "meer dan op grond van toeval" in said and "niet" in said and "veroorzaakt" in said
    assert "de samenhang is sterk" in said  # V = 0.6: the code 'strong' in words
    assert "Cramér's V = " in said and "," in text.statistics_text(sig).split("= ")[1]  # decimal comma
    flat = a.independence_test([[25, 25], [24, 26]])
    said = text.sentence(flat, "een slachtoffer zagen", "sectoren")
    assert "niet meer dan op grond van toeval" in said and "bewijst niet" in said
    assert text.sentence(None, "meldden", "sectoren") == ""  # an unpublished test says nothing


def test_record_is_json_ready():
    rec = a.independence_test([[30, 20], [20, 30]]).as_record()
    assert rec["method"] == "fisher_exact" and rec["alpha"] == 0.05 and isinstance(rec["significant"], bool)
    assert not math.isnan(rec["cramers_v"])


def test_tests_table_words_each_test_and_dashes_what_is_missing():
    tests = {"x": a.independence_test([[40, 10], [10, 40]]), "y": a.independence_test([[4, 0], [7, 0]])}
    table = text.tests_table(tests, {"x": "Seksueel", "y": "Crimineel"}, "Gezien")
    assert table.columns.tolist() == ["Gezien", "Toets", "p", "Cramér's V", "Verband"]
    assert table.iloc[0].tolist()[1:] == ["exacte toets van Fisher", "p < 0,001", "0,60", "sterk"]
    assert table.iloc[1].tolist()[1:] == ["geen toets mogelijk", "–", "–", "–"]
