"""Build an edition from synthetic surveys of 1,000, 10,000 and 100,000 respondents; not a test.

Issue: the cost of a build should grow linearly with the respondents and stay within
memory (the bootstrap runs in chunks). Each size gets a synthetic export (written once
to a temporary folder with `exploitation-report synth`) and is built as a variant of
2024 with the builtin engine, in fresh output and build folders. The population figures
are the same for every size, so the simulation study (a cached step that depends on
the edition's ranges, not on the respondents) is computed once in a warm-up build and
reused; its cost is printed separately.

Prints per size: seconds, peak memory of the largest process (the build or a notebook
worker), seconds per 1,000 respondents, and the marginal seconds per 1,000 respondents
from the size before (flat or falling = the cost grows at most linearly; the fixed cost
of a build, about 15 s on two cores, dominates the small sizes).
Usage: .venv/bin/python scripts/benchmark_scale.py [sizes ...]   (default 1000 10000 100000)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from exploitation_report.paths import PROJECT_ROOT

CLI = [sys.executable, "-m", "exploitation_report.cli"]
# Large enough for 100,000 respondents; the same for every size (one simulation study, kept small:
# it simulates whole municipalities of this size and does not depend on the respondents).
POPULATION = ["-p", "estimation.simulation.replicates=2", "-p", "estimation.simulation.resamples=100",
              "-p", "population.first_line_professionals=600000",
              "-p", "population.first_line_professionals_range.low=500000",
              "-p", "population.first_line_professionals_range.high=700000",
              "-p", "population.invited=450000"]
# Runs a command and prints the peak resident memory (kB) of its largest descendant.
MEASURE = ("import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(rc)")


def build(n: int, data: Path, root: Path, log: Path) -> tuple[float, float]:
    """(seconds, peak MB) of one build of the ``n``-respondent export."""
    args = [*CLI, "build", "2024", "--engine", "builtin", "--variant", f"scale{n}",
            "--output-root", str(root / "out"), "--build-root", str(root / "build"),
            "-p", f"inputs.survey={data / 'survey_2024_synthetic.csv'}",
            "-p", f"inputs.registrations={data / 'registrations_2024.csv'}", *POPULATION]
    start = time.perf_counter()
    with log.open("w") as out:
        done = subprocess.run([sys.executable, "-c", MEASURE, *args], stdout=out, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"build of {n:,} respondents failed; see {log}")
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for n in sizes:
            subprocess.run([*CLI, "synth", "--year", "2024", "--n", str(n), "--no-condition",
                            "--out", str(tmp / f"n{n}")], check=True, stdout=subprocess.DEVNULL)
        warm, _ = build(sizes[0], tmp / f"n{sizes[0]}", tmp / "warm", tmp / "warm.log")
        print(f"warm-up build ({sizes[0]:,} respondents, computes the simulation study once): {warm:.1f} s")
        print(f"{'respondents':>12} {'seconds':>8} {'peak MB':>8} {'s per 1,000':>12} {'marginal':>9}")
        before = None
        for n in sizes:
            seconds, peak = build(n, tmp / f"n{n}", tmp / f"run{n}", tmp / f"build{n}.log")
            marginal = "" if before is None else f"{1000 * (seconds - before[1]) / (n - before[0]):9.3f}"
            print(f"{n:>12,} {seconds:>8.1f} {peak:>8.0f} {1000 * seconds / n:>12.3f} {marginal}")
            before = (n, seconds)


if __name__ == "__main__":
    os.chdir(PROJECT_ROOT)
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 100000])
