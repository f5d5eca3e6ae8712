"""Fast tests of the render plumbing: export, assembly, the Quarto path without Quarto."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from places import PLACE

from exploitation_report.chapters.front import FrontMatter
from exploitation_report.inputs import interviews, municipal_context
from exploitation_report.inputs.errors import InputError
from exploitation_report.inputs.literature import load as load_literature
from exploitation_report.inputs.params import load_params
from exploitation_report.render import Edition, RenderError, export_parts, render, write_report_qmd
from exploitation_report.render import quarto as quarto_mod
from exploitation_report.render.assemble import load_outline, project_root, static_chapter
from exploitation_report.render.builtin import expand_includes, pandoc_path, quarto_options

ROOT = project_root()
REQUIRED = ["samenvatting", "methode", "aard", "omvang", "conclusies", "bijlage-codebook"]
EDITION = Edition(
    year=2024, title="Titel", subtitle="Ondertitel", period_label="2022–2023",
    synthetic=True, organisation="CKM", place=PLACE,
)


def md(part: str, text: str) -> dict:
    return new_output("display_data", data={"text/markdown": text, "text/plain": "x"},
                      metadata={"report": {"part": part}})


def write_nb(path: Path, cells) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=cells), path)
    return path


def make_parts(build: Path, parts=REQUIRED) -> None:
    (build / "parts").mkdir(parents=True, exist_ok=True)
    for part in parts:
        (build / "parts" / f"{part}.md").write_text(f"## Over {part}\n\nTekst.\n", encoding="utf-8")


# --- export -----------------------------------------------------------------

def test_export_keeps_only_tagged_markdown_in_notebook_then_cell_order(tmp_path):
    nb1 = write_nb(tmp_path / "nb" / "01.ipynb", [
        new_markdown_cell("notebook prose"),
        new_code_cell("x", outputs=[
            new_output("stream", name="stdout", text="stream text\n"),
            md("aard", "A1"),
            new_output("display_data", data={"text/markdown": "untagged markdown"}),
            new_output("display_data", data={"image/png": "iVBORw0KGgo="}, metadata={"report": {"part": "aard"}}),
            md("methode", "M1"),
        ]),
        new_code_cell("y", outputs=[md("aard", "A2")]),
    ])
    nb2 = write_nb(tmp_path / "nb" / "02.ipynb", [new_code_cell("z", outputs=[md("aard", "A3"), md("omvang", "O1")])])
    parts_dir = tmp_path / "parts"
    parts_dir.mkdir()
    (parts_dir / "stale.md").write_text("old", encoding="utf-8")

    written = export_parts([nb1, nb2], parts_dir)

    assert list(written) == ["aard", "methode", "omvang"]
    assert sorted(p.name for p in parts_dir.iterdir()) == ["aard.md", "methode.md", "omvang.md"]
    assert (parts_dir / "aard.md").read_text(encoding="utf-8") == "A1\n\nA2\n\nA3\n"
    assert (parts_dir / "methode.md").read_text(encoding="utf-8") == "M1\n"
    everything = "".join(p.read_text(encoding="utf-8") for p in parts_dir.iterdir())
    for unwanted in ("stream text", "untagged markdown", "notebook prose", "iVBOR", "```"):
        assert unwanted not in everything


def test_export_is_byte_stable(tmp_path):
    nb = write_nb(tmp_path / "01.ipynb", [new_code_cell("x", outputs=[md("aard", "Regel  \r\n\r\n\r\n\r\nTwee")])])
    first = export_parts([nb], tmp_path / "a")["aard"].read_bytes()
    second = export_parts([nb], tmp_path / "b")["aard"].read_bytes()
    assert first == second == b"Regel\n\nTwee\n"


def test_export_error_output_names_the_notebook(tmp_path):
    bad = write_nb(tmp_path / "02_estimate.ipynb", [new_code_cell("1/0", outputs=[
        new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[]),
    ])])
    with pytest.raises(RenderError, match=r"02_estimate\.ipynb.*ZeroDivisionError"):
        export_parts([bad], tmp_path / "parts")


# --- outline and assembly -----------------------------------------------------

def test_outline_order_ids_and_numbering():
    entries = load_outline(ROOT / "report" / "outline.yml")
    top = [(e.id, e.title, e.numbered) for e in entries]
    assert top == [
        ("sec-colofon", "Colofon", False),
        ("sec-voorwoord", "Voorwoord", False),
        ("sec-samenvatting", "Samenvatting", False),
        ("sec-inleiding", "Inleiding", True),
        ("sec-methode", "Methode", True),
        ("sec-aard", "Aard van de uitbuiting", True),
        ("sec-omvang", "Omvang", True),
        ("sec-aanpak", "Gemeentelijke aanpak", True),
        ("sec-ontwikkeling", "Ontwikkeling sinds de vorige meting", True),
        ("sec-conclusies", "Conclusies en aanbevelingen", True),
        ("sec-literatuur", "Literatuur", False),
        ("sec-lijsten", "Lijst van figuren en tabellen", False),
        ("sec-bijlagen", "Bijlagen", False),
    ]
    appendices = entries[-1].children
    assert [(a.title, a.part, a.optional, a.numbered) for a in appendices] == [
        ("Bijlage A Vragenlijst en codeboek", "bijlage-codebook", False, False),
        ("Bijlage B Aanvullende tabellen", "bijlage-tabellen", True, False),
        ("Bijlage C Simulatiestudie van de schatting", "bijlage-simulatie", True, False),
        ("Bijlage D Gepubliceerde cijfers en synthetische gegevens", "bijlage-gepubliceerd", True, False),
        ("Bijlage E Wat verandert er ten opzichte van de basiseditie", "bijlage-variant", True, False),
    ]


def test_static_chapters_hold_no_numbers_but_placeholders():
    for name in ("inleiding", "voorwoord", "colofon", "aanpak", "literatuur"):
        text = (ROOT / "report" / "templates" / "static" / f"{name}.md.j2").read_text(encoding="utf-8")
        without_placeholders = re.sub(r"\{\{.*?\}\}|\{#.*?#\}|\{%.*?%\}", "", text, flags=re.DOTALL)
        # only the research questions' numbers and the article of the criminal code: the rest comes from inputs
        assert set(re.findall(r"\d+", without_placeholders)) <= {"1", "2", "3", "4", "273"}, name
        assert "Groningen" not in text and "ZVHG" not in text, name
    inleiding = (ROOT / "report" / "templates" / "static" / "inleiding.md.j2").read_text(encoding="utf-8")
    assert "{{ place.name }}" in inleiding and "{{ place.programme_sentence() }}" in inleiding
    assert "{{ edition.year|year }}" in inleiding


def front_matter(**changes) -> FrontMatter:
    """The 2024 edition's imprint, context and interviews, as the build hands them to the static chapters."""
    params = load_params(ROOT / "params" / "2024.yml")
    values = {"publication": params.publication,
              "interviews": interviews.load(ROOT / "data" / "2024" / "interviews_synthetic.yml"),
              "context": municipal_context.load(ROOT / "data" / "context_groningen.yml", "Groningen")}
    return FrontMatter(**{**values, **changes})


def test_colofon_has_imprint_and_citation_line():
    edition = dataclasses.replace(EDITION, front=front_matter())
    text = static_chapter("static/colofon.md.j2", ROOT / "report" / "templates", edition)
    assert "Opdrachtgever\n: Gemeente Groningen" in text
    assert "Auteurs\n: Projectteam reproduceerbare rapportage" in text
    assert "Datum van publicatie\n: 9 oktober 2024" in text
    assert "**Citeerwijze**\n\nGemeente Groningen (2024). *Titel. Ondertitel* (editie meetjaar 2024). " \
           "Groningen: Gemeente Groningen." in text
    assert "synthetische" in text
    # Without a publication (an edition made in a test): no imprint, no citation line, still the commissioner.
    bare = static_chapter("static/colofon.md.j2", ROOT / "report" / "templates", EDITION)
    assert "Citeerwijze" not in bare and "Opdrachtgever\n: Gemeente Groningen" in bare


def test_inleiding_has_begrippen_abbreviations_and_a_leeswijzer_by_number():
    edition = dataclasses.replace(EDITION, front=front_matter())
    text = static_chapter("static/inleiding.md.j2", ROOT / "report" / "templates", edition, frozenset())
    heads = re.findall(r"^##+ (.+?) \{", text, flags=re.MULTILINE)
    assert heads == ["Aanleiding", "Onderzoeksvragen", "Begrippen", "Afkortingen", "Leeswijzer"]
    for term in ("Mensenhandel\n:", "Seksuele uitbuiting\n:", "Criminele uitbuiting\n:", "Eerstelijns professional\n:",
                 "Vermoedelijk slachtoffer\n:", "Signaal\n:", r"art\. 273f Sr"):
        assert term in text, term
    # ZVHG spelled out; the context file's partners' abbreviations too; sorted case-insensitively
    abbreviations = text.split("{#sec-afkortingen .unnumbered}")[1].split("## Leeswijzer")[0]
    rows = re.findall(r"^(\S+)\n: (.+)$", abbreviations, flags=re.MULTILINE)
    shorts = [short for short, _ in rows]
    assert shorts == sorted(shorts, key=str.casefold) and len(shorts) == len(set(shorts))
    assert ("ZVHG", r"Zorg\- en Veiligheidshuis Groningen") in rows and "CKM" in shorts
    for ref in ("@sec-methode", "@sec-aard", "@sec-omvang", "@sec-aanpak", "@sec-conclusies"):
        assert ref in text
    assert "@sec-ontwikkeling" not in text   # not in this edition
    with_previous = static_chapter("static/inleiding.md.j2", ROOT / "report" / "templates", edition,
                                   frozenset({"sec-ontwikkeling"}))
    assert "@sec-ontwikkeling" in with_previous


def test_municipal_approach_marks_illustrative_statements_and_weaves_quotes():
    edition = dataclasses.replace(EDITION, front=front_matter())
    text = static_chapter("static/aanpak.md.j2", ROOT / "report" / "templates", edition)
    assert "*(illustratief)*" in text and "Raadsbrief 9 oktober 2024" in text
    assert "{#tbl-ketenpartners}" in text and "CoMensha" in text
    assert "(synthetisch citaat)" in text and "— Beleidsmedewerker" in text
    bare = static_chapter("static/aanpak.md.j2", ROOT / "report" / "templates",
                          dataclasses.replace(EDITION, front=front_matter(context=None, interviews=None)))
    assert "geen beschrijving van de huidige aanpak" in bare and "citaat" not in bare


def test_voorwoord_is_signed_by_the_commissioner_and_says_synthetic():
    edition = dataclasses.replace(EDITION, front=front_matter())
    text = static_chapter("static/voorwoord.md.j2", ROOT / "report" / "templates", edition)
    assert text.rstrip().endswith("*Gemeente Groningen, opdrachtgever*") and "synthetische gegevens" in text
    assert "Dank gaat uit" not in text   # a synthetic edition thanks no one for data that were never given
    real = dataclasses.replace(edition, synthetic=False, front=front_matter(interviews=None))
    assert "Dank gaat uit naar de professionals die de vragenlijst invulden, voor" in static_chapter(
        "static/voorwoord.md.j2", ROOT / "report" / "templates", real)


def test_literature_lists_every_source_sorted():
    text = static_chapter("static/literatuur.md.j2", ROOT / "report" / "templates", EDITION)
    entries = [line for line in text.splitlines() if re.match(r"^\S.*\(\d{4}\)\.", line)]
    assert len(entries) == len(load_literature(ROOT / "report" / "literature.yml").references)
    assert entries == sorted(entries, key=str.casefold)
    assert any(e.startswith(r"Sirken\, M\.G\. (1970)") for e in entries)


def test_static_chapter_prints_parameter_texts_literally():
    edition = Edition(year=2024, title="*Titel* [x](y)", subtitle="S", period_label="P", synthetic=False,
                      organisation="CKM @fig-a", place=PLACE)
    text = static_chapter("static/colofon.md.j2", ROOT / "report" / "templates", edition)
    assert r"\*Titel\* \[x\]\(y\)" in text and r"\@fig\-a" in text


def test_write_report_qmd_builds_a_self_contained_project(tmp_path):
    build = tmp_path / "_build" / "2024"
    make_parts(build)
    qmd = write_report_qmd(build, EDITION)

    text = qmd.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == "Titel" and front["lang"] == "nl" and front["synthetic"] is True
    assert "synthetische" in front["synthetic-notice"] and front["year"] == 2024
    assert "# Samenvatting {#sec-samenvatting .unnumbered}" in text
    assert "# Methode {#sec-methode}" in text
    assert "## Bijlage A Vragenlijst en codeboek {#sec-bijlage-codebook .unnumbered}" in text
    assert "Bijlage B" not in text  # optional part absent
    heads = re.findall(r"^# (.+?) \{", text, flags=re.MULTILINE)
    assert heads == ["Colofon", "Voorwoord", "Samenvatting", "Inleiding", "Methode", "Aard van de uitbuiting", "Omvang",
                     "Gemeentelijke aanpak", "Conclusies en aanbevelingen", "Literatuur",
                     "Lijst van figuren en tabellen", "Bijlagen"]
    includes = re.findall(r"\{\{< include (\S+) >\}\}", text)
    assert "parts/methode.md" in includes and "chapters/inleiding.md" in includes
    for include in includes:
        assert (build / include).is_file(), include
    inleiding = (build / "chapters" / "inleiding.md").read_text(encoding="utf-8")
    assert "${" not in inleiding and "meetjaar 2024" in inleiding and "2022–2023" in inleiding
    # the per-edition Quarto project and the assets it points at
    config = yaml.safe_load((build / "_quarto.yml").read_text(encoding="utf-8"))
    for partial in config["format"]["typst"]["template-partials"]:
        assert (build / partial).is_file()
    assert (build / config["format"]["html"]["css"]).is_file()
    for f in config["filters"]:
        assert (build / f).is_file()
    assert (build / "report" / "typst" / "ckm-report.typ").is_file()
    # expanding the includes leaves no shortcode behind
    assert "{{<" not in expand_includes(text, build)


def test_list_of_figures_and_tables_in_reading_order(tmp_path):
    build = tmp_path / "b"
    make_parts(build)
    (build / "parts" / "aard.md").write_text(
        "## Vormen\n\n![Vormen \\[a\\] *b*](figures/f.png){#fig-vormen fig-alt=\"x\"}\n\n"
        "| a |\n|:--|\n| 1 |\n\n: Tabel over *vormen* {#tbl-vormen}\n", encoding="utf-8")
    (build / "parts" / "bijlage-codebook.md").write_text("| a |\n|:--|\n| 1 |\n\n: Codes {#tbl-codes}\n",
                                                          encoding="utf-8")
    write_report_qmd(build, dataclasses.replace(EDITION, front=front_matter()))
    lists = (build / "chapters" / "lijsten.md").read_text(encoding="utf-8")
    assert "- @fig-vormen: Vormen \\[a\\] *b*\n" in lists
    tables = re.findall(r"^- @(tbl-[a-z-]+):", lists.split("## Tabellen")[1], flags=re.MULTILINE)
    assert tables == ["tbl-vormen", "tbl-ketenpartners", "tbl-codes"]   # parts and static chapters, in order


def test_missing_required_part_names_part_and_notebooks_folder(tmp_path):
    build = tmp_path / "b"
    make_parts(build, [p for p in REQUIRED if p != "omvang"])
    with pytest.raises(RenderError) as info:
        write_report_qmd(build, EDITION)
    assert "'omvang'" in str(info.value) and str(build / "notebooks") in str(info.value)


def test_part_not_in_outline_is_an_error(tmp_path):
    build = tmp_path / "b"
    make_parts(build, REQUIRED + ["extra-deel"])
    with pytest.raises(RenderError, match="extra-deel"):
        write_report_qmd(build, EDITION)


def test_optional_appendix_appears_when_present(tmp_path):
    build = tmp_path / "b"
    make_parts(build, REQUIRED + ["bijlage-tabellen", "bijlage-simulatie"])
    text = write_report_qmd(build, EDITION).read_text(encoding="utf-8")
    assert "## Bijlage B Aanvullende tabellen {#sec-bijlage-tabellen .unnumbered}" in text
    assert text.index("Bijlage A") < text.index("Bijlage B") < text.index("Bijlage C")


def test_unknown_name_in_static_chapter(tmp_path):
    outline = tmp_path / "outline.yml"
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "x.md.j2").write_text("Jaar {{ jaar }}\n", encoding="utf-8")
    outline.write_text(yaml.safe_dump({"chapters": [{"id": "sec-x", "title": "X", "template": "x.md.j2"}]}))
    with pytest.raises(RenderError, match=r"x\.md\.j2.*jaar"):
        write_report_qmd(tmp_path / "b", EDITION, outline=outline)
    (tmp_path / "templates" / "x.md.j2").write_text("Jaar {{ edition.year }}\n", encoding="utf-8")
    with pytest.raises(RenderError, match="bare number"):
        write_report_qmd(tmp_path / "b", EDITION, outline=outline)


@pytest.mark.parametrize("chapters,key,expected", [
    ([{"id": "sec-x", "title": "X"}], "chapters.0", "exactly one of 'part', 'template' or 'children'"),
    ([{"id": "sec-x", "title": "X", "part": "a", "template": "b"}], "chapters.0", "found part, template"),
    ([{"id": "x", "title": "X", "part": "a"}], "chapters.0.id", "'sec-name'"),
    ([{"id": "sec-x", "title": "X", "part": "a", "colour": "red"}], "chapters.0.colour", "unknown"),
    ([{"id": "sec-x", "title": "X", "part": "a"}, {"id": "sec-y", "title": "Y", "children": [
        {"id": "sec-x", "title": "Z", "part": "b"}]}], None, "sec-x more than once"),
    ([], "chapters", "at least 1"),
])
def test_outline_problems_name_file_and_key(tmp_path, chapters, key, expected):
    outline = tmp_path / "outline.yml"
    outline.write_text(yaml.safe_dump({"chapters": chapters}), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_outline(outline)
    problem = err.value.problems[0]
    assert problem.file == str(outline) and problem.key == key and expected in str(problem), str(problem)


def test_non_synthetic_edition_has_no_marking(tmp_path):
    build = tmp_path / "b"
    make_parts(build)
    real = Edition(year=2024, title="T", subtitle="S", period_label="P", synthetic=False, organisation="CKM", place=PLACE)
    text = write_report_qmd(build, real).read_text(encoding="utf-8")
    assert "synthetic: false" in text and "SYNTHETISCHE" not in text and "synthetic-notice" not in text


# --- _quarto.yml and the Quarto engine --------------------------------------

def test_root_quarto_yml_has_the_shared_settings():
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["lang"] == "nl"
    assert config["number-sections"] is True
    assert config["toc-title"] == "Inhoudsopgave"
    assert config["execute"]["enabled"] is False
    assert "crossref" in config
    html, typst = config["format"]["html"], config["format"]["typst"]
    assert html["embed-resources"] is True and html["toc"] is True and html["css"]
    assert typst["papersize"] == "a4" and typst["toc"] is True
    assert [Path(p).name for p in typst["template-partials"]] == ["typst-template.typ", "typst-show.typ"]
    for path in typst["template-partials"] + [html["css"]] + config["filters"]:
        assert (ROOT / path).is_file(), path


def test_builtin_engine_reads_the_same_settings(tmp_path):
    build = tmp_path / "b"
    make_parts(build)
    write_report_qmd(build, EDITION)
    assert quarto_options(build, "typst")["papersize"] == "a4"
    html = quarto_options(build, "html")
    assert html["toc-title"] == "Inhoudsopgave" and html["lang"] == "nl" and html["number-sections"]


def test_shared_typst_look_is_imported_by_the_partial_and_used_by_both_templates():
    partial = (ROOT / "report" / "quarto" / "typst-template.typ").read_text(encoding="utf-8")
    assert '#import "report/typst/ckm-report.typ": ckm-report' in partial
    show = (ROOT / "report" / "quarto" / "typst-show.typ").read_text(encoding="utf-8")
    assert "#show: doc => ckm-report(" in show
    builtin_template = (ROOT / "report" / "typst" / "template.typst").read_text(encoding="utf-8")
    assert "$typst-template.typ()$" in builtin_template and "$typst-show.typ()$" in builtin_template
    look = (ROOT / "report" / "typst" / "ckm-report.typ").read_text(encoding="utf-8")
    assert '#import "@' not in look and "#import" not in look  # no packages: nothing downloaded


STRUCTURE_DOC = (
    "# Omvang {#sec-omvang}\n\n## Schatting {#sec-schatting}\n\n"
    "Zie @sec-bijlage-d, [@sec-omvang; @sec-bijlage-d], @sec-schatting en @fig-x.\n\n"
    "# Bijlagen {.unnumbered}\n\n## Bijlage D *Simulatie* #1 {#sec-bijlage-d}\n\nTekst.\n"
)


def _structure(tmp_path: Path, to: str) -> str:
    source = tmp_path / "doc.md"
    source.write_text(STRUCTURE_DOC, encoding="utf-8")
    out = subprocess.run(
        [pandoc_path(), str(source), "--from", "markdown", "--to", to,
         "--lua-filter", str(ROOT / "report" / "filters" / "structure.lua")],
        capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def test_structure_filter_resolves_section_references_in_dutch(tmp_path):
    """Quarto runs structure.lua before its own crossref, so both engines get the same
    words: "Hoofdstuk n" for chapters, "Paragraaf n.m" below (Quarto's Dutch language
    file would say "Paragraaf" for both). A reference to an unnumbered section is a
    plain link carrying its title; figure references are left for the crossref."""
    text = _structure(tmp_path, "markdown")
    assert "Zie [Bijlage D *Simulatie* #1](#sec-bijlage-d)," in text
    assert "[Hoofdstuk 1](#sec-omvang){.quarto-xref}, [Bijlage D *Simulatie* #1](#sec-bijlage-d)" in text
    assert "[Paragraaf 1.1](#sec-schatting){.quarto-xref} en @fig-x." in text
    assert "@sec-" not in text


def test_structure_filter_writes_typst_headings_independent_of_quarto_wrapping(tmp_path):
    """Quarto 1.7-1.9.17 wrap unnumbered headings in #block[...] and drop their labels;
    a page break in a heading show rule then fails. The filter writes unnumbered
    headings itself (escaped, labelled) and puts a chapter break before every chapter."""
    text = _structure(tmp_path, "typst")
    assert text.count("#ckm-chapter-break()") == 2
    assert "#ckm-chapter-break() = Omvang <sec-omvang>" in text
    assert "#ckm-chapter-break() #heading(level: 1, numbering: none)[Bijlagen] <bijlagen>" in text
    # The title is escaped Typst markup (pandoc's writer), the label kept.
    assert "#heading(level: 2, numbering: none)[Bijlage D #emph[Simulatie] \\#1] <sec-bijlage-d>" in text
    assert "Zie #link(<sec-bijlage-d>)" in text
    assert "@sec-omvang" in text and "@sec-schatting" in text


def test_quarto_commands():
    assert quarto_mod.quarto_commands() == {
        "html": ["quarto", "render", "report.qmd", "--to", "html"],
        "typst": ["quarto", "render", "report.qmd", "--to", "typst"],
    }


def test_find_quarto_honours_env_var(tmp_path, monkeypatch):
    fake = _fake_quarto(tmp_path)
    monkeypatch.setenv("QUARTO_PATH", str(fake))
    assert quarto_mod.find_quarto() == str(fake)
    monkeypatch.setenv("QUARTO_PATH", str(tmp_path / "nope"))
    assert quarto_mod.find_quarto() is None
    # Relative to where the build started, as an absolute path: each render runs in a folder of its own.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUARTO_PATH", "./bin/quarto")
    assert quarto_mod.find_quarto() == str(fake)


def test_render_quarto_without_quarto_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("QUARTO_PATH", str(tmp_path / "missing-quarto"))
    with pytest.raises(RenderError) as info:
        render(tmp_path, tmp_path / "out", engine="quarto")
    message = str(info.value)
    assert "environment.yml" in message and "pip install quarto-cli" in message and "--engine builtin" in message


def test_render_rejects_unknown_engine(tmp_path):
    with pytest.raises(RenderError, match="unknown render engine"):
        render(tmp_path, tmp_path / "out", engine="latex")


def _fake_quarto(tmp_path: Path, fail: bool | str = False, meet: bool = False) -> Path:
    """A stand-in quarto: logs argv and cwd, writes the output Quarto would,
    and reports versions as a newer Quarto would. ``fail``: True, or the one format
    (``"html"``, ``"typst"``) that fails. ``meet``: each render waits (up to 30 s) until
    the other format's render has started, so renders one after another fail."""
    log = tmp_path / "quarto-calls.jsonl"
    script = tmp_path / "bin" / "quarto"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys, time\n"
        f"with open({str(log)!r}, 'a') as f:\n"
        "    f.write(json.dumps({'argv': sys.argv[1:], 'cwd': os.getcwd()}) + '\\n')\n"
        "if sys.argv[1:] == ['--version']: print('1.9.20'); sys.exit(0)\n"
        "if sys.argv[1:] == ['pandoc', '--version']: print('pandoc 3.8.2\\nFeatures: +server'); sys.exit(0)\n"
        "fmt = sys.argv[sys.argv.index('--to') + 1]\n"
        + (f"if {fail!r} in (True, fmt): sys.stderr.write('ERROR: ' + fmt + ' failed\\nline two\\n'); sys.exit(1)\n"
           if fail else "")
        + (f"open({str(tmp_path)!r} + '/started-' + fmt, 'w').close()\n"
           "other = {'html': 'typst', 'typst': 'html'}[fmt]\n"
           "deadline = time.monotonic() + 30\n"
           f"while not os.path.exists({str(tmp_path)!r} + '/started-' + other):\n"
           "    if time.monotonic() > deadline: sys.stderr.write('renders one after another'); sys.exit(1)\n"
           "    time.sleep(0.01)\n" if meet else "")
        + "name = {'html': 'report.html', 'typst': 'report.pdf'}[fmt]\n"
        "open(name, 'w').write('fake ' + fmt + ('\\n/Creator (Typst 0.14.2)' if fmt == 'typst' else ''))\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_render_with_fake_quarto(tmp_path, monkeypatch):
    build = tmp_path / "_build" / "2024"
    make_parts(build)
    write_report_qmd(build, EDITION)
    fake = _fake_quarto(tmp_path)
    monkeypatch.setenv("QUARTO_PATH", str(fake))

    result = render(build, tmp_path / "out", engine="auto")

    assert result.engine == "quarto"
    assert result.files == {"html": tmp_path / "out" / "report.html", "pdf": tmp_path / "out" / "report.pdf"}
    assert (tmp_path / "out" / "report.pdf").read_text().startswith("fake typst")
    assert not (build / "_quarto-html" / "report.html").exists()  # moved, not copied
    # The versions actually used: Quarto's own, its pandoc, and the Typst that wrote the PDF.
    assert result.versions == {"quarto": "1.9.20", "pandoc": "3.8.2", "typst": "0.14.2"}
    calls = [json.loads(line) for line in (tmp_path / "quarto-calls.jsonl").read_text().splitlines()]
    renders = [c for c in calls if c["argv"][0] == "render"]
    assert sorted(c["argv"] for c in renders) == sorted(cmd[1:] for cmd in quarto_mod.quarto_commands().values())
    # Side by side, each format in a project folder of its own with a copy of the render's inputs.
    for call in renders:
        folder = Path(call["cwd"])
        assert os.path.samefile(folder, build / f"_quarto-{call['argv'][-1]}")
        assert (folder / "report.qmd").read_bytes() == (build / "report.qmd").read_bytes()
        assert (folder / "_quarto.yml").is_file() and (folder / "parts").is_dir() and (folder / "report").is_dir()


def test_quarto_renders_html_and_pdf_side_by_side_in_fresh_folders(tmp_path):
    """Each render waits for the other to start: one after another, the first would give up."""
    build = tmp_path / "b"
    make_parts(build)
    write_report_qmd(build, EDITION)
    stale = build / "_quarto-typst" / "parts" / "stale.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("from an earlier render", encoding="utf-8")
    files = quarto_mod.render_with_quarto(build, tmp_path / "out", quarto=str(_fake_quarto(tmp_path, meet=True)))
    assert files["html"].read_text(encoding="utf-8") == "fake html"
    assert not stale.exists()   # every render starts from a fresh copy


@pytest.mark.parametrize(("fail", "fmt"), [("html", "html"), ("typst", "typst"), (True, "html")])
def test_a_failed_quarto_render_names_its_format_and_keeps_the_previous_output(tmp_path, fail, fmt):
    """One format failing, or both (the first is named): Quarto's error tail, nothing published."""
    build = tmp_path / "b"
    make_parts(build)
    write_report_qmd(build, EDITION)
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("previous", encoding="utf-8")
    with pytest.raises(RenderError) as info:
        quarto_mod.render_with_quarto(build, out, quarto=str(_fake_quarto(tmp_path, fail=fail)))
    assert f"--to {fmt}`" in str(info.value) and f"{fmt} failed\nline two" in str(info.value)
    assert str(build / f"_quarto-{fmt}") in str(info.value)
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]
    assert (out / "report.html").read_text(encoding="utf-8") == "previous"


def test_a_quarto_folder_that_cannot_be_made_is_a_render_error(tmp_path):
    build = tmp_path / "b"
    make_parts(build)
    write_report_qmd(build, EDITION)
    (build / "_quarto-typst").write_text("a file where the folder goes", encoding="utf-8")
    with pytest.raises(RenderError, match="could not render --to typst"):
        quarto_mod.render_with_quarto(build, tmp_path / "out", quarto=str(_fake_quarto(tmp_path)))
    assert not (tmp_path / "out").exists()


def test_a_base_edition_built_with_overrides_is_marked_so():
    """`build 2024 -p ...` publishes under the edition's own name: its cover and pages say that its
    parameters are not the parameter file's, and which differ."""
    from dataclasses import replace

    from exploitation_report.pipeline.compare import ParamChange

    assert EDITION.variant_texts() == {}
    changed = replace(EDITION, variant_changes=(ParamChange("estimation.bootstrap.seed", 20241009, 7),),
                      params_file="params/2024.yml")
    texts = changed.variant_texts()
    assert texts["variant-mark"] == "AANGEPASTE PARAMETERS"
    assert r"afwijken van params\/2024\.yml" in texts["variant-notice"]
    assert "= 7 (parameterbestand: 20241009)" in texts["variant-notice"]
