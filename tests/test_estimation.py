import numpy as np
import pandas as pd
import pytest

from exploitation_report import estimation as est
from exploitation_report.params import load_params
from exploitation_report.paths import PROJECT_ROOT

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
    assert b.draw(0.0)[2] == 21 and b.draw(1.0)[2] == 30 and b.draw(0.5)[1] == 2.5


def test_known_weight_is_the_expected_inverse_of_respondents_who_know_a_victim():
    # m = 3 professionals, each other one a respondent with q = 0.3: k = 1 + Binomial(2, 0.3).
    probs = {1: 0.7 ** 2, 2: 2 * 0.3 * 0.7, 3: 0.3 ** 2}
    expected = sum(p / k for k, p in probs.items())   # 0.49 + 0.21 + 0.03 = 0.73
    assert est.known_weight(3, 0.3) == pytest.approx(expected)
    assert est.known_weight(2, 0.5) == pytest.approx(0.75)
    assert est.known_weight(1, 0.2) == pytest.approx(1.0)         # known to one: counted once
    assert est.known_weight(4, 1.0) == pytest.approx(0.25)        # everyone answered: 1 / m
    # All victims = those known to a respondent + those known to none, (1 - q)^m / (m q) per report.
    for m, q in [(1, 0.2), (2.5, 0.18), (6, 0.9)]:
        assert est.known_weight(m, q) + (1 - q) ** m / (m * q) == pytest.approx(est.total_weight(m, q))


def test_responding_share_follows_the_nonresponse_factor():
    # 3 of 10 professionals answered.
    assert est.responding_share(1.0, 3, 10) == pytest.approx(0.3)       # typical non-respondents: n / N
    assert est.responding_share(0.0, 3, 10) == pytest.approx(1.0)       # only respondents meet victims
    assert est.responding_share(0.5, 3, 10) == pytest.approx(3 / 6.5)   # 3 / (3 + 0.5 * 7)


def test_population_total_hand_computed():
    # Three respondents in a population of 10: 2 victims known only to r1; 4 victims also known to
    # 1 other professional. Sum of v / m = 2 / 1 + 4 / 2 = 4.
    v = np.array([2.0, 4.0, 0.0])
    m = np.array([1.0, 2.0, 1.0])
    n, N = 3, 10
    # f = 1 is Sirken's estimator: N / n times the sum of v / m.
    assert est.population_total(v, m, 1.0, n, N) == pytest.approx(10 / 3 * 4)
    assert est.known_to_respondents(v, m, 1.0, n, N) == pytest.approx(2 + 4 * (1 - 0.7 ** 2) / (2 * 0.3))  # 5.4
    # f = 0: every professional who knows a victim answered; total = known = sum of v / m.
    assert est.population_total(v, m, 0.0, n, N) == pytest.approx(4)
    assert est.known_to_respondents(v, m, 0.0, n, N) == pytest.approx(4)
    # f = 0.5: non-respondents add half the respondents' rate: 4 * (1 + 0.5 * 7 / 3); q = 6 / 13.
    assert est.population_total(v, m, 0.5, n, N) == pytest.approx(4 * (1 + 0.5 * 7 / 3))
    assert est.known_to_respondents(v, m, 0.5, n, N) == pytest.approx(2 + 4 * (1 - (7 / 13) ** 2) / (12 / 13))


def test_nonresponse_factor_means_what_the_chapter_says():
    # Four professionals; A and B answered, C and D did not. Victims 1 and 2 are known to A and B,
    # victim 3 to C only: 3 victims. Sirken weights (sum of 1 / m): A 1, B 1, C 1, D 0, so
    # non-respondents meet victims at half the respondents' rate (f = 0.5). Each respondent reports
    # 2 victims, each known to one other professional.
    v, m = np.array([2.0, 2.0]), np.array([2.0, 2.0])
    assert est.population_total(v, m, 0.5, 2, 4) == pytest.approx(3.0)
    # Victims known to a respondent: 2 in this population; D(f) is its expectation when each
    # professional who knows a victim answered with probability q = 2 / 3.
    q = 2 / 3
    assert est.known_to_respondents(v, m, 0.5, 2, 4) == pytest.approx(4 * (1 - (1 - q) ** 2) / (2 * q))


def test_total_never_falls_below_what_respondents_know():
    v = np.array([3.0, 1.0, 2.0])
    m = np.array([4.0, 2.0, 1.0])
    factors = (0.0, 0.25, 0.5, 1.0)
    totals = [est.population_total(v, m, f, 3, 50) for f in factors]
    known = [est.known_to_respondents(v, m, f, 3, 50) for f in factors]
    assert totals[0] == pytest.approx(known[0]) == pytest.approx(3 / 4 + 1 / 2 + 2 / 1)
    assert all(t >= k for t, k in zip(totals, known))
    assert all(a < b for a, b in zip(totals, totals[1:]))
    assert all(a < b for a, b in zip(known, known[1:]))      # fewer respondents among the others: less overlap


def test_bootstrap_weights_reduce_to_point_estimate_and_duplicate_respondents():
    v = np.array([2.0, 4.0, 0.0])
    m = np.array([1.0, 2.0, 1.0])
    w = np.ones((1, 3))
    assert est.population_total(v[None], m[None], 0.5, 3, 10, w)[0] == pytest.approx(
        est.population_total(v, m, 0.5, 3, 10))
    # Doubling respondent 1 equals the mean over (r1, r1, r2, r3) times n = 3.
    w2 = np.array([[2.0, 1.0, 1.0]])
    raw = 3 * (2 + 2 + 4 + 0) / 4
    assert est._total(v, w2, 3)[0] == pytest.approx(raw)


def test_union_subtracts_victims_of_both_forms():
    forms = est.victims_by_form(np.array([3.0]), np.array([2.0]), np.array([2.0]))
    assert forms["any"][0] == 3.0


def test_assumptions_ranges_central_ends_and_draws():
    a = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(100, 120, 150))
    assert a.central()["nonresponse"] == 0.5 and a.central()["population"] == 120
    low = a.end("population", "low")
    assert low["population"] == 100 and low["nonresponse"] == 0.5
    draws = a.draw(np.random.default_rng(1), 500)
    assert draws["population"].shape == (500, 1)
    assert draws["population"].min() >= 100 and draws["population"].max() <= 150
    # Triangular with mode 120 on [100, 150]: mean (100 + 120 + 150) / 3.
    assert abs(draws["population"].mean() - 370 / 3) < 2
    fixed = est.Assumptions(nonresponse=(0.3, 0.3, 0.3), population=(100, 100, 100))
    assert (fixed.draw(np.random.default_rng(1), 3)["nonresponse"] == 0.3).all()
    with pytest.raises(ValueError, match="nonresponse"):
        est.Assumptions(nonresponse=(0.6, 0.5, 1.0), population=(100, 120, 150))


def test_assumptions_from_shipped_params():
    params = load_params(PROJECT_ROOT / "params" / "2024.yml")
    a = est.Assumptions.from_params(params)
    assert a.population[1] == params.population.first_line_professionals
    assert a.nonresponse == (params.estimation.nonresponse_factor.low, params.estimation.nonresponse_factor.central,
                             params.estimation.nonresponse_factor.high)


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
        "n_other_professionals": pd.array(np.where(met, rng.integers(1, 6, n), pd.NA), dtype="Int64"),
    })


ASSUME = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(500, 600, 700))


def run(data, assumptions=ASSUME, **kw):
    return est.estimate(data, assumptions, **(dict(resamples=400, seed=7) | kw))


def test_prepare_counts_missing_items_and_clusters():
    df = frame()
    df.loc[0, "met_sexual"] = 1
    df.loc[0, "n_sexual"] = pd.NA                       # met victims, count missing
    data = est.prepare(df, ALL_BANDS, cap=30, others_cap=8)
    assert data.victims["sexual"].low[0] == 1 and data.victims["sexual"].high[0] == 1
    assert data.missing_counts == 1
    met = df["met_sexual"].eq(1) | df["met_criminal"].eq(1)
    # "Weet ik niet" (code 5, no bounds) and a missing answer both leave the multiplicity unknown.
    unknown = df["n_other_professionals"].eq(5).fillna(True)
    assert data.unknown_others == int((met & unknown).sum())
    assert data.n == 60 and data.clusters == 12
    no_org = est.prepare(df.assign(organisation_id=pd.NA), ALL_BANDS, 30, 8)
    assert no_org.clusters == 60                        # every respondent their own cluster


def test_cluster_weights_resample_whole_organisations():
    cluster = np.array([0, 0, 1, 2, 2, 2])
    w = est.cluster_weights(cluster, 50, np.random.default_rng(3))
    assert w.shape == (50, 6)
    assert (w[:, 0] == w[:, 1]).all() and (w[:, 3] == w[:, 5]).all()
    per_cluster = np.stack([w[:, 0], w[:, 2], w[:, 3]], axis=1)
    assert (per_cluster.sum(axis=1) == 3).all()         # three organisations drawn each time


def test_estimate_is_ordered_seeded_and_coherent():
    data = est.prepare(frame(), ALL_BANDS, cap=30, others_cap=8)
    a, b = run(data), run(data)
    assert a == b                                        # same seed, same numbers
    assert run(data, seed=8)["any"].ci_low != a["any"].ci_low
    for form, lad in a.items():
        assert lad.known_dedup <= lad.reported_raw
        assert lad.minimum <= lad.known_dedup
        assert lad.scenario_low <= lad.scenario_central <= lad.scenario_high
        assert lad.ci_low < lad.scenario_central < lad.ci_high
        assert lad.minimum <= lad.scenario_low <= lad.known_dedup
        for step, (lo, hi) in lad.intervals.items():
            assert lo <= hi, step
        assert lad.intervals["estimate"] == (lad.ci_low, lad.ci_high)
    # f low = 0: everyone who knows a victim answered, so the total is the sum of v / m.
    m = est.multiplicity(data.others.central, 2.0)
    for form, v in est.counts(data, 0.5).items():
        assert a[form].scenario_low == pytest.approx((v / m).sum())
    assert a["any"].scenario_central <= a["sexual"].scenario_central + a["criminal"].scenario_central
    assert a["any"].scenario_central >= max(a["sexual"].scenario_central, a["criminal"].scenario_central)
    record = a["any"].as_record()
    assert set(record["intervals"]) == set(est.STEPS)
    assert record["nonresponse_factor"] == {"low": 0.0, "central": 0.5, "high": 1.0}


def test_point_values_match_the_formula_at_central_assumptions():
    data = est.prepare(frame(), ALL_BANDS, cap=30, others_cap=8)
    lad = run(data)["sexual"]
    v = data.victims["sexual"].central
    m = est.multiplicity(data.others.central, 2.0)
    assert lad.reported_raw == pytest.approx(v.sum())
    assert lad.scenario_central == pytest.approx(est.population_total(v, m, 0.5, data.n, 600))


def test_more_overlap_means_fewer_distinct_victims():
    df = frame()
    base = run(est.prepare(df, ALL_BANDS, 30, 8))["any"]
    df2 = df.copy()
    df2["n_other_professionals"] = df2["n_other_professionals"].where(df2["n_other_professionals"].isna(), 4)
    more = run(est.prepare(df2, ALL_BANDS, 30, 8))["any"]
    assert more.scenario_central < base.scenario_central


def test_population_smaller_than_respondents_is_refused():
    data = est.prepare(frame(), ALL_BANDS, 30, 8)
    with pytest.raises(ValueError, match="first_line_professionals_range.*at least the 60 respondents, found 50"):
        run(data, assumptions=est.Assumptions(nonresponse=(0, 0.5, 1), population=(50, 600, 700)))


def test_bands_from_codebook_like_object():
    class Var:
        def __init__(self, bands):
            self.bands = bands

    class Book:
        variables = {k: Var(v) for k, v in ALL_BANDS.items()}

    assert est.bands_from(Book())["n_other_professionals"][4] == (4, None)


def test_sampling_interval_is_the_interval_with_every_assumption_fixed():
    data = est.prepare(frame(), ALL_BANDS, cap=30, others_cap=8)
    lad = run(data)["any"]
    assert lad.ci_sampling[0] < lad.scenario_central < lad.ci_sampling[1]
    assert lad.ci_sampling[1] - lad.ci_sampling[0] < lad.ci_high - lad.ci_low     # assumptions widen it
    pinned = run(data, assumptions=ASSUME.fixed())["any"]
    assert pinned.ci_sampling == pytest.approx((pinned.ci_low, pinned.ci_high))  # nothing left to draw
    assert run(data, sampling=False)["any"].ci_sampling == ()
    assert lad.as_record()["ci_sampling"] == pytest.approx(list(lad.ci_sampling), abs=1e-6)
