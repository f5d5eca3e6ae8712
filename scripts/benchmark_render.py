"""Render time of one edition with each engine, measured in the same run.

The notebooks are executed once (a full built-in build into a scratch folder);
then the same build folder is rendered again and again by Quarto and by the
built-in engine, alternating, so that both see the same machine load. Prints
the median and range per engine and their ratio. Nothing in the project is
written; this is a benchmark, not a test.

    .venv/bin/python scripts/benchmark_render.py               # 2024, 3 renders per engine
    .venv/bin/python scripts/benchmark_render.py --repeats 5 --year 2024
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from exploitation_report.pipeline.build import build
from exploitation_report.render import render, tool_version
from exploitation_report.render.quarto import find_quarto


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    quarto = find_quarto()
    engines = ["builtin"] + (["quarto"] if quarto else [])
    if not quarto:
        print("Quarto not found (PATH or $QUARTO_PATH): timing the built-in engine only.")
    else:
        print(f"Quarto {tool_version([quarto, '--version'])} at {quarto}")

    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        root = Path(tmp)
        print(f"Executing the notebooks for {args.year} once ...", flush=True)
        build(args.year, engine="builtin", output_root=root / "out", build_root=root / "build")
        build_dir = root / "build" / str(args.year)

        times: dict[str, list[float]] = {engine: [] for engine in engines}
        for i in range(args.repeats):
            for engine in engines:
                start = time.perf_counter()
                render(build_dir, root / f"render-{engine}", engine=engine)
                times[engine].append(time.perf_counter() - start)
                print(f"  run {i + 1}: {engine:8s} {times[engine][-1]:6.1f} s", flush=True)

    print("\nengine    median   min    max   (seconds, HTML + PDF)")
    for engine, values in times.items():
        print(f"{engine:8s} {statistics.median(values):6.1f} {min(values):6.1f} {max(values):6.1f}")
    if "quarto" in times:
        ratio = statistics.median(times["quarto"]) / statistics.median(times["builtin"])
        print(f"Quarto takes {ratio:.1f}x the built-in engine's time.")


if __name__ == "__main__":
    main()
