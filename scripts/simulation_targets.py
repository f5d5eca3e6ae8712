"""Check the simulation study's targets (issue 11, item 5) with many replicates, and print the table.

Targets: where the true assumption values are drawn from the edition's ranges (scenarios
``random`` and ``selected``), the 95 % interval covers the truth in 93-97 % of the
replicates; where the assumptions are right (``right``, ``heavy``, ``missing``), the
central estimate is within +-10 % of the truth on average. Each figure carries its
Monte-Carlo standard error; a target counts as met when the measured value is within
two standard errors of the target range.

    .venv/bin/python scripts/simulation_targets.py                       # 200 replicates, 2024's ranges
    .venv/bin/python scripts/simulation_targets.py --replicates 50 --resamples 500 --csv /tmp/targets.csv

Exits with status 1 when a target is missed. Uses the study's code directly (no cache).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from exploitation_report.inputs.codebook import load_codebook
from exploitation_report.inputs.params import load_params
from exploitation_report.paths import params_path
from exploitation_report.stats import estimation as est
from exploitation_report.stats import simulation as sim

COVERAGE_TARGET = (0.93, 0.97)
BIAS_TARGET = 0.10


def verdicts(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary with the target that applies to each row and whether it is met (within 2 MC s.e.)."""
    out = summary.copy()
    drawn = out["truth_mode"] == "drawn"
    low, high = COVERAGE_TARGET
    cov_ok = (out["coverage"] + 2 * out["coverage_se"] >= low) & (out["coverage"] - 2 * out["coverage_se"] <= high)
    bias_ok = (out["bias"].abs() - 2 * out["bias_se"]) <= BIAS_TARGET
    out["target"] = drawn.map({True: f"coverage {low:.0%}-{high:.0%}", False: f"|bias| <= {BIAS_TARGET:.0%}"})
    out["met"] = cov_ok.where(drawn, bias_ok)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2024, help="edition whose ranges and bands are used")
    parser.add_argument("--replicates", type=int, default=200, help="municipalities per scenario")
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples per estimate")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--scenarios", nargs="*", help="names of scenarios (default: all)")
    parser.add_argument("-p", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--csv", type=Path, help="also write the summary here")
    args = parser.parse_args()

    params = load_params(params_path(args.year), args.overrides)
    bands = est.bands_from(load_codebook(params.input_path("codebook")))
    scenarios = tuple(s for s in sim.SCENARIOS if not args.scenarios or s.name in args.scenarios)
    started = time.perf_counter()
    _, summary = sim.run(sim.World(), scenarios, est.Assumptions.from_params(params), bands,
                         replicates=args.replicates, resamples=args.resamples, seed=args.seed,
                         level=params.estimation.bootstrap.level)
    table = verdicts(summary)
    pct = lambda v, se: f"{v:+.1%} ± {se:.1%}"  # noqa: E731
    shown = pd.DataFrame({
        "scenario": table["scenario"], "form": table["form"], "truth": table["truth_mode"],
        "bias (± MC s.e.)": [pct(v, se) for v, se in zip(table["bias"], table["bias_se"])],
        "bias at truth": [pct(v, se) for v, se in zip(table["bias_at_truth"], table["bias_at_truth_se"])],
        "coverage (± MC s.e.)": [f"{v:.1%} ± {se:.1%}" for v, se in zip(table["coverage"], table["coverage_se"])],
        "width/truth": table["relative_width"].round(2), "target": table["target"], "met": table["met"]})
    print(f"{args.replicates} replicates per scenario, {args.resamples} resamples, ranges of {args.year}, "
          f"{time.perf_counter() - started:.0f} s")
    print(shown.to_markdown(index=False))
    if args.csv:
        table.to_csv(args.csv, index=False)
    return 0 if table["met"].all() else 1


if __name__ == "__main__":
    sys.exit(main())
