"""Timings of the MSE code and its bootstrap intervals next to the published BCa intervals.

The tests check every published point estimate; the published BCa intervals come from
R's random numbers, so this script only shows how close a fresh bootstrap lands (and
how long the full searches take). Nothing is written.

    .venv/bin/python scripts/benchmark_mse.py              # Korea, Kosovo, New Orleans, UK up to order 2
    .venv/bin/python scripts/benchmark_mse.py --full       # also the UK five-list search up to order 4
    .venv/bin/python scripts/benchmark_mse.py --resamples 200 --seed 1
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from exploitation_report.stats.mse import analysis as mse
from exploitation_report.stats.mse.search import hierarchical_models

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "mse"

# (file, max order, anchor method text that identifies the published row)
CASES = [
    ("korea_comfort_women_3lists.csv", 2, "BIC best (SCV 2024 Table 6)"),
    ("kosovo_1999_4lists.csv", 3, "BIC best, all hierarchical models (max order 3) (SCV 2024)"),
    ("kosovo_1999_4lists.csv", 2, "BIC best, max order 2 (SCV 2024)"),
    ("new_orleans_5lists_n186.csv", 2, "BIC best max order 4 and 2 (SCV 2024)"),
    ("uk_2013_5lists.csv", 2, "BIC best, max order 2 (Silverman-Chan-Vincent 2024)"),
]
FULL = [("uk_2013_5lists.csv", 4, "BIC best, max order 4 (SCV 2024)")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--full", action="store_true", help="include the 6,893-model UK search (minutes)")
    args = parser.parse_args()
    anchors = list(csv.DictReader((DATA / "published_anchors.csv").open(encoding="utf-8")))
    print(f"{'data':32} {'order':>5} {'N-hat':>9} {'published':>9} {'BCa (ours)':>20} "
          f"{'BCa (published)':>20} {'search s':>8} {'boot s':>7}")
    for name, order, method in CASES + (FULL if args.full else []):
        row = next(r for r in anchors if r["dataset_file"] == name and r["method"] == method)
        data = mse.read_capture_histories(DATA / name)
        t0 = time.perf_counter()
        plain = mse.estimate(data, method="bic", max_order=order, resamples=0)
        t1 = time.perf_counter()
        every = len(hierarchical_models(len(plain.lists), order))   # all models, as the published intervals
        res = mse.estimate(data, method="bic", max_order=order, resamples=args.resamples, seed=args.seed,
                           top=every, interval="bca")
        t2 = time.perf_counter()
        ours = f"[{res.bootstrap[0]:.0f}, {res.bootstrap[1]:.0f}]"
        published = f"[{float(row['published_ci_low']):.0f}, {float(row['published_ci_high']):.0f}]"
        print(f"{name:32} {order:>5} {res.estimate:>9.1f} {row['published_estimate']:>9} {ours:>20} "
              f"{published:>20} {t1 - t0:>8.1f} {t2 - t1 - (t1 - t0):>7.1f}")


if __name__ == "__main__":
    main()
