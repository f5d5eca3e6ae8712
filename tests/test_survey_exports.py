"""Real survey exports: each quirk is generated from the shipped synthetic export.

Every export either loads to exactly the frame the shipped CSV gives, or is refused
with one problem that names the cause (never a flood, never a silent misread).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from exploitation_report.cli import app
from exploitation_report.inputs.errors import InputError, Problem, grouped
from exploitation_report.inputs.mapping import ExportMapping, MultiConvention, load_mapping
from exploitation_report.inputs.readers import ReadOptions, read_survey

ROOT = Path(__file__).resolve().parents[1]
SURVEY = ROOT / "data" / "2024" / "survey_2024_synthetic.csv"


def _problems_anywhere(path: Path, cb, options: ReadOptions | None = None) -> list[Problem]:
    """The problems, also those of other files than the export (the mapping, the codebook)."""
    with pytest.raises(InputError) as err:
        read_survey(path, cb, options)
    return err.value.problems


def _problems(path: Path, cb, options: ReadOptions | None = None) -> list[Problem]:
    """The problems, each of the export itself."""
    problems = _problems_anywhere(path, cb, options)
    assert all(p.file == str(path) for p in problems)
    return problems


def _same(frame: pd.DataFrame, typed: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(frame, typed)


def _multi(cb) -> list[str]:
    return [n for n, v in cb.variables.items() if v.type == "multi"]


def _single(cb) -> list[str]:
    return [n for n, v in cb.variables.items() if v.coded and v.type != "multi" and n != "synthetic"]


# ------------------------------------------------------------------ CSV dialects


def test_excel_sep_hint_line_is_honoured_and_skipped(cells, cb, typed, tmp_path):
    path = tmp_path / "hint.csv"
    path.write_text("sep=;\r\n" + cells.to_csv(index=False, sep=";", lineterminator="\r\n"), encoding="utf-8")
    _same(read_survey(path, cb), typed)


def test_a_separator_hint_the_file_does_not_follow_is_named(cells, cb, tmp_path):
    path = tmp_path / "stale.csv"
    path.write_text("sep=;\n" + cells.to_csv(index=False), encoding="utf-8")
    (problem,) = _problems(path, cb)
    assert problem.row == 2 and "'sep=;'" in problem.expected
    assert problem.found.startswith(f"no ';' in the header but {len(cells.columns) - 1} times ','")


def test_tab_separated_utf16_with_bom(cells, cb, typed, tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes(cells.to_csv(index=False, sep="\t", lineterminator="\r\n").encode("utf-16"))  # BOM + LE
    _same(read_survey(path, cb), typed)


def test_windows_1252_only_when_named(cells, cb, tmp_path):
    cells.loc[2, "remarks"] = "opmerking met é en ë"
    path = tmp_path / "ansi.csv"
    path.write_bytes(cells.to_csv(index=False, sep=";", lineterminator="\r\n").encode("cp1252"))
    (p,) = _problems(path, cb)
    assert "Windows-1252" in p.found and "survey_export.encoding" in p.expected and p.row == 4
    frame = read_survey(path, cb, ReadOptions(encoding="cp1252"))
    assert frame.loc[2, "remarks"] == "opmerking met é en ë"


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-be"])
def test_utf32_with_bom_is_read(codec, cells, cb, typed, tmp_path):
    path = tmp_path / "utf32.csv"
    text = cells.to_csv(index=False, sep=";", lineterminator="\r\n")
    path.write_bytes(text.encode(codec) if codec == "utf-32" else b"\x00\x00\xfe\xff" + text.encode(codec))
    _same(read_survey(path, cb), typed)


def test_old_macintosh_line_ends_with_a_separator_hint(cells, cb, typed, tmp_path):
    path = tmp_path / "mac.csv"
    path.write_text("sep=;\r" + cells.to_csv(index=False, sep=";", lineterminator="\r"), encoding="utf-8")
    _same(read_survey(path, cb), typed)


@pytest.mark.parametrize("encoding", [None, "cp1252"])
def test_a_stray_nul_byte_is_refused_naming_its_line(encoding, cells, cb, tmp_path):
    """Never kept in a respondent's id, and never taken for a sign of another encoding."""
    cells.loc[1, "respondent_id"] += "\x00"
    cells.loc[5, "remarks"] = "café"
    path = tmp_path / "nul.csv"
    path.write_bytes(cells.to_csv(index=False).encode("utf-8" if encoding is None else "cp1252"))
    (p,) = _problems(path, cb, ReadOptions(encoding=encoding))
    assert p.rows == (3,) and p.row_word == "line" and "NUL" in p.found


def test_an_unknown_separator_is_named(cells, cb, tmp_path):
    path = tmp_path / "pipes.csv"
    path.write_text(cells.to_csv(index=False, sep="|"), encoding="utf-8")
    (p,) = _problems(path, cb)
    assert p.row == 1 and "',', ';' or a tab" in p.expected and f"{len(cells.columns) - 1} times '|'" in p.found


def test_utf16_without_bom_is_named(cells, cb, tmp_path):
    path = tmp_path / "nobom.csv"
    path.write_bytes(cells.to_csv(index=False, sep="\t").encode("utf-16-le"))
    (p,) = _problems(path, cb)
    assert "UTF-16" in p.found


def test_decimal_comma_whole_numbers_in_semicolon_file(cells, cb, typed, tmp_path):
    coded = [n for n, v in cb.variables.items() if v.coded]
    cells[coded] = cells[coded].map(lambda v: f"{v},0" if v else v)
    path = tmp_path / "comma.csv"
    path.write_text(cells.to_csv(index=False, sep=";"), encoding="utf-8")
    _same(read_survey(path, cb), typed)
    cells.loc[0, "sector"] = "5,5"  # not a whole number: still refused
    path.write_text(cells.to_csv(index=False, sep=";"), encoding="utf-8")
    assert any(p.column == "sector" and p.row == 2 for p in _problems(path, cb))


def test_lines_with_only_separators_are_skipped(cells, cb, typed, tmp_path):
    lines = cells.to_csv(index=False, lineterminator="\n").splitlines()
    empty = "," * (len(cells.columns) - 1)
    text = "\n".join(lines[:5] + [empty, "", empty] + lines[5:] + [empty]) + "\n"
    path = tmp_path / "emptied.csv"
    path.write_text(text, encoding="utf-8")
    _same(read_survey(path, cb), typed)


def test_truncated_and_overlong_lines_name_line_and_counts(cells, cb, tmp_path):
    lines = cells.to_csv(index=False, lineterminator="\n").splitlines()
    lines[-1] = ",".join(lines[-1].split(",")[:36])      # cut off, no newline at the end
    lines[3] = lines[3] + ",extra"
    path = tmp_path / "truncated.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = _problems(path, cb)
    assert {(p.row, p.found) for p in problems} == {(len(lines), "36 fields"), (4, "77 fields")}
    assert all("76 fields" in p.expected for p in problems)


def test_a_header_ending_in_a_separator_is_blamed_not_every_line(cells, cb, tmp_path):
    lines = cells.to_csv(index=False, lineterminator="\n").splitlines()
    lines[0] += ","                                       # the header alone has one field more
    path = tmp_path / "header_comma.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (p,) = _problems(path, cb)
    assert p.row == 1 and p.row_word == "line" and "a header without a separator at its end" in p.expected
    assert p.found == f"{len(cells.columns) + 1} fields, the last one empty"


def test_trailing_separators_dropped_but_values_under_no_name_refused(cells, cb, typed, tmp_path):
    lines = cells.to_csv(index=False, sep=";", lineterminator="\n").splitlines()
    path = tmp_path / "trailing.csv"
    path.write_text("\n".join(line + ";;" for line in lines) + "\n", encoding="utf-8")
    _same(read_survey(path, cb), typed)
    lines = [line + ";;" for line in lines]
    lines[5] = lines[5] + "x"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (p,) = _problems(path, cb)
    assert (p.row, p.column, p.found) == (6, "(column 78)", "'x'")


def test_huge_number_is_an_input_error_with_row_and_column(cells, cb, tmp_path):
    cells.loc[0, "n_sexual"] = "1" * 23
    path = tmp_path / "huge.csv"
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert (p.row, p.column, p.found) == (2, "n_sexual", "a 23-digit number")


# ------------------------------------------------------------------ Excel


def _workbook(cells: pd.DataFrame, cb, path: Path, sheets=(("data", "visible"),), extra_rows: int = 0):
    """An .xlsx with the export (numbers as numbers) on every sheet given as (title, state)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    coded = {n for n, v in cb.variables.items() if v.coded}
    for title, state in sheets:
        ws = wb.create_sheet(title)
        ws.sheet_state = state
        ws.append(list(cells.columns))
        for record in cells.itertuples(index=False):
            ws.append([(int(v) if v and c in coded else (v or None)) for c, v in zip(cells.columns, record)])
        for _ in range(extra_rows if state != "visible" else 0):  # test rows only on the hidden sheet
            ws.append([f"TEST{ws.max_row}"] + [1] * (len(cells.columns) - 1))
    wb.save(path)
    return wb


@pytest.mark.parametrize("stray", ["formatted", "space"])
def test_a_cell_at_the_sheets_last_row_reads_only_the_rows_that_hold_cells(stray, cells, cb, typed, tmp_path):
    """A formatted cell (or one space) at row 1,048,576 made openpyxl fill a million rows of cells: 22 GB."""
    wb = _workbook(cells, cb, tmp_path / "last_row.xlsx")
    corner = wb["data"].cell(row=1_048_576, column=len(cells.columns) + 3)
    if stray == "formatted":
        corner.number_format = "0.00"
    else:
        corner.value = " "
    wb.save(tmp_path / "last_row.xlsx")
    _same(read_survey(tmp_path / "last_row.xlsx", cb), typed)


def test_a_table_that_starts_below_and_right_of_a1_reads_the_same(cells, cb, typed, tmp_path):
    import openpyxl

    _workbook(cells, cb, tmp_path / "b1.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "b1.xlsx")
    wb["data"].insert_cols(1)   # column A empty: the table starts in B
    wb["data"].column_dimensions["C"].hidden = True   # named by its own header, not the one left of it
    wb.save(tmp_path / "b1.xlsx")
    read = read_survey(tmp_path / "b1.xlsx", cb)
    _same(read, typed)
    (warning,) = [w for w in read.attrs["warnings"] if "hidden column" in w]
    assert f"C ({cells.columns[1]})" in warning


def test_merged_cells_among_the_respondents_are_refused(cells, cb, tmp_path):
    """A merged cell shows one answer for several respondents; openpyxl reads it for the first only."""
    wb = _workbook(cells, cb, tmp_path / "merged.xlsx")
    column = list(cells.columns).index("training_wanted") + 1
    wb["data"].merge_cells(start_row=5, start_column=column, end_row=7, end_column=column)
    wb.save(tmp_path / "merged.xlsx")
    (p,) = _problems(tmp_path / "merged.xlsx", cb)
    assert p.rows == (5,) and "merged" in p.expected and "1 merged range(s)" in p.found


def test_spss_null_error_cells_in_excel_are_one_error_or_read_as_declared(cells, cb, typed, tmp_path):
    """SPSS saving to Excel writes #NULL! error cells for empty answers: one error naming the word,
    and with missing: '#NULL!' declared the same figures (it was a problem for every row)."""
    wb = _workbook(cells, cb, tmp_path / "null.xlsx")
    ws = wb["data"]
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if cell.value is None:
                cell.value, cell.data_type = "#NULL!", "e"
    wb.save(tmp_path / "null.xlsx")
    (p,) = _problems(tmp_path / "null.xlsx", cb)
    assert "(missing: '#NULL!')" in p.expected
    # The cells of the coded columns named as Excel shows them, the first twenty in sheet order.
    coded = {i + 1 for i, c in enumerate(cells.columns) if cb.variables[c].coded}
    first = [cell.coordinate for row in ws.iter_rows(min_row=2) for cell in row
             if cell.value == "#NULL!" and cell.column in coded]
    assert f"in sheet 'data': {', '.join(first[:20])}, ..." in p.found
    _same(read_survey(tmp_path / "null.xlsx", cb, ReadOptions(mapping=ExportMapping(missing="#NULL!"))), typed)


def test_an_empty_workbook_is_said_to_be_empty(cb, tmp_path):
    import openpyxl

    openpyxl.Workbook().save(tmp_path / "empty.xlsx")
    (p,) = _problems(tmp_path / "empty.xlsx", cb)
    assert "is empty" in p.found


def _workbook_with(cells: pd.DataFrame, cb, path: Path, edits: dict[tuple[int, str], str]) -> Path:
    """The export as a workbook with some cells (sheet row, column name) overwritten."""
    wb = _workbook(cells, cb, path)
    for (row, name), value in edits.items():
        wb["data"].cell(row=row, column=list(cells.columns).index(name) + 1).value = value
    wb.save(path)
    return path


def test_excel_error_cells_name_sheet_and_cell(cells, cb, tmp_path):
    import openpyxl

    edits = {(7, "met_criminal"): "#N/A", (12, "met_criminal"): "#N/A", (9, "remarks"): "#VALUE!"}
    problems = _problems(_workbook_with(cells, cb, tmp_path / "errors.xlsx", edits), cb)
    letter = openpyxl.utils.get_column_letter(list(cells.columns).index("met_criminal") + 1)
    crim = next(p for p in problems if p.column == "met_criminal")
    assert crim.rows == (7, 12) and "Excel error value" in crim.expected
    assert f"{letter}7 (#N/A)" in crim.found and f"{letter}12" in crim.found and "sheet 'data'" in crim.found
    assert any(p.column == "remarks" and "#VALUE!" in p.found for p in problems)


def test_spss_null_cells_in_a_few_columns_are_named_by_cell(cells, cb, tmp_path):
    """#NULL! is read as a word (SPSS's empty cell), not refused as an error cell, but where it is told
    the cells are named as the other error values are (K3), and in an id column only once."""
    import openpyxl

    edits = {(3, "met_criminal"): "#NULL!", (8, "met_criminal"): "#NULL!", (5, "respondent_id"): "#NULL!"}
    problems = _problems(_workbook_with(cells, cb, tmp_path / "null.xlsx", edits), cb)
    letter = {c: openpyxl.utils.get_column_letter(list(cells.columns).index(c) + 1)
              for c in ("met_criminal", "respondent_id")}
    crim, ids = (next(p for p in problems if p.column == c) for c in ("met_criminal", "respondent_id"))
    assert crim.rows == (3, 8) and f"in 2 cells of sheet 'data': {letter['met_criminal']}3, {letter['met_criminal']}8" \
        in crim.found and "missing: '#NULL!'" in crim.found
    assert ids.found.endswith(f"in 1 cell of sheet 'data': {letter['respondent_id']}5")   # an id is never unanswered
    assert len(problems) == 2   # the id's cell not told again as an empty cell


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_error_value_in_the_id_column_is_one_problem(kind, cells, cb, tmp_path):
    # Blanked once told of as an error value: never a second problem "an empty cell" for the same cells.
    if kind == "csv":
        cells.loc[[1, 6], "respondent_id"] = "#N/A"
        cells.loc[9, "respondent_id"] = ""   # a cell that is empty: told as such
        path = tmp_path / "ids.csv"
        cells.to_csv(path, index=False)
    else:
        path = _workbook_with(cells, cb, tmp_path / "ids.xlsx", {(3, "respondent_id"): "#NULL!",
                                                                  (8, "respondent_id"): "#NULL!",
                                                                  (11, "respondent_id"): None})
    problems = _problems(path, cb)
    assert [(p.rows, "Excel error value" in p.found) for p in problems] == [((3, 8), True), ((11,), False)]
    assert "an empty cell" in problems[1].found


def test_error_values_filled_down_several_columns_are_told_per_column_not_per_row(cells, cb, tmp_path):
    # A failed lookup copied down three columns: not 230 "rows of sums", one problem per column.
    edits = {(row, name): "#N/A" for row in range(2, len(cells) + 2)
             for name in ("organisation_id", "sector", "function")}
    problems = _problems(_workbook_with(cells, cb, tmp_path / "filled.xlsx", edits), cb)
    assert sorted(p.column for p in problems) == ["function", "organisation_id", "sector"]
    assert all(len(p.rows) == len(cells) and "sums" not in p.found for p in problems)
    # A row of totals below the data stays one problem for that row.
    last = len(cells) + 2
    totals = {(last, name): "#DIV/0!" for name in ("met_sexual", "met_criminal", "met_both")}
    (row,) = [p for p in _problems(_workbook_with(cells, cb, tmp_path / "sums.xlsx", totals), cb) if p.row == last]
    assert "a row of sums or averages" in row.found


def test_band_labels_a_spreadsheet_made_dates_are_one_problem(cells, cb, tmp_path):
    """'2–3' typed into Excel becomes 2 March: the cell holds a date, not the band."""
    import datetime

    rows = {c: list(cells.index[cells[c] == "2"][:3]) for c in ("n_sexual", "n_criminal")}
    edits = {(i + 2, c): datetime.datetime(2024, 3, 2) for c, found in rows.items() for i in found}
    (p,) = _problems(_workbook_with(cells, cb, tmp_path / "dates.xlsx", edits), cb)
    assert p.rows == tuple(sorted(row for row, _ in edits)) and "Excel turns a label such as '2–3'" in p.expected
    assert "n_sexual (3 cells), n_criminal (3 cells)" in p.found and "'2024-03-02 00:00:00'" in p.found


def test_formula_without_a_stored_result_is_refused(cells, cb, tmp_path):
    # Written by a program, not saved by Excel: the formula has no stored result.
    edits = {(4, "met_sexual"): "=VLOOKUP(A4,Blad2!A:B,2,FALSE)"}
    (p,) = _problems(_workbook_with(cells, cb, tmp_path / "formula.xlsx", edits), cb)
    assert p.column == "met_sexual" and p.rows == (4,) and "without a result" in p.found


def test_hidden_sheet_is_never_read_by_default(cells, cb, typed, tmp_path):
    path = tmp_path / "hidden.xlsx"
    _workbook(cells, cb, path, sheets=(("ruw", "hidden"), ("opgeschoond", "visible")), extra_rows=12)
    frame = read_survey(path, cb)
    _same(frame, typed)
    assert any("'ruw'" in w for w in frame.attrs["warnings"])
    # Named, the hidden sheet is read: its test rows (below the respondents) then fail the checks.
    assert any(p.row and p.row > 229 for p in _problems(path, cb, ReadOptions(sheet="ruw")))


def test_a_visible_sheet_without_data_names_the_hidden_sheets_it_skipped(cells, cb, tmp_path):
    # The data on a hidden sheet, a header (or a note) on the visible one: the error says where to look.
    path = tmp_path / "note.xlsx"
    wb = _workbook(cells, cb, path, sheets=(("ruw", "hidden"), ("Blad1", "visible")))
    wb["Blad1"].delete_rows(2, wb["Blad1"].max_row)
    wb.save(path)
    (p,) = _problems(path, cb)
    assert "only a header" in p.found and "hidden sheet(s) 'ruw' not read" in p.found and "'Blad1'" in p.found


def test_more_than_one_visible_sheet_needs_the_sheet_named(cells, cb, typed, tmp_path):
    path = tmp_path / "two.xlsx"
    _workbook(cells, cb, path, sheets=(("2023", "visible"), ("2024", "visible")))
    (p,) = _problems(path, cb)
    assert "survey_export.sheet" in p.expected and "'2023'" in p.found and "'2024'" in p.found
    _same(read_survey(path, cb, ReadOptions(sheet="2024")), typed)
    (p,) = _problems(path, cb, ReadOptions(sheet="Blad1"))
    assert "'Blad1'" in p.expected and "'2024'" in p.found


def test_validate_reads_the_sheet_and_mapping_named_in_the_parameters(cells, cb, tmp_path):
    path = tmp_path / "two.xlsx"
    export, columns = _renamed(cells)
    _workbook(export, cb, path, sheets=(("2023", "visible"), ("2024", "visible")))
    mapping = tmp_path / "elsewhere.yml"
    mapping.write_text("columns:\n" + "".join(f"  {new}: {old}\n" for old, new in columns.items()), encoding="utf-8")
    args = ["validate", "2024", "-p", f"inputs.survey={path}", "-p", f"survey_export.mapping={mapping}"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "survey_export.sheet" in result.output
    result = CliRunner().invoke(app, args + ["-p", "survey_export.sheet=2024"])
    assert result.exit_code == 0, result.output


def test_rows_hidden_by_a_filter_are_refused_unless_kept_or_dropped(cells, cb, typed, tmp_path):
    path = tmp_path / "filtered.xlsx"
    wb = _workbook(cells, cb, path)
    ws = wb["data"]
    ws.auto_filter.ref = ws.dimensions
    for r in (5, 9):
        ws.row_dimensions[r].hidden = True
    wb.save(path)
    (p,) = _problems(path, cb)
    assert p.rows == (5, 9) and "survey_export.hidden_rows" in p.expected and "2 rows" in p.found
    _same(read_survey(path, cb, ReadOptions(hidden_rows="keep")), typed)
    dropped = read_survey(path, cb, ReadOptions(hidden_rows="drop"))
    assert len(dropped) == len(typed) - 2
    assert set(typed["respondent_id"]) - set(dropped["respondent_id"]) == {cells.loc[3, "respondent_id"],
                                                                            cells.loc[7, "respondent_id"]}


def test_a_row_of_zero_height_is_a_hidden_row(cells, cb, tmp_path):
    source = tmp_path / "plain.xlsx"
    _workbook(cells, cb, source)
    # Dragged shut: not flagged hidden, and not seen either.
    path = _patched_sheet(source, tmp_path / "squeezed.xlsx", r'<row r="6"', '<row r="6" ht="0" customHeight="1"')
    (p,) = _problems(path, cb)
    assert p.rows == (6,) and "survey_export.hidden_rows" in p.expected


def test_codes_in_cells_formatted_as_dates_are_read_as_their_numbers(cells, cb, typed, tmp_path):
    """Excel shows code 1 in a date-formatted cell as 1900-01-01; the cell holds 1."""
    from openpyxl.utils import get_column_letter

    path = tmp_path / "dates.xlsx"
    wb = _workbook(cells, cb, path)
    letter = get_column_letter(list(cells.columns).index("sector") + 1)
    for row in wb["data"][f"{letter}2:{letter}{len(cells) + 1}"]:
        row[0].number_format = "dd-mm-yyyy"
    wb.save(path)
    frame = read_survey(path, cb)
    _same(frame, typed)
    (warning,) = [w for w in frame.attrs["warnings"] if "formatted as dates" in w]
    assert f"{letter}2" in warning and "1900-01-01" in warning


def test_hidden_columns_are_read_and_named_in_a_warning(cells, cb, typed, tmp_path):
    from openpyxl.utils import get_column_letter

    path = tmp_path / "hidden-columns.xlsx"
    wb = _workbook(cells, cb, path)
    ws = wb["data"]
    names = list(cells.columns)
    ws.column_dimensions["B"].hidden = True
    letter = get_column_letter(names.index("remarks") + 1)
    ws.column_dimensions.group(letter, letter, hidden=True)
    wb.save(path)
    frame = read_survey(path, cb)
    _same(frame, typed)   # hidden is not deleted: the data are the same
    (warning,) = [w for w in frame.attrs["warnings"] if "hidden column" in w]
    assert f"B ({names[1]})" in warning and f"{letter} (remarks)" in warning and "sheet 'data'" in warning
    # Dragged shut (zero width), a range of columns C to E: what openpyxl cannot write.
    plain = tmp_path / "plain.xlsx"
    _workbook(cells, cb, plain)
    squeezed = _patched_sheet(plain, tmp_path / "squeezed.xlsx", "<sheetData",
                              '<cols><col min="3" max="5" width="0" customWidth="1"/></cols><sheetData')
    (warning,) = [w for w in read_survey(squeezed, cb).attrs["warnings"] if "hidden column" in w]
    assert all(f"{c} ({names[i]})" in warning for c, i in (("C", 2), ("D", 3), ("E", 4)))
    assert f"B ({names[1]})" not in warning and "F (" not in warning


# ------------------------------------------------------------------ SPSS


def _sav(cb, path: Path, missing: dict | None = None, edit=None) -> Path:
    """The export as an SPSS file: coded variables numeric with the codebook's value labels;
    ``missing``: user-missing declarations; ``edit(frame)`` returns the data as written."""
    pyreadstat = pytest.importorskip("pyreadstat")
    raw = pd.read_csv(SURVEY, dtype=str, keep_default_na=False)
    out = pd.DataFrame({n: (pd.to_numeric(raw[n].replace("", np.nan)).astype("float64") if v.coded
                            else raw[n].astype(object)) for n, v in cb.variables.items() if n in raw})
    if edit:
        out = edit(out)
    labels = {n: {float(c): lab for c, lab in {**v.codes, **cb.missing_codes}.items()}
              for n, v in cb.variables.items() if v.coded and n in out}
    pyreadstat.write_sav(out, str(path), variable_value_labels=labels, missing_ranges=missing or {})
    return path


def test_sav_options_coded_1_2_with_labels_load_under_the_declared_convention(cb, typed, tmp_path):
    """Ticked 1, unticked 2, labelled so: the labels are read for the codes the mapping declares."""
    multi = _multi(cb)

    def one_two(frame):
        frame[multi] = frame[multi].replace({0.0: 2.0})
        return frame

    path = _sav(cb, tmp_path / "one-two.sav", edit=one_two)
    pyreadstat = pytest.importorskip("pyreadstat")
    data, meta = pyreadstat.read_sav(str(path))
    labels = {**meta.variable_value_labels, **{m: {1.0: "Aangekruist", 2.0: "Niet aangekruist"} for m in multi}}
    pyreadstat.write_sav(data, str(path), variable_value_labels=labels)
    declared = ExportMapping(multi=MultiConvention(ticked="1", unticked="2"))
    _same(read_survey(path, cb, ReadOptions(mapping=declared)), typed)
    # Undeclared: the labels are one problem per item group, not one per option.
    label_problems = [p for p in _problems(path, cb) if "value labels" in p.expected]
    assert len(label_problems) == len(cb.groups) and all("no code 2" in p.expected for p in label_problems)


def test_sav_problems_name_cases_and_leave_the_header_rowless(cb, tmp_path):
    """SPSS numbers cases, and its variable names are no case: never 'row 1' for them."""
    def edit(frame):
        frame.loc[3, "met_sexual"] = 7.0
        return frame.rename(columns={"sector": "sectr"})

    problems = _problems(_sav(cb, tmp_path / "odd.sav", edit=edit), cb)
    code = next(p for p in problems if p.column == "met_sexual")
    assert code.row == 4 and str(code).startswith(f"{tmp_path / 'odd.sav'}, case 4, column 'met_sexual'")
    header = [p for p in problems if p.column in ("sectr", "sector")]
    assert len(header) == 2 and all(p.row is None and " row " not in f" {p} " for p in header)
    assert all(p.row_word == "case" for p in problems if p.row is not None or p.rows)


def test_sav_user_missing_valid_code_is_kept_with_a_warning(cb, typed, tmp_path):
    missing = {"met_sexual": [-9, -8, 3], "n_other_professionals": [{"lo": 5, "hi": 5}], "sector": [-9]}
    path = _sav(cb, tmp_path / "dontknow.sav", missing)
    frame = read_survey(path, cb)
    _same(frame, typed)  # the codebook decides: 'Weet ik niet' stays an answer
    warnings = frame.attrs["warnings"]
    assert len(warnings) == 2
    assert any("met_sexual" in w and "3 (Weet ik niet)" in w for w in warnings)
    assert any("n_other_professionals" in w and "5 (Weet ik niet)" in w for w in warnings)


def test_sav_labels_that_change_no_answer_are_one_warning(cb, typed, tmp_path):
    """Other words for the missing codes, and a label for a code no case holds (99): the codebook's
    meaning stands, and one warning says so; a valid code with another label is still refused."""
    pyreadstat = pytest.importorskip("pyreadstat")
    path = _sav(cb, tmp_path / "labels.sav")
    data, meta = pyreadstat.read_sav(str(path))
    labels = {n: {**lab, -9.0: "Missing", -8.0: "Not applicable", 99.0: "Weet niet / geen antwoord"}
              for n, lab in meta.variable_value_labels.items()}
    pyreadstat.write_sav(data, str(path), variable_value_labels=labels)
    frame = read_survey(path, cb)
    _same(frame, typed)
    (warning,) = [w for w in frame.attrs["warnings"] if "value labels other than the codebook's" in w]
    assert f"on {len(labels)} variable(s)" in warning
    labels["met_sexual"][1.0] = "Nee"
    pyreadstat.write_sav(data, str(path), variable_value_labels=labels)
    (problem,) = _problems(path, cb)
    assert problem.column == "met_sexual" and problem.found == "'Nee'"
    # An answer's label on a missing code that cases hold: those answers would be read as missing.
    labels["met_sexual"][1.0] = "Ja"
    labels["caseload"][-9.0] = "100 of meer"
    assert (data["caseload"] == -9).any()
    pyreadstat.write_sav(data, str(path), variable_value_labels=labels)
    (problem,) = _problems(path, cb)
    assert problem.column == "caseload" and problem.found == "'100 of meer'"


def test_sav_label_on_a_fractional_code_is_no_label_of_its_whole_part(cb, typed, tmp_path):
    """A label for 1.5 is not one for code 1 (which int() would make of it): no case holds such a
    code, so it is warned of as such; a case holding 1.5 is refused as a fraction."""
    pyreadstat = pytest.importorskip("pyreadstat")
    path = _sav(cb, tmp_path / "half.sav")
    data, meta = pyreadstat.read_sav(str(path))
    labels = {**meta.variable_value_labels}
    labels["met_sexual"] = {**labels["met_sexual"], 1.5: "Half"}
    pyreadstat.write_sav(data, str(path), variable_value_labels=labels)
    frame = read_survey(path, cb)
    _same(frame, typed)
    (warning,) = [w for w in frame.attrs["warnings"] if "value labels other than the codebook's" in w]
    assert "'Half' for 1.5 on met_sexual" in warning
    data.loc[0, "met_sexual"] = 1.5
    pyreadstat.write_sav(data, str(path), variable_value_labels=labels)
    problems = _problems(path, cb)
    assert [p.column for p in problems] == ["met_sexual"] and "1.5" in str(problems[0])


# ------------------------------------------------------------------ conventions and known causes


def test_multi_unticked_blank_one_error_per_group_or_declared(cells, cb, typed, tmp_path):
    multi = _multi(cb)
    cells[multi] = cells[multi].replace("0", "")
    path = tmp_path / "qualtrics.csv"
    cells.to_csv(path, index=False)
    problems = _problems(path, cb)
    assert len(problems) == len(cb.groups)  # one per item group, no routing errors elsewhere
    assert all("options must be 0 or 1; this export writes unticked as blank" in p.found for p in problems)
    declared = ExportMapping(multi=MultiConvention(ticked="1", unticked=""))
    _same(read_survey(path, cb, ReadOptions(mapping=declared)), typed)


def _limesurvey(cells: pd.DataFrame, cb) -> pd.DataFrame:
    single, multi = _single(cb), _multi(cb)
    cells[single] = cells[single].map(lambda v: f"A{v}" if v and not v.startswith("-") else v)
    cells[multi] = cells[multi].replace({"1": "Y", "0": ""})
    return cells


def test_limesurvey_answer_codes_named_once_or_declared(cells, cb, typed, tmp_path):
    path = tmp_path / "limesurvey.csv"
    _limesurvey(cells, cb).to_csv(path, index=False)
    problems = _problems(path, cb)
    codes = [p for p in problems if "answer codes instead of numbers" in (p.found or "")]
    assert len(codes) == 1 and f"sector ({len(cells)} cells)" in codes[0].found and "A{code}" in codes[0].expected
    groups = [p for p in problems if p not in codes]
    assert len(groups) == len(cb.groups) and all("ticked as 'Y'" in p.found for p in groups)
    declared = ExportMapping(answer_codes="A{code}", multi=MultiConvention(ticked="Y", unticked=""))
    _same(read_survey(path, cb, ReadOptions(mapping=declared)), typed)


def test_qualtrics_extra_header_rows_named(cells, cb, typed, tmp_path):
    texts = {c: f"Vraag {i}: {cb.variables[c].question}" for i, c in enumerate(cells.columns)}
    ids = {c: json.dumps({"ImportId": f"QID{i}"}) for i, c in enumerate(cells.columns)}
    export = pd.concat([pd.DataFrame([texts, ids]), cells], ignore_index=True)
    path = tmp_path / "qualtrics.csv"
    export.to_csv(path, index=False)
    problems = _problems(path, cb)
    assert len(problems) == 1
    assert "rows 2-3 look like the extra header rows of a Qualtrics export" in problems[0].found
    _same(read_survey(path, cb, ReadOptions(mapping=ExportMapping(extra_header_rows=2))), typed)
    # One header row too many declared: the first respondent is not left out without a word.
    (p,) = _problems(path, cb, ReadOptions(mapping=ExportMapping(extra_header_rows=3)))
    assert p.rows == (4,) and "extra_header_rows: 3" in p.expected and "answers" in p.found


@pytest.mark.parametrize("options", ["names", "labels"])
def test_a_header_in_two_rows_is_one_problem(cells, cb, tmp_path, options):
    """SurveyMonkey: the question above its first option only, 'Response' or the option below
    (its label, which repeats across questions: 'Anders')."""
    groups = {m: g for g in cb.groups.values() for m in g.members}
    top, below = [], []
    for c in cells.columns:
        group = groups.get(c)
        first = group is None or next(iter(group.members)) == c
        top.append(c if group is None else (f"{group.name}?" if first else ""))
        below.append("Response" if group is None else (c if options == "names" else group.members[c]))
    path = tmp_path / "monkey.csv"
    pd.DataFrame([below, *cells.to_numpy().tolist()], columns=top).to_csv(path, index=False)
    (problem,) = _problems(path, cb)
    empty = sum(1 for t in top if not t)
    assert problem.row == 1 and f"row 1 leaves {empty} columns empty" in problem.found and "row 2 names them" in problem.found


def test_two_unnamed_text_columns_are_no_header_in_two_rows(cells, cb, tmp_path):
    """Text under two unnamed columns is no second header row when the named columns beside
    them hold answers: the empty header cells are the problem, not SurveyMonkey."""
    cells.insert(3, "", "meer info")
    cells.insert(6, "Unnamed: 6", "zie dossier")
    path = tmp_path / "notes.csv"
    cells.to_csv(path, index=False)
    (problem,) = _problems(path, cb)
    assert problem.found == "2 empty header cells (columns 4, 7)" and "SurveyMonkey" not in str(problem)


def test_empty_header_cells_are_one_problem(cells, cb, tmp_path):
    text = cells.to_csv(index=False).split("\n", 1)
    names = text[0].split(",")
    for pos in (3, 5, 8):
        names[pos] = ""
    path = tmp_path / "holes.csv"
    path.write_text(",".join(names) + "\n" + text[1], encoding="utf-8")
    (problem,) = _problems(path, cb)
    assert problem.found == "3 empty header cells (columns 4, 6, 9)"


def test_declared_extra_header_rows_that_hold_respondents_are_refused(cells, cb, tmp_path):
    path = tmp_path / "plain.csv"
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb, ReadOptions(mapping=ExportMapping(extra_header_rows=2)))
    assert p.rows == (2, 3) and "is extra_header_rows too large?" in p.found


def test_answer_labels_recoded_or_unknown_ones_named(cells, cb, typed, tmp_path):
    for name in ("sector", "met_sexual", "know_route"):
        codes = cb.variables[name].codes
        cells[name] = cells[name].map(lambda v, codes=codes: f"  {codes[int(v)].upper()} " if v and int(v) in codes else v)
    path = tmp_path / "labels.csv"
    cells.to_csv(path, index=False)
    frame = read_survey(path, cb)
    _same(frame, typed)
    assert any("sector" in w and "answer labels recoded" in w for w in frame.attrs["warnings"])
    cells.loc[[0, 4], "know_route"] = "Misschien"
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert p.column == "know_route" and "'Misschien'" in p.found and "'Twijfel'" in p.expected
    assert p.rows == (2, 6)


def test_labels_with_typographic_punctuation_are_recoded(cells, cb, typed, tmp_path):
    """A survey tool's curly apostrophe (collega’s) and dashes are the codebook's plain ones."""
    typographic = str.maketrans({"'": "’", "-": "–"})
    for name, var in cb.variables.items():
        if var.coded and name in cells and any("'" in label for label in var.codes.values()):
            cells[name] = cells[name].map(lambda v, codes=var.codes: codes[int(v)].translate(typographic)
                                          if v and int(v) in codes else v)
            changed = name
    path = tmp_path / "curly.csv"
    cells.to_csv(path, index=False)
    assert "’" in path.read_text(encoding="utf-8")
    frame = read_survey(path, cb)
    _same(frame, typed)
    assert any(changed in w and "answer labels recoded" in w for w in frame.attrs["warnings"])


@pytest.mark.parametrize("minus", ["\u2212", "\u2013", "\u2010", "\uff0d"])
def test_missing_codes_with_a_typeset_minus_are_read(minus, cells, cb, typed, tmp_path):
    coded = [n for n, v in cb.variables.items() if v.coded and n in cells]
    assert (cells[coded] == "-9").any().any()
    cells[coded] = cells[coded].replace({"-9": f"{minus}9", "-8": f"{minus}8"})
    path = tmp_path / "minus.csv"
    cells.to_csv(path, index=False)
    _same(read_survey(path, cb), typed)


def test_column_names_in_other_capitals_are_matched_with_a_warning(cells, cb, typed, tmp_path):
    path = tmp_path / "caps.csv"
    cells.rename(columns={"met_sexual": "Met_Sexual", "sector": "SECTOR"}).to_csv(path, index=False)
    frame = read_survey(path, cb)
    _same(frame, typed)
    (warning,) = [w for w in frame.attrs["warnings"] if "regardless of case" in w]
    assert "2 column(s)" in warning and "Met_Sexual (met_sexual)" in warning and "SECTOR (sector)" in warning
    # Two columns that would both be sector: neither is guessed.
    cells.rename(columns={"sector": "SECTOR"}).assign(Sector=cells["sector"]).to_csv(path, index=False)
    problems = _problems(path, cb)
    assert any(p.column == "sector" and "required column" in p.expected for p in problems)


def test_spss_names_match_whatever_their_case(cb, typed, tmp_path):
    frame = read_survey(_sav(cb, tmp_path / "caps.sav", edit=lambda f: f.rename(columns=str.upper)), cb)
    _same(frame, typed)
    assert not any("regardless of case" in w for w in frame.attrs["warnings"])   # SPSS's names have no case


@pytest.mark.parametrize("word", ["Totaal", "TOTAL:", "Gemiddelde"])
def test_a_row_of_totals_is_one_problem(word, cells, cb, tmp_path):
    coded = [n for n, v in cb.variables.items() if v.coded and n in cells]
    sums = {c: str(pd.to_numeric(cells[c], errors="coerce").clip(lower=0).sum(min_count=1)) for c in coded}
    total = pd.DataFrame([{**dict.fromkeys(cells.columns, ""), **sums, "respondent_id": word}])
    path = tmp_path / "totals.csv"
    pd.concat([cells, total], ignore_index=True).to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert p.rows == (len(cells) + 2,) and "totals or averages" in p.found and repr(word) in p.found


@pytest.mark.parametrize("figure", [lambda s, n: str(s), lambda s, n: f"{s / n:.2f}", lambda s, n: f"{100 * s / n:.0f}%",
                                    lambda s, n: f"{s},0"], ids=["sums", "averages", "percentages", "comma"])
def test_a_row_of_totals_without_a_label_is_one_problem(cells, cb, tmp_path, figure):
    multi = _multi(cb)
    sums = {c: figure(int(pd.to_numeric(cells[c], errors="coerce").sum()), len(cells)) for c in multi}
    total = pd.DataFrame([{**dict.fromkeys(cells.columns, ""), **sums}])
    path = tmp_path / "totals.csv"
    pd.concat([cells, total], ignore_index=True).to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert p.rows == (len(cells) + 2,) and p.found.startswith("a row of totals (no id")


def test_one_questionnaire_submitted_twice_is_one_problem(cells, cb, tmp_path):
    """The same answers to twenty and more questions under another id: one professional's victims
    would count twice. Rows alike in a few answers (no victim met) are left alone."""
    met = list(cells.index[cells["met_sexual"] == "1"][:2])
    quiet = list(cells.index[(cells["met_sexual"] == "2") & (cells["met_criminal"] == "2")][:1])
    again = cells.loc[met + quiet].assign(respondent_id=["R901", "R902", "R903"])
    path = tmp_path / "twice.csv"
    pd.concat([cells, again], ignore_index=True).to_csv(path, index=False)
    problems = _problems(path, cb)
    assert [p.rows for p in problems] == [(met[0] + 2, len(cells) + 2), (met[1] + 2, len(cells) + 3)]
    assert all("one questionnaire submitted more than once" in p.found and "'R901'" in problems[0].found
               for p in problems)
    typed = read_survey(SURVEY, cb).drop(columns=["respondent_id", "synthetic"])
    assert [f"to all {typed.iloc[i].notna().sum()} questions" in p.found for i, p in zip(met, problems)] == [True] * 2
    # The same row under the same id: one problem, the id's.
    pd.concat([cells, cells.loc[met[:1]]], ignore_index=True).to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert p.expected == "a unique respondent_id"


def test_colleagues_who_met_no_victim_may_answer_alike(cells, cb, tmp_path):
    """An export that writes -8 in every question not asked: missing codes are no answers."""
    quiet = cells.index[(cells["met_sexual"] == "2") & (cells["met_criminal"] == "2")][0]
    again = cells.loc[[quiet]].assign(respondent_id="R901")
    both = pd.concat([cells, again], ignore_index=True)
    coded = [n for n, v in cb.variables.items() if v.coded and n in both]
    for i in (quiet, len(both) - 1):
        both.loc[i, coded] = both.loc[i, coded].replace("", "-8")
    path = tmp_path / "alike.csv"
    both.to_csv(path, index=False)
    frame = read_survey(path, cb)
    assert len(frame) == len(cells) + 1


def test_empty_cells_written_as_text_formulas_are_empty(cells, cb, typed, tmp_path):
    """="" everywhere a cell is empty: read as empty (no routing problems), and a row of them with
    only an id is a response with no answer, as a row of blank cells is."""
    forced = cells.map(lambda v: f'="{v}"')
    path = tmp_path / "forced-everything.csv"
    forced.to_csv(path, index=False)
    _same(read_survey(path, cb), typed)
    empty_response = pd.DataFrame([{**dict.fromkeys(cells.columns, '=""'), "respondent_id": "R999", "synthetic": "1"}])
    pd.concat([cells, empty_response], ignore_index=True).to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert p.rows == (len(cells) + 2,) and "no answer at all" in p.found


def test_numbers_that_round_to_a_whole_one_are_still_fractions(cells, cb, tmp_path):
    cells.loc[2, "victim_gender_female"] = "1e-400"
    path = tmp_path / "tiny.csv"
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert "'1e-400'" in p.found


@pytest.mark.parametrize("write", [lambda v: f"{float(v):.1E}", lambda v: repr(float(v) * (1 + 2**-50))],
                         ids=["scientific", "float-noise"])
def test_floats_with_a_decimal_point_in_a_semicolon_file(cells, cb, typed, tmp_path, write):
    """';' files take ',' as the decimal mark, but a '.' before an exponent or ten digits groups no thousands."""
    for c in [n for n, v in cb.variables.items() if n in cells and v.coded]:
        filled = cells[c] != ""
        cells.loc[filled, c] = cells.loc[filled, c].map(write)
    path = tmp_path / "semi.csv"
    cells.to_csv(path, index=False, sep=";")
    _same(read_survey(path, cb), typed)


def test_forced_labels_in_every_column_are_no_header_row(cells, cb, typed, tmp_path):
    for c in _single(cb):
        var = cb.variables[c]
        filled = cells[c] != ""
        cells.loc[filled, c] = cells.loc[filled, c].map(lambda v, var=var: f"'{({**var.codes, **cb.missing_codes})[int(v)]}")
    path = tmp_path / "forced-labels.csv"
    cells.to_csv(path, index=False)
    _same(read_survey(path, cb), typed)


def test_a_stale_separator_hint_above_a_blank_line_is_named(cells, cb, tmp_path):
    path = tmp_path / "stale.csv"
    path.write_text("sep=;\n\n" + cells.to_csv(index=False), encoding="utf-8")
    (problem,) = _problems(path, cb)
    assert "'sep=;'" in problem.expected


def test_a_survey_tools_metadata_columns_are_one_problem(cells, cb, tmp_path):
    for i, name in enumerate(["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration", "Finished"]):
        cells.insert(i, name, "x")
    path = tmp_path / "meta.csv"
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert p.found.startswith("7 unknown columns: 'StartDate'") and "ignore:" in p.expected


def test_rows_without_an_id_under_the_1_2_convention_are_no_totals(cells, cb, tmp_path):
    multi = _multi(cb)
    cells[multi] = cells[multi].replace({"0": "2"})
    cells.loc[[3, 5], "respondent_id"] = ""
    path = tmp_path / "one-two.csv"
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb, ReadOptions(mapping=ExportMapping(multi=MultiConvention(ticked="1", unticked="2"))))
    assert p.rows == (5, 7) and p.expected == "a value for respondent_id in every row"


def test_empty_ids_are_one_problem(cells, cb, tmp_path):
    cells.loc[[3, 5, 8], "respondent_id"] = ""
    path = tmp_path / "no-ids.csv"
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert p.rows == (5, 7, 10) and p.found == "3 empty cells"


def test_invisible_characters_around_names_and_cells_are_spaces(cells, cb, typed, tmp_path):
    """A zero-width space, word joiner, direction mark or soft hyphen pasted in with a name or a code
    shows nothing: read as a space; a row or a column of nothing else is blank."""
    cells = cells.rename(columns={"met_sexual": "met_sexual\u200b", "sector": "\ufeffsector", "caseload": "caseload\u200e"})
    cells.loc[cells["caseload\u200e"] == "", "caseload\u200e"] = "\u200b"
    cells["know_route"] = cells["know_route"].map(lambda v: f"{v}\u2060" if v else v)
    cells["function"] = cells["function"].map(lambda v: f"\u00ad{v}\u200f" if v else v)
    cells[""] = ""
    cells.loc[4, ""] = "\u200b"
    blank = pd.DataFrame([dict.fromkeys(cells.columns, "\u200b")])
    path = tmp_path / "invisible.csv"
    pd.concat([cells.iloc[:100], blank, cells.iloc[100:]], ignore_index=True).to_csv(path, index=False)
    _same(read_survey(path, cb), typed)
    # Above the header, and a line of Excel's empty texts: blank lines too.
    text = path.read_text(encoding="utf-8")
    path.write_text(",".join(["\u200b"] * len(cells.columns)) + "\n" + text + ",".join(['""""""'] * len(cells.columns))
                    .replace('""""""', '"="""""') + "\n", encoding="utf-8")
    _same(read_survey(path, cb), typed)


def test_an_empty_column_in_a_workbook_is_left_out(cells, cb, typed, tmp_path):
    cells.insert(5, "", "")
    path = tmp_path / "gap.xlsx"
    _workbook(cells, cb, path)
    _same(read_survey(path, cb), typed)


def test_columns_with_neither_name_nor_value_are_left_out(cells, cb, typed, tmp_path):
    cells.insert(0, "", "")
    cells.insert(5, "Unnamed: 5", "")
    cells["Unnamed: 80"] = ""
    path = tmp_path / "empty-columns.csv"
    cells.to_csv(path, index=False)
    _same(read_survey(path, cb), typed)
    # A column without a name that holds values is still refused.
    cells.loc[3, "Unnamed: 5"] = "x"
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert p.found == "an empty header cell" and p.column == "(column 6)"


def test_a_row_index_written_as_a_column_is_named(cells, cb, tmp_path):
    path = tmp_path / "index.csv"
    cells.to_csv(path)   # pandas' default: the index as an unnamed first column
    (p,) = _problems(path, cb)
    assert p.column == "(column 1)" and "a row index" in p.found and "index=False" in p.found
    # The index of a filtered, then sorted frame: distinct numbers, neither from 0 nor in order.
    cells.iloc[1::2].sample(frac=1, random_state=1).to_csv(path)
    (p,) = _problems(path, cb)
    assert p.column == "(column 1)" and "filtered or sorted" in p.found and "index=False" in p.found


def test_a_row_of_formulas_without_results_is_one_problem(cells, cb, tmp_path):
    from openpyxl.utils import get_column_letter

    path = tmp_path / "sums.xlsx"
    wb = _workbook(cells, cb, path)
    last = len(cells) + 1
    wb["data"].append(["Totaal"] + [f"=SUM({get_column_letter(i)}2:{get_column_letter(i)}{last})"
                                    for i in range(2, len(cells.columns) + 1)])
    wb.save(path)
    (p,) = _problems(path, cb)
    assert p.row == last + 1 and f"in {len(cells.columns) - 1} cells" in p.found and "without a result" in p.found


@pytest.mark.parametrize(("first", "second"), [("R004", "r004"), ("007", "7"), ("R4", "r004")])
def test_ids_that_differ_only_in_capitals_or_leading_zeros_are_one_respondent_twice(first, second, cells, cb,
                                                                                        tmp_path):
    cells.loc[3, "respondent_id"], cells.loc[4, "respondent_id"] = first, second
    path = tmp_path / "ids.csv"
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert p.column == "respondent_id" and p.rows == (5, 6) and f"{first!r} and {second!r}" in p.found


# ------------------------------------------------------------------ mapping


def _renamed(cells: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    columns = {c: (f"Q{i}" if c != "respondent_id" else "ResponseId") for i, c in enumerate(cells.columns)}
    return cells.rename(columns=columns), columns


def test_a_sheet_named_for_a_csv_export_is_warned_of(cells, cb, typed, tmp_path):
    path = tmp_path / "plain.csv"
    cells.to_csv(path, index=False)
    frame = read_survey(path, cb, ReadOptions(sheet="Data"))
    _same(frame, typed)
    assert any("survey_export.sheet = 'Data'" in w and "not used" in w for w in frame.attrs["warnings"])


def test_export_names_unmapped_reported_together(cells, cb, tmp_path):
    export, _ = _renamed(cells)
    path = tmp_path / "q.csv"
    export.to_csv(path, index=False)
    problems = _problems(path, cb)
    together = [p for p in problems if p.column is None and "mapped to the codebook" in p.expected]
    assert len(together) == 1
    assert "76 export columns not in the codebook (ResponseId, Q1" in together[0].found
    assert f"{len(cb.variables)} codebook variables with no column (respondent_id, organisation_id" in \
        together[0].found
    assert "q.mapping.yml" in together[0].expected
    # A mapping named in the parameters that does not map them: that file is named, not the default one.
    elsewhere = tmp_path / "elsewhere.yml"
    elsewhere.write_text("columns: {Ql: sector}\n", encoding="utf-8")
    problems = _mapping_problems(path, cb, elsewhere)
    (together,) = [p for p in problems if p.column is None and "mapped to the codebook" in p.expected]
    assert str(elsewhere) in together.expected and "q.mapping.yml" not in together.expected
    # Its one entry names no column of the export: told at its key, with the column it most likely means.
    (entry,) = [p for p in problems if p.file == str(elsewhere)]
    assert entry.key == "columns.Ql" and "'Q1' (mapped to no variable)" in entry.found


def _mapping_file(path: Path, columns: dict[str, str]) -> Path:
    path.write_text("columns:\n" + "".join(f"  {old}: {new}\n" for old, new in columns.items()), encoding="utf-8")
    return path


def _mapping_problems(path: Path, cb, mapping: Path) -> list[Problem]:
    return _problems_anywhere(path, cb, ReadOptions(mapping=load_mapping(mapping), mapping_file=mapping))


def test_a_mapping_entry_naming_no_export_column_is_told_at_its_key(cells, cb, tmp_path):
    """A typo in the mapping (Q3x for Q3) left the required variable without a column, and the
    column it meant unknown: three problems, none naming the mapping. Now one, at its key."""
    export, columns = _renamed(cells)
    path = tmp_path / "q.csv"
    export.to_csv(path, index=False)
    meant = columns["sector"]
    mapping = _mapping_file(tmp_path / "q.mapping.yml", {(f"{meant}x" if new == meant else new): old
                                                         for old, new in columns.items()})
    (p,) = _mapping_problems(path, cb, mapping)
    assert (p.file, p.key) == (str(mapping), f"columns.{meant}x")
    assert "'sector', a required variable" in p.expected and str(path) in p.expected
    assert p.found.startswith(f"no column '{meant}x' in the export; the closest names it has: '{meant}' (mapped to "
                              "no variable)")
    # An optional variable's entry with a like unmapped column: the same one problem (the column is unknown).
    meant = columns["organisation_id"]
    mapping = _mapping_file(mapping, {(f"{meant}x" if new == meant else new): old for old, new in columns.items()})
    (p,) = _mapping_problems(path, cb, mapping)
    assert p.key == f"columns.{meant}x" and "a required" not in p.expected and f"'{meant}' (mapped" in p.found


def test_a_mapping_entry_for_a_column_the_export_does_not_have_is_warned_of(cells, cb, typed, tmp_path):
    export, columns = _renamed(cells)
    gone = columns["organisation_id"]
    path = tmp_path / "q.csv"
    export.drop(columns=[gone]).to_csv(path, index=False)
    mapping = _mapping_file(tmp_path / "q.mapping.yml", {new: old for old, new in columns.items()})
    frame = read_survey(path, cb, ReadOptions(mapping=load_mapping(mapping), mapping_file=mapping))
    _same(frame, typed.drop(columns=["organisation_id"]))
    (warning,) = [w for w in frame.attrs["warnings"] if str(mapping) in w]
    assert f"key 'columns.{gone}': no column '{gone}' in the export" in warning
    assert "the optional 'organisation_id' has no column" in warning
    # Read from a column under its own name instead: said, and read from there.
    export.rename(columns={gone: "organisation_id"}).to_csv(path, index=False)
    frame = read_survey(path, cb, ReadOptions(mapping=load_mapping(mapping), mapping_file=mapping))
    _same(frame, typed)
    assert any("'organisation_id' is read from its column 'organisation_id'" in w for w in frame.attrs["warnings"])


def test_a_mapping_for_another_export_is_one_problem_or_one_warning(cells, cb, typed, tmp_path):
    export, columns = _renamed(cells)
    path = tmp_path / "q.csv"
    mapping = _mapping_file(tmp_path / "q.mapping.yml", {new: old for old, new in columns.items()})
    cells.to_csv(path, index=False)   # the export names the codebook's variables already: nothing lost
    frame = read_survey(path, cb, ReadOptions(mapping=load_mapping(mapping), mapping_file=mapping))
    _same(frame, typed)
    (warning,) = [w for w in frame.attrs["warnings"] if str(mapping) in w]
    assert f"key 'columns': {len(columns)} names of no column" in warning and f"and {len(columns) - 10} more" in warning
    renamed = export.rename(columns={c: c + "_v2" for c in export.columns})   # the tool renamed every column
    renamed.to_csv(path, index=False)
    problems = _mapping_problems(path, cb, mapping)
    (p,) = [p for p in problems if p.file == str(mapping)]
    assert p.key == "columns" and p.found.startswith(f"{len(columns)} names the export does not have: ")
    assert "(mapped to no variable)" not in p.found and len(p.found) < 300   # ten names, not 76 (the path varies)


def test_the_codebook_s_export_section_is_named_for_its_entries(cells, tmp_path):
    from exploitation_report.inputs.codebook import load_codebook

    codebook = tmp_path / "codebook.yml"
    codebook.write_text((ROOT / "data" / "codebook.yml").read_text(encoding="utf-8")
                        + "\nexport:\n  columns:\n    Q_sectr: sector\n", encoding="utf-8")
    path = tmp_path / "q.csv"
    cells.rename(columns={"sector": "Q_sector"}).to_csv(path, index=False)
    (p,) = _problems_anywhere(path, load_codebook(codebook))
    assert (p.file, p.key) == (str(codebook), "export.columns.Q_sectr") and "'Q_sector' (mapped" in p.found


def test_mapping_file_beside_the_export_maps_columns(cells, cb, typed, tmp_path):
    export, columns = _renamed(cells)
    path = tmp_path / "q.csv"
    export.to_csv(path, index=False)
    mapping = tmp_path / "q.mapping.yml"
    mapping.write_text("columns:\n" + "".join(f"  {new}: {old}\n" for old, new in columns.items()), encoding="utf-8")
    frame = read_survey(path, cb, ReadOptions(mapping=load_mapping(mapping)))
    _same(frame, typed)
    # Problems name the column as the export does, with the codebook name.
    export.loc[0, columns["sector"]] = "12"
    export.to_csv(path, index=False)
    (p,) = _problems(path, cb, ReadOptions(mapping=load_mapping(mapping)))
    assert p.column == f"{columns['sector']} (sector)" and p.row == 2


def test_validate_uses_the_mapping_beside_the_export(cells, tmp_path):
    export, columns = _renamed(cells)
    path = tmp_path / "export.csv"
    export.to_csv(path, index=False)
    (tmp_path / "export.mapping.yml").write_text(
        "columns:\n" + "".join(f"  {new}: {old}\n" for old, new in columns.items()), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "2024", "-p", f"inputs.survey={path}"])
    assert result.exit_code == 0, result.output
    (tmp_path / "export.mapping.yml").write_text("columns: {Q3: sector, Q4: sector}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "2024", "-p", f"inputs.survey={path}"])
    assert result.exit_code == 2 and "export.mapping.yml" in result.output and "more than once" in result.output


def test_shipped_example_mapping_is_valid(cb):
    example = ROOT / "docs" / "examples" / "qualtrics_export.mapping.yml"
    mapping = load_mapping(example)
    assert mapping.extra_header_rows == 2 and mapping.multi.unticked == ""
    assert set(mapping.columns.values()) <= set(cb.variables)


@pytest.mark.parametrize(("body", "key", "found"), [
    ("multi: {ticked: '1', unticked: '1'}", "multi", "ticked '1' and unticked '1'"),
    ("multi: {ticked: x, unticked: ' X'}", "multi", "ticked 'x' and unticked ' X'"),
    ("multi: {ticked: '', unticked: '0'}", "multi", "found ''"),
    ("missing: '1'", "missing", "not a number (an answer code), found '1'"),
    ("missing: '-9'", "missing", "found '-9'"),
])
def test_a_mapping_that_cannot_be_meant_is_refused_at_its_key(body, key, found, tmp_path):
    """Not read into routing errors about other questions, or every answer 1 made empty."""
    path = tmp_path / "export.mapping.yml"
    path.write_text(body + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_mapping(path)
    (p,) = err.value.problems
    assert (p.file, p.key) == (str(path), key) and found in str(p)


# ------------------------------------------------------------------ grouping and counts


def test_errors_grouped_per_column_and_capped(cells, cb, tmp_path):
    idx = cells.index[cells["sector"] != "9"][:40]  # 9 (Anders) routes sector_other
    cells.loc[idx, "sector"] = "12"
    cells.loc[3, "function"] = "77"
    path = tmp_path / "many.csv"
    cells.to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        read_survey(path, cb)
    assert len(err.value.problems) == 41  # the full list keeps every cell
    shown = grouped(err.value.problems)
    assert len(shown) == 2
    sector = next(p for p in shown if p.column == "sector")
    assert sector.rows == tuple(i + 2 for i in idx) and sector.found == "40 cells: '12'"
    assert f"rows {', '.join(str(i + 2) for i in idx[:5])} and 35 more" in str(sector)
    many = InputError([Problem("f.csv", "x", column=f"c{i}") for i in range(40)])
    assert many.details(limit=10).count("\n- ") == 9 and "30 more" in many.details(limit=10)


def test_validate_prints_capped_list_and_writes_the_full_one(cells, tmp_path):
    for i in range(30):
        cells.loc[i, f"{list(cells.columns)[3 + (i % 2)]}"] = "99"
    path = tmp_path / "bad.csv"
    cells.to_csv(path, index=False)
    result = CliRunner().invoke(app, ["validate", "2024", "-p", f"inputs.survey={path}"])
    assert result.exit_code == 2
    full = Path(result.output.split("listed in ")[-1].split()[0])
    assert full.read_text(encoding="utf-8").count("\n") >= 15
    assert result.output.count("\n- ") <= 26


def test_more_respondents_than_invited_is_refused(cells):
    result = CliRunner().invoke(app, ["validate", "2024", "-p", "population.invited=200"])
    assert result.exit_code == 2
    assert "population.invited = 200" in result.output and f"{len(cells)} respondents" in result.output


def test_qualtrics_style_export_loads_with_the_example_mapping(cells, cb, typed, tmp_path):
    mapping = load_mapping(ROOT / "docs" / "examples" / "qualtrics_export.mapping.yml")
    multi = _multi(cb)
    cells[multi] = cells[multi].replace("0", "")
    export = cells.rename(columns={new: old for old, new in mapping.columns.items()})
    export.insert(0, "StartDate", "2024-03-01 10:00:00")
    export.insert(1, "Progress", "100")
    header_rows = pd.DataFrame([{c: f"Vraag {c}" for c in export.columns},
                                {c: json.dumps({"ImportId": c}) for c in export.columns}])
    path = tmp_path / "qualtrics.csv"
    pd.concat([header_rows, export], ignore_index=True).to_csv(path, index=False)
    _same(read_survey(path, cb, ReadOptions(mapping=mapping)), typed)


@pytest.mark.parametrize("sep", [";", ", "], ids=["microsoft-forms", "google-forms"])
def test_ticked_options_joined_in_one_column_are_one_problem_per_question(cells, cb, tmp_path, sep):
    export = cells.copy()
    for name, group in cb.groups.items():
        ticked = export[list(group.members)].eq("1")
        export[name] = [sep.join(group.members[m] for m, t in row.items() if t) for _, row in ticked.iterrows()]
        export = export.drop(columns=list(group.members))
    path = tmp_path / "forms.csv"
    export.to_csv(path, index=False)
    problems = _problems(path, cb)
    assert len(problems) == len(cb.groups)
    assert all("ticked options joined in one cell" in p.found and p.column in cb.groups for p in problems)


def test_an_export_the_codebook_does_not_name_is_a_few_problems(cells, cb, tmp_path):
    export = cells.rename(columns={c: f"Q{i}" for i, c in enumerate(cells.columns)})
    path = tmp_path / "unmapped.csv"
    export.to_csv(path, index=False)
    problems = _problems(path, cb)
    required = [n for n, v in cb.variables.items() if v.required]
    assert [p.found.split(":")[0] for p in problems] == [
        f"{len(cells.columns)} export columns not in the codebook (Q0, Q1, Q2, Q3, Q4, Q5 and {len(cells.columns) - 6} "
        f"more) and {len(cb.variables)} codebook variables with no column (respondent_id, organisation_id, synthetic, "
        f"sector, sector_other, function and {len(cb.variables) - 6} more)",
        f"{len(cells.columns)} unknown columns", f"{len(required)} with no column"]


def test_multi_other_codes_one_error_per_group(cells, cb, tmp_path):
    multi = _multi(cb)
    cells[multi] = cells[multi].replace("0", "2")  # SPSS habit: 1 = ticked, 2 = not ticked
    path = tmp_path / "twelve.csv"
    cells.to_csv(path, index=False)
    problems = _problems(path, cb)
    assert len(problems) == len(cb.groups)
    assert all("options must be 0 or 1; this export writes '2' instead of 0 or 1" in p.found for p in problems)


def test_excel_error_text_in_a_csv_is_named(cells, cb, tmp_path):
    # Respondents who met no victim of criminal exploitation: no follow-up question hangs on the cell.
    rows = list(cells.index[cells["met_criminal"].eq("2")][:2])
    cells.loc[rows, "met_criminal"] = "#N/A"
    cells.loc[6, "remarks"] = "#REF!"
    path = tmp_path / "lookup.csv"
    cells.to_csv(path, index=False)
    problems = _problems(path, cb)
    assert len(problems) == 2
    crim = next(p for p in problems if p.column == "met_criminal")
    assert crim.rows == tuple(r + 2 for r in rows) and "Excel error value #N/A" in crim.found


@pytest.mark.parametrize("force", [lambda v: f'="{v}"', lambda v: f"'{v}"], ids=["formula", "apostrophe"])
def test_excel_text_forced_cells_read_as_the_value_inside(cells, cb, typed, tmp_path, force):
    """="3" (an export keeping leading zeros) and '3 (Excel's text mark, or a guard against formula
    injection) in every coded and id cell: the same frame, and one warning that says so."""
    columns = [n for n, v in cb.variables.items() if n in cells and (v.coded or v.type == "id")]
    filled = {c: cells[c] != "" for c in columns}
    for c in columns:
        cells.loc[filled[c], c] = cells.loc[filled[c], c].map(force)
    path = tmp_path / "forced.csv"
    cells.to_csv(path, index=False)
    frame = read_survey(path, cb)
    _same(frame, typed)
    (warning,) = [w for w in frame.attrs["warnings"] if "Excel keeps a value text" in w]
    assert f"{sum(int(f.sum()) for f in filled.values())} cells in {len(columns)} column(s)" in warning


def test_excel_text_forced_labels_and_ids_are_unwrapped_only_where_invalid(cells, cb, typed, tmp_path):
    cells["respondent_id"] = cells["respondent_id"].map(lambda v: f'="{v}"')
    cells["sector"] = cells["sector"].map(lambda c: f'="{cb.variables["sector"].codes[int(c)]}"')
    cells.loc[3, "remarks"] = "'s avonds bereikbaar"   # free text is never changed
    path = tmp_path / "labels.csv"
    cells.to_csv(path, index=False)
    frame = read_survey(path, cb)
    pd.testing.assert_frame_equal(frame.drop(columns="remarks"), typed.drop(columns="remarks"))
    assert frame.loc[3, "remarks"] == "'s avonds bereikbaar"
    # A forced cell that is no value inside either is named as it stands, once.
    cells.loc[5, "caseload"] = '="veel"'
    cells.to_csv(path, index=False)
    (problem,) = _problems(path, cb)
    assert problem.column == "caseload" and "'=\"veel\"'" in problem.found


@pytest.mark.parametrize("write", [lambda v: f"{float(v):.1E}", lambda v: repr(float(v) * (1 + 2**-50))],
                         ids=["scientific", "float-noise"])
def test_whole_numbers_written_as_floats_are_read(cells, cb, typed, tmp_path, write):
    """1.0E+00 (scientific notation) and 2.000000000000002 (binary noise of a computed value, as
    SPSS and spreadsheets print it) are the whole numbers they stand for."""
    numeric = [n for n, v in cb.variables.items() if n in cells and v.coded]
    for c in numeric:
        filled = cells[c] != ""
        cells.loc[filled, c] = cells.loc[filled, c].map(write)
    path = tmp_path / "floats.csv"
    cells.to_csv(path, index=False)
    _same(read_survey(path, cb), typed)


def test_floats_that_are_no_whole_number_are_still_refused(cells, cb, tmp_path):
    cells.loc[2, "caseload"] = "2.0001"      # typed, no noise
    cells.loc[4, "caseload"] = "2.5E+00"
    cells.loc[6, "n_sexual"] = "1E+30"
    path = tmp_path / "fractions.csv"
    cells.to_csv(path, index=False)
    problems = _problems(path, cb)
    found = {(p.column, p.row): p.found for p in problems}
    assert "'2.0001'" in found["caseload", 4] and "'2.5E+00'" in found["caseload", 6]
    assert found["n_sexual", 8] == "the number 1E+30"


def test_encoding_named_but_file_is_utf8(cells, cb, tmp_path):
    cells.loc[2, "remarks"] = "opmerking met é"
    path = tmp_path / "utf8.csv"
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb, ReadOptions(encoding="cp1252"))
    assert "cp1252" in p.expected and "UTF-8" in p.found
    (p,) = _problems(path, cb, ReadOptions(encoding="klingon"))
    assert "survey_export.encoding" in p.expected


def test_codebook_export_section_maps_and_is_checked(cells, cb, typed, tmp_path):
    import yaml

    raw = yaml.safe_load((ROOT / "data" / "codebook.yml").read_text(encoding="utf-8"))
    raw["export"] = {"columns": {"Q3": "sector"}, "ignore": ["StartDate"]}
    book = tmp_path / "codebook.yml"
    book.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    from exploitation_report.inputs.codebook import load_codebook

    export = cells.rename(columns={"sector": "Q3"})
    export["StartDate"] = "2024-03-01"
    path = tmp_path / "q.csv"
    export.to_csv(path, index=False)
    _same(read_survey(path, load_codebook(book)), typed)
    raw["export"] = {"columns": {"Q3": "sektor"}, "multi": {"ticked": "Y", "unticked": "", "other": 1}}
    book.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_codebook(book)
    keys = {p.column for p in err.value.problems}
    assert {"export.columns", "export.multi.other"} <= keys


def test_registrations_huge_count_is_an_input_error(tmp_path):
    from exploitation_report.inputs.readers import read_registrations

    regs = pd.read_csv(ROOT / "data" / "2024" / "registrations_2024.csv", dtype=str, keep_default_na=False)
    regs.loc[1, "count"] = "9" * 23
    path = tmp_path / "regs.csv"
    regs.to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        read_registrations(path)
    (p,) = err.value.problems
    assert (p.row, p.column) == (3, "count")


# ------------------------------------------------------------------ per-year codebook


def test_validate_lists_codebook_changes_against_the_previous_year(tmp_path, monkeypatch, params_2024_copy):
    import yaml

    from exploitation_report import paths as paths_mod
    from exploitation_report.inputs import params as params_mod

    raw = yaml.safe_load((ROOT / "data" / "codebook.yml").read_text(encoding="utf-8"))
    raw["variables"]["training_wanted"]["codes"][3] = "Weet niet"
    raw["variables"]["remarks"]["question"] = "Nog opmerkingen?"
    raw["variables"]["contact_ok"] = {"type": "single", "question": "Mogen wij u benaderen?",
                                      "codes": {1: "Ja", 2: "Nee"}, "required": False}
    del raw["variables"]["sector_other"]
    (tmp_path / "codebook_2025.yml").write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False),
                                                encoding="utf-8")
    year_2024 = params_2024_copy
    year_2025 = dict(year_2024, year=2025, inputs=dict(year_2024["inputs"], codebook=str(tmp_path / "codebook_2025.yml")))
    cells = pd.read_csv(SURVEY, dtype=str, keep_default_na=False).drop(columns=["sector_other"])
    cells.to_csv(tmp_path / "survey_2025.csv", index=False)
    year_2025["inputs"]["survey"] = str(tmp_path / "survey_2025.csv")
    (tmp_path / "params" / "2025.yml").write_text(yaml.safe_dump(year_2025, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(params_mod, "PROJECT_ROOT", tmp_path)
    monkeypatch.setattr(paths_mod, "PARAMS_DIR", tmp_path / "params")
    result = CliRunner().invoke(app, ["validate", "2025"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Codebook changes against 2024 (4)" in out
    assert "questions added: contact_ok" in out and "questions removed: sector_other" in out
    assert "training_wanted: code 3 label changed ('Weet ik niet' -> 'Weet niet')" in out
    assert "remarks: question changed" in out


# ------------------------------------------------------------------ more of the same kinds


@pytest.mark.parametrize("hint", ['"sep=;"', "SEP=;", "sep=;" + ";" * 75, '"sep=;";;;', "\ufeffsep=;"])
def test_separator_hint_in_the_forms_spreadsheets_write_it(hint, cells, cb, typed, tmp_path):
    # Quoted by a program, in capitals, padded to the table's width when a spreadsheet saved it again.
    path = tmp_path / "hint.csv"
    path.write_text(hint + "\r\n" + cells.to_csv(index=False, sep=";", lineterminator="\r\n"), encoding="utf-8")
    _same(read_survey(path, cb), typed)


def test_a_file_that_ends_inside_a_quoted_field_is_refused(cells, cb, tmp_path):
    # Cut off in the middle of a quoted remark: read leniently, the last line would look complete.
    cells["remarks"] = cells["remarks"].astype(object)
    text = cells.to_csv(index=False, lineterminator="\n")
    lines = text.splitlines()
    last = lines[-1].split(",")
    last[list(cells.columns).index("remarks")] = '"opmerking die afgebroken'
    path = tmp_path / "cut.csv"
    path.write_text("\n".join(lines[:-1] + [",".join(last)]) + "\n", encoding="utf-8")
    (p,) = _problems(path, cb)
    assert p.row == len(lines) and "never closed" in p.found and p.row_word == "line"


def test_a_cut_off_quote_is_found_behind_a_lenient_quirk(cells, cb, tmp_path):
    cells["remarks"] = cells["remarks"].astype(object)
    lines = cells.to_csv(index=False, lineterminator="\n").splitlines()
    first = lines[5].split(",")
    first[0] = '"R005"x'   # a quote followed by text: read leniently as R005x (the strict reader stops here)
    last = lines[-1].split(",")
    last[list(cells.columns).index("remarks")] = '"afgebroken'
    path = tmp_path / "cut.csv"
    path.write_text("\n".join([*lines[:5], ",".join(first), *lines[6:-1], ",".join(last)]) + "\n", encoding="utf-8")
    assert any("never closed" in p.found and p.row == len(lines) for p in _problems(path, cb))


def test_a_missing_word_that_is_an_answer_label_is_an_answer(cells, cb, tmp_path):
    import yaml

    raw = yaml.safe_load((ROOT / "data" / "codebook.yml").read_text(encoding="utf-8"))
    for name in ("met_sexual", "met_criminal", "met_both"):
        raw["variables"][name]["codes"][3] = "N/A"   # 'Weet ik niet' labelled N/A: an answer label
    path_cb = tmp_path / "codebook.yml"
    path_cb.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    from exploitation_report.inputs.codebook import load_codebook

    labelled = load_codebook(path_cb)
    for name in ("met_sexual", "met_criminal", "met_both"):
        cells[name] = cells[name].replace("3", "N/A")
    path = tmp_path / "labels.csv"
    cells.to_csv(path, index=False)
    frame = read_survey(path, labelled)
    assert (frame["met_sexual"] == 3).sum() == (cells["met_sexual"] == "N/A").sum() > 0


@pytest.mark.parametrize("value", ["#N/B", "#WAARDE!", "#DEEL/0!", "#NV", "#VALEUR!", "#ERROR!", "Err:502"])
def test_error_values_of_other_spreadsheets_and_languages_are_named(value, cells, cb, tmp_path):
    cells.loc[0, "organisation_id"] = value   # never an organisation of its own for the cluster bootstrap
    path = tmp_path / "errors.csv"
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert (p.rows, p.column) == ((2,), "organisation_id") and f"the Excel error value {value}" in p.found


def test_an_error_value_in_an_answer_routing_depends_on_gives_one_problem(cells, cb, tmp_path):
    # Six respondents who met victims of criminal exploitation: their follow-up answers are not reported as well.
    rows = list(cells.index[cells["met_criminal"].eq("1")][:6])
    cells.loc[rows, "met_criminal"] = "#N/A"
    path = tmp_path / "lookup.csv"
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert p.column == "met_criminal" and p.rows == tuple(r + 2 for r in rows)


def test_an_error_value_does_not_hide_the_other_problems_of_its_column(cells, cb, tmp_path):
    cells.loc[0, "caseload"] = "#N/A"
    cells.loc[1, "caseload"] = "7"   # no code of caseload: reported in the same run
    path = tmp_path / "two.csv"
    cells.to_csv(path, index=False)
    problems = _problems(path, cb)
    assert {(p.rows or (p.row,)) for p in problems if p.column == "caseload"} == {(2,), (3,)}


def _patched_sheet(source: Path, path: Path, pattern: str, replacement: str) -> Path:
    """A copy of the workbook ``source`` with one match of ``pattern`` in its first sheet's XML
    replaced: what openpyxl cannot write (a formula's cached result, a row of zero height)."""
    import re
    import zipfile

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(pattern.encode(), replacement.encode(), data, count=1)
                assert n == 1
            zout.writestr(item, data)
    return path


def test_a_formula_whose_result_is_empty_text_is_a_blank_cell(cells, cb, typed, tmp_path):
    import openpyxl

    row = int(cells.index[cells["n_sexual"].eq("")][0]) + 2
    cells.loc[row - 2, "n_sexual"] = "999"   # a placeholder, replaced by the formula below
    source = tmp_path / "plain.xlsx"
    _workbook(cells, cb, source)
    ref = f"{openpyxl.utils.get_column_letter(list(cells.columns).index('n_sexual') + 1)}{row}"
    # As Excel saves IF(...,"") where the condition fails.
    path = _patched_sheet(source, tmp_path / "formula.xlsx", rf'<c r="{ref}"[^>]*>.*?</c>',
                          f'<c r="{ref}" t="str"><f>IF(J{row}=1,1,"")</f><v></v></c>')
    _same(read_survey(path, cb), typed)


def test_thousands_grouped_with_a_point_are_never_read_as_small_codes(cells, cb, tmp_path):
    cells.loc[20, "n_criminal"] = "2.000"   # two thousand in a Dutch spreadsheet, or 2 from another program
    path = tmp_path / "dutch.csv"
    path.write_text(cells.to_csv(index=False, sep=";"), encoding="utf-8")
    (p,) = _problems(path, cb)
    assert (p.row, p.column) == (22, "n_criminal") and "'2.000'" in p.found and "thousands" in p.found


@pytest.mark.parametrize(("ticked", "unticked"), [("TRUE", "FALSE"), ("Y", "N"), ("Ja", "Nee"), ("1", "2")])
def test_a_pair_of_option_values_gets_the_declaration_that_reads_it(ticked, unticked, cells, cb, typed, tmp_path):
    multi = _multi(cb)
    cells[multi] = cells[multi].replace({"1": ticked, "0": unticked})
    path = tmp_path / "pair.csv"
    cells.to_csv(path, index=False)
    problems = _problems(path, cb)
    assert len(problems) == len(cb.groups)
    assert all(f"multi: {{ticked: '{ticked}', unticked: '{unticked}'}}" in p.found for p in problems)
    declared = ExportMapping(multi=MultiConvention(ticked=ticked, unticked=unticked))
    _same(read_survey(path, cb, ReadOptions(mapping=declared)), typed)


def test_the_suggested_declaration_keeps_the_mapping_s_own_ticked_value(cells, cb, typed, tmp_path):
    multi = _multi(cb)
    cells[multi] = cells[multi].replace({"1": "Y", "0": ""})   # Y / blank, while the mapping says Y / N
    path = tmp_path / "y-blank.csv"
    cells.to_csv(path, index=False)
    problems = _problems(path, cb, ReadOptions(mapping=ExportMapping(multi=MultiConvention(ticked="Y", unticked="N"))))
    assert len(problems) == len(cb.groups)
    assert all("multi: {ticked: 'Y', unticked: ''}" in p.found and "'N' (not ticked) or 'Y'" in p.expected
               for p in problems)
    _same(read_survey(path, cb, ReadOptions(mapping=ExportMapping(multi=MultiConvention(ticked="Y", unticked="")))),
          typed)


def test_a_declared_blank_convention_names_the_cells_it_does_not_cover(cells, cb, tmp_path):
    multi = _multi(cb)
    cells[multi] = cells[multi].replace({"1": "Y", "0": ""})
    signal = next(m for m in multi if m.startswith("signal_") and cells[m].eq("").any())
    row = int(cells.index[cells[signal].eq("")][0])
    cells.loc[row, signal] = "1"   # never read as blank, never a missing answer without a word
    path = tmp_path / "y-blank.csv"
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb, ReadOptions(mapping=ExportMapping(multi=MultiConvention(ticked="Y", unticked=""))))
    assert p.rows == (row + 2,) and "'1'" in p.found and "'Y' (ticked) or an empty cell" in p.expected


def test_answer_labels_in_decomposed_unicode_are_the_codebook_labels(cells, cb, typed, tmp_path):
    import unicodedata

    codes = cb.variables["function"].codes   # 'Leidinggevende of coördinator'
    cells["function"] = cells["function"].map(lambda v: unicodedata.normalize("NFD", codes[int(v)]) if v else v)
    assert any(unicodedata.normalize("NFD", label) != label for label in codes.values())
    path = tmp_path / "nfd.csv"
    cells.to_csv(path, index=False)
    _same(read_survey(path, cb), typed)


def test_response_dates_with_offsets_that_change_between_rows_are_valid(cells, cb, tmp_path):
    cells["response_date"] = ["2024-03-20T09:00:00+01:00" if i < 100 else "2024-04-02T09:00:00+02:00"
                              for i in range(len(cells))]
    cells.loc[5, "response_date"] = "2024-04-03T07:00:00Z"
    path = tmp_path / "dst.csv"
    cells.to_csv(path, index=False)
    assert read_survey(path, cb)["response_date"].notna().all()
    cells.loc[7, "response_date"] = "20-03-2024"   # not ISO 8601: still refused, with its row
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert p.column == "response_date" and p.rows == (9,)


@pytest.mark.parametrize("date", ["2024", "2024-03"])
def test_a_response_date_without_its_day_is_refused(date, cells, cb, tmp_path):
    """ISO 8601, but read as the first day: every respondent would have answered on one day."""
    cells["response_date"] = "2024-03-20"
    cells.loc[[2, 6], "response_date"] = date
    path = tmp_path / "dayless.csv"
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert p.column == "response_date" and p.rows == (4, 8) and repr(date) in p.found


def test_response_dates_outside_the_fieldwork_are_refused_and_early_ones_named(cells, cb, tmp_path):
    """A 2042 typo, or an answer before the period asked about began, would move respondents
    between early and late; one answered while that period ran gets a warning."""
    import datetime as dt

    from exploitation_report.inputs.readers import FieldworkWindow

    window = ReadOptions(fieldwork=FieldworkWindow(dt.date(2022, 1, 1), dt.date(2024, 10, 9), dt.date(2023, 12, 31)))
    cells["response_date"] = "2024-03-20T09:00:00+01:00"
    cells.loc[3, "response_date"] = "2024-10-09T23:30:00+02:00"   # the publication day itself, as written: valid
    cells.loc[4, "response_date"] = " 2023-11-02"                   # within the period of reference: a warning
    path = tmp_path / "window.csv"
    cells.to_csv(path, index=False)
    (warning,) = [w for w in read_survey(path, cb, window).attrs["warnings"] if "response_date" in w]
    assert "reference_period.end = 2023-12-31" in warning and "row 6" in warning
    cells.loc[[2, 6], "response_date"] = ["2042-03-20", "2021-12-31T23:59:00"]
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb, window)
    assert p.column == "response_date" and p.rows == (4, 8)
    assert "publication.date = 2024-10-09" in p.expected and "2 date(s) outside" in p.found
    assert read_survey(path, cb)["response_date"].notna().all()   # no window given: not checked
    cells["response_date"] = ""   # a column nobody filled in: nothing to check
    cells.to_csv(path, index=False)
    assert read_survey(path, cb, window)["response_date"].isna().all()


@pytest.mark.parametrize("token", ["NA", ".", "#NULL!", "-", "n/a"])
def test_unanswered_questions_written_as_a_word_give_one_error_or_are_declared(token, cells, cb, typed, tmp_path):
    # R's write.csv writes NA, SAS a point, SPSS saving to Excel #NULL!: one error, not one per column and routing.
    coded = [n for n, v in cb.variables.items() if v.coded]
    cells[coded] = cells[coded].replace("", token)
    path = tmp_path / "r.csv"
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert f"(missing: '{token}')" in p.expected and f"{token!r} in " in p.found
    _same(read_survey(path, cb, ReadOptions(mapping=ExportMapping(missing=token))), typed)


@pytest.mark.parametrize("where", [0, 120])
def test_the_header_repeated_below_is_named_once(where, cells, cb, tmp_path):
    lines = cells.to_csv(index=False, lineterminator="\n").splitlines()
    lines.insert(where + 1, lines[0])   # two exports joined, or the header copied twice
    path = tmp_path / "joined.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (p,) = _problems(path, cb)
    assert p.rows == (where + 2,) and "the header again" in p.found


@pytest.mark.parametrize(("suffix", "what"), [(".xlsx", "Excel workbook"), (".sav", "SPSS data file")])
def test_a_workbook_or_spss_file_named_csv_says_what_it_is(suffix, what, cells, cb, tmp_path):
    source = tmp_path / f"export{suffix}"
    if suffix == ".xlsx":
        _workbook(cells, cb, source)
    else:
        import pyreadstat

        pyreadstat.write_sav(pd.read_csv(SURVEY).iloc[:, :5], str(source))
    path = tmp_path / "export.csv"
    path.write_bytes(source.read_bytes())
    (p,) = _problems(path, cb)
    assert what in p.found and p.expected == "a CSV file (text)"


def test_an_error_value_typed_in_lower_case_is_still_one(cells, cb, tmp_path):
    cells.loc[0, "met_criminal"] = "#n/a"
    path = tmp_path / "lower.csv"
    cells.to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert p.column == "met_criminal" and "Excel error value #n/a" in p.found


def test_a_title_above_the_header_is_named_once(cells, cb, tmp_path):
    path = tmp_path / "title.csv"
    path.write_text("Export enquête professionals 2024\n" + cells.to_csv(index=False), encoding="utf-8")
    (p,) = _problems(path, cb)   # not one 'fields' problem per line
    assert (p.row, p.row_word) == (1, "line") and "column names in line 2" in p.found
    book = tmp_path / "title.xlsx"
    wb = _workbook(cells, cb, book)
    wb["data"].insert_rows(1)
    wb["data"]["A1"] = "Export enquête professionals 2024"
    wb.save(book)
    (p,) = _problems(book, cb)
    assert p.row == 1 and "column names in row 2 ('respondent_id'" in p.found


def test_words_only_in_declared_extra_header_rows_are_not_read_as_missing_answers(cells, cb, typed, tmp_path):
    # The rows the mapping leaves out may be the only ones holding a word: it says nothing about the answers.
    extra = pd.DataFrame([dict.fromkeys(cells.columns, "NA"), dict.fromkeys(cells.columns, "#N/A")])
    path = tmp_path / "extra.csv"
    pd.concat([extra, cells], ignore_index=True).to_csv(path, index=False)
    _same(read_survey(path, cb, ReadOptions(mapping=ExportMapping(extra_header_rows=2))), typed)


def test_rows_with_an_id_and_no_answer_are_refused_once(cells, cb, tmp_path):
    """A started-but-empty response counted as a returned questionnaire (the response rate moved)."""
    empty = pd.DataFrame([{c: "" for c in cells.columns} | {"respondent_id": f"X{i}", "synthetic": "1"}
                          for i in range(3)])
    path = tmp_path / "empty_rows.csv"
    pd.concat([cells, empty], ignore_index=True).to_csv(path, index=False)
    (p,) = _problems(path, cb)
    assert p.rows == tuple(range(len(cells) + 2, len(cells) + 5)) and "no answer at all" in p.found
