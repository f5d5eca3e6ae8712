"""End to end: the same edition through Quarto and through the built-in engine.

Both engines read the same executed notebooks, ``_quarto.yml`` and Typst look, so a
reader must not be able to tell the editions apart by their structure: the same
chapters, numbering, reference words, table of contents, key figures and
synthetic marking. Skipped where Quarto is not installed (``.ci/run`` installs it).
"""

import json
import re

import pytest
from report_text import html_text, html_toc, labelled_numbers, pdf_pages, pdf_toc, squash

from exploitation_report.chapters import dutch
from exploitation_report.pipeline.results import lookup, sections
from exploitation_report.render import tool_version
from exploitation_report.render.quarto import find_quarto

pytestmark = pytest.mark.e2e
HEADLINE = ("met_any", "direct_contact", "met_both")


@pytest.fixture(scope="module")
def editions(builtin_edition, quarto_edition):
    def read(result):
        out = result.output_dir
        return {
            "result": result,
            "pages": pdf_pages(out / "report.pdf"),
            "html": html_text(out / "report.html"),
            "raw_html": (out / "report.html").read_text(encoding="utf-8"),
            "figures": json.loads((out / "results.json").read_text(encoding="utf-8")),
            "provenance": json.loads((out / "provenance.json").read_text(encoding="utf-8")),
        }

    return {"builtin": read(builtin_edition[1]), "quarto": read(quarto_edition[1])}


def test_quarto_rendered_the_quarto_edition(editions):
    assert editions["quarto"]["result"].engine == "quarto"
    assert editions["builtin"]["result"].engine == "builtin"


def test_page_counts_within_two_pages(editions):
    counts = {name: len(e["pages"]) for name, e in editions.items()}
    assert counts["builtin"] >= 8
    assert abs(counts["quarto"] - counts["builtin"]) <= 2, counts


def test_same_numbers_and_reference_words_in_the_pdf(editions):
    """Every "Figuur n", "Tabel n", "Hoofdstuk n", "Paragraaf n.m", "Bijlage X" in reading order."""
    sequences = {name: labelled_numbers(" ".join(e["pages"])) for name, e in editions.items()}
    assert sequences["quarto"] == sequences["builtin"]
    words = {item.split()[0] for item in sequences["builtin"]}
    assert words == {"Figuur", "Tabel", "Hoofdstuk", "Paragraaf", "Bijlage"}


def test_same_numbers_and_reference_words_in_the_html(editions):
    sequences = {name: labelled_numbers(e["html"]) for name, e in editions.items()}
    assert sequences["quarto"] == sequences["builtin"]
    # Chapters are "Hoofdstuk", never Quarto's own "Paragraaf" for a level-1 section.
    assert "Hoofdstuk 2" in sequences["quarto"]
    assert not [item for item in sequences["quarto"] if re.fullmatch(r"Paragraaf \d+", item)]


def test_same_table_of_contents(editions):
    tocs = {name: pdf_toc(e["pages"]) for name, e in editions.items()}
    assert tocs["quarto"] == tocs["builtin"]
    assert tocs["builtin"][:3] == ["Colofon", "Voorwoord", "Samenvatting"] and "1 Inleiding" in tocs["builtin"]
    assert any(title.startswith("Bijlage A") for title in tocs["builtin"])
    html_tocs = {name: html_toc(e["result"].output_dir / "report.html") for name, e in editions.items()}
    assert html_tocs["quarto"] == html_tocs["builtin"]
    # The HTML and the PDF list the same chapters.
    chapters = [t for t in tocs["builtin"] if re.match(r"\d+ ", t)]
    assert chapters == [t for t in html_tocs["builtin"] if re.match(r"\d+ ", t)]


def test_same_headline_figures_in_both_formats(editions):
    assert sections(editions["quarto"]["figures"]) == sections(editions["builtin"]["figures"])
    for name, e in editions.items():
        pdf = squash(" ".join(e["pages"]))
        for key in HEADLINE:
            text = dutch.share_with_base(lookup(e["figures"], f"survey.{key}"))
            assert text in e["html"], (name, key, text)
            assert squash(text) in pdf, (name, key, text)
        est = lookup(e["figures"], "estimation.any")
        low, high, _ = dutch.interval_of(est)
        interval = dutch.number_range(low, high)
        assert interval in e["html"] and squash(interval) in pdf, name


def test_synthetic_marking_on_every_pdf_page_and_in_the_html(editions):
    for name, e in editions.items():
        unmarked = [i + 1 for i, page in enumerate(e["pages"]) if "SYNTHETISCH" not in page.upper()]
        assert not unmarked, (name, unmarked)
        assert "SYNTHETISCHE DATA" in e["html"].upper(), name
        assert 'lang="nl"' in e["raw_html"], name


def test_html_is_self_contained(editions):
    """One file: no script, stylesheet, image or font is loaded from elsewhere."""
    external = re.compile(r"""<(?:script|img|source|iframe)\b[^>]*\bsrc=["'](?!data:)"""
                          r"""|<link\b[^>]*\bhref=["'](?!data:|#)|url\((?!["']?data:|["']?#)""")
    for name, e in editions.items():
        found = external.findall(e["raw_html"])
        assert not found, (name, found[:5])


def test_provenance_records_the_tools_as_used(editions):
    prov = {name: e["provenance"] for name, e in editions.items()}
    assert prov["quarto"]["engine"] == "quarto" and prov["builtin"]["engine"] == "builtin"
    quarto, builtin = prov["quarto"]["render_versions"], prov["builtin"]["render_versions"]
    assert quarto["quarto"] == tool_version([find_quarto(), "--version"])
    assert quarto["pandoc"] == tool_version([find_quarto(), "pandoc", "--version"])
    assert builtin["pandoc"]
    for versions in (quarto, builtin):
        assert re.fullmatch(r"\d+\.\d+\.\d+", versions["typst"] or ""), versions
