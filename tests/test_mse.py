"""Reading capture histories, the synthetic demo file and the one-call estimate for the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exploitation_report.inputs.errors import InputError
from exploitation_report.paths import PROJECT_ROOT
from exploitation_report.pipeline.results import dumps
from exploitation_report.stats.mse import analysis as mse
from exploitation_report.synth import capture_histories as synthetic_lists

DATA = Path(__file__).parent / "data" / "mse"
DEMO = PROJECT_ROOT / "data" / "2024" / synthetic_lists.SYNTHETIC_FILE


def write(tmp_path: Path, text: str, name: str = "links.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list:
    with pytest.raises(InputError) as exc:
        mse.read_capture_histories(path)
    return exc.value.problems


def test_read_fills_missing_patterns_with_zero(tmp_path):
    path = write(tmp_path, "A,B,C,count\n1,0,0,5\n1,1,0,2\n0,0,1,4\n")
    before = path.read_bytes()
    frame = mse.read_capture_histories(path)
    assert path.read_bytes() == before                    # inputs are only read
    assert len(frame) == 7 and list(frame.columns) == ["A", "B", "C", "count"]
    assert frame["count"].sum() == 11
    row = frame[(frame.A == 1) & (frame.B == 1) & (frame.C == 0)]
    assert row["count"].item() == 2
    assert frame.attrs["lists"] == ("A", "B", "C") and frame.attrs["synthetic"] is False
    assert str(frame["count"].dtype) == "int64"


def test_read_accepts_semicolons_zero_rows_and_the_synthetic_flag(tmp_path):
    path = write(tmp_path, "A;B;count;synthetic\n1;0;5;1\n0;1;3;1\n1;1;2;1\n0;0;0;1\n")
    frame = mse.read_capture_histories(path)
    assert frame.attrs["synthetic"] is True
    assert mse.fit_model(frame).estimate == pytest.approx(7 * 5 / 2)


@pytest.mark.parametrize("text,row,column,expected", [
    ("A,B,count\n1,2,5\n", 2, "B", "0 (not on this list)"),
    ("A,B,count\n1,0,-1\n", 2, "count", "whole number from 0"),
    ("A,B,count\n1,0,2.5\n", 2, "count", "whole number from 0"),
    ("A,B,count\n1,0,1.000\n", 2, "count", "whole number from 0"),   # a Dutch thousand, not 1
    ("A,B,count\n1,0,5\n0,1,3\n1,0,2\n", 4, "A, B", "each capture pattern once"),
    ("A,B,count\n0,0,5\n", 2, "A, B", "count 0 for the pattern on no list"),
    ("A,B,count,synthetic\n1,0,5,yes\n", 2, "synthetic", "0 (real data) or 1"),
    ("A,B,C\n1,0,1\n", 1, "count", "a column 'count'"),
    ("A,count\n1,5\n", 1, None, "2 to 8 list columns"),
    ("A,B,C,D,E,F,G,H,I,count\n1,0,0,0,0,0,0,0,0,5\n", 1, None, "2 to 8 list columns"),
    ("A,B,count\n1,0,2147483647\n0,1,3\n1,1,2\n", 2, "count", "whole number from 0 to 1,000,000"),
    # Nothing to estimate from: nobody at all, or nobody on two lists (the estimate failed in notebook 02).
    ("A,B,count\n1,0,0\n0,1,0\n1,1,0\n", None, None, "at least one person on a list"),
    ("A,B,count\n1,0,5\n0,1,3\n", None, None, "persons found on two or more lists"),
    ("A,B,count\n1,0,5\n0,1,3\n1,1,2\nTotaal,,10\n", 5, None, "not a totals row"),   # one problem, not three
    # A marker column misnamed, or an extra 0/1 column, would be read as one more list (the estimate changes).
    ("A,B,count,Synthetic\n1,0,5,1\n0,1,3,1\n1,1,2,1\n", 1, "Synthetic", "'synthetic' written exactly so"),
    ("A,B,Count\n1,0,5\n0,1,3\n1,1,2\n", 1, "Count", "'count' written exactly so"),
    ("A,B,C,checked,count\n1,0,0,1,5\n0,1,0,1,3\n1,1,0,1,2\n0,1,1,1,1\n", 1, "checked", "some but not all"),
    ("A,B,C,is_synthetic,count\n1,0,0,0,5\n0,1,0,0,3\n1,1,0,0,2\n0,1,1,0,1\n", 1, "is_synthetic", "some but not all"),
])
def test_bad_files_name_file_row_column(tmp_path, text, row, column, expected):
    path = write(tmp_path, text)
    found = problems(path)
    p = found[0]
    assert p.file == str(path) and p.row == row and p.column == column and expected in p.expected
    assert str(path) in str(p)


def test_every_problem_is_reported_at_once(tmp_path):
    path = write(tmp_path, "A,B,count\n1,2,5\n0,1,-3\n1,1,x\n")
    assert [(p.row, p.column) for p in problems(path)] == [(2, "B"), (3, "count"), (4, "count")]


def test_missing_and_non_csv_files(tmp_path):
    assert "an existing file" in problems(tmp_path / "nope.csv")[0].expected
    assert ".csv" in problems(write(tmp_path, "x", name="links.xlsx"))[0].expected
    assert "at least one capture pattern" in problems(write(tmp_path, "A,B,count\n"))[0].expected


def test_published_files_read_back_as_published(tmp_path):
    frame = mse.read_capture_histories(DATA / "korea_comfort_women_3lists.csv")   # has an explicit zero row
    assert frame["count"].sum() == 123 and len(frame) == 7


def test_synthetic_generator_is_seeded_and_plausible():
    a, b = synthetic_lists.synthetic_capture_histories(seed=2024), synthetic_lists.synthetic_capture_histories(seed=2024)
    assert a.equals(b)
    assert not a.equals(synthetic_lists.synthetic_capture_histories(seed=1))
    assert (a["synthetic"] == 1).all() and list(a.columns[:4]) == list(synthetic_lists.SYNTHETIC_LISTS)
    table = mse.as_table(a)
    assert 30 <= table.observed <= 60                    # the order of ZVHG's 29 registrations a year
    assert table.observed < a.attrs["population"]        # some victims are on no list
    assert mse.check_existence(a) == 0


def test_shipped_demo_file_is_the_generator_output(tmp_path):
    written = synthetic_lists.write_synthetic_capture_histories(tmp_path)
    assert written.read_bytes() == DEMO.read_bytes()
    assert b"#" not in DEMO.read_bytes()                  # comment-free CSV
    frame = mse.read_capture_histories(DEMO)
    assert frame.attrs["synthetic"] is True and frame.attrs["lists"] == synthetic_lists.SYNTHETIC_LISTS


@pytest.mark.parametrize("method", ["bic", "aic", "stepwise"])
def test_estimate_for_the_report(method):
    frame = mse.read_capture_histories(DEMO)
    res = mse.estimate(frame, method=method, resamples=200, seed=5)
    assert res.method == method and res.synthetic
    assert res.observed == mse.as_table(frame).observed
    assert res.estimate == res.best.estimate > res.observed
    assert res.profile[0] < res.estimate < res.profile[1]
    assert res.bootstrap[0] <= res.estimate <= res.bootstrap[1]
    assert res.candidates and (res.candidates[0] is res.best if method != "stepwise" else res.candidates[-1] is res.best)
    again = mse.estimate(frame, method=method, resamples=200, seed=5)
    assert again.as_record() == res.as_record()          # same inputs, same numbers
    record = json.loads(dumps(res.as_record()))
    assert record["estimate"] == pytest.approx(res.estimate)
    assert record["model"] == res.best.label()
    assert set(record["overlaps"]) == {f"{a}:{b}" for i, a in enumerate(res.lists) for b in res.lists[i + 1:]}


def test_estimate_options():
    frame = mse.read_capture_histories(DEMO)
    res = mse.estimate(frame, resamples=0)
    assert res.bootstrap is None and res.profile is not None
    assert res.models_considered == 64 and res.models_admissible <= 64
    bca = mse.estimate(frame, resamples=200, seed=5, interval="bca")
    assert bca.bootstrap_method == "bca" and bca.bootstrap[0] < bca.estimate < bca.bootstrap[1]
    with pytest.raises(ValueError, match="method"):
        mse.estimate(frame, method="lasso")
    with pytest.raises(ValueError, match="interval"):
        mse.estimate(frame, interval="basic")


def test_estimate_uses_the_same_resamples_as_bootstrap_interval():
    """estimate() fits each model to all resamples at once; it must equal the one-by-one bootstrap."""
    frame = mse.read_capture_histories(DATA / "korea_comfort_women_3lists.csv")
    res = mse.estimate(frame, method="bic", resamples=150, seed=9)
    select = mse.criterion_selector(mse.search_models(frame), "bic")
    assert mse.bootstrap_interval(frame, select, resamples=150, seed=9) == pytest.approx(res.bootstrap, rel=1e-9)


def test_no_admissible_model_is_an_error_not_a_number():
    frame = mse.as_table(synthetic_lists.synthetic_capture_histories()).to_frame()
    frame.loc[(frame.iloc[:, :4].sum(axis=1) > 1), "count"] = 0    # nobody on two lists
    with pytest.raises(ValueError, match="admissible"):
        mse.estimate(frame, resamples=0)
    assert mse.empty_overlaps(frame) and all(v == 0 for v in mse.overlaps(frame).values())
