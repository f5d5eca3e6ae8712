"""Simulation study of the estimator of the number of victims, by hand (the build runs it for every edition).

Runs exactly what the build's step "Running the simulation study" runs
(`pipeline.simulation_study.run_study`) for an edition's parameters, with the shared cache,
and prints the summary. Options override the edition's `estimation.simulation` settings:

    .venv/bin/python scripts/simulate_estimators.py                         # the 2024 edition's study
    .venv/bin/python scripts/simulate_estimators.py --replicates 20 --out /tmp/sim   # a quick look
    .venv/bin/python scripts/simulate_estimators.py -p estimation.nonresponse_factor.central=0.3

Writes simulation_results.csv, simulation_replicates.csv and study.json into --out
(default `_build/<year>-simulation/`).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from exploitation_report.inputs.codebook import load_codebook
from exploitation_report.inputs.params import load_params
from exploitation_report.paths import BUILD_ROOT, params_path
from exploitation_report.pipeline import simulation_study as study


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2024, help="edition whose parameters are used")
    parser.add_argument("--replicates", type=int, help="municipalities per scenario (default: the edition's)")
    parser.add_argument("--resamples", type=int, help="bootstrap resamples per replicate (default: the edition's)")
    parser.add_argument("--seed", type=int, help="the study's seed (default: the edition's)")
    parser.add_argument("-p", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="a parameter override, as for `exploitation-report build`")
    parser.add_argument("--out", type=Path, help="output folder (default: _build/<year>-simulation)")
    args = parser.parse_args()

    overrides = list(args.overrides) + [f"estimation.simulation.{name}={getattr(args, name)}"
                                        for name in ("replicates", "resamples", "seed")
                                        if getattr(args, name) is not None]
    params = load_params(params_path(args.year), overrides)
    settings = study.StudySettings.from_edition(params, load_codebook(params.input_path("codebook")))
    started = time.perf_counter()
    out = study.run_study(settings, args.out or BUILD_ROOT / f"{args.year}-simulation", log=print)
    print(study.load_study(out).to_string(index=False))
    print(f"{out}: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
