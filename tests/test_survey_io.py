"""Reading survey exports and registrations: typed frames, and every bad input named precisely."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exploitation_report.inputs.errors import InputError
from exploitation_report.inputs.readers import read_registrations, read_survey

ROOT = Path(__file__).resolve().parents[1]
SURVEY = ROOT / "data" / "2024" / "survey_2024_synthetic.csv"
REGISTRATIONS = ROOT / "data" / "2024" / "registrations_2024.csv"


def _write(frame: pd.DataFrame, path: Path, sep: str = ",") -> Path:
    frame.to_csv(path, index=False, sep=sep, lineterminator="\n")
    return path


def _problems(path: Path, cb) -> list:
    with pytest.raises(InputError) as err:
        read_survey(path, cb)
    assert all(p.file == str(path) for p in err.value.problems)
    return err.value.problems


def _find(problems, column, row=None):
    hits = [p for p in problems if p.column == column and (row is None or p.row == row)]
    assert hits, f"no problem for column {column} row {row}: {[str(p) for p in problems]}"
    return hits[0]


# ------------------------------------------------------------------ valid input


def test_shipped_survey_validates_and_is_typed(typed, cb):
    assert len(typed) == 230
    # The 2024 export records no response dates: that optional column is absent, and said so.
    assert list(typed.columns) == [n for n in cb.variables if n != "response_date"]
    assert typed.attrs["absent_optional"] == ["response_date"]
    for name, var in cb.variables.items():
        if name not in typed:
            continue
        expected = "Int64" if var.coded else "string"
        assert str(typed[name].dtype) == expected, name
    assert typed["respondent_id"].dtype == pd.StringDtype()
    assert typed["respondent_id"].is_unique
    coded = [n for n, v in cb.variables.items() if v.coded]
    assert not typed[coded].isin([-9, -8]).any().any()  # missing codes became NA
    assert typed.attrs["source"] == str(SURVEY)
    assert typed.attrs["synthetic"] is True
    assert typed.attrs["value_labels"] == {}


def test_missing_codes_load_as_na_and_skipped_may_be_minus_8(cells, cb, tmp_path):
    raw = pd.read_csv(SURVEY, dtype=str, keep_default_na=False)
    n_nonresponse = (raw == "-9").sum().sum()
    assert n_nonresponse > 0  # the synthetic data has some item non-response
    # An export writing -8 for skipped items instead of blanks gives the same frame.
    coded = [n for n, v in cb.variables.items() if v.coded]
    cells[coded] = cells[coded].replace("", "-8")
    frame = read_survey(_write(cells, tmp_path / "minus8.csv"), cb)
    pd.testing.assert_frame_equal(frame, read_survey(SURVEY, cb))


def test_semicolon_and_bom(cells, cb, typed, tmp_path):
    path = tmp_path / "semi.csv"
    path.write_bytes(b"\xef\xbb\xbf" + cells.to_csv(index=False, sep=";", lineterminator="\r\n").encode("utf-8"))
    pd.testing.assert_frame_equal(read_survey(path, cb), typed)


def test_excel_round_trip(typed, cb, tmp_path):
    path = tmp_path / "survey.xlsx"
    generated = pd.read_csv(SURVEY, dtype=str, keep_default_na=False)
    out = generated.copy()
    for name, var in cb.variables.items():
        if var.coded:  # numbers as numbers, as Excel users would have them
            out[name] = pd.to_numeric(out[name].replace("", np.nan))
    out.to_excel(path, index=False, engine="openpyxl")
    frame = read_survey(path, cb)
    pd.testing.assert_frame_equal(frame, typed)
    assert frame.attrs["source"] == str(path)


def _sav_frame_and_labels(cb):
    raw = pd.read_csv(SURVEY, dtype=str, keep_default_na=False)
    out = pd.DataFrame(index=raw.index)
    labels = {}
    for name, var in cb.variables.items():
        if name not in raw:
            continue
        if var.coded:
            out[name] = pd.to_numeric(raw[name].replace("", np.nan)).astype("float64")
            labels[name] = {float(c): lab for c, lab in {**var.codes, **cb.missing_codes}.items()}
        else:
            out[name] = raw[name].astype(object)
    return out, labels


def test_sav_round_trip_keeps_value_labels(typed, cb, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    out, labels = _sav_frame_and_labels(cb)
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(out, str(path), variable_value_labels=labels)
    frame = read_survey(path, cb)
    pd.testing.assert_frame_equal(frame, typed)
    assert frame.attrs["value_labels"]["sector"][8] == "Hulpverlening aan sekswerkers"
    assert frame.attrs["value_labels"]["met_sexual"][-9] == "niet ingevuld"


def test_sav_labels_disagreeing_with_codebook(cb, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    out, labels = _sav_frame_and_labels(cb)
    labels["sector"][2.0] = "Sport"
    labels["met_sexual"][7.0] = "Misschien"
    path = tmp_path / "labels.sav"
    pyreadstat.write_sav(out, str(path), variable_value_labels=labels)
    problems = _problems(path, cb)
    p = _find(problems, "sector")
    assert "Onderwijs" in p.expected and "Sport" in p.found
    # A label for a code no case holds changes no answer: a warning (when the file is read), no problem.
    assert not [p for p in problems if p.column == "met_sexual"]


def test_sav_option_labels_in_other_words_are_read_and_other_labels_count_once_per_item_group(cb, typed, tmp_path):
    # Qualtrics' SPSS export labels every option 'Not Selected' / 'Selected': the codebook's 0 and 1.
    pyreadstat = pytest.importorskip("pyreadstat")
    out, labels = _sav_frame_and_labels(cb)
    multi = [name for name, var in cb.variables.items() if var.type == "multi" and name in labels]
    for name in multi:
        labels[name].update({0.0: "Not Selected", 1.0: "Selected"})
    path = tmp_path / "english.sav"
    pyreadstat.write_sav(out, str(path), variable_value_labels=labels)
    pd.testing.assert_frame_equal(read_survey(path, cb), typed)
    for name in multi:   # swapped: not the same meaning, and one problem per item group, not two per option
        labels[name].update({0.0: "Selected", 1.0: "Not Selected"})
    pyreadstat.write_sav(out, str(path), variable_value_labels=labels)
    problems = _problems(path, cb)
    assert len(problems) == len(cb.groups)
    gender = next(p for p in problems if "'victim_gender'" in p.expected)
    assert "'Selected' for 0, 'Not Selected' for 1" in gender.found and "victim_gender_female ..." in gender.found


def test_sav_rows_are_case_numbers(cb, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    out, labels = _sav_frame_and_labels(cb)
    out.loc[4, "sector"] = 12
    path = tmp_path / "bad.sav"
    pyreadstat.write_sav(out, str(path), variable_value_labels=labels)
    p = _find(_problems(path, cb), "sector", row=5)
    assert p.found == "'12'"


# ------------------------------------------------------------------ bad input, one at a time


def test_missing_required_column(cells, cb, tmp_path):
    path = _write(cells.drop(columns=["sector"]), tmp_path / "x.csv")
    p = _find(_problems(path, cb), "sector")
    assert "required column" in p.expected and "no such column" in p.found


def test_out_of_range_code(cells, cb, tmp_path):
    cells.loc[0, "sector"] = "12"
    p = _find(_problems(_write(cells, tmp_path / "x.csv"), cb), "sector", row=2)
    assert p.found == "'12'" and "8 (Hulpverlening aan sekswerkers)" in p.expected and "-9" in p.expected


def test_non_integer_value(cells, cb, tmp_path):
    cells.loc[5, "works_in_municipality"] = "jawel"
    cells.loc[6, "function"] = "2.5"
    problems = _problems(_write(cells, tmp_path / "x.csv"), cb)
    p = _find(problems, "works_in_municipality", row=7)
    assert "whole number" in p.expected and p.found == "'jawel'"
    assert _find(problems, "function", row=8).found == "'2.5'"


def test_wrong_encoding(cells, cb, tmp_path):
    cells.loc[2, "remarks"] = "opmerking met é"
    path = tmp_path / "latin1.csv"
    path.write_bytes(cells.to_csv(index=False, lineterminator="\n").encode("latin-1"))
    problems = _problems(path, cb)
    assert len(problems) == 1
    p = problems[0]
    assert p.row == 4  # header line 1, data row 2 (0-based) is line 4
    assert "UTF-8" in p.expected and "0xe9" in p.found


def test_duplicate_respondent(cells, cb, tmp_path):
    cells.loc[3, "respondent_id"] = cells.loc[0, "respondent_id"]
    p = _find(_problems(_write(cells, tmp_path / "x.csv"), cb), "respondent_id", row=5)
    assert "unique" in p.expected and "row 2" in p.found


def test_skip_logic_violation(cells, cb, tmp_path):
    screened = cells.index[cells["works_in_municipality"] == "2"][0]
    cells.loc[screened, "met_sexual"] = "1"
    met = cells.index[(cells["met_sexual"] == "2") & (cells["works_in_municipality"] == "1")][0]
    cells.loc[met, "n_sexual"] = "3"
    problems = _problems(_write(cells, tmp_path / "x.csv"), cb)
    p = _find(problems, "met_sexual", row=screened + 2)
    assert "works_in_municipality == 1" in p.expected and p.found == "'1'"
    assert "met_sexual == 1" in _find(problems, "n_sexual", row=met + 2).expected


def test_unknown_column(cells, cb, tmp_path):
    cells["favourite_colour"] = "blauw"
    p = _find(_problems(_write(cells, tmp_path / "x.csv"), cb), "favourite_colour")
    assert "codebook" in p.expected


def test_a_problem_of_a_whole_column_names_the_column_not_a_key(cells, cb, tmp_path):
    # Without rows a column read as a YAML key ("key 'sector'"); a table has no keys.
    cells["sector"] = "A" + cells["sector"]   # answer codes, told once for the column
    (p,) = _problems(_write(cells, tmp_path / "x.csv"), cb)
    assert p.column == "sector" and not p.rows and p.key is None
    assert str(p).startswith(f"{tmp_path / 'x.csv'}, column 'sector': expected numbers")


def test_many_problems_reported_at_once(cells, cb, tmp_path):
    cells = cells.drop(columns=["caseload"])
    cells["extra"] = ""
    cells.loc[0, "sector"] = "0"
    cells.loc[1, "know_route"] = "x"
    cells.loc[2, "respondent_id"] = cells.loc[1, "respondent_id"]
    cells.loc[10, "vuln_lvb"] = "2"
    problems = _problems(_write(cells, tmp_path / "x.csv"), cb)
    for column, row in [("caseload", None), ("extra", None), ("sector", 2), ("know_route", 3),
                        ("respondent_id", 4)]:
        _find(problems, column, row)
    assert len(problems) >= 6
    assert "and" in str(InputError(problems))  # the summary says more problems follow


def test_empty_header_only_and_extension(cells, cb, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "empty" in _problems(empty, cb)[0].found
    header = _write(cells.iloc[:0], tmp_path / "header.csv")
    assert "data row" in _problems(header, cb)[0].expected
    txt = tmp_path / "survey.txt"
    txt.write_text("a,b\n1,2\n", encoding="utf-8")
    assert ".csv" in _problems(txt, cb)[0].expected
    with pytest.raises(InputError):
        read_survey(tmp_path / "missing.csv", cb)


def test_inputs_are_never_modified(cells, cb, tmp_path):
    good = tmp_path / "good.csv"
    shutil.copyfile(SURVEY, good)
    cells.loc[0, "sector"] = "99"
    bad = _write(cells, tmp_path / "bad.csv")
    old = {p: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in (good, bad, SURVEY)}
    read_survey(good, cb)
    read_survey(SURVEY, cb)
    with pytest.raises(InputError):
        read_survey(bad, cb)
    for p, (data, mtime) in old.items():
        assert p.read_bytes() == data and os.stat(p).st_mtime_ns == mtime


# ------------------------------------------------------------------ registrations


def test_registrations_load():
    regs = read_registrations(REGISTRATIONS)
    assert list(regs.columns) == ["source", "year", "form", "status", "count", "synthetic", "source_note"]
    assert str(regs["year"].dtype) == "int64" and str(regs["count"].dtype) == "int64"
    assert regs["source"].dtype == pd.StringDtype()
    real = regs[regs["synthetic"] == 0]
    assert set(zip(real["year"], real["form"], real["status"], real["count"])) == {
        (2022, "any", "suspected", 29), (2022, "any", "confirmed", 3)}
    assert real["source_note"].str.contains("291964-2024").all()
    assert regs.loc[regs["synthetic"] == 1, "source_note"].str.contains("SYNTHETISCH").all()


def test_registrations_negative_count_and_duplicate(tmp_path):
    regs = pd.read_csv(REGISTRATIONS, dtype=str, keep_default_na=False)
    regs.loc[2, "count"] = "-4"
    regs = pd.concat([regs, regs.iloc[[0]]], ignore_index=True)
    path = tmp_path / "regs.csv"
    regs.to_csv(path, index=False, sep=";")
    with pytest.raises(InputError) as err:
        read_registrations(path)
    problems = err.value.problems
    neg = _find(problems, "count", row=4)
    assert "from 0 to 1,000,000" in neg.expected and neg.found == "'-4'"
    dup = [p for p in problems if p.row == len(regs) + 1]
    assert dup and "one row per source, year, form and status" in dup[0].expected and "row 2" in dup[0].found
    assert all(p.file == str(path) for p in problems)


def test_a_totals_row_in_the_registrations_is_one_problem(tmp_path):
    regs = pd.read_csv(REGISTRATIONS, dtype=str, keep_default_na=False)
    total = {c: "" for c in regs.columns} | {"source": "Totaal", "count": "123"}
    path = tmp_path / "regs.csv"
    pd.concat([regs, pd.DataFrame([total])], ignore_index=True).to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        read_registrations(path)
    (problem,) = err.value.problems
    assert problem.row == len(regs) + 2 and "not a totals row" in problem.expected


def test_registrations_bad_values(tmp_path):
    regs = pd.read_csv(REGISTRATIONS, dtype=str, keep_default_na=False)
    regs.loc[0, "form"] = "labour"
    regs.loc[1, "synthetic"] = "2"
    regs = regs.drop(columns=["source_note"])
    path = tmp_path / "regs.csv"
    regs.to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        read_registrations(path)
    assert _find(err.value.problems, "source_note").row == 1


def test_fewer_persons_in_any_form_than_in_one_form_is_refused(tmp_path):
    """A person registered for sexual exploitation is registered for any form: 'any' is never smaller."""
    regs = pd.read_csv(REGISTRATIONS, dtype=str, keep_default_na=False)
    row = regs.index[(regs["form"] == "any") & (regs["status"] == "suspected")][0]
    regs.loc[row, "count"] = "1"
    path = tmp_path / "regs.csv"
    regs.to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        read_registrations(path)
    (problem,) = err.value.problems
    assert problem.column == "count" and row + 2 in problem.rows and problem.found.startswith("any 1, ")


def test_registrations_in_another_encoding_are_not_told_of_the_surveys_setting(tmp_path):
    """survey_export.encoding is the survey's alone: registrations are saved as UTF-8."""
    regs = pd.read_csv(REGISTRATIONS, dtype=str, keep_default_na=False)
    regs.loc[0, "source_note"] = "Gegevens van de Zorg- en Veiligheidshuis (café)"
    path = tmp_path / "regs.csv"
    regs.to_csv(path, index=False, encoding="cp1252")
    with pytest.raises(InputError) as err:
        read_registrations(path)
    (problem,) = err.value.problems
    assert "UTF-8" in problem.expected and "survey_export" not in str(problem)


def test_a_registration_count_with_a_thousands_point_is_refused(tmp_path):
    """'1.000' is a thousand in Dutch: read as 1 it would lose 999 persons; '29.0' is 29."""
    regs = pd.read_csv(REGISTRATIONS, dtype=str, keep_default_na=False)
    regs.loc[1, "count"] = "29.0"
    path = tmp_path / "regs.csv"
    regs.to_csv(path, index=False)
    assert read_registrations(path)["count"].iloc[1] == 29
    regs.loc[0, "count"] = "1.000"
    regs.to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        read_registrations(path)
    (problem,) = err.value.problems
    assert (problem.row, problem.column, problem.found) == (2, "count", "'1.000'")
