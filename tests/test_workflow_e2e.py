"""End to end: Snakemake builds several editions side by side through the same CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from exploitation_report.paths import PROJECT_ROOT
from exploitation_report.stats.change import difference

pytestmark = pytest.mark.e2e
SNAKEFILE = PROJECT_ROOT / "workflow" / "Snakefile"


def _snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "snakemake", "-s", str(SNAKEFILE), "--directory", str(workdir),
                           *args], capture_output=True, text=True, timeout=900)


def test_two_editions_build_side_by_side_and_a_second_run_does_nothing(tmp_path):
    out, work = tmp_path / "_output", tmp_path / "_build"
    config = ["--config", "years=[2024,2026]", "variants=[]", f"output_root={out}", f"build_root={work}",
              "engine=builtin", "params=[estimation.mse.resamples=100]"]
    shipped = PROJECT_ROOT / "_output" / "2024" / "provenance.json"
    before = shipped.stat().st_mtime_ns if shipped.exists() else None
    run = _snakemake(tmp_path, "--cores", "2", *config)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    editions = {}
    for year in (2024, 2026):
        folder = out / str(year)
        assert (folder / "report.pdf").stat().st_size > 0 and (folder / "report.html").stat().st_size > 0
        editions[year] = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
        stamp = json.loads((work / "snakemake" / f"{year}.json").read_text(encoding="utf-8"))
        assert stamp == editions[year]
    assert editions[2024]["year"] == 2024 and editions[2026]["year"] == 2026
    # 2026 names 2024 as its previous edition: its changes equal a hand computation from both published files.
    old, new = (json.loads((out / str(y) / "results.json").read_text(encoding="utf-8")) for y in (2024, 2026))
    change = new["recommendations"]["year_over_year"]["knows_route"]
    a, b = new["survey"]["knows_route"], old["survey"]["knows_route"]
    assert change["estimate"] == pytest.approx(a["count"] / a["base"] - b["count"] / b["base"])
    hand = difference(a["count"], a["base"], b["count"], b["base"])
    assert change["interval"]["low"] == pytest.approx(hand["interval"]["low"])
    assert change["direction"] == hand["direction"] and change["previous_year"] == 2024
    assert (shipped.stat().st_mtime_ns if shipped.exists() else None) == before  # the project's own untouched
    again = _snakemake(tmp_path, "--cores", "2", *config)
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr


def test_the_dry_run_lists_every_year_and_variant_of_the_parameters_folder(tmp_path):
    run = _snakemake(tmp_path, "-n", "--cores", "1", "--config", f"output_root={tmp_path / 'o'}",
                     f"build_root={tmp_path / 'b'}")
    assert run.returncode == 0, run.stderr[-2000:]
    text = run.stdout + run.stderr
    years = sorted(int(p.stem) for p in (PROJECT_ROOT / "params").glob("[0-9][0-9][0-9][0-9].yml"))
    for year in years:
        assert f"snakemake/{year}.json" in text
    for variant in (PROJECT_ROOT / "params" / "variants").glob("*.yml"):
        assert f"{years[-1]}--{variant.stem}.json" in text
