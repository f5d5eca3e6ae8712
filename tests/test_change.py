"""Change of a share between two years: Newcombe's interval against his published table."""

from __future__ import annotations

import pytest

from exploitation_report.stats.change import DECREASE, INCREASE, NO_CLEAR_CHANGE, difference, share_change

# Newcombe (1998), Table II, method 10 (score interval, hybrid): (a, m, b, n) -> (lower, upper).
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
]


@pytest.mark.parametrize(("counts", "published"), NEWCOMBE_TABLE_II)
def test_the_interval_is_newcombes_method_10(counts, published):
    result = difference(*counts)
    assert result["interval"]["method"] == "newcombe"
    assert (round(result["interval"]["low"], 4), round(result["interval"]["high"], 4)) == published


def test_a_change_is_called_an_increase_or_decrease_only_when_its_interval_excludes_zero():
    assert difference(56, 70, 48, 80)["direction"] == INCREASE
    assert difference(48, 80, 56, 70)["direction"] == DECREASE
    assert difference(5, 56, 0, 29)["direction"] == NO_CLEAR_CHANGE
    # The score test agrees with the interval on these clear cases.
    assert difference(56, 70, 48, 80)["p_value"] < 0.05 < difference(5, 56, 0, 29)["p_value"]


def test_identical_all_or_none_shares_give_no_change_without_a_division_by_zero():
    result = difference(0, 40, 0, 50)
    assert result["estimate"] == 0 and result["p_value"] == 1.0 and result["direction"] == NO_CLEAR_CHANGE


def test_a_suppressed_share_suppresses_the_change():
    shown = {"count": 60, "base": 100, "estimate": 0.6, "suppressed": False}
    hidden = {"count": None, "base": 100, "estimate": None, "suppressed": True}
    assert share_change(shown, hidden) == {"suppressed": True, "estimate": None, "interval": None,
                                           "p_value": None, "direction": None}
    assert share_change(shown, {**shown, "count": 40})["suppressed"] is False


def test_impossible_counts_are_refused():
    with pytest.raises(ValueError, match="count 11, base 10"):
        difference(11, 10, 1, 10)


def test_shares_over_years_reads_both_editions_by_path_and_marks_a_new_question():
    from exploitation_report.stats.change import shares_over_years

    def share(count, base):
        return {"kind": "share", "unit": "proportion", "estimate": count / base, "count": count, "base": base,
                "suppressed": False}

    current = {"survey": {"met_any": share(151, 253), "new_item": share(10, 200)}}
    previous = {"survey": {"met_any": share(122, 222)}}
    out = shares_over_years(current, previous, ["survey.met_any", "survey.new_item"])
    assert out["met_any"]["change"] == {**difference(151, 253, 122, 222), "suppressed": False}
    assert out["new_item"]["previous"] is None and out["new_item"]["change"]["suppressed"] is True
    with pytest.raises(KeyError, match="survey.gone"):
        shares_over_years(current, previous, ["survey.gone"])
