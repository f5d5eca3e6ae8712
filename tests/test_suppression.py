import pandas as pd

from exploitation_report.suppression import share_is_disclosive, suppress_counts, suppress_record


def test_primary_and_secondary_suppression():
    counts = pd.Series({"a": 40, "b": 3, "c": 12, "d": 0, "e": 25})
    hidden = suppress_counts(counts, 5)
    # b is small; alone it could be recovered from the total, so the next smallest (c) goes too; zero stays.
    assert hidden.to_dict() == {"a": False, "b": True, "c": True, "d": False, "e": False}
    assert not suppress_counts(counts, 5, with_total=False)["c"]


def test_two_small_cells_need_no_secondary():
    hidden = suppress_counts(pd.Series([2, 4, 30, 50]), 5)
    assert hidden.tolist() == [True, True, False, False]


def test_share_disclosure_covers_complement_and_base():
    assert share_is_disclosive(3, 100, 5)
    assert share_is_disclosive(97, 100, 5)      # complement of 3 people
    assert share_is_disclosive(2, 4, 5)          # base too small
    assert not share_is_disclosive(0, 100, 5)
    assert not share_is_disclosive(50, 100, 5)


def test_suppressed_record_holds_no_small_count():
    rec = {"count": 3, "base": 120, "estimate": 0.025, "ci_low": 0.01, "ci_high": 0.07, "ci_level": 0.95}
    out = suppress_record(rec, 5)
    assert out["suppressed"] and out["count"] is None and out["estimate"] is None and out["base"] == 120
    small_base = suppress_record({**rec, "count": 2, "base": 4}, 5)
    assert small_base["base"] is None
    assert suppress_record({**rec, "count": 60}, 5)["suppressed"] is False
