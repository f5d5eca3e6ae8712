"""End to end: a variant builds into its own folder, says so, and leaves its base edition alone."""

import copy
import json
import shutil

import pytest
from report_text import html_text, pdf_pages
from typer.testing import CliRunner

from exploitation_report.cli import app
from exploitation_report.pipeline.build import build
from exploitation_report.pipeline.results import lookup

pytestmark = pytest.mark.e2e
OVERRIDE = "estimation.nonresponse_factor.central=0.2"


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def variant(builtin_edition, tmp_path_factory):
    """The session's base edition copied to a root of its own, and a variant built beside it."""
    _, base = builtin_edition
    root = tmp_path_factory.mktemp("variant")
    shutil.copytree(base.output_dir, root / "_output" / "2024")
    before = tree(root / "_output" / "2024")
    result = build(2024, [OVERRIDE], engine="builtin", variant="lower", output_root=root / "_output",
                   build_root=root / "_build")
    return root, before, result


def test_a_variant_builds_into_its_own_folders_and_leaves_the_base_edition_byte_identical(variant):
    root, before, result = variant
    assert result.output_dir == root / "_output" / "2024--lower" and result.variant == "lower"
    assert tree(root / "_output" / "2024") == before
    assert sorted(p.name for p in (root / "_output").iterdir()) == ["2024", "2024--lower"]
    assert (root / "_build" / "2024--lower" / "report.qmd").is_file()
    assert not (root / "_build" / "2024").exists()   # the base edition's build folder is not touched either
    prov = json.loads((result.output_dir / "provenance.json").read_text(encoding="utf-8"))
    assert prov["edition"] == "2024--lower" and prov["variant"]["name"] == "lower"
    edition = json.loads((result.output_dir / "results.json").read_text(encoding="utf-8"))["edition"]
    assert edition["variant"] == "lower"


def test_a_variant_says_so_on_the_cover_on_every_page_and_lists_what_changed(variant):
    _, _, result = variant
    pages = pdf_pages(result.output_dir / "report.pdf")
    assert all("VARIANT lower" in page for page in pages), [i for i, p in enumerate(pages) if "VARIANT" not in p]
    assert "estimation.nonresponse_factor.central = 0,200 (parameterbestand: 0,500)" in pages[0]
    html = html_text(result.output_dir / "report.html")
    assert "Dit is de variant lower van de editie 2024" in html
    assert "Bijlage E Wat verandert er ten opzichte van de basiseditie" in html
    assert "estimation.any" in html and "niet gebouwd" not in html


def test_compare_lists_nothing_for_an_edition_and_itself_and_finds_a_planted_change(variant, tmp_path):
    root, _, _ = variant
    runner = CliRunner()
    out = root / "_output"
    same = json.loads(runner.invoke(app, ["compare", "2024", "2024", "--json", "--output", str(out)]).output)
    assert same["params"] == [] and same["chapters"] == {}
    planted = tmp_path / "planted"
    shutil.copytree(out / "2024", planted)
    results = json.loads((planted / "results.json").read_text(encoding="utf-8"))
    old = copy.deepcopy(lookup(results, "survey.met_any"))
    lookup(results, "survey.met_any")["estimate"] = 0.75
    (planted / "results.json").write_text(json.dumps(results), encoding="utf-8")
    data = json.loads(runner.invoke(app, ["compare", str(out / "2024"), str(planted), "--json"]).output)
    assert [(c["key"], c["old"], c["new"]) for c in data["chapters"]["survey"]] == [
        ("survey.met_any", old["estimate"], 0.75)]
    moved = json.loads(runner.invoke(app, ["compare", "2024", "2024--lower", "--json", "--output", str(out)]).output)
    assert moved["params"] == [{"key": "estimation.nonresponse_factor.central", "old": 0.5, "new": 0.2}]
    assert "estimation" in moved["chapters"] and "survey" not in moved["chapters"]


def test_appendix_e_says_when_the_base_was_built_with_overrides_and_when_the_variant_changes_nothing(
        builtin_edition, tmp_path):
    """A base edition built with -p is not the parameter file's edition: the variant's appendix E says
    so, and a variant whose override equals the file's value builds with a warning and says so too.
    Rebuilding the base without -p reassembles the variant's appendix (its provenance was read)."""
    _, base = builtin_edition
    out, work = tmp_path / "_output", tmp_path / "_build"
    shutil.copytree(base.output_dir, out / "2024")
    build(2024, ["estimation.nonresponse_factor.central=0.3"], engine="builtin", output_root=out, build_root=work)
    steps = []
    same = build(2024, ["estimation.nonresponse_factor.central=0.5"], engine="builtin", variant="same",
                 output_root=out, build_root=work, step=steps.append)
    warning = ("  Warning: variant same: none of its overrides (estimation.nonresponse_factor.central) differs from "
               "params/2024.yml, so it has the parameters of params/2024.yml; its cover and appendix E say that it "
               "changes no parameter")
    assert warning in steps
    html = html_text(same.output_dir / "report.html")
    assert "Gewijzigde parameters: geen; deze variant wijkt in geen enkele parameter af van het parameterbestand" in html
    assert "Let op: de basiseditie 2024 is zelf gebouwd met aangepaste parameters" in html   # (`-p`): code, apart
    assert ("en is dus niet de editie van params/2024.yml. Ze wijkt daarvan af in: "
            "estimation.nonresponse_factor.central = 0,300 (parameterbestand: 0,500).") in html
    assert "Deze variant wijkt in geen enkele parameter af van params/2024.yml" in html
    # Up to date, the warning is still given; the base rebuilt from the file alone is read again.
    steps.clear()
    again = build(2024, ["estimation.nonresponse_factor.central=0.5"], engine="builtin", variant="same",
                  output_root=out, build_root=work, step=steps.append)
    assert again.steps == {"build": "up to date"} and warning in steps
    build(2024, engine="builtin", output_root=out, build_root=work)
    rebuilt = build(2024, ["estimation.nonresponse_factor.central=0.5"], engine="builtin", variant="same",
                    output_root=out, build_root=work)
    assert rebuilt.steps.get("render") == "ran"
    html = html_text(rebuilt.output_dir / "report.html")
    assert "Let op: de basiseditie" not in html and "Geen van de" in html and "cijfers verandert." in html
