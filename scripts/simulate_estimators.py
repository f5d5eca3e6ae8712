"""Simulation study of the estimator of the number of victims (issue 4, item 8).

Writes report/simulation/simulation_results.csv (one row per non-response design: the
relative bias of each estimator and the coverage of the 95% interval) and
simulation_replicates.csv (every replicate), deterministically from --seed. The
estimation notebook reads the summary into an appendix of the report.

    .venv/bin/python scripts/simulate_estimators.py            # the committed study
    .venv/bin/python scripts/simulate_estimators.py --replicates 20 --out /tmp/sim   # a quick look

The assumption ranges, answer bands and caps are those of params/<year>.yml and the
codebook, so the study checks the estimator exactly as the report uses it.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from exploitation_report.inputs.codebook import load_codebook
from exploitation_report.inputs.params import load_params, params_path
from exploitation_report.paths import PROJECT_ROOT
from exploitation_report.stats import estimation as est
from exploitation_report.stats import simulation as sim


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2024, help="edition whose assumptions are used")
    parser.add_argument("--replicates", type=int, default=200, help="populations per design")
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples per replicate")
    parser.add_argument("--seed", type=int, default=20241009)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "report" / "simulation")
    args = parser.parse_args()

    started = time.perf_counter()
    params = load_params(params_path(args.year))
    bands = est.bands_from(load_codebook(params.input_path("codebook")))
    e = params.estimation
    reps, summary = sim.run(sim.World(), sim.DESIGNS, est.Assumptions.from_params(params), bands,
                            replicates=args.replicates,
                            resamples=args.resamples, seed=args.seed, level=e.bootstrap.level)
    args.out.mkdir(parents=True, exist_ok=True)
    summary.round(6).to_csv(args.out / "simulation_results.csv", index=False, lineterminator="\n")
    reps.round(6).to_csv(args.out / "simulation_replicates.csv", index=False, lineterminator="\n")
    print(summary.to_string(index=False))
    print(f"{args.replicates} replicates x {len(sim.DESIGNS)} designs, {args.resamples} resamples each: "
          f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
