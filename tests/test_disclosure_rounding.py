"""Estimated persons as a small edition publishes them (stats.disclosure_rounding)."""

import pandas as pd

from exploitation_report.stats import disclosure_rounding as dr
from exploitation_report.stats import estimation as est
from exploitation_report.stats import sensitivity

RANGES = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(1000, 1200, 1500))
LADDER = est.Ladder("any", 20.0, 15.4, 5.4, 123.4, 251.0, 0.4, 212.6, 0.95,
                    intervals={"reported_raw": (10.0, 30.0), "known_dedup": (8.2, 23.6), "estimate": (0.4, 212.6),
                               "scenario_central": (40.0, 160.0)},
                    minimum=4.4, nonresponse=(0.0, 0.5, 1.0), ci_sampling=(60.0, 190.0), typical=251.0,
                    ci_bootstrap=(50.0, 212.6))


class Data:
    def __init__(self, n):
        self.n = n


def test_the_unit_is_whole_persons_from_a_hundred_respondents_and_coarser_below():
    assert dr.person_unit(Data(222), RANGES) == 1 and dr.person_unit(Data(100), RANGES) == 1
    # 29 respondents of 1,500 at factor 1: one report weighs 1500 / 29 = 52 persons; a fifth of it -> 20.
    assert dr.person_unit(Data(29), RANGES) == 20
    # 80 respondents: 1500 / 80 / 5 = 3.75 -> 5; the per-victim correction weighs in (x 1.5 = 5.6 -> 10).
    assert dr.person_unit(Data(80), RANGES) == 5
    assert dr.person_unit(Data(80), est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(1000, 1200, 1500),
                                                    per_victim=(1.0, 1.0, 1.5))) == 10


def test_a_ladder_keeps_what_the_respondents_know_in_whole_persons_and_scales_the_rest():
    shown = dr.ladder(LADDER, 100)
    # Respondent-level steps: whole persons (a report weighs at most one), the raw sum in tens.
    assert (shown.known_dedup, shown.minimum, shown.scenario_low, shown.reported_raw) == (15, 4, 5, 20)
    assert shown.intervals["known_dedup"] == (8, 24) and shown.intervals["reported_raw"] == (10, 30)
    # Scaled to the population: the unit, a half away from zero (250 -> 300).
    assert (shown.scenario_central, shown.scenario_high, shown.typical) == (100, 300, 300)
    assert (shown.ci_low, shown.ci_high) == (0, 200) and shown.intervals["estimate"] == (0, 200)
    assert shown.ci_sampling == (100, 200) and shown.ci_bootstrap == (100, 200) and shown.unit == 100
    assert LADDER.scenario_central == 123.4                    # the estimate itself stays exact
    assert dr.ladder(LADDER, 1).scenario_central == 123 and dr.ladder(LADDER, 1).ci_sampling == (60, 190)


def test_sensitivity_bands_and_heaviest_reporters_in_the_unit():
    table = pd.DataFrame([
        {"assumption": "nonresponse", "low": 0.0, "central": 0.5, "high": 1.0, "total_low": 5.4,
         "total_central": 123.4, "total_high": 251.0, "swing": 245.6},
        {"assumption": "population", "low": 1000, "central": 1200, "high": 1500, "total_low": 102.0,
         "total_central": 123.4, "total_high": 151.0, "swing": 49.0},
        {"assumption": "band_position", "low": 0.0, "central": 0.5, "high": 1.0, "total_low": 99.0,
         "total_central": 123.4, "total_high": 149.9, "swing": 50.9}], columns=sensitivity.COLUMNS)
    table.attrs["withheld"] = ["others_cap"]
    shown = dr.one_at_a_time(table, 100)
    # At a factor of 0 the estimate counts respondents only, as the ladder's low scenario: whole persons.
    assert shown.iloc[0][["total_low", "total_central", "total_high", "swing"]].tolist() == [5, 100, 300, 295]
    # Ranked by the published swing (population 100 -> 200 before band position 100 -> 100).
    assert shown["assumption"].tolist() == ["nonresponse", "population", "band_position"]
    # Equal published swings: the fixed order of the assumptions, not the exact swing (it would tell more).
    tied = dr.one_at_a_time(table.iloc[[0, 2, 1]].reset_index(drop=True), 1000)
    assert tied["assumption"].tolist() == ["nonresponse", "population", "band_position"]
    assert shown.attrs["withheld"] == ["others_cap"] and table.iloc[0]["swing"] == 245.6
    assert dr.one_at_a_time(table.iloc[0:0], 100).empty
    bands = pd.DataFrame([{"reading": "lower", "position": 0.0, "reported_raw": 20.0, "known_dedup": 14.6,
                           "estimate": 149.0}])
    assert dr.band_readings(bands, 100).iloc[0][["reported_raw", "known_dedup", "estimate"]].tolist() == [20, 15, 100]
    heavy = {"estimate": 123.4, "estimate_without_top": 50.6, "top_contribution": 72.8, "top_fraction": 0.59,
             "suppressed": False}
    assert dr.heaviest_reporters(heavy, 100) == {"estimate": 100, "estimate_without_top": 100,
                                                 "top_contribution": 100, "top_fraction": 1.0, "suppressed": False}
    assert dr.heaviest_reporters(heavy, 1)["top_fraction"] == 0.59     # whole persons: exact
    hidden = {"estimate": 123.4, "estimate_without_top": None, "top_contribution": None, "suppressed": True}
    assert dr.heaviest_reporters(hidden, 10)["estimate_without_top"] is None
