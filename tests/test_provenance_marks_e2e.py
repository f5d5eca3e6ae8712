"""Real and synthetic figures in the built 2024 edition (issue 13 item 6): every real registration
figure carries the mark (†) in the tables of the HTML and PDF, with one note under each such table;
no synthetic figure carries it; results.json's flags and notes agree with the registrations file."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from report_text import html_text, pdf_pages

from exploitation_report.chapters.provenance_marks import MARK
from exploitation_report.inputs.params import load_params
from exploitation_report.inputs.readers import read_registrations
from exploitation_report.paths import PROJECT_ROOT, params_path

pytestmark = pytest.mark.e2e

SOURCE = "Raadsbrief gemeente Groningen, 9 oktober 2024 (kenmerk 291964-2024)"
NOTE = f"{MARK} Echt gepubliceerd cijfer; bron: {SOURCE}."
FORMS = {"Seksueel": "sexual", "Crimineel": "criminal", "Samen (unie)": "any"}


class Tables(HTMLParser):
    """Every table of the page by id: its rows (cell texts) and the text of the note div right after it."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, dict] = {}
        self._table = self._cell = self._note = self._closed = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._note is not None:
            self._depth += tag == "div"
        elif tag == "div" and "table-note" in (attrs.get("class") or "") and self._closed is not None:
            self._note, self._depth = self._closed, 1
        elif tag == "table":
            self._table = self.tables.setdefault(attrs.get("id") or f"table-{len(self.tables)}",
                                                 {"rows": [], "note": ""})
        elif tag == "tr" and self._table is not None:
            self._table["rows"].append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []
        if self._table is None and self._note is None:
            self._closed = None      # a note belongs to the table just before it, nothing between

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._table["rows"][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._table is not None:
            self._closed, self._table = self._table, None
        elif tag == "div" and self._note is not None:
            self._depth -= 1
            if self._depth == 0:
                self._note["note"] = " ".join(self._note["note"].split())
                self._note = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._note is not None:
            self._note["note"] += " " + data


@pytest.fixture(scope="module")
def edition(builtin_edition):
    _, result = builtin_edition
    out = result.output_dir
    parser = Tables()
    parser.feed((out / "report.html").read_text(encoding="utf-8"))
    return parser.tables, json.loads((out / "results.json").read_text(encoding="utf-8")), out


def _registered(doc) -> dict[int, dict]:
    return {int(key.removeprefix("year_")): year for key, year in doc["estimation"]["registered_by_year"].items()}


def _shown(cell: dict, mark: bool = True) -> str:
    """A registration count as the tables must show it: the number with the mark when it is real."""
    if cell["suppressed"]:
        return "x"
    return f"{cell['value']}{MARK if mark and cell['synthetic'] is False else ''}"


def test_every_real_registration_is_marked_in_every_table_and_no_synthetic_one(edition):
    tables, doc, out = edition
    years = _registered(doc)
    real = {cell["value"] for y in years.values() for cell in (y["suspected"], *y["by_form"].values())
            if cell["synthetic"] is False and not cell["suppressed"]}
    # The registrations file's real suspected counts that are large enough to publish (its real
    # confirmed count is below the threshold and hidden).
    reg = read_registrations(PROJECT_ROOT / "data" / "2024" / "registrations_2024.csv")
    k = load_params(params_path(2024)).suppression.min_count
    rows = reg[reg["synthetic"].eq(0) & reg["status"].eq("suspected") & reg["count"].ge(k)]
    assert real == set(rows["count"].astype(int)) and len(real) == 1
    (value,) = real
    (year_real,) = rows["year"].astype(int)
    ladder = tables["tbl-ladder"]
    header = ladder["rows"][0]
    for row in ladder["rows"]:
        if row[0].startswith("Geregistreerd ZVHG "):
            year = years[int(row[0].split()[-1])]
            assert row[1:] == [_shown(year["by_form"][FORMS[h]]) for h in header[1:]], row
    darknumber = tables["tbl-darknumber"]
    for row in darknumber["rows"][1:]:
        if row[0].endswith("(één jaar)"):
            assert row[1] == _shown(years[int(row[0][:4])]["suspected"]), row
    published = {row[0]: row[-1] for row in tables["tbl-published"]["rows"][1:]}
    assert published[f"Vermoedelijke slachtoffers geregistreerd door het ZVHG in {year_real}"] == f"{value}{MARK}"
    # The mark stands only on a real figure, and every table with a mark explains it once in its note.
    marked = {tid for tid, t in tables.items() if any(MARK in c for row in t["rows"] for c in row)}
    assert marked == {"tbl-ladder", "tbl-darknumber", "tbl-published"}
    for tid in marked:
        cells = [c for row in tables[tid]["rows"] for c in row if MARK in c]
        assert all(c.endswith(MARK) and int(c.removesuffix(MARK)) in real for c in cells), (tid, cells)
        note = tables[tid]["note"]
        assert note.count(NOTE) == 1 and "zijn synthetisch: verzonnen of berekend op synthetische gegevens" in note
    assert not any(NOTE in t["note"] for tid, t in tables.items() if tid not in marked)
    pdf = " ".join(pdf_pages(out / "report.pdf")).replace("\xad", "-")   # the PDF sets a hyphen as U+00AD
    # Each marked table shows it, and the summary's key figures: one note per marked table.
    assert pdf.count(f"{value}{MARK}") >= len(marked) + 1 and pdf.count(NOTE) == len(marked)
    # The summary's key figures mark it too, and its caveat on synthetic data names the exception.
    html = html_text(out / "report.html")
    other = years[year_real + 1]["suspected"]["value"]
    assert f"(ZVHG): {value}{MARK} vermoedelijke slachtoffers in {year_real} en {other} in {year_real + 1}." in html
    assert f"behalve de registratiecijfers met {MARK}: die zijn echt gepubliceerd." in html


def test_results_flags_and_notes_agree_with_the_registrations_file(edition):
    _, doc, _ = edition
    reg = read_registrations(PROJECT_ROOT / "data" / "2024" / "registrations_2024.csv")
    for year, record in _registered(doc).items():
        cells = {("any", "suspected"): record["suspected"], ("any", "confirmed"): record["confirmed"],
                 **{(form, "suspected"): cell for form, cell in record["by_form"].items()}}
        for (form, status), cell in cells.items():
            rows = reg[(reg["year"] == year) & (reg["form"] == form) & (reg["status"] == status)]
            assert cell["synthetic"] == bool(rows["synthetic"].eq(1).any()), (year, form, status)
            assert cell["text"] == "; ".join(sorted(set(rows["source_note"]))), (year, form, status)
            assert cell["synthetic"] == cell["text"].startswith("SYNTHETISCH"), (year, form, status)
    ratio = doc["estimation"]["dark_number_ratio"]
    assert ratio["registered"]["synthetic"] is False and ratio["registered"]["text"] == SOURCE
    assert ratio["by_year"]["year_2023"]["registered"]["synthetic"] is True
    assert ratio["period"]["registered_sum"]["synthetic"] is True
