"""Build time of one edition: the naive pipeline against the project's cold and no-op builds, in one run.

Three ways to build the same edition, each a whole process (start-up and imports included),
alternated so that all see the same machine load:

- naive: validation, then the three notebooks one after another with papermill (a kernel per
  notebook, each importing the scientific stack), then the companion, HTML and PDF one after
  another: what the build did before issue 14. Same validation (with the build's imports beside
  it, which the simulation study's step needs), assembly and publishing code as the real build.
- cold: `exploitation-report build` into empty folders: notebooks in workers forked from the
  build process (no kernel, imports once), 01 and 02 side by side, HTML and PDF side by side.
- no-op: the same command again with nothing changed (only hashes are checked).

Times are of unobserved runs: sampling a process tree costs CPU, which a build that keeps both
cores busy pays and a build that leaves one idle does not. Peak memory, the largest sum of the
resident memory of the build process and everything it started (sampled every 50 ms with
psutil), comes from one more run of each kind after the timed rounds. Prints medians, ranges
and ratios, also the ratio of each round's naive and cold build (the two ran one after the
other, so the machine's load changes less between them than over the whole run). The
simulation study comes from its cache in all three (a warm-up build fills it). Nothing in the
project is written but the package's bytecode (compileall, as an install makes it); this is a
benchmark, not a test (tests hold no timings).

    .venv/bin/python scripts/benchmark_build.py                 # 2024, 3 rounds
    .venv/bin/python scripts/benchmark_build.py --repeats 5 --year 2026
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil


def papermill_notebooks(build_dir, params_file, params_json, ov, *rest):
    """The naive step: each notebook with papermill, one after another (a kernel each)."""
    import papermill as pm

    from exploitation_report.pipeline import build as build_mod

    step = rest[-2]
    executed = []
    for name in build_mod.NOTEBOOKS:
        step(f"Running notebook {name} with papermill")
        out = build_dir / "notebooks" / f"{name}.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        pm.execute_notebook(str(build_mod.ANALYSIS_DIR / f"{name}.ipynb"), str(out),
                            parameters={"params_file": str(params_file), "overrides": ov, "build_dir": str(build_dir)},
                            cwd=str(build_mod.ANALYSIS_DIR), kernel_name="python3", progress_bar=False,
                            log_output=False, request_save_on_cell_execute=False,
                            extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
        executed.append(out)
    return executed


class OneAfterAnother:
    """Stands in for the thread pool of either render engine: HTML first, then PDF."""

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def submit(self, fn, *args):
        from concurrent.futures import Future

        future = Future()
        future.set_result(fn(*args))
        return future


def companion_after_the_report(build_dir, engine, *rest):
    """The naive step: the companion rendered when the build asks for it (after the report's
    render), at normal priority."""
    from exploitation_report.pipeline import build as build_mod
    from exploitation_report.render import render

    class Later:
        def result(self):
            render(build_dir / build_mod.COMPANION, build_dir / build_mod.RENDERED / build_mod.COMPANION, engine=engine)

        def stop(self):
            pass

    return Later()


def naive_build(year: int, engine: str, out: Path, work: Path) -> None:
    """Run in a process of its own by main() (`--naive`)."""
    import exploitation_report.render.builtin as builtin
    import exploitation_report.render.quarto as quarto_engine
    from exploitation_report.pipeline import build as build_mod
    build_mod._run_notebooks = papermill_notebooks
    builtin.ThreadPoolExecutor = quarto_engine.ThreadPoolExecutor = OneAfterAnother
    build_mod._companion_step = companion_after_the_report
    build_mod.build(year, engine=engine, output_root=out, build_root=work, force=True)


def timed(command: list[str]) -> float:
    """Wall seconds of one command, not observed while it runs."""
    start = time.perf_counter()
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start


def peak_memory(command: list[str]) -> float:
    """Peak MB of the resident memory of one command's process tree (sampled every 50 ms)."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    root, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            total = 0
            for p in tree:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            peak = max(peak, total)
        except psutil.Error:
            pass
        time.sleep(0.05)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{proc.stderr.read()[-3000:]}")
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--engine", default="builtin")
    parser.add_argument("--naive", nargs=2, metavar=("OUT", "WORK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.naive:
        naive_build(args.year, args.engine, Path(args.naive[0]), Path(args.naive[1]))
        return

    # Bytecode for the project's own modules, as an installed package has it: where
    # PYTHONDONTWRITEBYTECODE is set (CI, this machine) every process would compile them again.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(__file__).resolve().parents[1] / "src")],
                   check=True, stdout=subprocess.DEVNULL)
    cli = [sys.executable, "-m", "exploitation_report.cli", "build", str(args.year), "--engine", args.engine]

    def naive(out: Path, work: Path) -> list[str]:
        return [sys.executable, __file__, "--year", str(args.year), "--engine", args.engine, "--naive", str(out),
                str(work)]

    def project(out: Path, work: Path) -> list[str]:
        return cli + ["--output-root", str(out), "--build-root", str(work)]

    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        root = Path(tmp)
        print(f"Warm-up build of {args.year} (fills the simulation study's cache) ...", flush=True)
        timed(project(root / "warm-o", root / "warm-b"))
        runs: dict[str, list[float]] = {"naive": [], "cold": [], "no-op": []}
        for i in range(args.repeats):
            out, work = root / f"o{i}", root / f"b{i}"
            runs["naive"].append(timed(naive(root / f"n{i}-o", root / f"n{i}-b")))
            runs["cold"].append(timed(project(out, work)))
            runs["no-op"].append(timed(project(out, work)))
            print(f"round {i + 1}: " + ", ".join(f"{name} {r[-1]:.2f} s" for name, r in runs.items()), flush=True)
        print("Peak memory: one more run of each ...", flush=True)
        memory = {"naive": peak_memory(naive(root / "mn-o", root / "mn-b")),
                  "cold": peak_memory(project(root / "mc-o", root / "mc-b"))}
        memory["no-op"] = peak_memory(project(root / "mc-o", root / "mc-b"))

    median = {name: statistics.median(r) for name, r in runs.items()}
    print(f"\n{args.year}, {args.engine} engine, {args.repeats} rounds, {psutil.cpu_count()} cores")
    print(f"{'build':8} {'median s':>9} {'range s':>13} {'peak MB':>8}")
    for name, secs in runs.items():
        print(f"{name:8} {median[name]:9.2f} {min(secs):6.2f}-{max(secs):<6.2f} {memory[name]:8.0f}")
    print(f"\nnaive / cold  = {median['naive'] / median['cold']:.2f}x  (target at least 3x)")
    # Each round's naive and cold builds ran one after the other, under about the same load.
    paired = [n / c for n, c in zip(runs["naive"], runs["cold"])]
    print(f"  per round:    {' '.join(f'{r:.2f}x' for r in paired)}  (median {statistics.median(paired):.2f}x)")
    print(f"naive / no-op = {median['naive'] / median['no-op']:.1f}x;  no-op {median['no-op']:.2f} s "
          f"(target under 0.5 s)")


if __name__ == "__main__":
    main()
