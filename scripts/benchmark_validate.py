"""Time the validation of a large survey export (default 100,000 rows); not a test.

The shipped synthetic export is repeated with new respondent numbers into a temporary
CSV, then read and validated as `exploitation-report validate` does. Prints the seconds
per step. Usage: .venv/bin/python scripts/benchmark_validate.py [rows]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from exploitation_report.inputs.codebook import load_codebook
from exploitation_report.inputs.readers import read_survey
from exploitation_report.paths import PROJECT_ROOT


def main(rows: int = 100_000) -> float:
    source = PROJECT_ROOT / "data" / "2024" / "survey_2024_synthetic.csv"
    cells = pd.read_csv(source, dtype=str, keep_default_na=False)
    big = pd.concat([cells] * (rows // len(cells) + 1), ignore_index=True).iloc[:rows]
    big["respondent_id"] = [f"R{i:06d}" for i in range(rows)]
    codebook = load_codebook(PROJECT_ROOT / "data" / "codebook.yml")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "survey_big.csv"
        big.to_csv(path, index=False)
        start = time.perf_counter()
        frame = read_survey(path, codebook)
        seconds = time.perf_counter() - start
    print(f"validated {len(frame):,} rows x {frame.shape[1]} columns in {seconds:.2f} s")
    return seconds


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
