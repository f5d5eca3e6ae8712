"""Per-victim multiplicity (issue 11 item 2): the grid path, the one-item path and the bias between them."""

import numpy as np
import pandas as pd
import pytest

from exploitation_report.stats import estimation as est

EXACT = {c: (c, c) for c in range(1, 7)}                       # victim count code c = c victims
OTHERS = {1: (0, 0), 2: (1, 1), 3: (2, 3), 4: (4, None)}
GRID_BANDS = {c: (c - 1, c - 1) for c in range(1, 10)}         # grid code c = c - 1 other professionals
GRID = ["others_victim_1", "others_victim_2", "others_victim_3"]
BANDS = {"n_sexual": EXACT, "n_criminal": EXACT, "n_both": EXACT, "n_other_professionals": OTHERS,
         **{name: GRID_BANDS for name in GRID}}
# Central assumptions, non-response factor 1 (Sirken's estimator, q = n / N) and N = 4.
A = est.Assumptions(nonresponse=(1.0, 1.0, 1.0), population=(4, 4, 4)).central()


def survey(sexual, grid, others=None):
    """Respondents with sexual exploitation only: their counts (codes) and grid answers (codes or None)."""
    n = len(sexual)
    frame = pd.DataFrame({
        "respondent_id": [f"R{i}" for i in range(n)],
        "met_sexual": pd.array([1 if s else 2 for s in sexual], dtype="Int64"),
        "met_criminal": pd.array([2] * n, dtype="Int64"), "met_both": pd.array([pd.NA] * n, dtype="Int64"),
        "n_sexual": pd.array([s or pd.NA for s in sexual], dtype="Int64"),
        "n_criminal": pd.array([pd.NA] * n, dtype="Int64"), "n_both": pd.array([pd.NA] * n, dtype="Int64"),
        "n_other_professionals": pd.array(others or [pd.NA] * n, dtype="Int64")})
    for j, name in enumerate(GRID):
        frame[name] = pd.array([row[j] if j < len(row) else pd.NA for row in grid], dtype="Int64")
    return frame


def totals(data, a=A):
    return {step: float(v) for step, v in est.evaluate(data, a, (1.0, 1.0, 1.0))["sexual"].items()}


def test_per_victim_weights_give_the_exact_sirken_estimate():
    # Two respondents of N = 4 professionals (q = 1/2). R0 knows 3 victims, known to 1, 2 and 4
    # professionals (0, 1 and 3 others); R1 knows 1 victim, known to 2. Sirken (1970):
    # N / n * sum of 1 / m = 2 * (1 + 1/2 + 1/4 + 1/2) = 4.5.
    data = est.prepare(survey([3, 1], [[1, 2, 4], [2]]), BANDS, grid=GRID)
    assert data.on_grid.tolist() == [True, True] and data.unknown_others == 0
    t = totals(data)
    assert t["estimate"] == pytest.approx(4.5) and t["reported_raw"] == pytest.approx(4)
    # Known to the respondents: per victim E[1/k] = (1 - (1 - q)^m) / (m q), summed.
    kw = lambda m: (1 - 0.5 ** m) / (m * 0.5)  # noqa: E731
    assert t["known_dedup"] == pytest.approx(kw(1) + kw(2) + kw(4) + kw(2))
    # A fourth victim beyond the grid (k = 3) gets the mean weight of the respondent's answered three.
    beyond = totals(est.prepare(survey([4, 1], [[1, 2, 4], [2]]), BANDS, grid=GRID))
    assert beyond["estimate"] == pytest.approx(2 * (4 * (1 + 1 / 2 + 1 / 4) / 3 + 1 / 2))
    # A missing grid answer likewise: the mean over the answered victims.
    gap = totals(est.prepare(survey([3, 1], [[1, None, 4], [2]]), BANDS, grid=GRID))
    assert gap["estimate"] == pytest.approx(2 * (3 * (1 + 1 / 4) / 2 + 1 / 2))


def test_grid_and_one_item_agree_when_every_victim_is_known_to_equally_many():
    # R0: 3 victims each known to 2 others; R1: 1 victim known to 1 other; R2 met none.
    grid = est.prepare(survey([3, 1, None], [[3, 3, 3], [2], []]), BANDS, grid=GRID)
    one = est.prepare(survey([3, 1, None], [[], [], []], others=[3, 2, pd.NA]),
                      {**BANDS, "n_other_professionals": {1: (0, 0), 2: (1, 1), 3: (2, 2)}})
    assert grid.on_grid.tolist() == [True, True, False] and not one.on_grid.any()
    for step, value in totals(one).items():
        assert totals(grid)[step] == pytest.approx(value), step
    # ... and so do their bootstraps (same seed, same organisations, same draws).
    a = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(4, 5, 6))
    for form, ladder in est.estimate(one, a, resamples=200, seed=3, sampling=False).items():
        other = est.estimate(grid, a, resamples=200, seed=3, sampling=False)[form]
        assert (other.ci_low, other.ci_high) == pytest.approx((ladder.ci_low, ladder.ci_high))


def test_one_typical_number_is_too_low_and_per_victim_correction_repairs_it():
    # One respondent, 5 victims known to 1, 4, 5, 5 and 5 professionals: most are known to many, one
    # to the respondent alone. Per victim: sum of 1/m = 1 + 1/4 + 3/5 = 1.85. Asked once, the
    # respondent gives the median, 5 (4 others): every victim weighs 1/5, sum 1.0, the estimate too low.
    grid = est.prepare(survey([5, None], [[1, 4, 5], []]), BANDS, grid=GRID)   # grid of k = 3 ...
    exact = est.EstimationData(grid.victims, grid.others, grid.cluster, grid.met_any,
                               grid=est.Bounds(np.array([[0, 3, 4, 4, 4], [np.nan] * 5]),
                                               np.array([[0, 3, 4, 4, 4], [np.nan] * 5])))  # ... or all five
    one = est.prepare(survey([5, None], [[], []], others=[4, pd.NA]), {**BANDS, "n_other_professionals":
                                                                     {4: (4, 4)}})
    per_victim, typical = totals(exact)["estimate"], totals(one)["estimate"]
    assert per_victim == pytest.approx(2 * 1.85) and typical == pytest.approx(2 * 1.0)
    assert typical < per_victim                                    # the stated direction: too low
    # The sensitivity factor is the ratio of the two weights: at 1.85 the one-item path is exact.
    assert totals(one, A | {"per_victim": 1.85})["estimate"] == pytest.approx(per_victim)
    assert totals(exact, A | {"per_victim": 1.85})["estimate"] == pytest.approx(per_victim)  # grid: no factor
    assert totals(grid)["estimate"] == pytest.approx(2 * 5 * (1 + 1 / 4 + 1 / 5) / 3)



def test_the_correction_comes_from_the_parameters_and_is_at_least_one():
    from exploitation_report.inputs.errors import InputError
    from exploitation_report.inputs.params import load_params
    from exploitation_report.paths import PROJECT_ROOT

    params = load_params(PROJECT_ROOT / "params" / "2024.yml")
    assert est.Assumptions.from_params(params).per_victim == (1.0, 1.0, 1.3)
    with pytest.raises(InputError) as err:
        load_params(PROJECT_ROOT / "params" / "2024.yml", ["estimation.per_victim_correction.low=0.8"])
    (problem,) = err.value.problems
    assert problem.key == "estimation.per_victim_correction" and problem.expected.startswith("low >= 1")
    assert problem.found == "0.8"
