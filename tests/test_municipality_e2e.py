"""End to end: the same code writes the report for another municipality.

Every place-bound word (municipality, registering organisation, action programme,
commissioner) comes from the parameters and the municipality's own inputs; an edition
for "gemeente Voorbeeld" built from the shipped synthetic survey must not mention
Groningen anywhere in what it publishes.
"""

import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from report_text import html_text, pdf_pages

from exploitation_report.paths import PROJECT_ROOT
from exploitation_report.pipeline import build as build_mod

pytestmark = pytest.mark.e2e


def _rewrite(source: Path, target: Path) -> Path:
    """A copy of one of Groningen's inputs, as Voorbeeld's own (place names replaced)."""
    text = source.read_text(encoding="utf-8").replace("ZVHG", "ZVV").replace("Groningen", "Voorbeeld")
    target.write_text(text, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def voorbeeld(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("voorbeeld")
    params = yaml.safe_load((PROJECT_ROOT / "params" / "2024.yml").read_text(encoding="utf-8"))
    params["title"] = "Seksuele en criminele uitbuiting in de gemeente Voorbeeld"
    params["municipality"] = {"name": "Voorbeeld", "commissioner": "Gemeente Voorbeeld",
                              "registering_organisation": {"short": "ZVV",
                                                           "name": "Zorg- en Veiligheidshuis Voorbeeld"},
                              "action_programme": None}
    params["publication"] = {**params["publication"], "publisher": "Gemeente Voorbeeld", "place": "Voorbeeld"}
    inputs = params["inputs"]
    params["inputs"] = {
        "survey": str(PROJECT_ROOT / inputs["survey"]),
        "codebook": str(_rewrite(PROJECT_ROOT / inputs["codebook"], tmp / "codebook.yml")),
        "registrations": str(_rewrite(PROJECT_ROOT / inputs["registrations"], tmp / "registrations.csv")),
        "recommendations": str(_rewrite(PROJECT_ROOT / inputs["recommendations"], tmp / "recommendations.yml")),
        "linked_registrations": None,   # no linked registrations in Voorbeeld
        "published_figures": None,      # nothing of Voorbeeld was ever published
        "interviews": None,             # no interviews held in Voorbeeld
        "municipal_context": None,      # and no description of its approach
    }
    # Inside the project (provenance names the parameter file relative to it), in the ignored _build/.
    (PROJECT_ROOT / "_build").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="voorbeeld-", dir=PROJECT_ROOT / "_build"))
    (folder / "2024.yml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    patch = pytest.MonkeyPatch()
    patch.setattr(build_mod, "params_path", lambda year: folder / f"{year}.yml")
    try:
        yield build_mod.build(2024, engine="builtin",
                              output_root=tmp / "_output", build_root=tmp / "_build")
    finally:
        patch.undo()
        shutil.rmtree(folder, ignore_errors=True)


def test_no_groningen_in_anything_the_voorbeeld_edition_publishes(voorbeeld):
    out = voorbeeld.output_dir
    html = html_text(out / "report.html")
    pdf = " ".join(pdf_pages(out / "report.pdf"))
    assert "gemeente Voorbeeld" in html and "Zorg- en Veiligheidshuis Voorbeeld" in html
    assert "Gemeente Voorbeeld" in html                      # the commissioner in the colofon
    assert "Voorbeeld" in pdf
    for name in ("report.html", "results.json"):
        assert "Groningen" not in (out / name).read_text(encoding="utf-8"), name
    assert "Groningen" not in pdf and "ZVHG" not in html
    # No action programme named: no sentence about one.
    assert "actieprogramma" not in html
    # No interview file: the method says so, and no quote appears; no context file: the approach chapter says so.
    assert "Voor deze editie zijn geen interviews gehouden." in html and "citaat" not in html
    assert "geen beschrijving van de huidige aanpak van de gemeente Voorbeeld" in html
    assert "Gemeente Voorbeeld (2024)." in html   # the citation line
