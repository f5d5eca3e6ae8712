"""Disclosure control end to end: an edition built from a deliberately small export leaks no small count.

The export has 40 respondents and the threshold is raised to 8, so most cells of most
tables are small. The scan reads the edition as a reader would (HTML text, PDF text,
results.json) and flags every number printed in a position where it states a number
of people: a table column of counts or bases, "k van n", "n = k", and the "n  %  BI"
rows of a table. A deliberately leaking table and sentence are shown to be caught, so
a silent scan means something.
"""

import json
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from pypdf import PdfReader

from exploitation_report.inputs.codebook import load_codebook
from exploitation_report.paths import PROJECT_ROOT
from exploitation_report.pipeline.build import build
from exploitation_report.pipeline.results import lookup
from exploitation_report.synth import generate as synth

pytestmark = pytest.mark.e2e
K = 8          # raised threshold: counts 1..7 must never be published
N = 40
SEED = 11
NUMBER = r"\d{1,3}(?:\.\d{3})*"          # Dutch integer: 1.200
COUNT_HEADERS = {"n", "aantal"}
# Keys in results.json whose integers are not numbers of people.
NOT_PEOPLE = {"dof", "rows", "columns", "resamples", "ci_level", "alpha"}


def to_int(text: str) -> int:
    return int(text.replace(".", ""))


def small(n: int) -> bool:
    return 0 < n < K


# --------------------------------------------------------------------------- the scanners


class _Tables(HTMLParser):
    """Tables as lists of rows of cell texts, and the page text without style/script."""

    def __init__(self):
        super().__init__()
        self.tables, self.text, self._cell, self._skip = [], [], None, 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def scan_text(text: str) -> list[str]:
    """Small numbers of people in running text or flattened tables."""
    text = " ".join(text.split())
    leaks = []
    for m in re.finditer(rf"(?<![\d.,])(?<!Pagina )({NUMBER}) van ({NUMBER})\b", text):  # not "Pagina 2 van 35"
        leaks += [m.group(0) for g in m.groups() if small(to_int(g))]
    for m in re.finditer(rf"\bn\s*=\s*({NUMBER})\b", text):
        leaks += [m.group(0)] if small(to_int(m.group(1))) else []
    # A table row flattened to text: "<count> <percent>% <low>–<high>%".
    for m in re.finditer(rf"(?<![\d.,–-])({NUMBER}) \d{{1,3}}% \d{{1,3}}–\d{{1,3}}%", text):
        leaks += [m.group(0)] if small(to_int(m.group(1))) else []
    return leaks


def scan_html(html: str) -> list[str]:
    parser = _Tables()
    parser.feed(html)
    leaks = scan_text(" ".join(parser.text))
    for table in parser.tables:
        if not table:
            continue
        header = [h.strip().lower() for h in table[0]]
        count_cols = [i for i, h in enumerate(header) if h in COUNT_HEADERS]
        for row in table[1:]:
            for i in count_cols:
                if i < len(row) and re.fullmatch(NUMBER, row[i]) and small(to_int(row[i])):
                    leaks.append(" | ".join(row))
    return leaks


def _number(value):
    """A plain number, or the `value` of a count figure (results.json v1)."""
    return value.get("value") if isinstance(value, dict) else value


def scan_results(figures: dict) -> list[str]:
    """Every integer about people in the survey figures, and every shown share, checked.

    Also: where a table (an item, a distribution, a group) hides its base, none of its
    shares may state that base again.
    """
    leaks = []

    def walk(value, path, base_hidden=False):
        if isinstance(value, dict):
            record = {"estimate", "base", "count"} <= set(value)
            if record:  # a proportion record
                if not value.get("suppressed") and value["count"] is not None and value["base"] is not None:
                    rest = value["base"] - value["count"]
                    if small(value["count"]) or small(rest) or value["base"] < K:
                        leaks.append(f"{path}: share {value['count']}/{value['base']}")
                if value.get("suppressed") and (value["count"] is not None or value["estimate"] is not None):
                    leaks.append(f"{path}: suppressed record with values")
                if base_hidden and value["base"] is not None:
                    leaks.append(f"{path}: base {value['base']} of a table whose base is hidden")
            elif "base" in value and _number(value["base"]) is None:
                base_hidden = True
            for key, v in value.items():
                if key not in NOT_PEOPLE:
                    walk(v, f"{path}.{key}", base_hidden)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]", base_hidden)
        elif isinstance(value, int) and not isinstance(value, bool) and small(value):
            leaks.append(f"{path}: {value}")

    for key, value in figures.get("survey", {}).items():
        walk(value, f"survey.{key}")
    return leaks


# --------------------------------------------------------------------------- the scanners catch leaks


LEAKY_HTML = """<html><body><p>Van de respondenten zag 8% (3 van 40; 95%-BI 3–20%) iets.</p>
<table><tr><th>Sector</th><th>n</th><th>%</th><th>95%-BI</th></tr>
<tr><td>Onderwijs</td><td>3</td><td>8%</td><td>3–20%</td></tr><tr><td>Zorg</td><td>37</td><td>92%</td><td>80–97%</td></tr>
</table><p>Woonsituatie (n = 6)</p></body></html>"""


def test_the_scan_catches_a_leaking_table_sentence_and_record():
    leaks = scan_html(LEAKY_HTML)
    assert any("3 van 40" in leak for leak in leaks)
    assert any(leak.startswith("Onderwijs | 3") for leak in leaks)
    assert any("n = 6" in leak for leak in leaks)
    assert any(leak.startswith("3 8%") for leak in scan_text("Onderwijs 3 8% 3–20% Zorg 37 92% 80–97%"))
    record = {"count": 37, "base": 40, "estimate": 0.925, "ci_low": 0.8, "ci_high": 0.97, "suppressed": False}
    assert scan_results({"survey": {"x": record}})                        # complement of 3
    assert scan_results({"survey": {"y": {"counts": {"Onderwijs": 3}}}})  # a small count anywhere
    assert not scan_results({"survey": {"z": {**record, "count": 20}, "t": {"dof": 3}}})
    hidden = {**record, "count": None, "estimate": None, "ci_low": None, "ci_high": None, "suppressed": True}
    assert scan_results({"survey": {"item": {"base": None, "options": {"a": hidden}}}})  # the hidden base, given back
    assert not scan_results({"survey": {"item": {"base": None, "options": {"a": {**hidden, "base": None}}}}})
    hidden_base = {"kind": "count", "unit": "respondents", "value": None, "suppressed": True}
    assert scan_results({"survey": {"item": {"base": hidden_base, "options": {"a": hidden}}}})  # v1 count figure
    assert scan_results({"survey": {"response": {"returned": {"kind": "count", "value": 3}}}})


# --------------------------------------------------------------------------- the small edition


@pytest.fixture(scope="module")
def small_edition(tmp_path_factory):
    root = tmp_path_factory.mktemp("disclosure")
    export = synth.generate_survey(seed=SEED, n=N)
    path = root / "survey_small.csv"
    export.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    result = build(2024, [f"inputs.survey={path}", f"suppression.min_count={K}"], engine="builtin",
                   output_root=root / "_output", build_root=root / "_build")
    return export, result


def published_small_counts(export: pd.DataFrame) -> set[int]:
    """Small cell counts the data hold in the tables the report publishes (what suppression must hide)."""
    cb = load_codebook(PROJECT_ROOT / "data/codebook.yml")
    df = export[export["works_in_municipality"].eq(1).fillna(False)]
    found = set()
    for var in cb.variables.values():
        if var.type in ("single", "band") and var.name in df:
            found |= {int(n) for n in df[var.name].value_counts() if small(int(n))}
    for group in cb.groups.values():
        cols = [c for c in group.members if c in df]
        answered = df[cols].notna().any(axis=1)
        found |= {int(n) for n in df.loc[answered, cols].eq(1).sum() if small(int(n))}
    return found


def test_small_data_really_have_small_cells(small_edition):
    export, result = small_edition
    # Without suppression the report would have printed many of these.
    assert len(published_small_counts(export)) >= 4
    html = (result.output_dir / "report.html").read_text(encoding="utf-8")
    assert html.count(">x<") >= 10  # and it did hide cells


def test_no_small_count_in_html(small_edition):
    _, result = small_edition
    leaks = scan_html((result.output_dir / "report.html").read_text(encoding="utf-8"))
    assert not leaks, leaks[:10]


def test_no_small_count_in_pdf(small_edition):
    _, result = small_edition
    pages = [page.extract_text() or "" for page in PdfReader(result.output_dir / "report.pdf").pages]
    leaks = scan_text(" ".join(pages))
    assert not leaks, leaks[:10]


def hidden_encounter_sizes(export: pd.DataFrame, figures: dict) -> dict[str, int]:
    """True sizes (from the export) of the groups who met victims whose number the edition hides."""
    df = export[export["works_in_municipality"].eq(1).fillna(False)]
    sexual, criminal = df["met_sexual"].eq(1).fillna(False), df["met_criminal"].eq(1).fillna(False)
    sizes = {"met_sexual": sexual, "met_criminal": criminal, "met_any": sexual | criminal,
             "met_both_forms": sexual & criminal}
    return {key: int(mask.sum()) for key, mask in sizes.items() if lookup(figures, f"survey.{key}")["count"] is None}


def published_bases(figures: dict) -> dict[int, list[str]]:
    """Every base of a survey figure in results.json, with where it stands."""
    found: dict[int, list[str]] = {}

    def walk(value, path):
        if isinstance(value, dict):
            for key, v in value.items():
                if key == "base" and isinstance(_number(v), int):
                    found.setdefault(_number(v), []).append(path)
                walk(v, f"{path}.{key}")

    for key, value in figures.get("survey", {}).items():
        walk(value, f"survey.{key}")
    return found


def test_hidden_group_sizes_do_not_return_as_bases(small_edition):
    # E.g. a share among those who met criminal victims has their number as its base: where the
    # edition hides how many met criminal victims, it must hide that base too.
    export, result = small_edition
    figures = json.loads((result.output_dir / "results.json").read_text(encoding="utf-8"))
    hidden = hidden_encounter_sizes(export, figures)
    assert hidden, "the small edition should hide some encounter counts"
    bases = published_bases(figures)
    leaks = {key: bases[n] for key, n in hidden.items() if n in bases}
    assert not leaks, leaks


def test_no_small_count_in_results(small_edition):
    _, result = small_edition
    figures = json.loads((result.output_dir / "results.json").read_text(encoding="utf-8"))
    lookup(figures, "survey.met_any")
    leaks = scan_results(figures)
    assert not leaks, leaks[:10]
