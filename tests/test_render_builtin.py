"""Render a small fabricated edition with the built-in engine (pandoc + Typst wheels).

The notebooks are made with nbformat as papermill would leave them: tagged
Markdown display outputs, plus untagged outputs that must not reach the report.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output  # noqa: E402
from places import PLACE  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from exploitation_report.render import Edition, RenderError, export_parts, write_report_qmd  # noqa: E402
from exploitation_report.render.builtin import render_builtin  # noqa: E402

TITLE = "Seksuele en criminele uitbuiting in de gemeente Groningen"
UNTAGGED = "DEZE STREAM HOORT NIET IN HET RAPPORT"


def md(part: str, text: str) -> dict:
    return new_output(
        "display_data", data={"text/markdown": text, "text/plain": "<IPython.Markdown>"},
        metadata={"report": {"part": part}},
    )


def make_notebooks(build: Path, extra_aard: str = "") -> list[Path]:
    """Two tiny executed notebooks and the figure one of them saved."""
    (build / "figures").mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(5, 3), dpi=80)
    ax.bar(["Seksueel", "Crimineel", "Beide"], [12, 9, 7], color="0.35")
    ax.set_ylabel("Aantal respondenten")
    fig.savefig(build / "figures" / "fig-vormen.svg", format="svg", metadata={"Date": None})   # as present.emit_figure
    plt.close(fig)

    survey = new_notebook(cells=[
        new_markdown_cell("# Notebook narrative, not report content"),
        new_code_cell("show()", outputs=[
            new_output("stream", name="stdout", text=UNTAGGED + "\n"),
            md("samenvatting", "Ruim de helft van de respondenten zag slachtoffers (zie @fig-vormen).\n\n"
                               "## Kernbevindingen {#sec-kern}\n\nDe belangrijkste punten staan in @tbl-vormen."),
            md("methode", "## Vragenlijst {#sec-vragenlijst}\n\nDe vragenlijst is uitgezet onder professionals."),
            new_output("execute_result", data={"text/plain": "'plain result'"}, execution_count=1),
        ], execution_count=1),
        new_code_cell("aard()", outputs=[
            md("aard", "## Vormen van uitbuiting {#sec-vormen}\n\n"
                       "Zie @fig-vormen en @tbl-vormen; de methode staat in @sec-methode.\n\n"
                       "![Vormen van uitbuiting die respondenten zagen](figures/fig-vormen.svg)"
                       "{#fig-vormen fig-alt=\"Staafdiagram met drie staven\"}" + extra_aard),
            md("aard", "| Vorm | n |\n|---|---:|\n| Seksueel | 12 |\n| Crimineel | 9 |\n\n"
                       ": Vormen van uitbuiting {#tbl-vormen}"),
        ], execution_count=2),
    ])
    estimate = new_notebook(cells=[
        new_code_cell("est()", outputs=[
            md("omvang", "## Schatting {#sec-schatting}\n\nDe schatting volgt uit @sec-vragenlijst."),
            md("conclusies", "## Conclusies {#sec-concl}\n\nZie @sec-samenvatting en @sec-vormen."),
            md("bijlage-codebook", "## Variabelen\n\nHet codebook."),
            new_output("stream", name="stderr", text=UNTAGGED + "\n"),
        ], execution_count=1),
    ])
    paths = []
    (build / "notebooks").mkdir(parents=True, exist_ok=True)
    for name, nb in (("01_survey.ipynb", survey), ("02_estimate.ipynb", estimate)):
        path = build / "notebooks" / name
        nbformat.write(nb, path)
        paths.append(path)
    return paths


EDITION = Edition(
    year=2024,
    title=TITLE,
    subtitle="Een verkenning van de aard en omvang",
    period_label="2022–2023",
    synthetic=True,
    organisation="Centrum tegen Kinderhandel en Mensenhandel",
    place=PLACE,
)


def build_edition(build: Path, extra_aard: str = "") -> Path:
    notebooks = make_notebooks(build, extra_aard)
    export_parts(notebooks, build / "parts")
    write_report_qmd(build, EDITION)
    return build


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("edition")
    build = build_edition(root / "_build" / "2024")
    files, warnings = render_builtin(build, root / "_output" / "2024")
    return build, files, warnings


def test_outputs_exist(rendered):
    _, files, warnings = rendered
    assert warnings == []    # e.g. a layout that did not converge would be listed here
    assert set(files) == {"html", "pdf"}
    assert files["html"].name == "report.html" and files["pdf"].name == "report.pdf"
    assert files["pdf"].read_bytes().startswith(b"%PDF")


def test_html_is_self_contained_dutch_and_numbered(rendered):
    _, files, _ = rendered
    html = files["html"].read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(html)
    for tag, attrs in parser.tags:
        src = attrs.get("src")
        if src is not None:
            assert src.startswith("data:"), f"external src in <{tag}>: {src[:60]}"
        href = attrs.get("href")
        if href is not None and tag in ("link", "script"):
            assert href.startswith("data:"), f"external resource <{tag} href={href[:60]}>"
    assert not re.search(r"<link[^>]+rel=\"stylesheet\"[^>]+href=\"(?!data:)", html)
    assert '<html xmlns="http://www.w3.org/1999/xhtml" lang="nl"' in html
    assert "Inhoudsopgave" in html
    assert "Figuur 1" in html and "Tabel 1" in html
    assert 'alt="Staafdiagram met drie staven"' in html
    assert re.search(r'<img [^>]*src="data:image/svg\+xml;base64,', html)     # the SVG figure, embedded
    # references resolved into links with Dutch labels and numbers
    assert '<a href="#fig-vormen" class="quarto-xref">Figuur 1</a>' in html
    assert '<a href="#tbl-vormen" class="quarto-xref">Tabel 1</a>' in html
    assert '<a href="#sec-methode" class="quarto-xref">Hoofdstuk 2</a>' in html
    assert '<a href="#sec-vragenlijst" class="quarto-xref">Paragraaf 2.1</a>' in html
    assert '<a href="#sec-samenvatting">Samenvatting</a>' in html
    assert "@fig-" not in html and "@tbl-" not in html and "@sec-" not in html
    # numbered chapters; summary, its subsections and appendices unnumbered
    assert re.search(r'<h1 data-number="1" id="sec-inleiding"><span class="header-section-number">1</span> Inleiding', html)
    assert re.search(r'<h1 data-number="3" id="sec-aard"><span class="header-section-number">3</span>', html)
    assert re.search(r'<h1 class="unnumbered" id="sec-samenvatting">Samenvatting</h1>', html)
    assert re.search(r'<h2 class="unnumbered" id="sec-kern">Kernbevindingen</h2>', html)
    assert re.search(r'<h2 class="unnumbered" id="sec-bijlage-codebook">Bijlage A', html)
    assert re.search(r'<h3 class="unnumbered" id="variabelen">Variabelen</h3>', html)
    assert "Bijlage B" not in html  # optional part absent -> appendix omitted
    # cover and synthetic marking
    assert TITLE in html and "Meting 2024" in html and "Centrum tegen Kinderhandel" in html
    assert 'class="synthetic-banner"' in html and "SYNTHETISCHE DATA" in html
    assert html.count('class="synthetic-banner"') == 1
    assert "position: fixed" in html
    # only tagged Markdown reaches the report
    assert UNTAGGED not in html and "plain result" not in html and "Notebook narrative" not in html


def test_pdf_text(rendered):
    _, files, _ = rendered
    reader = PdfReader(io.BytesIO(files["pdf"].read_bytes()))
    # Typst joins supplement and number with a no-break space: compare on plain spaces.
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]
    text = "\n".join(pages)
    assert len(pages) >= 4
    assert "Seksuele en criminele uitbuiting" in pages[0]
    assert "Inhoudsopgave" in text
    assert "Figuur 1" in text and "Tabel 1" in text
    assert "Hoofdstuk 2" in text  # @sec-methode as a native Typst reference
    for number, page in enumerate(pages, start=1):
        assert "SYNTHETISCHE DATA" in page, f"synthetic marking missing on page {number}"
        if number > 1:
            assert f"Pagina {number} van {len(pages)}" in page, f"page number missing on page {number}"
    assert UNTAGGED not in text
    assert "@fig-" not in text and "@sec-" not in text


def test_typst_source_uses_shared_look_and_alt_text(rendered):
    build, _, _ = rendered
    typ = (build / "report.typ").read_text(encoding="utf-8")
    assert '#import "report/typst/ckm-report.typ": ckm-report' in typ
    assert "#show: doc => ckm-report(" in typ and "synthetic: true" in typ
    assert '#image("figures/fig-vormen.svg", alt: "Staafdiagram met drie staven"' in typ
    assert "#heading(level: 1, numbering: none)[Samenvatting]" in typ
    assert "#heading(level: 2, numbering: none)[Kernbevindingen]" in typ  # inherited


def test_html_is_deterministic(rendered, tmp_path):
    build, files, _ = rendered
    again, _ = render_builtin(build, tmp_path / "again")
    assert again["html"].read_bytes() == files["html"].read_bytes()
    assert again["pdf"].read_bytes() == files["pdf"].read_bytes()


def test_unknown_reference_fails_and_keeps_previous_output(tmp_path):
    build = build_edition(tmp_path / "_build" / "2024", extra_aard="\n\nZie ook @fig-bestaat-niet.")
    out = tmp_path / "_output"
    out.mkdir()
    (out / "report.html").write_text("previous edition", encoding="utf-8")
    with pytest.raises(RenderError, match="fig-bestaat-niet"):
        render_builtin(build, out)
    assert (out / "report.html").read_text(encoding="utf-8") == "previous edition"


# Rows of the tables in `test_long_tables_flow_over_pages_and_say_continued`, one per chapter:
# long ones (50 rows and more: more than a page) break over pages, short ones (up to 20) stay
# whole. The first is long, as is the Quarto-kind table after them: both are number 1 of their kind.
_TABLE_ROWS = (60, 5, 8, 65, 3, 90, 12, 55, 70, 4, 50, 20)


def test_long_tables_flow_over_pages_and_say_continued(tmp_path):
    """A long table breaks between rows, and on every page it continues on its repeated header
    starts with "<Tabel n> (vervolg)", naming that table; a short one stays whole, without the
    line. Quarto gives cross-referenced tables the figure kind "quarto-float-tbl", pandoc the
    built-in one: the shared look treats both alike. With a dozen tables, a table of contents
    and page totals the layout converges (no Typst warnings): a document-wide state of the
    table being laid out did not, and left continued pages without the line."""
    import shutil

    import typst

    from exploitation_report.paths import REPORT_DIR

    shutil.copytree(REPORT_DIR / "typst", tmp_path / "report" / "typst")

    def table(name: str, rows: int, kind: str = "table", supplement: str = "Tabel") -> str:
        cells = ", ".join(f"[{name} {i}], [{i}]" for i in range(rows))
        return (f"#figure(table(columns: 2, table.header([Naam], [Waarde]), {cells}),\n"
                f"  caption: figure.caption(position: top, [Tabel {name}]), kind: {kind}, supplement: [{supplement}])\n\n")

    chapters = "".join(f"= Hoofdstuk {k}\n\n{'tekst ' * 80}\n\n" + table(f"t{k}", rows)
                       for k, rows in enumerate(_TABLE_ROWS))
    source = tmp_path / "report.typ"
    source.write_text(
        '#import "report/typst/ckm-report.typ": ckm-report\n'
        "#show: doc => ckm-report(title: [Titel], toc: true, doc)\n"
        + chapters + table("quarto", 150, '"quarto-float-tbl"', "Lijst"),
        encoding="utf-8")
    pdf, warnings = typst.compile_with_warnings(str(source), root=str(tmp_path), ignore_system_fonts=True)
    assert [w.message for w in warnings] == []
    (tmp_path / "report.pdf").write_bytes(pdf)
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(tmp_path / "report.pdf").pages]

    def pages_of(name: str) -> list[str]:
        return [text for text in pages if re.search(rf"\b{name} \d+ \d+\b", text)]

    tables = [(f"t{k}", f"Tabel {k + 1}", rows) for k, rows in enumerate(_TABLE_ROWS)] + [("quarto", "Lijst 1", 150)]
    for name, label, rows in tables:
        first, *rest = pages_of(name)
        assert f"{label} (vervolg)" not in first
        if rows >= 50:
            assert rest and f"{name} {rows - 1} {rows - 1}" in rest[-1], name   # over pages, to its last row
            assert all(f"{label} (vervolg)" in text for text in rest), (name, rest)
        else:
            assert not rest, name


def test_pandoc_gets_its_runtime_option_only_when_it_accepts_it(tmp_path, monkeypatch):
    import exploitation_report.render.builtin as builtin

    seen = tmp_path / "ghcrts.txt"
    for name, refuses in (("strict", True), ("tunable", False)):
        # A stand-in pandoc: records the GHCRTS it was given; "strict" stops on it, as a pandoc
        # built without full runtime options does.
        fake = tmp_path / name
        fake.write_text("#!/bin/sh\n"
                        + ('[ -n "$GHCRTS" ] && { echo "RTS options are disabled" >&2; exit 1; }\n' if refuses else "")
                        + f'printf "%s" "$GHCRTS" > {seen}\n', encoding="utf-8")
        fake.chmod(0o755)
        monkeypatch.setattr(builtin, "pandoc_path", lambda fake=fake: str(fake))
        builtin._run_pandoc(["--version"], cwd=tmp_path)
        assert seen.read_text(encoding="utf-8") == ("" if refuses else builtin.PANDOC_RTS)
