"""The estimation section of results.json v1: codes as keys, a unit on every figure, no Dutch outside text."""

import re

import pandas as pd
import pytest

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
    assert dark["unit"] == "ratio" and dark["estimate"] == pytest.approx(5.0)
    assert dark["interval"]["low"] == pytest.approx(2.5) and dark["registered"]["value"] == 20
    # The registered count of a ratio says where it comes from, like the registrations themselves.
    assert (dark["registered"]["synthetic"], dark["registered"]["text"]) == (False, "echt")
    assert set(dark["by_year"]) == {"year_2022", "year_2023"}
    assert dark["period"]["registered_sum"]["value"] == 50 and dark["period"]["interval"]["high"] == pytest.approx(200 / 30)
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
