"""Model choice: exhaustive search, the CSV (2021) stepwise rule, the BHS rule, downhill search."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.stats import poisson

from exploitation_report.stats.mse import analysis as mse
from exploitation_report.stats.mse.models import CaptureTable, design, fit
from exploitation_report.stats.mse.search import (
    candidate_models,
    fitted_values,
    neighbours,
    overlap_p_value,
    pairs,
    stepwise_path,
)

DATA = Path(__file__).parent / "data" / "mse"


def load(name: str) -> CaptureTable:
    return mse.as_table(mse.read_capture_histories(DATA / name))


def dependent_table() -> CaptureTable:
    """Three lists where A and B share far more persons than independence would give."""
    counts = np.zeros(8, dtype=np.int64)
    counts[[0b001, 0b010, 0b011, 0b100, 0b101, 0b110, 0b111]] = [40, 35, 30, 50, 6, 5, 3]
    return CaptureTable(("A", "B", "C"), counts)


def test_search_is_sorted_deterministic_and_admissible():
    data = load("kosovo_1999_4lists.csv")
    for criterion in ("bic", "aic"):
        ranked = mse.search_models(data, max_order=3, criterion=criterion)
        values = [f.criterion(criterion) for f in ranked]
        assert values == sorted(values)
        assert all(f.status == 0 and f.estimate > data.observed for f in ranked)
        again = mse.search_models(data, max_order=3, criterion=criterion)
        assert [f.interactions for f in again] == [f.interactions for f in ranked]
    with pytest.raises(ValueError, match="criterion"):
        mse.search_models(data, criterion="dic")


def test_non_hierarchical_search_includes_the_hierarchical_models():
    data = load("kosovo_1999_4lists.csv")
    assert len(candidate_models(4, 3, hierarchical=False)) == 2 ** (6 + 4)
    flat = mse.search_models(data, max_order=3, hierarchical=False)
    hier = mse.search_models(data, max_order=3)
    assert flat[0].bic <= hier[0].bic
    assert {f.interactions for f in hier} <= {f.interactions for f in flat}


def test_search_refuses_what_cannot_be_enumerated():
    with pytest.raises(ValueError, match="too many"):
        candidate_models(7, 2)
    with pytest.raises(ValueError, match="too many"):
        candidate_models(6, 3)
    assert len(candidate_models(6, 2)) == 2 ** 15
    assert len(candidate_models(3, 5)) == 8        # capped at lists - 1


def test_overlap_p_value_is_the_two_sided_poisson_tail():
    data = dependent_table()
    f = fit(data, [])
    mu = fitted_values(data, f)
    # Reference: statsmodels' main-effects fit and the expected count on both A and B.
    cells = np.arange(1, 8)
    ref = sm.GLM(data.counts[1:].astype(float), design(cells, [0, 1, 2, 4]), family=sm.families.Poisson()).fit()
    expected = ref.fittedvalues[(cells & 0b011) == 0b011].sum()
    assert mu[[0b011, 0b111]].sum() == pytest.approx(expected, rel=1e-8)
    observed = 30 + 3
    p = min(poisson.cdf(observed, expected), poisson.sf(observed - 1, expected))
    assert overlap_p_value(data, mu, 0b011) == pytest.approx(p, rel=1e-8)
    assert p < 0.02


def test_stepwise_adds_the_dependent_pair_and_stops():
    data = dependent_table()
    path = stepwise_path(data, threshold=0.02)
    assert path[0].label() == mse.MAIN_EFFECTS_LABEL
    assert path[1].label() == "A:B"
    assert mse.stepwise(data).label() == path[-1].label()
    assert mse.stepwise(data, threshold=0).label() == mse.MAIN_EFFECTS_LABEL   # nothing is below 0
    # Each step's p-value was below the threshold under the model before it.
    for before, after in zip(path, path[1:]):
        new = set(after.interactions) - set(before.interactions)
        assert len(new) == 1
        pair = data.term(next(iter(new)))
        assert overlap_p_value(data, fitted_values(data, before), pair) < 0.02


def test_stepwise_never_picks_an_inadmissible_model():
    data = load("new_orleans_8lists_n185.csv")
    for f in stepwise_path(data, threshold=0.5):
        assert f.status == 0


def test_bhs_rule_stops_where_its_rule_says():
    data = load("uk_2013_6lists.csv")
    f = mse.bhs_stepwise(data, p=0.05)
    assert f.aic < mse.fit_model(data).aic
    # Stopping rule: the AIC-best pair to add next either does not lower AIC or is not significant.
    current = [data.term(t) for t in f.interactions]
    options = [fit(data, current + [pair]) for pair in pairs(data.t) if pair not in current]
    best = min((o for o in options if o.status == 0), key=lambda o: o.aic)
    added = (set(best.interactions) - set(f.interactions)).pop()
    assert best.aic >= f.aic or best.wald_p(added) > 0.05
    assert mse.bhs_stepwise(data, p=0.0).label() == mse.MAIN_EFFECTS_LABEL


def test_downhill_ends_in_a_local_minimum():
    data = load("kosovo_1999_4lists.csv")
    best = mse.downhill_search(data)
    masks = tuple(data.term(t) for t in best.interactions)
    for nb in neighbours(4, masks, 3):
        other = fit(data, nb)
        assert other.status != 0 or other.bic >= best.bic


def test_the_result_names_the_highest_order_the_choice_could_reach():
    # The stepwise rule adds pairs only, so max_order 1 leaves the main-effects model; with 4
    # lists no model has an interaction of more than 3, whatever max_order asks.
    table = mse.as_table(mse.read_capture_histories(DATA / "kosovo_1999_4lists.csv"))
    none = mse.estimate(table, method="stepwise", max_order=1, resamples=20, seed=1)
    assert none.max_order == 1 and none.best.interactions == () and len(none.candidates) == 1
    assert mse.estimate(table, method="stepwise", max_order=4, resamples=0).max_order == 2
    assert mse.estimate(table, method="bic", max_order=4, resamples=0).max_order == 3
