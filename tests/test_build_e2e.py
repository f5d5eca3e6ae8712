"""End to end: build editions with the built-in engine and read them as a reader would."""

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from report_text import html_text, pdf_pages, squash

from exploitation_report.chapters import dutch
from exploitation_report.inputs.errors import InputError
from exploitation_report.pipeline.build import BuildError, build
from exploitation_report.pipeline.results import lookup, sections

pytestmark = pytest.mark.e2e
HEADLINE = ("met_any", "direct_contact", "met_both")


@pytest.fixture(scope="module")
def edition(builtin_edition):
    return builtin_edition  # built once per session (conftest.py)


def test_edition_has_every_output(edition):
    _, result = edition
    out = result.output_dir
    for name in ("report.html", "report.pdf", "verantwoording.html", "verantwoording.pdf", "results.json",
                 "provenance.json"):
        assert (out / name).stat().st_size > 0, name
    assert sorted(p.name for p in (out / "notebooks").glob("*.ipynb")) == [
        "01_survey.ipynb", "02_estimation.ipynb", "03_recommendations.ipynb"]
    assert result.engine == "builtin" and result.synthetic


def test_pipeline_material_is_in_the_companion_not_in_the_report(edition):
    """Hashes, the parameter dump and software versions go to verantwoording.html/.pdf, which the report names."""
    _, result = edition
    out = result.output_dir
    report = html_text(out / "report.html") + " ".join(pdf_pages(out / "report.pdf"))
    assert "SHA-256 (begin)" not in report and "Gebruikte software" not in report and "estimation.bootstrap" not in report
    assert "technische verantwoording" in report and "verantwoording.pdf" in report
    provenance = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    for text in (html_text(out / "verantwoording.html"), " ".join(pdf_pages(out / "verantwoording.pdf"))):
        text = squash(text)
        for expected in ("Technische verantwoording", "Parameters en herkomst", "estimation.bootstrap.seed",
                         provenance["inputs"]["survey"]["sha256"][:16]):
            assert squash(expected) in text, expected
    assert all("SYNTHETISCH" in page.upper() for page in pdf_pages(out / "verantwoording.pdf"))


def test_headline_figures_appear_in_dutch_in_html_and_pdf(edition):
    _, result = edition
    figures = json.loads((result.output_dir / "results.json").read_text(encoding="utf-8"))
    html = html_text(result.output_dir / "report.html")
    pdf = squash(" ".join(pdf_pages(result.output_dir / "report.pdf")))
    for key in HEADLINE:
        record = lookup(figures, f"survey.{key}")
        assert not record["suppressed"]
        text = dutch.share_with_base(record)
        assert text in html, (key, text)
        assert squash(text) in pdf, (key, text)
    est = lookup(figures, "estimation.any")
    low, high, _ = dutch.interval_of(est)
    interval = dutch.number_range(low, high)
    assert interval in html and squash(interval) in pdf
    assert dutch.magnitude(low, high) in html


def test_synthetic_marking_on_cover_and_every_page(edition):
    _, result = edition
    pages = pdf_pages(result.output_dir / "report.pdf")
    assert len(pages) >= 8
    assert all("SYNTHETISCH" in page.upper() for page in pages), [i for i, p in enumerate(pages) if "SYNTHETISCH" not in p.upper()]
    assert "Inhoudsopgave" in " ".join(pages[:3])
    html = (result.output_dir / "report.html").read_text(encoding="utf-8")
    assert "SYNTHETISCH" in html.upper() and 'lang="nl"' in html
    edition = json.loads((result.output_dir / "results.json").read_text(encoding="utf-8"))["edition"]
    assert edition["synthetic"] is True


def test_report_structure_and_no_free_text(edition):
    _, result = edition
    html = html_text(result.output_dir / "report.html")
    for heading in ("Samenvatting", "Inleiding", "Methode", "Omvang", "Conclusies en aanbevelingen", "Bijlage"):
        assert heading in html
    # The chapters in the order of a CKM report (report/outline.yml), each once, in the HTML and in the PDF outline.
    order = ["Colofon", "Voorwoord", "Samenvatting", "1 Inleiding", "2 Methode", "3 Aard van de uitbuiting",
             "4 Omvang", "5 Gemeentelijke aanpak", "6 Conclusies en aanbevelingen", "Literatuur",
             "Lijst van figuren en tabellen", "Bijlagen"]
    raw = (result.output_dir / "report.html").read_text(encoding="utf-8")
    h1 = [" ".join(re.sub(r"<[^>]+>", " ", m).split()) for m in re.findall(r"<h1[^>]*>(.*?)</h1>", raw, re.DOTALL)]
    assert [h for h in h1 if h in order] == order, h1
    for section in ("Begrippen", "Leeswijzer", "Kerncijfers", "Conclusies per onderzoeksvraag",
                    "Belangrijkste kanttekeningen", "Ketenpartners", "Interviews", "Wat niet is gevraagd"):
        assert section in html, section
    # Cover and colofon: commissioner, authors, date and the citation line.
    assert "Opdrachtgever: Gemeente Groningen · auteurs: Projectteam" in html
    assert "Gemeente Groningen (2024). Seksuele en criminele uitbuiting in de gemeente Groningen." in html
    # Interview quotes: marked synthetic, by role, never a name.
    from exploitation_report.inputs import interviews
    from exploitation_report.paths import PROJECT_ROOT
    quotes = interviews.load(PROJECT_ROOT / "data/2024/interviews_synthetic.yml").quotes
    for q in quotes:
        assert f"“{q.text}”" in html and f"— {q.role[0].upper()}{q.role[1:]} (synthetisch citaat)" in html
    assert "geen interviews gehouden" not in html
    assert "Figuur 1" in html and "Tabel 1" in html
    assert "@fig-" not in html and "@tbl-" not in html
    # Free-text answers never reach the report.
    import pandas as pd

    from exploitation_report.paths import PROJECT_ROOT
    survey = pd.read_csv(PROJECT_ROOT / "data/2024/survey_2024_synthetic.csv", dtype=str)
    for column in ("sector_other", "noreport_other_text", "remarks"):
        for answer in survey[column].dropna().unique():
            assert answer not in html, (column, answer)


def test_same_inputs_same_numbers_and_overrides_move_only_what_they_touch(edition, tmp_path):
    root, result = edition
    again = build(2024, engine="builtin", output_root=tmp_path / "a", build_root=tmp_path / "b")
    assert (again.output_dir / "results.json").read_bytes() == (result.output_dir / "results.json").read_bytes()
    assert (again.output_dir / "report.html").read_bytes() == (result.output_dir / "report.html").read_bytes()
    changed = build(2024, ["estimation.nonresponse_factor.central=0.2"], engine="builtin",
                    output_root=tmp_path / "c", build_root=tmp_path / "d")
    before = json.loads((result.output_dir / "results.json").read_text(encoding="utf-8"))
    after = json.loads((changed.output_dir / "results.json").read_text(encoding="utf-8"))
    assert lookup(after, "survey.met_any") == lookup(before, "survey.met_any")
    assert lookup(after, "estimation.any.scenario_central") < lookup(before, "estimation.any.scenario_central")
    # The simulation study is this edition's own: run with the changed range, not 2024's committed one.
    assert [lookup(r, "estimation.simulation.assumptions.nonresponse_factor.central") for r in (before, after)] \
        == [0.5, 0.2]
    # Its scenarios with the truth at the central values ran with the changed central factor.
    assert {d["true_factor"] for d in lookup(after, "estimation.simulation.designs") if d["truth"] == "central"} \
        == {0.2}
    prov = json.loads((changed.output_dir / "provenance.json").read_text(encoding="utf-8"))
    assert prov["overrides"] == {"estimation.nonresponse_factor.central": 0.2}


def test_failed_build_leaves_previous_edition_in_place(edition, tmp_path, monkeypatch):
    root, result = edition
    pdf = (result.output_dir / "report.pdf").read_bytes()
    with pytest.raises(InputError, match="inputs.survey"):
        build(2024, ["inputs.survey=data/2024/missing.csv"], engine="builtin",
              output_root=root / "_output", build_root=root / "_build")
    with pytest.raises(InputError, match="registrations_year within the reference period"):
        build(2024, ["estimation.registrations_year=1990"], engine="builtin",
              output_root=root / "_output", build_root=root / "_build")
    # A failure inside a notebook is a build error naming the notebook, not a traceback.
    import nbformat

    import exploitation_report.pipeline.build as build_module
    for source in build_module.ANALYSIS_DIR.glob("*.ipynb"):
        book = nbformat.read(source, as_version=4)
        if source.stem == "02_estimation":
            book.cells.append(nbformat.v4.new_code_cell('raise RuntimeError("deliberate failure")'))
        nbformat.write(book, tmp_path / source.name)
    monkeypatch.setattr(build_module, "ANALYSIS_DIR", tmp_path)
    with pytest.raises(BuildError, match="02_estimation.*deliberate failure"):
        build(2024, engine="builtin", output_root=root / "_output", build_root=root / "_build")
    assert (result.output_dir / "report.pdf").read_bytes() == pdf
    assert not list((root / "_output").glob(".*staging*"))


def test_every_published_figure_reads_as_published(edition):
    # The shipped 2024 edition reproduces the REAL published figures (data/2024/published_figures.yml),
    # each rounded as published; results.json is what the report prints from.
    from exploitation_report.chapters import published_text
    from exploitation_report.inputs import published
    from exploitation_report.paths import PROJECT_ROOT

    _, result = edition
    figures = json.loads((result.output_dir / "results.json").read_text(encoding="utf-8"))
    real = published.for_year(2024, PROJECT_ROOT)
    differs = {key: published_text.check(figure, figures) for key, figure in real.figures.items()}
    assert not {key: why for key, why in differs.items() if why}
    assert lookup(figures, "survey.response.analysed.value") == real.figures["respondents"].value
    # The methods chapter and appendix E say which figures the data were made to match and where they were published.
    html = html_text(result.output_dir / "report.html")
    pdf = squash(" ".join(pdf_pages(result.output_dir / "report.pdf")))
    assert "Synthetische gegevens" in html and "Bijlage D Gepubliceerde cijfers en synthetische gegevens" in html
    for figure in real.figures.values():
        for text in (figure.published_as, real.sources[figure.source].title_nl,
                     published_text.shown_in_edition(figure, figures)):
            assert text in html, text
    assert squash("Bijlage D Gepubliceerde cijfers") in pdf


def test_full_disk_while_rendering_gives_one_line_and_keeps_the_edition(edition, monkeypatch):
    import errno

    import exploitation_report.render as render_mod

    root, result = edition
    before = {p.name: p.read_bytes() for p in result.output_dir.iterdir() if p.is_file()}

    def full_disk(build_dir, out_dir, engine="auto"):
        (out_dir / "report.html").write_text("half", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device", str(out_dir / "report.pdf"))

    monkeypatch.setattr(render_mod, "render", full_disk)
    with pytest.raises(BuildError) as err:   # forced: with nothing changed the build would not render
        build(2024, engine="builtin", output_root=root / "_output", build_root=root / "_build", force=True)
    message = str(err.value)
    assert "\n" not in message and "the disk is full" in message and "2024/rendered/report.pdf" in message
    assert {p.name: p.read_bytes() for p in result.output_dir.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in (root / "_output").iterdir()) == ["2024"]


def test_methode_states_the_disclosure_rules_and_no_small_group_is_all_or_none(edition):
    from exploitation_report.stats.suppression import all_or_none_base

    _, result = edition
    html = html_text(result.output_dir / "report.html")
    assert "binnen één rij, kolom of totaal samen zijn nooit 1 tot en met 4 personen" in html
    assert "Een aandeel van 0% of 100% zegt iets over ieder lid van een groep" in html
    assert f"alleen gepubliceerd voor groepen van ten minste {all_or_none_base(5)} personen" in html
    figures = sections(json.loads((result.output_dir / "results.json").read_text(encoding="utf-8")))
    exact = []

    def walk(value, path):
        if isinstance(value, dict):
            if {"estimate", "base", "count"} <= set(value) and value.get("estimate") in (0, 1):
                if value["base"] is not None and value["base"] < all_or_none_base(5):
                    exact.append((path, value["count"], value["base"]))
            for key, child in value.items():
                walk(child, f"{path}.{key}")

    walk(figures, "results")
    assert exact == []


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):   # a thread that ended meanwhile
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:   # a process that ended meanwhile (the validation's)
        return b""


def _gone(pid: int) -> bool:
    """Ended (a zombie waits only for init to reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_a_terminated_build_ends_the_companion_it_started(tmp_path):
    """SIGTERM (a cancelled batch job) ends a build as Ctrl-C does: the companion's render, a
    session of its own, does not go on writing into the build folder."""
    command = [sys.executable, "-m", "exploitation_report.cli", "build", "2024", "--engine", "builtin",
               "--output-root", str(tmp_path / "o"), "--build-root", str(tmp_path / "b")]
    build_process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env=dict(os.environ, COLUMNS="200"))
    try:
        for line in build_process.stdout:
            if "technical companion" in line:
                break
        # The step's line comes first, the companion's process a moment later.
        for _ in range(3000):
            found = [pid for pid in _children(build_process.pid)
                     if b"exploitation_report.render import render" in _cmdline(pid)]
            if found:
                break
            time.sleep(0.01)
        (companion,) = found
        build_process.send_signal(signal.SIGTERM)
        assert build_process.wait(timeout=60) == 128 + signal.SIGTERM
    finally:
        build_process.kill()
        build_process.communicate()
    for _ in range(500):
        if _gone(companion):
            break
        time.sleep(0.01)
    assert _gone(companion)
    assert not (tmp_path / "o" / "2024").exists()   # nothing published


# Numbers of an estimated figure in whole persons (`inputs.rounding.as_printed`); the rest of such a
# figure (a band position, the assumptions' ranges, counts of models) is no estimate.
PERSON_KEYS = {"estimate", "low", "high", "known_dedup", "reported_raw", "scenario_low", "scenario_central",
               "scenario_high", "minimum", "typical", "total_low", "total_central", "total_high", "swing",
               "estimate_without_top", "top_contribution", "unobserved"}


def test_no_estimated_figure_in_results_json_is_more_exact_than_the_report_prints_it(edition):
    # To six decimals, the steps of a small edition's estimate gave its answer-band counts back.
    _, result = edition
    doc = json.loads((result.output_dir / "results.json").read_text(encoding="utf-8"))
    seen = {"persons": 0, "ratio": 0}

    def check(value, path: str, unit: str | None) -> None:
        if isinstance(value, dict):
            if value.get("kind") == "estimate" and value.get("unit") in seen:
                unit = value["unit"]
            for key, inner in value.items():
                if key not in ("range", "ranges", "nonresponse_factor"):
                    check(inner, f"{path}.{key}", unit)
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                check(inner, f"{path}[{i}]", unit)
        elif unit == "persons" and path.rsplit(".", 1)[-1] in PERSON_KEYS and value is not None:
            assert isinstance(value, int), f"{path}: {value} persons, expected a whole number"
            seen[unit] += 1
        elif unit == "ratio" and path.rsplit(".", 1)[-1] in ("estimate", "low", "high", "central_low",
                                                              "central_high") and value is not None:
            # Estimated per registered victim to one decimal (the comparison table), late / early to two.
            decimals = 1 if ".dark_number_ratio." in path else 2
            assert round(value, decimals) == value, f"{path}: {value}, more decimals than the report prints"
            seen[unit] += 1

    estimation = {k: v for k, v in doc["estimation"].items() if k != "simulation"}   # simulated worlds only
    check(estimation, "estimation", None)
    assert seen["persons"] > 50 and seen["ratio"] > 5, seen
    tests = [t for name, t in doc["survey"].items() if name.startswith("test_") and t.get("p_value") is not None]
    assert tests
    for test in tests:
        assert round(test["statistic"], 1) == test["statistic"] and round(test["cramers_v"], 2) == test["cramers_v"]
        assert test["p_value"] < 0.001 or round(test["p_value"], 3) == test["p_value"]
