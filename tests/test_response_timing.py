"""Early and late respondents (issue 11 item 3): evidence on the non-response factor."""

import numpy as np
import pandas as pd
import pytest

from exploitation_report.stats import response_timing as rt

# Six respondents, in file order; by date: R3 (1 Feb), R0, R5 | R1, R4 | R2 (last).
DATES = pd.Series(["2026-02-03T10:00", "2026-02-20", "2026-03-01T08:00:00", "2026-02-01", "2026-02-25", "2026-02-10"],
                  dtype="string")
MET = np.array([True, False, False, True, True, True])
VICTIMS = np.array([4.0, 0.0, 0.0, 2.0, 1.0, 3.0])
WEIGHT = np.array([2.0, 0.0, 0.0, 1.0, 0.5, 1.0])


def test_first_and_last_third_compared_by_response_time():
    out = rt.compare(DATES, MET, VICTIMS, WEIGHT, parts=3, resamples=500, seed=1)
    early, late = out["groups"]["early"], out["groups"]["late"]
    assert (out["dated"], out["undated"], early.respondents) == (6, 0, 2)
    assert (early.first, early.last, late.first, late.last) == ("2026-02-01", "2026-02-03", "2026-02-25", "2026-03-01")
    # Early: R3 and R0, both met victims, 2 and 4 victims, weights 1 and 2. Late: R4 and R2.
    assert early.met_any["count"] == 2 and late.met_any["count"] == 1
    assert (early.victims, late.victims) == (3.0, 0.5) and (early.sirken_weight, late.sirken_weight) == (1.5, 0.25)
    assert late.met_any["ci_method"] == "wilson" and late.met_any["ci_low"] < 0.5 < late.met_any["ci_high"]
    ratio, low, high = out["ratios"]["sirken_weight"]
    assert ratio == pytest.approx(0.25 / 1.5) and low <= ratio <= high
    assert out["ratios"]["met_any"][0] == pytest.approx(0.5)
    assert rt.compare(DATES, MET, VICTIMS, WEIGHT, parts=3, resamples=500, seed=1) == out   # seeded


def test_undated_respondents_are_left_out_and_too_few_dates_give_none():
    dates = DATES.copy()
    dates[[1, 4]] = pd.NA
    out = rt.compare(dates, MET, VICTIMS, WEIGHT, parts=2, resamples=100)
    assert (out["dated"], out["undated"], out["groups"]["late"].respondents) == (4, 2, 2)
    assert rt.compare(dates, MET, VICTIMS, WEIGHT, parts=3) is None          # 4 // 3 = 1 per group
    assert rt.compare(pd.Series([pd.NA] * 6, dtype="string"), MET, VICTIMS, WEIGHT) is None
    with pytest.raises(ValueError, match="parts"):
        rt.compare(DATES, MET, VICTIMS, WEIGHT, parts=1)
    with pytest.raises(ValueError, match="ISO 8601"):
        rt.response_times(pd.Series(["1-2-2026"]))


def test_small_groups_are_protected():
    out = rt.compare(DATES, MET, VICTIMS, WEIGHT, parts=3, resamples=100)
    shown = rt.protect(out, threshold=5)          # a group of 2: its share and means go, and every ratio
    assert shown["groups"]["early"].met_any["suppressed"] and shown["groups"]["early"].victims is None
    assert shown["ratios"]["sirken_weight"] == (None, None, None)
    assert out["groups"]["early"].victims == 3.0                               # the original is untouched
    # Large groups with shares away from 0 and 1 stay, their means as the ladder publishes the sums.
    rng = np.random.default_rng(0)
    n = 120
    dates = pd.Series(pd.date_range("2026-02-01", periods=n, freq="h").strftime("%Y-%m-%dT%H:%M"), dtype="string")
    met = rng.random(n) < 0.5
    big = rt.compare(dates, met, met * 2.0, met * 1.0, resamples=100)
    shown = rt.protect(big, threshold=5)
    assert not shown["hidden"] and shown["groups"]["early"].met_any == big["groups"]["early"].met_any
    exact, published = big["groups"]["early"], shown["groups"]["early"]
    # 40 respondents, 32 reports (0.8 each): exact, 0.8 x 40 gives the sum of reports back; published,
    # the sum is to the nearest ten (disclosure_rounding.published_sum) and the Sirken weight's in whole persons.
    assert exact.victims * 40 == 32 and published.victims * 40 == 30
    assert published.sirken_weight * 40 == round(exact.sirken_weight * 40) == 16
    # The ratios stay exact, with their intervals and the direction the text reads from them.
    assert shown["ratios"] == big["ratios"]


def test_a_groups_mean_gives_no_exact_sum_of_reports_back():
    # 20 respondents per group: a mean to two decimals times 20 would be the exact sum of reports.
    dates = pd.Series(pd.date_range("2026-02-01", periods=60, freq="h").strftime("%Y-%m-%dT%H:%M"), dtype="string")
    victims = np.zeros(60)
    victims[:20] = [3, 2] + [1] * 12 + [0] * 6            # 17 reports in the early group: 0.85 exactly
    victims[40:] = [2] * 7 + [0] * 13                     # 14 in the late group: 0.70 exactly
    shown = rt.protect(rt.compare(dates, victims > 0, victims, victims / 2, resamples=50), threshold=5)
    assert shown["groups"]["early"].victims == 20 / 20 and shown["groups"]["late"].victims == 10 / 20
    assert shown["groups"]["early"].sirken_weight == 9 / 20       # 8.5 persons, a half away from zero
    # The exact sums, not mean x size: 15 reports over 11 respondents is 14.999999999999998 that way (-> 10).
    eleven = pd.Series(pd.date_range("2026-02-01", periods=33, freq="h").strftime("%Y-%m-%dT%H:%M"), dtype="string")
    counts = np.zeros(33)
    counts[:11] = [3, 3, 2, 2, 1, 1, 1, 1, 1, 0, 0]
    counts[22:] = [1] * 6 + [0] * 5
    early = rt.protect(rt.compare(eleven, counts > 0, counts, counts, resamples=20), threshold=2)["groups"]["early"]
    assert early.victims * 11 == pytest.approx(20)


def test_an_early_group_whose_published_mean_is_zero_keeps_its_exact_ratio():
    # An early weight of 0.4 persons is published as 0 per respondent; the ratio is not 'undefined' for that.
    dates = pd.Series(pd.date_range("2026-02-01", periods=60, freq="h").strftime("%Y-%m-%dT%H:%M"), dtype="string")
    met = np.zeros(60, dtype=bool)
    met[:10], met[40:50] = True, True
    weight = np.where(met, 0.04, 0.0)
    weight[40:50] = 0.5
    shown = rt.protect(rt.compare(dates, met, met * 1.0, weight, resamples=50), threshold=5)
    assert shown["groups"]["early"].sirken_weight == 0.0 and not shown["hidden"]
    assert shown["ratios"]["sirken_weight"][0] == pytest.approx(12.5)


def test_the_record_follows_the_results_schema():
    from exploitation_report.pipeline import estimation_records as records
    from exploitation_report.pipeline.results import SCHEMA_VERSION
    from exploitation_report.pipeline.results_schema import validate

    n = 120
    dates = pd.Series(pd.date_range("2026-02-01", periods=n, freq="h").strftime("%Y-%m-%dT%H:%M"), dtype="string")
    met = np.arange(n) % 2 == 0                                   # every other respondent met victims
    out = rt.protect(rt.compare(dates, met, met * 2.0, met * 0.5, parts=2, resamples=100), threshold=5)
    record = records.response_timing(out, "response_date")
    assert record["early"]["met_any"]["count"] == 30 and record["late"]["sirken_weight"]["estimate"] == 0.25
    assert record["ratio_late_early"]["met_any"]["estimate"] == 1.0 and record["dated"]["value"] == 120
    assert record["early"]["first"] == "2026-02-01" and record["late"]["last"] == "2026-02-05"
    hidden = records.response_timing(rt.protect(rt.compare(DATES, MET, VICTIMS, WEIGHT, parts=2, resamples=100), 5),
                                     "response_date")
    assert hidden["early"]["victims"]["suppressed"] and hidden["ratio_late_early"]["victims"]["estimate"] is None
    document = {"schema_version": SCHEMA_VERSION,
                "edition": {"year": 2026, "synthetic": True, "reference_period": "2024–2025",
                            "params_digest": "1ea5f7c3525aa308", "inputs": {"survey": "0" * 64}},
                "survey": {}, "recommendations": {},
                "estimation": {"response_timing": record, "hidden": hidden,
                               "none": records.response_timing(None, None)}}
    assert validate(document) == []


def test_nonresponse_ranges_above_one_are_allowed():
    # Late respondents who meet more victims than early ones point to a factor above 1: allowed.
    from exploitation_report.inputs.params import load_params
    from exploitation_report.paths import PROJECT_ROOT
    from exploitation_report.stats import estimation as est

    params = load_params(PROJECT_ROOT / "params" / "2024.yml", ["estimation.nonresponse_factor.central=1.2",
                                                                "estimation.nonresponse_factor.high=2"])
    a = est.Assumptions.from_params(params)
    assert a.nonresponse == (0.0, 1.2, 2.0)
    # Sirken at f = 2 for 2 of 4 professionals: q = 2 / (2 + 2 * 2) = 1/3, weight 3 per report (m = 1).
    assert est.population_total(np.array([1.0, 0.0]), np.array([1.0, 1.0]), 2.0, 2, 4) == pytest.approx(3.0)


def test_times_with_offsets_that_change_between_rows_are_read_as_utc():
    # Winter time before the change, summer time after it, Z and a row without an offset (read as UTC).
    times = pd.Series(["2024-03-20T09:00:00+01:00", "2024-04-02T09:00:00+02:00", "2024-04-03T07:00:00Z",
                       "2024-04-04T07:00:00", "2024-04-05T09:00:00+02", pd.NA], dtype="string")
    parsed = rt.response_times(times)
    assert list(parsed[:5].dt.strftime("%Y-%m-%d %H:%M")) == ["2024-03-20 08:00", "2024-04-02 07:00",
                                                                "2024-04-03 07:00", "2024-04-04 07:00",
                                                                "2024-04-05 07:00"]
    assert parsed.isna().tolist() == [False] * 5 + [True]
    plain = rt.response_times(pd.Series(["2026-02-03T10:00", "2026-02-20"], dtype="string"))
    assert list(plain.dt.strftime("%d %H")) == ["03 10", "20 00"]   # without offsets: as written


def test_percentile_of_ratios_with_infinite_ones():
    # A resample whose early group met no victim has an infinite ratio; numpy's interpolation gives NaN there.
    finite = np.arange(1.0, 101.0)
    assert rt.percentile(finite, 0.975) == pytest.approx(np.quantile(finite, 0.975))
    some = np.r_[finite[:96], [np.inf] * 4]                     # 4% infinite: above the 97.5% point
    assert rt.percentile(some, 0.975) == np.inf and rt.percentile(some, 0.025) == pytest.approx(np.quantile(some, 0.025))
    few = np.r_[finite[:99], [np.inf]]                          # 1% infinite: the bound stays finite
    assert rt.percentile(few, 0.975) == pytest.approx(np.quantile(finite[:99], 0.975 * 99 / 98))
    exact = np.r_[np.arange(1.0, 5.0), [np.inf]]                # at a finite ratio exactly, next to an infinite one
    assert rt.percentile(exact, 0.75) == 4.0
    # Exactly (1 - level) / 2 of the resamples infinite is enough: "at least", as the text says.
    assert rt.percentile(np.r_[np.arange(1950.0), [np.inf] * 50], 0.975) == np.inf
    assert rt.percentile(np.r_[np.arange(1951.0), [np.inf] * 49], 0.975) < np.inf


def few_early_victims():
    """200 dated respondents, halves of 100: 3 early and 30 late met victims, so in about 5% of the
    resamples no early respondent met one (their ratio is infinite)."""
    n = 200
    dates = pd.Series(pd.date_range("2026-02-02", periods=n, freq="3h").strftime("%Y-%m-%dT%H:%M"), dtype="string")
    met = np.zeros(n, dtype=bool)
    met[[5, 40, 80]] = True
    met[100:130] = True
    return rt.compare(dates, met, met * 2.0, met * 1.0, parts=2, resamples=2000, seed=1)


def test_a_ratio_without_upper_bound_is_said_so_in_record_text_and_table():
    import warnings

    from exploitation_report.chapters import estimation_figures, estimation_text
    from exploitation_report.pipeline import estimation_records as records
    from exploitation_report.pipeline.results_schema import Estimate

    with warnings.catch_warnings():
        warnings.simplefilter("error")   # no NaN from inf - inf
        out = rt.protect(few_early_victims(), threshold=3)
    ratio, low, high = out["ratios"]["sirken_weight"]
    assert ratio == pytest.approx(10.0) and 1 < low < ratio and high == np.inf
    record = records.response_timing(out, "response_date", 3)["ratio_late_early"]["sirken_weight"]
    assert record["interval"]["high"] is None and record["unbounded_above"] is True
    Estimate.model_validate(record)
    text = estimation_text.response_timing(out, 0.5, "@tbl-timing", 3)
    assert "vanaf 4,13, naar boven onbegrensd: in ten minste 2,5% van de trekkingen" in text
    assert "––" not in text and "nan" not in text.lower()
    assert "meer slachtoffers" in text   # the lower bound above 1 still says which way it points
    row = estimation_figures.timing_table(out, 3).iloc[-1]
    assert row["Gewicht per respondent"] == "10,00 (vanaf 4,13)"


def test_the_paragraph_gives_its_true_reason_where_there_is_no_ratio_or_no_table():
    from exploitation_report.chapters import estimation_figures, estimation_text
    from exploitation_report.pipeline import estimation_records as records

    n = 222
    dates = pd.Series(pd.date_range("2024-03-01", periods=n, freq="4h").strftime("%Y-%m-%dT%H:%M"), dtype="string")
    # Sorted so that no early respondent met a victim: the ratio is undefined, not hidden.
    met = np.arange(n) >= n - 74
    out = rt.protect(rt.compare(dates, met, met * 2.0, met * 0.5, parts=3, resamples=200, seed=1), 5)
    assert out["ratios"]["sirken_weight"] == (None, None, None) and not out["hidden"]
    text = estimation_text.response_timing(out, 0.5, "@tbl-timing", 5)
    assert "is bij de vroege respondenten nul" in text and "te klein" not in text
    assert estimation_figures.timing_table(out, 5).iloc[-1]["Gewicht per respondent"] == "niet te berekenen"
    assert records.response_timing(out, "response_date", 5)["ratio_late_early"]["sirken_weight"]["suppressed"] is False
    # Hidden groups: the reason is their size, and without a table the text refers to none.
    hidden = rt.protect(rt.compare(DATES, MET, VICTIMS, WEIGHT, parts=3, resamples=100), 5)
    assert hidden["hidden"] and "te klein" in estimation_text.response_timing(hidden, 0.5, None, 5)
    assert "@tbl" not in estimation_text.response_timing(hidden, 0.5, None, 5)
    # Too few dates for any comparison is not "no dates": said as such, the small count not given exactly.
    few = estimation_text.response_timing(None, 0.5, None, 5, dated=3, analysed=222)
    assert "minder dan 5 respondenten staat in het bestand wanneer" in few and "bevat niet" not in few
    assert "bevat niet" in estimation_text.response_timing(None, 0.5, None, 5)
    assert rt.dated(pd.DataFrame({"d": DATES}), "d") == 6 and rt.dated(pd.DataFrame({"d": DATES}), None) is None


def test_a_group_that_answered_on_one_day_gets_one_date():
    from exploitation_report.chapters import estimation_figures, estimation_text

    n = 60
    dates = pd.Series(["2024-03-01"] * 20 + list(pd.date_range("2024-03-02", periods=40, freq="6h").strftime("%Y-%m-%d")),
                      dtype="string")
    met = np.arange(n) % 2 == 0
    out = rt.protect(rt.compare(dates, met, met * 2.0, met * 1.0, parts=3, resamples=100, seed=1), 5)
    text = estimation_text.response_timing(out, 0.5, "@tbl-timing", 5)
    assert "(1 maart 2024)" in text and "1 maart 2024 tot en met 1 maart 2024" not in text
    assert estimation_figures.timing_table(out, 5).iloc[0, 1] == "1 maart 2024"
