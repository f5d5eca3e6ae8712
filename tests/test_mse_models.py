"""The log-linear core: encoding, the fitter against statsmodels, existence and identifiability."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from exploitation_report.stats.mse import analysis as mse
from exploitation_report.stats.mse.models import (
    CaptureTable,
    Structure,
    check,
    closure,
    design,
    fit,
    fit_many,
    generators,
    minus_inf_terms,
    newton,
    parameters,
    parse_hierarchy,
    positive_table_exists,
    positive_tables_exist,
    superset_sums,
)
from exploitation_report.stats.mse.search import hierarchical_models, pairs
from exploitation_report.synth import capture_histories as synthetic_lists

DATA = Path(__file__).parent / "data" / "mse"


def load(name: str) -> CaptureTable:
    return mse.as_table(mse.read_capture_histories(DATA / name))


def two_lists(only_a: int, only_b: int, both: int) -> CaptureTable:
    counts = np.zeros(4, dtype=np.int64)
    counts[0b01], counts[0b10], counts[0b11] = only_a, only_b, both
    return CaptureTable(("A", "B"), counts)


def test_superset_sums_by_hand():
    # cells: A only 5, B only 3, A and B 2, C only 7, A and C 1
    counts = np.zeros(8)
    counts[[0b001, 0b010, 0b011, 0b100, 0b101]] = [5, 3, 2, 7, 1]
    n = superset_sums(counts)
    assert n[0] == 18                 # everybody observed
    assert n[0b001] == 5 + 2 + 1      # on A
    assert n[0b011] == 2              # on A and B
    assert n[0b101] == 1 and n[0b110] == 0 and n[0b111] == 0


def test_closure_generators_and_labels():
    t = CaptureTable(("A", "B", "C", "D"), np.zeros(16, dtype=np.int64))
    abc, ad = t.term("A:B:C"), t.term(("A", "D"))
    terms = closure([abc, ad])
    assert [t.label(m) for m in terms] == ["A:B", "A:C", "A:D", "B:C", "A:B:C"]
    assert generators(terms) == [abc, ad]
    assert parse_hierarchy("[123,14]", 4) == terms
    assert parse_hierarchy("[12;13;4]", 4) == (t.term("A:B"), t.term("A:C"))
    with pytest.raises(ValueError):
        parse_hierarchy("[15]", 4)
    with pytest.raises(ValueError, match="unknown list"):
        t.term("A:E")
    f = mse.fit_model(synthetic_lists.synthetic_capture_histories(), [("ZVHG", "Politie")])
    assert f.label() == "ZVHG:Politie"
    assert mse.fit_model(synthetic_lists.synthetic_capture_histories()).label() == mse.MAIN_EFFECTS_LABEL


def test_capture_table_rejects_impossible_counts():
    with pytest.raises(ValueError, match="unobserved"):
        CaptureTable(("A", "B"), np.array([1, 2, 3, 4]))
    with pytest.raises(ValueError, match=">= 0"):
        CaptureTable(("A", "B"), np.array([0, -2, 3, 4]))
    with pytest.raises(ValueError, match="expected 4"):
        CaptureTable(("A", "B"), np.array([0, 2, 3]))


def test_two_lists_give_lincoln_petersen():
    # n1 = 30 on A, n2 = 20 on B, m = 10 on both: N = n1 n2 / m = 60.
    t = two_lists(only_a=20, only_b=10, both=10)
    f = mse.fit_model(t)
    assert f.status == 0 and f.estimate == pytest.approx(30 * 20 / 10)
    assert f.unobserved == pytest.approx(20 * 10 / 10)   # (n1 - m)(n2 - m) / m
    assert f.df == 0 and f.deviance == pytest.approx(0, abs=1e-9)
    # The search cannot add the A:B term (it would need the unobserved cell): main effects only.
    assert [g.label() for g in mse.search_models(t)] == [mse.MAIN_EFFECTS_LABEL]


def test_no_overlap_between_two_lists_is_not_estimable():
    t = two_lists(only_a=20, only_b=10, both=0)
    assert mse.check_existence(t) == 1
    f = mse.fit_model(t)
    assert f.status == 1 and f.estimate is None and f.aic is None


def _statsmodels(table: CaptureTable, masks):
    """Reference fit: statsmodels GLM on the cells SparseMSE keeps (cells of -inf terms dropped)."""
    terms = closure(masks)
    s = Structure(table.t, terms, minus_inf_terms(parameters(table.t, terms), table.nstar))
    y = table.counts[s.cells].astype(float)
    return sm.GLM(y, s.X, family=sm.families.Poisson()).fit(tol=1e-12), s


@pytest.mark.parametrize("name,model", [
    ("uk_2013_5lists.csv", ()),
    ("uk_2013_5lists.csv", ("LA:NG", "NG:GP", "PFNCA:GP", "LA:PFNCA", "GO:GP", "NG:GO")),
    ("uk_2013_5lists.csv", ("LA:NG:PFNCA", "NG:GP", "PFNCA:GO")),
    ("uk_2013_5lists.csv", ("LA:GP", "LA:NG")),           # LA:GP never overlap: -inf, cells dropped
    ("kosovo_1999_4lists.csv", ("EXH:ABA:OSCE", "EXH:HRW", "OSCE:HRW")),
    ("new_orleans_8lists_n185.csv", ("D:E", "A:B")),       # A:B never overlap
    ("korea_comfort_women_3lists.csv", ("b:c", "c:d")),
])
def test_fitter_agrees_with_statsmodels(name, model):
    table = load(name)
    masks = [table.term(m) for m in model]
    ours = fit(table, masks)
    ref, s = _statsmodels(table, masks)
    assert ours.status == 0
    coefs = {label: (value, se) for label, value, se in ours.coefficients}
    for term, b, se in zip(s.estimated, ref.params, ref.bse):
        assert coefs[table.label(term)][0] == pytest.approx(b, rel=1e-7, abs=1e-7)
        assert coefs[table.label(term)][1] == pytest.approx(se, rel=1e-6)
    for term in s.minus_inf:
        assert coefs[table.label(term)][0] == -np.inf
    assert ours.estimate == pytest.approx(table.observed + np.exp(ref.params[0]), rel=1e-9)
    assert ours.deviance == pytest.approx(ref.deviance, rel=1e-7, abs=1e-7)
    assert ours.loglik == pytest.approx(ref.llf, rel=1e-10)
    assert ours.df == ref.df_resid
    # AIC/BIC count the -inf terms too (as both R packages do), statsmodels only what it estimated.
    assert ours.aic == pytest.approx(ref.aic + 2 * len(s.minus_inf), rel=1e-10)
    assert ours.bic == pytest.approx(-2 * ref.llf + ours.n_params * np.log(table.observed), rel=1e-10)
    for term, p in zip(s.estimated[1:], ref.pvalues[1:]):
        assert ours.wald_p(table.term_names(term)) == pytest.approx(p, rel=1e-5, abs=1e-12)


def test_batched_fits_equal_single_fits():
    table = load("korea_comfort_women_3lists.csv")
    rng = np.random.default_rng(5)
    Y = rng.multinomial(table.observed, table.counts / table.observed, size=40)
    Y[0] = table.counts
    for model in hierarchical_models(3, 2):
        ok, dark, loglik = fit_many(3, model, Y)
        for b in range(len(Y)):
            single = fit(table.with_counts(Y[b]), model)
            assert ok[b] == (single.status == 0)
            if ok[b]:
                assert dark[b] == pytest.approx(single.unobserved, rel=1e-8)
                assert loglik[b] == pytest.approx(single.loglik, rel=1e-10)


def test_newton_matches_closed_form_independence():
    # 2 x 2 table without the (0,0) cell and main effects only is saturated: fitted = observed.
    X = design(np.array([1, 2, 3]), [0, 1, 2])
    beta, mu, conv = newton(X, np.array([[12.0, 7.0, 3.0], [4.0, 9.0, 2.0]]))
    assert conv.all()
    np.testing.assert_allclose(mu, [[12, 7, 3], [4, 9, 2]], rtol=1e-10)
    np.testing.assert_allclose(np.exp(beta[:, 0]), [12 * 7 / 3, 4 * 9 / 2], rtol=1e-10)


def test_lp_existence_by_hand():
    # x1 + x2 = 5 and x2 = 5 force x1 = 0: no positive table, so no MLE.
    X = np.array([[1.0, 0.0], [1.0, 1.0]])
    assert not positive_table_exists(X, np.array([0.0, 5.0]))
    assert positive_table_exists(X, np.array([1.0, 5.0]))
    # A zero cell is fine when the margins leave room: x1 + x2 = 5, x2 + x3 = 3.
    X = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    assert positive_table_exists(X, np.array([5.0, 0.0, 3.0]))


def test_lp_existence_of_many_tables_at_once_equals_one_at_a_time():
    # The rows' programmes are solved side by side in one call: each row must get the answer it
    # gets alone, with and without a positive table among them (Kosovo, 4 lists, all pairs).
    table = load("kosovo_1999_4lists.csv")
    s = Structure(table.t, closure(pairs(table.t)), [])
    rng = np.random.default_rng(7)
    counts = table.counts[s.cells].astype(float)
    Y = rng.binomial(counts.astype(int), 0.02, size=(60, len(s.cells))).astype(float)
    Y[:5] = counts  # all positive: no programme needed
    one_by_one = np.array([positive_table_exists(s.X, y) for y in Y])
    assert 0 < one_by_one.sum() < len(Y)
    np.testing.assert_array_equal(positive_tables_exist(s.X, Y), one_by_one)
    assert positive_tables_exist(s.X, Y[:0]).shape == (0,)


@pytest.mark.parametrize("name,models", [
    ("artificial_3lists_nonexistence.csv", "all"),
    ("korea_comfort_women_3lists.csv", "all"),
    ("kosovo_1999_4lists.csv", "all"),
    ("new_orleans_5lists_n185.csv", "sample"),
    ("new_orleans_8lists_n185.csv", "pairs"),
])
def test_fast_status_equals_the_exact_check(name, models):
    """fit() decides by Newton first and the LP only when Newton does not converge; check() always
    runs the LP and the rank test (SparseMSE). They must agree, including codes 1, 2 and 3."""
    table = load(name)
    rng = np.random.default_rng(0)
    if models == "all":
        candidates = hierarchical_models(table.t, table.t - 1)
    elif models == "sample":   # 600 of the 6,893 five-list models keep the test quick
        everything = hierarchical_models(table.t, table.t - 1)
        candidates = [everything[i] for i in sorted(rng.choice(len(everything), 600, replace=False))]
    else:
        all_pairs = pairs(table.t)
        candidates = [tuple(p for p in all_pairs if rng.random() < share) for share in np.linspace(0, 0.5, 60)]
    statuses = []
    for model in candidates:
        exact = check(table, model)
        assert fit(table, model).status == exact, [table.label(m) for m in model]
        statuses.append(exact)
    assert 0 in statuses


def test_status_three_when_both_checks_fail():
    # Everybody is on C together with A or with B; nobody on one list only. With all pairs, A:B
    # (no overlap) is fixed at -inf; six terms remain for five cells (not identifiable) and
    # the single-list cells must stay 0 (no MLE).
    counts = np.zeros(8, dtype=np.int64)
    counts[[0b101, 0b110]] = [3, 3]
    t = CaptureTable(("A", "B", "C"), counts)
    assert check(t, pairs(3)) == 3
    assert fit(t, pairs(3)).status == 3


def test_frame_and_table_round_trip():
    frame = synthetic_lists.synthetic_capture_histories()
    table = mse.as_table(frame)
    again = table.to_frame()
    assert list(again.columns) == list(synthetic_lists.SYNTHETIC_LISTS) + ["count"]
    pd.testing.assert_frame_equal(again, frame.drop(columns="synthetic"), check_like=False)
    assert table.synthetic
    # duplicate rows in an in-memory frame add up
    dup = pd.DataFrame({"A": [1, 1, 0], "B": [0, 0, 1], "count": [2, 3, 4]})
    assert mse.as_table(dup).counts.tolist() == [0, 5, 4, 0]


def test_models_enumerated_are_hierarchical_and_distinct():
    for t, order in itertools.product((3, 4), (1, 2, 3)):
        models = hierarchical_models(t, order)
        assert len(set(models)) == len(models)
        assert all(closure(m) == m for m in models)
        assert all(max((bin(x).count("1") for x in m), default=1) <= min(order, t - 1) for m in models)
    assert len(hierarchical_models(3, 2)) == 2 ** 3          # any set of the three pairs
    assert len(hierarchical_models(4, 2)) == 2 ** 6
    assert len(hierarchical_models(4, 1)) == 1
