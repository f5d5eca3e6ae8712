"""The estimation section of results.json v1: codes as keys, a unit on every figure, no Dutch outside text."""

import re

import pandas as pd

from exploitation_report.paths import REPORT_DIR
from exploitation_report.pipeline import estimation_records as records
from exploitation_report.stats import registrations as reg
from exploitation_report.stats.estimation import Ladder

KEY = re.compile(r"^[a-z][a-z0-9_]*$")
LADDER = Ladder("any", 150.0, 80.0, 40.0, 100.0, 140.0, 50.0, 200.0, 0.95,
                intervals={"reported_raw": (120.0, 180.0), "estimate": (50.0, 200.0), "typical": (90.0, 260.0)},
                minimum=30.0, nonresponse=(0.0, 0.5, 1.0), ci_sampling=(70.0, 150.0), typical=140.0)
REG = pd.DataFrame([("ZVHG", 2022, "any", "suspected", 20, 0, "echt"), ("ZVHG", 2022, "any", "confirmed", 3, 0, "echt"),
                    ("ZVHG", 2023, "any", "suspected", 30, 1, "SYNTH")],
                   columns=["source", "year", "form", "status", "count", "synthetic", "source_note"])


def keys(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield f"{path}.{k}", k
            yield from keys(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from keys(v, f"{path}.{i}")


def test_ladder_is_an_estimate_in_persons_with_interval_objects():
    r = records.ladder(LADDER)
    assert (r["unit"], r["estimate"], r["scenario_central"]) == ("persons", 100.0, 100.0)
    assert r["interval"] == {"low": 50.0, "high": 200.0, "level": 0.95, "method": "bootstrap"}
    assert r["intervals"]["reported_raw"] == {"low": 120.0, "high": 180.0, "level": 0.95, "method": "bootstrap"}
    assert r["sampling_interval"]["low"] == 70.0 and r["nonresponse_factor"]["central"] == 0.5
    assert all(KEY.match(k) for _, k in keys(r))


def test_every_step_is_given_in_whole_persons_as_the_chapter_prints_it():
    # To six decimals, the steps of a small edition gave its answer-band counts back (an integer programme).
    from dataclasses import replace

    from exploitation_report.stats.estimation import WIDENED_METHOD

    exact = replace(LADDER, known_dedup=80.4999, scenario_low=40.5, scenario_central=100.49, ci_low=49.5,
                    intervals={**LADDER.intervals, "known_dedup": (60.25, 99.75)}, ci_sampling=(70.4, 150.6),
                    minimum=29.51, ci_method=WIDENED_METHOD, ci_bootstrap=(50.2, 199.8))
    r = records.ladder(exact)
    # A half away from zero, from the exact value (as dutch.number prints it), never from a rounded one.
    assert (r["known_dedup"], r["scenario_low"], r["estimate"], r["minimum"]) == (80, 41, 100, 30)
    assert (r["interval"]["low"], r["intervals"]["known_dedup"]["low"], r["intervals"]["known_dedup"]["high"]) == (
        50, 60, 100)
    assert (r["sampling_interval"]["low"], r["sampling_interval"]["high"]) == (70, 151)
    assert (r["bootstrap_interval"]["low"], r["bootstrap_interval"]["high"]) == (50, 200)
    assert r["reported_raw"] == 150     # to the nearest ten already (disclosure_rounding.published_sum)
    numbers = [v for path, v in leaves(r) if not path.startswith(".nonresponse_factor") and isinstance(v, float)
               and not path.endswith(".level")]
    assert numbers == [], numbers


def leaves(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, f"{path}.{k}")
    else:
        yield path, value


def test_heaviest_reporters_sensitivity_and_band_readings_are_whole_persons():
    heavy = records.heaviest_reporters({"form": "any", "share": 0.05, "reporters": 40, "top": 5, "min_group": 5,
                                        "raised_to_min_group": True, "suppressed": False, "top_contribution": 20.4,
                                        "top_fraction": 20.4 / 101.6, "estimate": 101.6, "estimate_without_top": 81.2})
    assert (heavy["estimate"], heavy["top_contribution"], heavy["estimate_without_top"]) == (102, 20, 81)
    assert heavy["top_fraction"] == 0.2          # the template prints it as a whole percentage: 20%
    table = pd.DataFrame([{"assumption": "nonresponse", "low": 0.0, "central": 0.5, "high": 1.0, "total_low": 50.5,
                           "total_central": 100.2, "total_high": 140.7, "swing": 90.2}])
    row = records.sensitivity(table)["nonresponse"]
    assert (row["total_low"], row["estimate"], row["total_high"], row["swing"]) == (51, 100, 141, 90)
    assert (row["interval"]["low"], row["interval"]["high"]) == (51, 141)
    bands = records.band_readings(pd.DataFrame([{"reading": "lower", "position": 0.0, "reported_raw": 40.0,
                                                  "known_dedup": 21.25, "estimate": 33.75}]))
    assert (bands["lower"]["known_dedup"], bands["lower"]["estimate"], bands["lower"]["position"]) == (21, 34, 0.0)


def test_a_widened_interval_is_recorded_with_a_method_code_the_schema_takes():
    # Few or no reports: the exact Poisson interval widens the bootstrap's (estimation.WIDENED_METHOD).
    # Its method once read "bootstrap+poisson", and results.json's schema refused the whole edition.
    from dataclasses import replace

    from exploitation_report.pipeline.results_schema import Interval
    from exploitation_report.stats.estimation import WIDENED_METHOD

    r = records.ladder(replace(LADDER, ci_method=WIDENED_METHOD))
    assert r["interval"]["method"] == WIDENED_METHOD
    Interval.model_validate(r["interval"])
    for interval in r["intervals"].values():
        Interval.model_validate(interval)


def test_registrations_and_dark_number_are_keyed_by_code_and_year():
    by_year = {y: reg.summary(REG, y, 5, "ZVHG") for y in (2022, 2023)}
    head = records.registered(by_year[2022])
    assert head["suspected"] == {"kind": "count", "unit": "persons", "value": 20, "suppressed": False,
                                 "available": True, "synthetic": False, "text": "echt"}
    assert head["confirmed"]["value"] is None and head["confirmed"]["suppressed"] and head["text"] == "echt"
    dark = records.dark_number(reg.dark_number_record(LADDER, by_year, by_year[2022], []), 0.95, "bootstrap")
    assert dark["unit"] == "ratio" and dark["estimate"] == 5.0
    assert dark["interval"]["low"] == 2.5 and dark["registered"]["value"] == 20
    # The registered count of a ratio says where it comes from, like the registrations themselves.
    assert (dark["registered"]["synthetic"], dark["registered"]["text"]) == (False, "echt")
    assert set(dark["by_year"]) == {"year_2022", "year_2023"}
    # To one decimal, as the comparison table prints it: 200 / 30 = 6.67 (more exactly, times the
    # 30 registered it would give the exact estimate back).
    assert dark["period"]["registered_sum"]["value"] == 50 and dark["period"]["interval"]["high"] == 6.7
    assert all(KEY.match(k) for _, k in keys(dark)) and all(KEY.match(k) for _, k in keys(head))


def test_sensitivity_rows_keyed_by_assumption_with_their_rank():
    table = pd.DataFrame([{"assumption": "nonresponse", "low": 0.0, "central": 0.5, "high": 1.0, "total_low": 50.0,
                           "total_central": 100.0, "total_high": 140.0, "swing": 90.0},
                          {"assumption": "population", "low": 1000.0, "central": 1200.0, "high": 1500.0,
                           "total_low": 90.0, "total_central": 100.0, "total_high": 110.0, "swing": 20.0}])
    rows = records.sensitivity(table)
    assert list(rows) == ["nonresponse", "population"] and rows["population"]["rank"] == 2
    assert rows["nonresponse"]["range"] == {"low": 0.0, "central": 0.5, "high": 1.0} and rows["nonresponse"]["unit"]


def test_national_context_keeps_dutch_only_in_label_and_text():
    nat = reg.load_national_figures(REPORT_DIR / "national_figures.yml").national_dark_number
    r = records.national_context(nat)
    assert set(r) == {"label", "text", "ratio", "sources"} and r["ratio"]["unit"] == "ratio"
    assert all(set(s) == {"label", "text", "url"} for s in r["sources"])


def test_counts_of_respondents_below_the_threshold_are_suppressed_in_results():
    import numpy as np

    from exploitation_report.inputs.params import load_params
    from exploitation_report.paths import params_path
    from exploitation_report.stats import estimation as est

    n, met = 222, 122
    zero = est.Bounds(np.zeros(n), np.zeros(n))
    data = est.EstimationData({"sexual": zero, "criminal": zero, "both": zero}, zero, np.arange(n),
                              np.arange(n) < met, unknown_others=16, missing_counts=0)
    params = load_params(params_path(2024))
    a = est.Assumptions.from_params(params)
    rec = records.assumptions(params, data, a, threshold=25)
    assert rec["unknown_others"] == {"kind": "count", "unit": "respondents", "value": None, "suppressed": True}
    assert rec["respondents_met_any"]["value"] == 122 and rec["missing_counts_imputed"]["value"] == 0
    assert records.assumptions(params, data, a, threshold=5)["unknown_others"]["value"] == 16


def test_a_widened_interval_keeps_the_bootstrap_interval_beside_it():
    from dataclasses import replace

    from exploitation_report.pipeline.results_schema import Interval
    from exploitation_report.stats.estimation import WIDENED_METHOD

    widened = records.ladder(replace(LADDER, ci_method=WIDENED_METHOD, ci_low=45.0, ci_bootstrap=(50.0, 200.0)))
    assert widened["bootstrap_interval"] == {"low": 50.0, "high": 200.0, "level": 0.95, "method": "bootstrap"}
    Interval.model_validate(widened["bootstrap_interval"])
    assert "bootstrap_interval" not in records.ladder(replace(LADDER, ci_bootstrap=(50.0, 200.0)))


def test_mse_hides_the_persons_on_no_list_with_the_persons_observed():
    # 48 persons on the demo lists: with min_count 60 the estimate (77) and the unobserved (29) would give 48.
    from exploitation_report.paths import PROJECT_ROOT
    from exploitation_report.stats.mse import analysis as mse

    frame = mse.read_capture_histories(PROJECT_ROOT / "data" / "2024" / "linked_registrations_synthetic.csv")
    result = mse.estimate(frame, resamples=0)
    hidden = records.mse(result, 60)
    assert hidden["observed"]["suppressed"] and hidden["unobserved"] is None
    assert all(c["unobserved"] is None for c in hidden["candidates"]) and hidden["estimate"] == 77   # 76.6
    shown = records.mse(result, 5)
    assert shown["observed"]["value"] == result.observed and shown["unobserved"] == 29               # 28.6
    assert all(c["unobserved"] is not None for c in shown["candidates"])
    # As the candidates table prints them: persons whole, deviance, AIC and BIC to one decimal.
    best = shown["candidates"][0]
    assert isinstance(best["estimate"], int) and best["deviance"] == round(best["deviance"], 1)


def test_response_timing_suppresses_small_groups_of_respondents():
    import numpy as np

    from exploitation_report.stats import response_timing as rt

    n = 30
    dates = pd.Series(pd.date_range("2026-02-02", periods=n, freq="8h").strftime("%Y-%m-%dT%H:%M"), dtype="string")
    dates[:3] = pd.NA
    met = np.arange(n) % 2 == 0
    timing = rt.protect(rt.compare(dates, met, met * 2.0, met * 1.0, resamples=100, seed=1), 10)
    rec = records.response_timing(timing, "response_date", 10)
    assert rec["undated"] == {"kind": "count", "unit": "respondents", "value": None, "suppressed": True}
    # The 27 dated would give the 3 undated back from the 30 respondents published beside them.
    assert rec["early"]["respondents"]["value"] is None and rec["dated"]["value"] is None


def test_response_timing_gives_means_and_ratios_as_the_table_prints_them():
    import numpy as np

    from exploitation_report.stats import response_timing as rt

    n = 90
    dates = pd.Series(pd.date_range("2026-02-02", periods=n, freq="8h").strftime("%Y-%m-%dT%H:%M"), dtype="string")
    met = np.arange(n) % 3 == 0
    victims = np.where(met, 1.0 + (np.arange(n) % 4) * 1.5, 0.0)
    timing = rt.protect(rt.compare(dates, met, victims, victims / 3, resamples=100, seed=1), 5)
    rec = records.response_timing(timing, "response_date", 5)
    values = [rec[g][m]["estimate"] for g in ("early", "late") for m in ("victims", "sirken_weight")]
    values += [x for r in rec["ratio_late_early"].values() for x in (r["estimate"], *r["interval"].values())
               if isinstance(x, float)]
    assert len(values) > 8 and all(round(v, records.TIMING_DECIMALS) == v for v in values), values

