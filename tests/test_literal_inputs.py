"""Input text is literal in every edition: no HTML, Markdown, shortcode, cross-reference or Typst
markup from a parameter file or a codebook is ever interpreted, and no text makes the renderer
read a file (issue 10, items 1 and 2).

A corpus of payloads goes through the parameters' texts (title, subtitle, organisation,
period label, population source) and every text of the codebook (questions, answer and
option labels);
the edition is then read as a browser and a PDF reader would.
"""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from places import GRONINGEN, PLACE
from pypdf import PdfReader
from report_text import HtmlPage, squash

from exploitation_report.chapters.markdown import literal
from exploitation_report.paths import PROJECT_ROOT
from exploitation_report.pipeline import build as build_mod
from exploitation_report.render.builtin import pandoc_path

SECRET = "SECRET-FILE-CONTENT-7f3a"
PAYLOADS = {
    "html": "<script>alert(5)</script><img src=x onerror=alert(6)><b>vet</b><br>",
    "markdown": "**vet** _schuin_ [link](http://example.org) `code` <http://example.org> ![](x.png)",
    "shortcode": "{{< pagebreak >}} {{< var title >}} {{< meta title >}}",
    "crossref": "zie @fig-x en @tbl-y en [@sec-methode]",
    "typst": "#set page(fill: red) #let x = 1 $x^2$ #{ panic(\"boem\") } \\",
    "long": "Overijsselsewegpublieksbaliemedewerkersondersteuningsprogramma" * 3,
}


# Appended to every text of the codebook (questions, answer and option labels, group labels).
LABEL_SUFFIX = " <b>v</b> *s* @fig-q #z $w$ {{< meta title >}}"


def poisoned_codebook() -> dict:
    codebook = yaml.safe_load((PROJECT_ROOT / "data" / "codebook.yml").read_text(encoding="utf-8"))
    for item in [*codebook["groups"].values(), *codebook["variables"].values()]:
        for key in ("label", "question"):
            if key in item:
                item[key] += LABEL_SUFFIX
        for key in ("codes", "members"):
            for code in item.get(key) or {}:
                item[key][code] += LABEL_SUFFIX
    codebook["variables"]["sector"]["codes"][2] = "Onderwijs <i>x</i> *y* @tbl-z #strong[t] $1$"
    return codebook


def include_payload(secret_file: Path) -> str:
    # A subtitle spanning lines with an include of a readable file on a line of its own.
    return f"eerste regel\n{{{{< include {secret_file} >}}}}\n{{{{< include ../../../{secret_file.name} >}}}}\nslot"


def test_literal_text_reads_back_as_itself_in_pandoc():
    """Each payload, escaped, is one paragraph of plain text for pandoc: nothing is interpreted."""
    source = "\n\n".join(literal(p) for p in PAYLOADS.values())
    plain = subprocess.run([pandoc_path(), "--from", "markdown", "--to", "plain", "--wrap=none"], input=source,
                           capture_output=True, text=True, check=True).stdout
    assert plain.strip().split("\n\n") == list(PAYLOADS.values())
    html = subprocess.run([pandoc_path(), "--from", "markdown", "--to", "html"], input=source,
                          capture_output=True, text=True, check=True).stdout
    for tag in ("<script", "<img", "<b>", "<strong", "<em", "<a ", "<code", "<span class=\"math"):
        assert tag not in html
    typ = subprocess.run([pandoc_path(), "--from", "markdown", "--to", "typst"], input=source,
                         capture_output=True, text=True, check=True).stdout
    for markup in ("#set page", "#let", "@fig-x", "$x^2$", "#{"):
        assert markup not in typ.replace("\\" + markup[0], ""), markup   # only escaped


def poisoned_yaml(source: Path, target: Path, keys: set[str]) -> Path:
    """A copy of a YAML input with LABEL_SUFFIX appended to every string under one of `keys`."""
    def walk(node):
        if isinstance(node, dict):
            return {k: (v + LABEL_SUFFIX if k in keys and isinstance(v, str) else walk(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    data = walk(yaml.safe_load(source.read_text(encoding="utf-8")))
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def read_as_html(markdown: str) -> tuple[str, str]:
    """The HTML pandoc makes of some Markdown, and its plain text."""
    def run(to):
        return subprocess.run([pandoc_path(), "--from", "markdown", "--to", to, "--wrap=none"], input=markdown,
                              capture_output=True, text=True, check=True).stdout
    return run("html"), " ".join(run("plain").split())


def assert_suffix_literal(markdown: str, times: int) -> None:
    html, plain = read_as_html(markdown)
    for markup in ("<b>v</b>", "<em>s</em>", 'class="math', "citation"):
        assert markup not in html, markup
    assert "{{<" not in markdown.replace("\\{[]{}\\{", "")
    assert plain.count(LABEL_SUFFIX.strip()) == times


def test_rule_and_context_files_are_literal(tmp_path):
    from types import SimpleNamespace

    from exploitation_report.chapters import estimation_text
    from exploitation_report.chapters import recommendations as rc
    from exploitation_report.paths import REPORT_DIR
    from exploitation_report.pipeline import estimation_records as records
    from exploitation_report.stats import registrations as reg
    from exploitation_report.stats.estimation import Ladder

    rules = rc.load_recommendations(poisoned_yaml(REPORT_DIR / "recommendations.yml", tmp_path / "rules.yml",
                                                  {"title", "rationale", "label", "source"}))
    record = {"count": 60, "base": 100, "estimate": 0.6, "ci_low": 0.5, "ci_high": 0.7, "ci_level": 0.95,
              "suppressed": False}
    assessed = [rc.assess(r, {i.key: record for i in r.indicators}) for r in rules.recommendations]
    p = SimpleNamespace(reference_period=SimpleNamespace(label="2022–2023" + LABEL_SUFFIX), synthetic=False,
                        municipality=GRONINGEN)
    est = records.ladder(Ladder("any", 300.0, 200.0, 150.0, 469.0, 730.0, 196.0, 845.0, 0.95,
                                intervals={"typical": (310.0, 1290.0)}, nonresponse=(0.0, 0.5, 1.0), typical=730.0))
    conclusions = rc.conclusions_markdown(p, lambda key: record, est, {"year": 2022, "suspected": {"value": 29}},
                                          assessed, rules)
    texts = 2 + 1 + sum(2 + len(r.indicators) for r in rules.recommendations)   # period twice, source
    # The reference to the caveat in the summary (@sec-kanttekeningen) is a link on purpose.
    assert_suffix_literal(re.sub(r"@sec-[a-z-]+", "", conclusions), texts)
    summary = rc.summary_markdown(p, lambda key: record, est, {"year": 2022, "suspected": {"value": 29}}, assessed,
                                  synthetic=False, rules=rules)
    # The summary's own cross-references (@sec-...) are links on purpose; every input text stays literal:
    # the period four times (twice in the estimate's headline), each recommendation's title and rationale.
    assert_suffix_literal(re.sub(r"@sec-[a-z-]+", "", summary), 4 + 2 * len(rules.recommendations))

    context = reg.load_national_figures(poisoned_yaml(REPORT_DIR / "national_figures.yml", tmp_path / "national_figures.yml",
                                             {"label", "scope", "finding", "citation"}))
    registrations = pd.DataFrame([("ZVHG", 2022, "any", "suspected", 20, 0, "x"),
                                  ("ZVHG", 2022, "any", "confirmed", 0, 0, "x")],
                                 columns=["source", "year", "form", "status", "count", "synthetic", "source_note"])
    by_year = {2022: reg.summary(registrations, 2022, 5, "ZVHG")}
    ladder = Ladder("any", 150.0, 80.0, 80.0, 100.0, 140.0, 50.0, 200.0, 0.95)
    record = reg.dark_number_record(ladder, by_year, by_year[2022], [2023])
    text = estimation_text.comparison(by_year[2022], by_year, record, context.national_dark_number,
                                      literal("2022–2023" + LABEL_SUFFIX), "@tbl-x", PLACE)
    sources = context.national_dark_number.sources
    assert_suffix_literal(text.replace("@tbl-x", "tabel"), 2 + 1 + 1 + 2 * len(sources))


def quarto_available() -> bool:
    from exploitation_report.render.quarto import find_quarto

    return find_quarto() is not None


@pytest.mark.e2e
@pytest.mark.parametrize("engine", ["builtin", pytest.param("quarto", marks=pytest.mark.skipif(
    not quarto_available(), reason="no quarto on PATH or in $QUARTO_PATH: the Quarto engine cannot be checked here"))])
def test_hostile_input_text_reaches_both_formats_as_literal_text(tmp_path, monkeypatch, request, engine):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    params = yaml.safe_load((PROJECT_ROOT / "params" / "2024.yml").read_text(encoding="utf-8"))
    params["title"] = "Titel " + PAYLOADS["html"]
    params["subtitle"] = include_payload(secret)
    params["organisation"] = PAYLOADS["markdown"] + " " + PAYLOADS["shortcode"]
    params["reference_period"]["label"] = "2022–2023 " + PAYLOADS["crossref"]
    params["population"]["source"] = PAYLOADS["typst"] + " " + PAYLOADS["long"]
    codebook = poisoned_codebook()
    (tmp_path / "codebook.yml").write_text(yaml.safe_dump(codebook, allow_unicode=True, sort_keys=False),
                                           encoding="utf-8")
    params["inputs"] = {k: (str(PROJECT_ROOT / v) if v else v) for k, v in params["inputs"].items()}
    params["inputs"]["codebook"] = str(tmp_path / "codebook.yml")
    # Inside the project (the provenance names the parameter file relative to it), in the ignored _build/.
    folder = Path(tempfile.mkdtemp(prefix="literal-inputs-", dir=PROJECT_ROOT / "_build"))
    request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
    params_file = folder / "2024.yml"
    params_file.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setattr(build_mod, "params_path", lambda year: folder / f"{year}.yml")

    result = build_mod.build(2024, engine=engine, output_root=tmp_path / "_output", build_root=tmp_path / "_build")
    check_html(result.files["html"].read_text(encoding="utf-8"))
    pdf = squash(" ".join(page.extract_text() or "" for page in PdfReader(result.files["pdf"]).pages))
    assert SECRET not in pdf   # no file was read through a text field
    # The texts are in the PDF literally (text extraction breaks lines anywhere: compared without whitespace).
    for shown in ("Titel<script>alert(5)</script>", "@fig-xen@tbl-y", "#set", "$x^2$", "**vet**", "{{<pagebreak>}}"):
        assert squash(shown) in pdf, shown


def check_html(html: str) -> None:
    """Nothing from an input became an element or attribute; every payload reads as written."""
    assert SECRET not in html   # no file was read through a text field
    page = HtmlPage()
    page.feed(html)
    assert not any("onerror" in attrs for _, attrs in page.tags)
    assert not any(tag == "img" and attrs.get("src") in ("x", "x.png") for tag, attrs in page.tags)
    for markup in ("<script>alert(5)", "<b>vet</b>", "<strong>vet</strong>", "<em>schuin</em>", "<i>x</i>",
                   "<em>y</em>", 'href="http://example.org"', "<code>code</code>", "<b>v</b>", "<em>s</em>",
                   'class="math'):
        assert markup not in html, markup
    text = " ".join("".join(page.parts).split())   # pandoc puts line breaks between blocks
    for shown in ("<script>alert(5)</script>", "**vet** _schuin_ [link](http://example.org)",
                  "{{< pagebreak >}}", "{{< include ", "@fig-x", "#set page(fill: red)", "$x^2$",
                  "<i>x</i> *y* @tbl-z", LABEL_SUFFIX.strip()):
        assert shown in text, shown


def test_a_variants_texts_are_literal_on_the_cover_and_in_its_appendix():
    """A variant file's description, a changed parameter's value and a figure's label are input text."""
    from exploitation_report.chapters.compare_text import variant_appendix, variant_notice
    from exploitation_report.pipeline.compare import EditionData, ParamChange, compare_editions

    change = ParamChange("title", "Titel", "Titel" + LABEL_SUFFIX)
    assert_suffix_literal(variant_notice("x", 2024, "Lager" + LABEL_SUFFIX, [change]), times=2)
    record = {"label": "Politie" + LABEL_SUFFIX, "base": 20, "count": 5, "estimate": 0.25}
    base = EditionData("2024", None, {"schema_version": "1.0.0", "survey": {"q": record}},
                       {"effective_params": {"title": "Titel"}})
    variant = EditionData("2024--x", None, {"schema_version": "1.0.0", "survey": {"q": {**record, "estimate": 0.3}}},
                          {"effective_params": {"title": change.new}})
    assert_suffix_literal(variant_appendix(compare_editions(base, variant), 2024), times=2)


def test_published_figures_source_titles_are_literal(tmp_path):
    from exploitation_report.chapters.published_text import methods_paragraph
    from exploitation_report.inputs.published import load

    figures = load(poisoned_yaml(PROJECT_ROOT / "data" / "2024" / "published_figures.yml", tmp_path / "pf.yml",
                                 {"title_nl"}))
    text = methods_paragraph(figures, "bijlage D")
    assert_suffix_literal(text, len(figures.sources))


def test_typst_shorthands_in_input_text_print_as_written(tmp_path):
    """Typst reads -- and ... as a dash and an ellipsis: input text must print as it was written."""
    import typst

    text = "A--B, C---D, E...F, G-?H en <!-- x -->"
    body = subprocess.run([pandoc_path(), "--from", "markdown", "--to", "typst-smart", "--lua-filter",
                           str(PROJECT_ROOT / "report" / "filters" / "structure.lua")],
                          input=str(literal(text)), capture_output=True, text=True, check=True).stdout
    source = tmp_path / "t.typ"
    source.write_text(body, encoding="utf-8")
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(typst.compile(str(source), ignore_system_fonts=True))
    assert squash(PdfReader(str(pdf)).pages[0].extract_text()) == squash(text)


@pytest.mark.parametrize("markdown", ["Tekst.^[{text}]", "## {text} {{.unnumbered}}\n\nTekst."],
                         ids=["footnote", "unnumbered heading"])
def test_typst_shorthands_print_as_written_in_footnotes_and_unnumbered_titles(markdown):
    # The filter looks for shorthands in the plain text first, which leaves footnotes out; unnumbered
    # headings' titles are written as Typst before the text's own walk.
    text = str(literal("E...F, G-?H, A--B"))
    body = subprocess.run([pandoc_path(), "--from", "markdown", "--to", "typst-smart", "--lua-filter",
                           str(PROJECT_ROOT / "report" / "filters" / "structure.lua")],
                          input=markdown.format(text=text), capture_output=True, text=True, check=True).stdout
    assert "E\\.\\.\\.F" in body and "G\\-\\?H" in body and "A\\-\\-B" in body, body


def test_typst_line_start_markers_in_a_table_cell_print_as_written(tmp_path):
    """'= Politie' as a codebook label in a table cell became a chapter in the PDF's contents."""
    import typst

    labels = ["= Politie", "- lijst", "+ plus", "/ Term: uitleg", "1. Eerste", "-9"]
    table = "| Label | n |\n|:--|--:|\n" + "".join(f"| {literal(label)} | 5 |\n" for label in labels)
    body = subprocess.run([pandoc_path(), "--from", "markdown", "--to", "typst-smart", "--lua-filter",
                           str(PROJECT_ROOT / "report" / "filters" / "structure.lua")],
                          input=table, capture_output=True, text=True, check=True).stdout
    source = tmp_path / "cells.typ"
    source.write_text(body, encoding="utf-8")
    pdf = tmp_path / "cells.pdf"
    pdf.write_bytes(typst.compile(str(source), ignore_system_fonts=True))
    printed = squash(PdfReader(str(pdf)).pages[0].extract_text())
    for label in labels:
        assert squash(label) in printed, label
    assert "heading" not in body and "•" not in printed
