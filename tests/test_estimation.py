import numpy as np
import pandas as pd
import pytest

from exploitation_report import estimation as est

BANDS = {1: (1, 1), 2: (2, 3), 3: (4, 5), 4: (6, 10), 5: (11, 20), 6: (21, None)}
OTHERS = {1: (0, 0), 2: (1, 1), 3: (2, 3), 4: (4, None)}
ALL_BANDS = {"n_sexual": BANDS, "n_criminal": BANDS, "n_both": BANDS, "n_other_professionals": OTHERS}


def test_band_bounds_midpoints_cap_and_not_applicable():
    codes = pd.Series([1, 2, 6, pd.NA, 3], dtype="Int64")
    applies = pd.Series([True, True, True, True, False])
    b = est.band_bounds(codes, BANDS, cap=30, applies=applies)
    np.testing.assert_array_equal(b.low[:3], [1, 2, 21])
    np.testing.assert_array_equal(b.high[:3], [1, 3, 30])
    assert b.central[1] == 2.5 and b.central[2] == 25.5
    assert np.isnan(b.low[3])                 # asked but unknown
    assert b.low[4] == 0 and b.high[4] == 0   # did not meet victims: zero, not the band


def test_population_total_hand_computed():
    # Three respondents in a population of 10: 2 victims known only to r1; 4 victims also known to 1 other.
    v = np.array([2.0, 4.0, 0.0])
    m = np.array([1.0, 2.0, 1.0])
    n, N = 3, 10
    known = 2 + 4 / (1 + 2 / 9)
    assert est.known_to_respondents(v, m, n, N) == pytest.approx(known)
    per_resp = (2 / 1 + 4 / 2) / 3
    assert est.population_total(v, m, 1.0, n, N) == pytest.approx(per_resp * 10)   # Sirken: N * mean weight
    assert est.population_total(v, m, 0.5, n, N) == pytest.approx(per_resp * (3 + 0.5 * 7))
    # With f = 0 the extrapolation (4) falls below the victims the respondents know: the floor holds.
    assert est.population_total(v, m, 0.0, n, N) == pytest.approx(known)


def test_bootstrap_weights_reduce_to_point_estimate():
    v = np.array([2.0, 4.0, 0.0])
    m = np.array([1.0, 2.0, 1.0])
    w = np.ones((1, 3))
    assert est.population_total(v[None], m[None], 0.5, 3, 10, w)[0] == pytest.approx(
        est.population_total(v, m, 0.5, 3, 10))
    # Doubling one respondent's weight equals duplicating that respondent in the mean.
    w2 = np.array([[2.0, 1.0, 1.0]])
    dup = (2 * 2 / 1 + 4 / 2 + 0) / 4
    assert est.population_total(v[None], m[None], 1.0, 3, 10, w2)[0] == pytest.approx(max(dup * 10, 0))


def test_union_subtracts_victims_of_both_forms():
    forms = est.victims_by_form(np.array([3.0]), np.array([2.0]), np.array([2.0]))
    assert forms["any"][0] == 3.0


def frame(n=60, seed=0):
    rng = np.random.default_rng(seed)
    met_s = rng.choice([1, 2], size=n, p=[0.4, 0.6])
    met_c = rng.choice([1, 2], size=n, p=[0.4, 0.6])
    both = np.where((met_s == 1) & (met_c == 1), rng.choice([1, 2], size=n), 0)
    met = (met_s == 1) | (met_c == 1)
    return pd.DataFrame({
        "respondent_id": [f"R{i:03d}" for i in range(n)],
        "organisation_id": [f"ORG-{i % 12:02d}" for i in range(n)],
        "met_sexual": pd.array(met_s, dtype="Int64"), "met_criminal": pd.array(met_c, dtype="Int64"),
        "met_both": pd.array(np.where(both > 0, both, pd.NA), dtype="Int64"),
        "n_sexual": pd.array(np.where(met_s == 1, rng.integers(1, 7, n), pd.NA), dtype="Int64"),
        "n_criminal": pd.array(np.where(met_c == 1, rng.integers(1, 4, n), pd.NA), dtype="Int64"),
        "n_both": pd.array(np.where(both == 1, 1, pd.NA), dtype="Int64"),
        "n_other_professionals": pd.array(np.where(met, rng.integers(1, 5, n), pd.NA), dtype="Int64"),
    })


def run(data, **kw):
    args = dict(population=600, nonresponse=(0.0, 0.5, 1.0), multiplicity_unknown=(1.0, 2.0, 4.0),
                resamples=400, seed=7)
    args.update(kw)
    return est.estimate(data, **args)


def test_estimate_is_ordered_seeded_and_coherent():
    data = est.prepare(frame(), ALL_BANDS, cap=30, others_cap=8)
    assert data.n == 60 and data.cluster.max() == 11
    a, b = run(data), run(data)
    assert a == b                                        # same seed, same numbers
    assert run(data, seed=8)["any"].ci_low != a["any"].ci_low
    for form, lad in a.items():
        assert lad.known_dedup <= lad.reported_raw
        assert lad.scenario_low <= lad.scenario_central <= lad.scenario_high
        assert lad.ci_low < lad.scenario_central < lad.ci_high
        assert lad.known_dedup <= lad.scenario_low + 1e-9
    assert a["any"].scenario_central <= a["sexual"].scenario_central + a["criminal"].scenario_central
    assert a["any"].scenario_central >= max(a["sexual"].scenario_central, a["criminal"].scenario_central)


def test_more_overlap_means_fewer_distinct_victims():
    df = frame()
    base = run(est.prepare(df, ALL_BANDS, 30, 8))["any"]
    df2 = df.copy()
    df2["n_other_professionals"] = df2["n_other_professionals"].where(df2["n_other_professionals"].isna(), 4)
    more = run(est.prepare(df2, ALL_BANDS, 30, 8))["any"]
    assert more.scenario_central < base.scenario_central


def test_bands_from_codebook_like_object():
    class Var:
        def __init__(self, bands):
            self.bands = bands

    class Book:
        variables = {k: Var(v) for k, v in ALL_BANDS.items()}

    assert est.bands_from(Book())["n_other_professionals"][4] == (4, None)
