import numpy as np
import pandas as pd
import pytest

from exploitation_report.inputs.params import load_params
from exploitation_report.paths import PROJECT_ROOT
from exploitation_report.stats import estimation as est

BANDS = {1: (1, 1), 2: (2, 3), 3: (4, 5), 4: (6, 10), 5: (11, 20), 6: (21, None)}
OTHERS = {1: (0, 0), 2: (1, 1), 3: (2, 3), 4: (4, None)}
ALL_BANDS = {"n_sexual": BANDS, "n_criminal": BANDS, "n_both": BANDS, "n_other_professionals": OTHERS}


def test_band_bounds_midpoints_cap_and_not_applicable():
    codes = pd.Series([1, 2, 6, pd.NA, 3], dtype="Int64")
    applies = pd.Series([True, True, True, True, False])
    b = est.band_bounds(codes, BANDS, applies=applies)
    np.testing.assert_array_equal(b.low[:3], [1, 2, 21])
    np.testing.assert_array_equal(b.upper(30)[:3], [1, 3, 30])
    assert list(b.open) == [False, False, True, False, False]
    assert b.draw(0.5, 30)[1] == 2.5 and b.draw(0.5, 30)[2] == 25.5
    assert np.isnan(b.low[3])                 # asked but unknown
    assert b.low[4] == 0 and b.high[4] == 0   # did not meet victims: zero, not the band
    assert b.draw(0.0, 30)[2] == 21 and b.draw(1.0, 30)[2] == 30
    # The open band's end is an assumption: drawn per resample as an (R, 1) array.
    drawn = b.draw(1.0, np.array([[25.0], [40.0]]))
    assert drawn.shape == (2, 5) and list(drawn[:, 2]) == [25, 40] and list(drawn[:, 1]) == [3, 3]
    assert b.draw(1.0, 10)[2] == 21           # a cap below the band's lower limit never lowers it


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
    data = est.prepare(df, ALL_BANDS)
    assert data.victims["sexual"].low[0] == 1 and data.victims["sexual"].high[0] == 1
    assert data.missing_counts == 1
    met = df["met_sexual"].eq(1) | df["met_criminal"].eq(1)
    # "Weet ik niet" (code 5, no bounds) and a missing answer both leave the multiplicity unknown.
    unknown = df["n_other_professionals"].eq(5).fillna(True)
    assert data.unknown_others == int((met & unknown).sum())
    assert data.n == 60 and data.clusters == 12
    assert data.by_organisation
    no_org = est.prepare(df.assign(organisation_id=pd.NA), ALL_BANDS)
    assert no_org.clusters == 60 and not no_org.by_organisation   # every respondent their own cluster
    # One organisation: a cluster bootstrap would draw everyone every time (no sampling error at all).
    one_org = est.prepare(df.assign(organisation_id="org-1"), ALL_BANDS)
    assert one_org.clusters == 60 and not one_org.by_organisation


def test_cluster_counts_resample_whole_organisations():
    cluster = np.array([0, 0, 1, 2, 2, 2])
    counts = est.cluster_counts(3, 50, np.random.default_rng(3))
    assert counts.shape == (50, 3) and (counts.sum(axis=1) == 3).all()   # three organisations drawn each time
    w = counts[:, cluster]
    assert (w[:, 0] == w[:, 1]).all() and (w[:, 3] == w[:, 5]).all()   # a drawn organisation brings everyone
    assert len({tuple(row) for row in counts}) > 5                       # resamples differ
    rng = np.random.default_rng(8)
    pieces = np.vstack([est.cluster_counts(40, 7, rng), est.cluster_counts(40, 13, rng)])
    np.testing.assert_array_equal(pieces, est.cluster_counts(40, 20, np.random.default_rng(8)))   # chunk-proof
    # Each organisation is drawn once per resample on average (multinomial with equal probabilities).
    many = est.cluster_counts(40, 2000, np.random.default_rng(1))
    assert many.mean() == pytest.approx(1.0, abs=0.02) and many.var() == pytest.approx(1 - 1 / 40, abs=0.05)


def test_estimate_is_ordered_seeded_and_coherent():
    data = est.prepare(frame(), ALL_BANDS)
    a, b = run(data), run(data)
    assert a == b                                        # same seed, same numbers
    assert run(data, seed=8)["any"].ci_low != a["any"].ci_low
    for lad in a.values():
        assert lad.known_dedup <= lad.reported_raw
        assert lad.minimum <= lad.known_dedup
        assert lad.scenario_low <= lad.scenario_central <= lad.scenario_high
        assert lad.ci_low < lad.scenario_central < lad.ci_high
        assert lad.minimum <= lad.scenario_low <= lad.known_dedup
        for step, (lo, hi) in lad.intervals.items():
            assert lo <= hi, step
        assert lad.intervals["estimate"] == (lad.ci_low, lad.ci_high)
    # f low = 0: everyone who knows a victim answered, so the total is the sum of v / m.
    m = est.multiplicities(data, ASSUME.central(), est.counts(data, 0.5, 30)["any"])
    for form, v in est.counts(data, 0.5, 30).items():
        assert a[form].scenario_low == pytest.approx((v / m).sum())
    assert a["any"].scenario_central <= a["sexual"].scenario_central + a["criminal"].scenario_central
    assert a["any"].scenario_central >= max(a["sexual"].scenario_central, a["criminal"].scenario_central)
    assert set(a["any"].intervals) == set(est.STEPS) | {"typical"}
    assert a["any"].nonresponse == (0.0, 0.5, 1.0)


def test_point_values_match_the_formula_at_central_assumptions():
    data = est.prepare(frame(), ALL_BANDS)
    lad = run(data)["sexual"]
    v = data.victims["sexual"].draw(0.5, 30)
    m = est.multiplicities(data, ASSUME.central(), est.counts(data, 0.5, 30)["any"])
    assert lad.reported_raw == pytest.approx(v.sum())       # exact: disclosure_rounding publishes it
    assert lad.scenario_central == pytest.approx(est.population_total(v, m, 0.5, data.n, 600))


def test_more_overlap_means_fewer_distinct_victims():
    df = frame()
    base = run(est.prepare(df, ALL_BANDS))["any"]
    df2 = df.copy()
    df2["n_other_professionals"] = df2["n_other_professionals"].where(df2["n_other_professionals"].isna(), 4)
    more = run(est.prepare(df2, ALL_BANDS))["any"]
    assert more.scenario_central < base.scenario_central


def test_population_smaller_than_respondents_is_refused():
    data = est.prepare(frame(), ALL_BANDS)
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
    data = est.prepare(frame(), ALL_BANDS)
    lad = run(data)["any"]
    assert lad.ci_sampling[0] < lad.scenario_central < lad.ci_sampling[1]
    assert lad.ci_sampling[1] - lad.ci_sampling[0] < lad.ci_high - lad.ci_low     # assumptions widen it
    pinned = run(data, assumptions=ASSUME.fixed())["any"]
    assert pinned.ci_sampling == pytest.approx((pinned.ci_low, pinned.ci_high))  # nothing left to draw
    assert run(data, sampling=False)["any"].ci_sampling == ()


# --- missing multiplicity, open-band caps, few reports, the public estimator --------------

def test_harmonic_multiplicity_is_count_weighted():
    v = np.array([2.0, 1.0, 4.0, 3.0])
    m = np.array([1.0, 4.0, np.nan, 2.0])
    answered = np.array([True, True, False, True])
    # sum(v) / sum(v / m) over answered: 6 / (2 + 0.25 + 1.5) = 1.6
    assert est.harmonic_multiplicity(v, m, answered) == pytest.approx(6 / 3.75)
    # Per resample: weights (R, n) give (R, 1); a resample without answered reports gives NaN.
    w = np.array([[1.0, 1.0, 1.0, 1.0], [0.0, 2.0, 2.0, 0.0], [0.0, 0.0, 4.0, 0.0]])
    h = est.harmonic_multiplicity(v, m, answered, w)
    assert h.shape == (3, 1)
    assert h[0, 0] == pytest.approx(1.6) and h[1, 0] == pytest.approx(4.0) and np.isnan(h[2, 0])


def _fill_data(others, sector, met=None):
    others = np.asarray(others, dtype=float)
    n = len(others)
    zero = est.Bounds(np.zeros(n), np.zeros(n))
    return est.EstimationData({"sexual": zero, "criminal": zero, "both": zero}, est.Bounds(others, others),
                              np.arange(n), np.ones(n, bool) if met is None else np.asarray(met),
                              group=np.asarray(sector))


def test_missing_multiplicity_filled_within_sector_when_it_has_enough_answers():
    k = est.MIN_GROUP_ANSWERS
    # Sector 0: k answers of m = 3 and one missing; sector 1: two answers of m = 1 and one missing.
    others = [2.0] * k + [np.nan] + [0.0, 0.0, np.nan]
    sector = [0] * (k + 1) + [1, 1, 1]
    data = _fill_data(others, sector)
    v = np.ones(len(others))
    m = est.fill_multiplicity(data, v, 1.0 + data.others.low, fallback=7.0)
    assert m[k] == pytest.approx(3.0)                       # own sector: enough answers
    overall = (k + 2) / (k / 3 + 2)                          # harmonic mean over every answered report
    assert m[-1] == pytest.approx(overall)                   # small sector: the whole survey
    assert not np.isnan(m).any()
    # Nobody answered: the parameter's fallback.
    none = _fill_data([np.nan, np.nan], [0, 0])
    assert list(est.fill_multiplicity(none, np.ones(2), np.array([np.nan, np.nan]), 7.0)) == [7.0, 7.0]
    # Respondents who met no victims never inform the fill.
    silent = _fill_data([0.0, 9.0, np.nan], [0, 0, 0], met=[True, False, True])
    assert est.fill_multiplicity(silent, np.ones(3), 1.0 + silent.others.low, 7.0)[2] == pytest.approx(1.0)


def test_fill_leaves_the_total_as_if_the_missing_answer_were_typical():
    df = frame()
    base = est.prepare(df, ALL_BANDS)
    a = ASSUME.central()
    total = float(est.evaluate(base, a, ASSUME.nonresponse)["any"]["estimate"])
    # Copy every reporter with the multiplicity item blanked: the copies' weights average the answers.
    twin = pd.concat([df, df.assign(respondent_id=df["respondent_id"] + "b", n_other_professionals=pd.NA)],
                     ignore_index=True)
    doubled = est.prepare(twin, ALL_BANDS)
    pop = dict(a, population=1200)
    t2 = float(est.evaluate(doubled, pop, ASSUME.nonresponse)["any"]["estimate"])
    t1 = float(est.evaluate(base, dict(a, population=1200), ASSUME.nonresponse)["any"]["estimate"])
    assert total > 0
    assert t2 == pytest.approx(2 * t1 * est.responding_share(0.5, 60, 1200) / est.responding_share(0.5, 120, 1200))


def test_open_band_caps_are_drawn_into_the_interval():
    df = frame()
    df.loc[df["n_sexual"].notna(), "n_sexual"] = 6                   # every sexual count "21 or more"
    data = est.prepare(df, ALL_BANDS)
    fixed = run(data, assumptions=est.Assumptions(nonresponse=(0.5,) * 3, population=(600,) * 3,
                                                  band_cap=(30,) * 3))["sexual"]
    ranged = run(data, assumptions=est.Assumptions(nonresponse=(0.5,) * 3, population=(600,) * 3,
                                                   band_cap=(22, 30, 60)))["sexual"]
    assert ranged.scenario_central == pytest.approx(fixed.scenario_central)    # same central cap
    assert ranged.ci_high - ranged.ci_low > fixed.ci_high - fixed.ci_low


def test_poisson_interval_exact_values():
    assert est.poisson_interval(0) == pytest.approx((0.0, 2.995732), abs=1e-6)     # -ln(0.05), one-sided
    assert est.poisson_interval(1) == pytest.approx((0.025318, 5.571643), abs=1e-5)
    assert est.poisson_interval(5) == pytest.approx((1.623486, 11.668332), abs=1e-5)
    with pytest.raises(ValueError, match="count >= 0"):
        est.poisson_interval(-1)


def test_no_reported_victims_gives_a_one_sided_interval_not_zero():
    df = frame()
    df["met_sexual"] = pd.array([2] * len(df), dtype="Int64")
    df["met_both"] = pd.NA
    df["n_sexual"] = pd.NA
    df["n_both"] = pd.NA
    lad = run(est.prepare(df, ALL_BANDS))["sexual"]
    assert lad.scenario_central == 0 and lad.ci_low == 0
    assert lad.ci_high > 0 and lad.ci_method == est.WIDENED_METHOD
    # Few reports: the exact interval is at least as wide as the Poisson one on the reports.
    few = frame()
    few["met_sexual"] = pd.array([1] + [2] * (len(few) - 1), dtype="Int64")
    few["n_sexual"] = pd.array([1] + [pd.NA] * (len(few) - 1), dtype="Int64")
    few["met_both"], few["n_both"] = pd.NA, pd.NA
    one = run(est.prepare(few, ALL_BANDS))["sexual"]
    per_report = one.scenario_central / 1.0   # one report of one victim (the ladder publishes it as 0, to tens)
    assert one.ci_high >= est.poisson_interval(1)[1] * per_report - 1e-9


def test_estimate_victims_is_the_public_estimator():
    from exploitation_report.inputs.codebook import load_codebook
    from exploitation_report.inputs.edition import load_inputs

    params = load_params(PROJECT_ROOT / "params" / "2024.yml")
    ctx = load_inputs(params)
    out = est.estimate_victims(ctx.analysed, params, load_codebook(params.input_path("codebook")))
    assert set(out) == set(est.FORMS)
    e = params.estimation
    again = est.estimate(est.prepare(ctx.analysed, est.bands_from(ctx.codebook)), est.Assumptions.from_params(params),
                         resamples=e.bootstrap.resamples, seed=e.bootstrap.seed, level=e.bootstrap.level,
                         sampling=False)
    assert out == again
    assert out["any"].ci_low < out["any"].scenario_central < out["any"].ci_high
    assert out["any"].typical > out["any"].scenario_central      # factor 1 above the central 0.5


def test_bootstrap_in_chunks_gives_the_same_interval(monkeypatch):
    """Chunking only bounds memory: every random number is drawn before the chunks are evaluated.

    (Equal up to rounding: BLAS may sum a product in another order for another shape.)
    """
    data = est.prepare(frame(), ALL_BANDS)
    assumptions = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(600, 700, 900), band_cap=(22, 30, 60))
    whole = est.bootstrap(data, assumptions, resamples=300, seed=7)
    monkeypatch.setattr(est, "BOOTSTRAP_CHUNK_CELLS", 7 * data.n)   # chunks of 7 resamples, the last one short
    chunked = est.bootstrap(data, assumptions, resamples=300, seed=7)
    for form, steps in whole.items():
        for step, interval in steps.items():
            assert chunked[form][step] == pytest.approx(interval, rel=1e-12)


def test_distinct_respondents_give_the_same_bootstrap():
    """Respondents with the same answers become one weighted pattern; every resample sum is unchanged."""
    df = pd.concat([frame(30)] * 4, ignore_index=True)   # each respondent four times, same organisation
    df["respondent_id"] = [f"R{i:04d}" for i in range(len(df))]
    df.loc[60:, "organisation_id"] = df.loc[60:, "organisation_id"].astype("string") + "-b"   # and in another one
    df["sector"] = pd.array([i % 12 % 3 for i in range(len(df))], dtype="Int64")   # missing multiplicity
    df.loc[df.index % 7 == 0, "n_other_professionals"] = pd.NA                  # filled within sector
    data = est.prepare(df, ALL_BANDS)
    assert data.group is not None and np.isnan(data.others.low[data.met_any]).any()
    distinct, membership = est.distinct_respondents(data)
    assert distinct.rows < data.rows // 3 and distinct.n == data.n == 120
    assert membership.shape == (data.clusters, distinct.rows) and membership.sum() == data.n
    np.testing.assert_array_equal(membership.sum(axis=0), distinct.size)
    # A sector with fewer than MIN_GROUP_ANSWERS answered rows but enough respondents still fills itself.
    answered = ~np.isnan(distinct.others.low) & distinct.met_any
    rows_per_group = np.bincount(distinct.group[answered])
    people_per_group = np.bincount(distinct.group[answered], weights=distinct.size[answered])
    assert (rows_per_group < est.MIN_GROUP_ANSWERS).any() and (people_per_group >= est.MIN_GROUP_ANSWERS).all()
    assumptions = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(600, 700, 900), band_cap=(22, 30, 60))
    a = assumptions.draw(np.random.default_rng(3), 50)
    counts = est.cluster_counts(data.clusters, 50, np.random.default_rng(4))
    full = est.evaluate(data, a, assumptions.nonresponse, counts[:, data.cluster].astype(float))
    small = est.evaluate(distinct, a, assumptions.nonresponse, (membership.T @ counts.T).T.astype(float))
    for form, steps in full.items():
        for step, values in steps.items():
            np.testing.assert_allclose(small[form][step], values, rtol=1e-12)


def test_the_bootstrap_equals_the_bootstrap_over_every_respondent():
    """The reference: every respondent weighted by how often its organisation was drawn, with the
    organisations and the assumption draws from the two streams spawned from the seed."""
    df = pd.concat([frame(30)] * 3, ignore_index=True)
    df["respondent_id"] = [f"R{i:04d}" for i in range(len(df))]
    df.loc[45:, "organisation_id"] = df.loc[45:, "organisation_id"].astype("string") + "-b"
    df.loc[df.index % 9 == 0, "organisation_id"] = pd.NA                        # their own cluster
    df["sector"] = pd.array([i % 4 for i in range(len(df))], dtype="Int64")
    df.loc[df.index % 5 == 0, "n_other_professionals"] = pd.NA
    data = est.prepare(df, ALL_BANDS)
    assumptions = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(600, 700, 900), band_cap=(22, 30, 60))
    resamples, seed = 150, 11
    clusters_rng, assumptions_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    draws = assumptions.draw(assumptions_rng, resamples)
    counts = est.cluster_counts(data.clusters, resamples, clusters_rng)
    full = est.evaluate(data, draws, assumptions.nonresponse, counts[:, data.cluster].astype(float))
    got = est.bootstrap(data, assumptions, resamples=resamples, seed=seed)
    for form, steps in full.items():
        for step, values in steps.items():
            assert got[form][step] == pytest.approx(tuple(np.quantile(values, [0.025, 0.975])), rel=1e-12)


def counted(n, met, unknown_others=0, missing_counts=0):
    """n respondents of whom the first ``met`` met victims, with the counts the chapter gives."""
    zero = est.Bounds(np.zeros(n), np.zeros(n))
    return est.EstimationData({"sexual": zero, "criminal": zero, "both": zero}, zero, np.arange(n),
                              np.arange(n) < met, unknown_others=unknown_others, missing_counts=missing_counts)


def test_respondent_counts_hide_small_counts_and_counts_whose_complement_is_small():
    shown = est.respondent_counts(counted(40, 30, unknown_others=3), threshold=5)
    assert shown["respondents"] == {"count": 40, "small": False, "suppressed": False}
    assert shown["met_any"]["count"] == 30                                   # 10 did not: published
    assert shown["unknown_others"] == {"count": None, "small": True, "suppressed": True}
    assert shown["missing_counts"]["count"] == 0 and shown["on_grid"]["count"] == 0   # nobody: published
    # 28 of the 30 did not know: the 2 who did would follow from the two published counts.
    complement = est.respondent_counts(counted(40, 30, unknown_others=28), threshold=5)["unknown_others"]
    assert complement == {"count": None, "small": False, "suppressed": True}
    # 37 of 40 met victims: hidden (3 did not); the part of a hidden whole gives nothing away.
    most = est.respondent_counts(counted(40, 37, unknown_others=28), threshold=5)
    assert most["met_any"]["count"] is None and most["unknown_others"]["count"] == 28
    assert est.respondent_counts(counted(3, 1), threshold=5)["respondents"]["count"] is None


def test_the_minimum_reads_the_victim_counts_at_the_low_end_of_their_range():
    # The chapter calls the minimum 'within the margins': a band position fixed at the midpoint is
    # where the minimum reads the counts too (it read the lower limits whatever the range said).
    mid = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(500, 600, 700), band_position=(0.5, 0.5, 0.5),
                          band_cap=(25, 30, 50))
    assert est.minimum_values(mid)["band_position"] == 0.5 and est.minimum_values(mid)["band_cap"] == 25
    assert est.minimum_values(ASSUME)["band_position"] == 0.0          # the usual range: the lower limits
    data = est.prepare(frame(), ALL_BANDS)
    lad = run(data, mid, resamples=50)["any"]
    assert lad.minimum == pytest.approx(float(est.evaluate(data, est.minimum_values(mid), mid.nonresponse)
                                              ["any"]["known_dedup"]))
    assert lad.minimum > run(data, resamples=50)["any"].minimum         # midpoints give more than lower limits


def test_the_central_one_item_correction_enters_the_estimate_and_its_interval_undrawn():
    # params: the central value multiplies the weight of reports off the grid, in the estimate and
    # in every resample; the range is never drawn (the same organisations and draws otherwise).
    data = est.prepare(frame(), ALL_BANDS)
    plain = run(data)["any"]
    corrected = run(data, est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(500, 600, 700),
                                          per_victim=(1.3, 1.3, 1.3)))["any"]
    assert corrected.scenario_central == pytest.approx(1.3 * plain.scenario_central)
    assert corrected.ci_bootstrap == pytest.approx(tuple(1.3 * x for x in plain.ci_bootstrap))
    ranged = run(data, est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(500, 600, 700),
                                       per_victim=(1.0, 1.0, 1.3)))["any"]
    assert (ranged.scenario_central, ranged.ci_low, ranged.ci_high) == (plain.scenario_central, plain.ci_low,
                                                                        plain.ci_high)


def test_the_ladder_keeps_the_bootstrap_interval_the_poisson_bound_widened():
    df = frame()
    df["met_sexual"] = pd.array([2] * len(df), dtype="Int64")
    df["met_both"], df["n_sexual"], df["n_both"] = pd.NA, pd.NA, pd.NA
    lad = run(est.prepare(df, ALL_BANDS))["sexual"]
    assert lad.ci_method == est.WIDENED_METHOD and lad.ci_bootstrap == (0.0, 0.0) and lad.ci_high > 0
    plain = run(est.prepare(frame(), ALL_BANDS))["any"]
    assert plain.ci_method == "bootstrap" and plain.ci_bootstrap == (plain.ci_low, plain.ci_high)


def test_the_raw_sum_of_reports_is_published_to_the_nearest_ten():
    # Exact, 13 victims from 10 answers gave 2 x (13 - 10) = 6 = 3 b(2-3): two respondents in '2-3'.
    # A half away from zero, as the report rounds (Python's round would give 25 -> 20).
    from exploitation_report.stats import disclosure_rounding as dr

    assert [dr.published_sum(x) for x in (13, 15, 25, 121, 158.5, 0)] == [10.0, 20.0, 30.0, 120.0, 160.0, 0.0]
    for unit in (1, 20):
        for lad in dr.ladders(run(est.prepare(frame(), ALL_BANDS)), unit).values():
            assert lad.reported_raw % dr.REPORTED_SUM_BASE == 0
            assert all(x % dr.REPORTED_SUM_BASE == 0 for x in lad.intervals["reported_raw"])
