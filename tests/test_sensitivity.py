import numpy as np
import pytest

from exploitation_report.chapters.estimation_text import ASSUMPTION_LABELS
from exploitation_report.stats import estimation as est
from exploitation_report.stats import sensitivity as sens


def fixed(values):
    values = np.asarray(values, dtype=float)
    return est.Bounds(values.copy(), values.copy())


def tiny(sexual, others, sexual_high=None):
    """Sexual exploitation only; counts exact unless an upper end is given."""
    n = len(sexual)
    low = np.asarray(sexual, float)
    high = low if sexual_high is None else np.asarray(sexual_high, float)
    zero = fixed(np.zeros(n))
    return est.EstimationData({"sexual": est.Bounds(low, high), "criminal": zero, "both": zero},
                              fixed(others), np.arange(n), low > 0)


ASSUME = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(4, 4, 4))


def test_one_at_a_time_hand_computed():
    # Two respondents of four professionals (p = 0.5); respondent 1 knows 2 victims nobody else knows.
    # D = 2 * 1 = 2, U = 2 * (1 - 0.5) / 0.5 = 2, so T(f) = 2 + 2 f.
    table = sens.one_at_a_time(tiny([2, 0], [0, np.nan]), ASSUME)
    first = table.iloc[0]
    assert first["assumption"] == "nonresponse"
    assert (first["total_low"], first["total_central"], first["total_high"]) == pytest.approx((2, 3, 4))
    assert first["swing"] == pytest.approx(2)
    # Exact counts and no unknown multiplicity: nothing else with a range moves the total.
    assert table.iloc[1:]["swing"].tolist() == pytest.approx([0, 0, 0])
    assert "label" not in table                   # no Dutch in stats: chapters name the assumptions
    # The assumptions fixed at one value (population 4, both caps, per_victim 1) are no rows.
    assert set(table["assumption"]) == {"nonresponse", "band_position", "others_position", "multiplicity_unknown"}
    assert set(ASSUMPTION_LABELS) == set(est.ASSUMPTIONS + est.SENSITIVITY_ONLY)


def test_one_item_multiplicity_is_a_sensitivity_row_off_the_grid_only():
    # A typical number per respondent: the right per-victim weight is up to 1.3 times its weight.
    # Every report's weight scales, so the estimate T = 3 (above) becomes 3 * 1.3 at the high end.
    a = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(4, 4, 4), per_victim=(1.0, 1.0, 1.3))
    rows = sens.one_at_a_time(tiny([2, 0], [0, np.nan]), a).set_index("assumption")
    assert (rows.loc["per_victim", "total_low"], rows.loc["per_victim", "total_high"]) == pytest.approx((3, 3.9))
    # Reporters on the grid (per-victim answers) have their own weights: no such row.
    on_grid = tiny([2, 0], [np.nan, np.nan])
    grid = fixed(np.array([[0.0], [np.nan]]))
    rows = sens.one_at_a_time(est.EstimationData(on_grid.victims, on_grid.others, on_grid.cluster, on_grid.met_any,
                                                 grid=grid), a)
    assert "per_victim" not in set(rows["assumption"])
    assert not sens.per_victim_applies(est.EstimationData(on_grid.victims, on_grid.others, on_grid.cluster,
                                                          on_grid.met_any, grid=grid))
    # A reporter off the grid (no per-victim answers) is reached by the correction, grid or not.
    assert sens.per_victim_applies(tiny([2, 0], [0, np.nan]))
    # The interval never draws it: a bootstrap sees only its central value.
    assert est.Assumptions(nonresponse=(0, 0.5, 1), population=(4, 4, 4),
                           per_victim=(1.0, 1.2, 1.3)).draw(np.random.default_rng(1), 3)["per_victim"].ravel().tolist() \
        == [1.2, 1.2, 1.2]


def test_band_readings_lower_midpoint_upper():
    # One respondent in band 2-3 victims, everyone answered (p = 1): the ladder is the count itself.
    a = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(1, 1, 1))
    readings = sens.band_readings(tiny([2], [0], sexual_high=[3]), a, form="sexual")
    assert readings["reading"].tolist() == ["lower", "midpoint", "upper"]
    assert readings["reported_raw"].tolist() == pytest.approx([2, 2.5, 3])
    assert readings["estimate"].tolist() == pytest.approx([2, 2.5, 3])
    # As published (stats.disclosure_rounding): the raw sum to the nearest ten, the rest whole.
    from exploitation_report.stats import disclosure_rounding as dr

    shown = dr.band_readings(readings, 1)
    assert shown["reported_raw"].tolist() == [0, 0, 0] and shown["estimate"].tolist() == [2, 3, 3]


def test_heaviest_reporters_share_of_the_estimate():
    # Contributions are proportional to the counts (same multiplicity): 10 of 11 from the top reporter.
    data = tiny([10, 1, 0], [0, 0, np.nan])
    a = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(6, 6, 6))
    heavy = sens.heaviest_reporters(data, a, share=0.05)
    assert heavy["reporters"] == 2 and heavy["top"] == 1          # ceil(0.05 * 2) = 1
    assert heavy["top_fraction"] == pytest.approx(10 / 11)
    total = est.evaluate(data, a.central(), a.nonresponse)["any"]["estimate"]
    assert heavy["estimate"] == pytest.approx(float(total))
    assert heavy["estimate_without_top"] == pytest.approx(float(total) / 11)



def test_heaviest_reporters_are_never_fewer_than_the_suppression_threshold():
    """A total of fewer respondents than min_count is not published: the group grows to it, and
    when the others (or all reporters) would be fewer, nothing of it is published."""
    data = tiny([10, 4, 2, 1, 1, 1, 0], [0, 0, 0, 0, 0, 0, np.nan])
    a = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(6, 6, 6))
    heavy = sens.heaviest_reporters(data, a, share=0.05, min_group=3)
    assert heavy["top"] == 3 and not heavy["suppressed"]   # ceil(0.05 * 6) = 1, raised
    # Six of seven respondents reported victims: the six would give away the one who did not.
    assert heavy["reporters"] is None
    assert heavy["raised_to_min_group"] and heavy["top_fraction"] == pytest.approx(16 / 19)
    for min_group in (4, 9):   # the other 2, or all 6 reporters, fewer than min_group
        hidden = sens.heaviest_reporters(data, a, share=0.05, min_group=min_group)
        assert hidden["suppressed"] and hidden["top"] is None and hidden["estimate_without_top"] is None
        assert hidden["top_fraction"] is None and hidden["top_contribution"] is None


def test_contributions_sum_to_the_estimate():
    data = tiny([3, 1, 2], [1, 3, np.nan], sexual_high=[3, 1, 3])
    a = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(10, 12, 20))
    parts = est.contributions(data, a.central())["any"]
    assert parts.sum() == pytest.approx(float(est.evaluate(data, a.central(), a.nonresponse)["any"]["estimate"]))


def test_an_assumption_fixed_at_one_value_is_no_row_whichever_it_is():
    # Both caps fixed (a single number in the parameters) and the one-item correction fixed at 1.3: no
    # rows for any of them (the correction's row once went while the caps stayed as rows of 0).
    data = tiny([2, 25, 0], [0, 1, np.nan], sexual_high=[3, 25, 0])
    a = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(6, 8, 10), band_cap=(30, 30, 30),
                        others_cap=(8, 8, 8), per_victim=(1.3, 1.3, 1.3))
    rows = set(sens.one_at_a_time(data, a)["assumption"])
    assert rows == {"nonresponse", "population", "band_position", "others_position", "multiplicity_unknown"}
    # With a range, the cap is a row again, even where it moves nothing.
    ranged = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(6, 8, 10), others_cap=(6, 8, 16))
    assert "others_cap" in set(sens.one_at_a_time(data, ranged)["assumption"])
    # Everything fixed: an empty table with its columns (the chapter then shows no figure or table).
    fixed_all = est.Assumptions(**{name: (getattr(a, name)[1],) * 3 for name in est.ASSUMPTIONS + est.SENSITIVITY_ONLY})
    empty = sens.one_at_a_time(data, fixed_all)
    assert empty.empty and list(empty.columns) == sens.COLUMNS


def test_the_number_of_reporters_is_published_only_with_both_groups_large_enough():
    data = tiny([10, 4, 2, 1, 1, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0, np.nan, np.nan, np.nan])
    a = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(9, 9, 9))
    assert sens.heaviest_reporters(data, a, share=0.05, min_group=3)["reporters"] == 6     # 6 did, 3 did not
    assert sens.heaviest_reporters(data, a, share=0.05, min_group=4)["reporters"] is None  # 3 did not: too few
    hidden = sens.heaviest_reporters(data, a, share=0.05, min_group=7)                     # 6 reporters: too few
    assert hidden["suppressed"] and hidden["reporters"] is None


def test_the_cap_of_an_open_band_few_answered_in_is_withheld():
    # One respondent answered 'meer dan 20' (shipped 2024 edition): the cap's row was that one report
    # alone, showing the answer was given and (from its size) how many others knew the victims.
    data = tiny([21, 2, 3, 0], [1, 0, 0, np.nan])
    data.victims["sexual"] = est.Bounds(np.array([21.0, 2, 3, 0]), np.array([21.0, 2, 3, 0]),
                                        open=np.array([True, False, False, False]))
    a = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(8, 8, 8), band_cap=(25, 30, 50))
    assert sens.open_band_respondents(data) == {"band_cap": 1, "others_cap": 0}
    shown = sens.one_at_a_time(data, a)
    assert "band_cap" in set(shown["assumption"]) and shown.attrs["withheld"] == []
    withheld = sens.one_at_a_time(data, a, min_group=5)
    assert "band_cap" not in set(withheld["assumption"]) and withheld.attrs["withheld"] == ["band_cap"]
    from exploitation_report.chapters import estimation_text

    text = estimation_text.sensitivity(withheld, {"top": None, "suppressed": True}, "@fig-t", "@tbl-s", "@tbl-b", 5)
    assert "De aanname ‘bovengrens van de open categorie slachtoffers’ staat er niet bij" in text
    assert "minder dan 5 respondenten gaven een aantal in die open categorie" in text
