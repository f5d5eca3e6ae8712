"""Time the validation of a large survey export (default 100,000 rows); not a test.

The shipped synthetic export is repeated with new respondent and organisation numbers into a temporary
CSV, then read and validated as `exploitation-report validate` does, three times in
one process (the first run also pays for imports such as pandera). For comparison the
same file is read with the fast CSV path switched off (Python's csv module line by
line, as before). Prints wall-clock and CPU seconds and the ratio.
Usage: .venv/bin/python scripts/benchmark_validate.py [rows]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import pandas as pd

from exploitation_report.inputs import readers
from exploitation_report.inputs.codebook import load_codebook
from exploitation_report.paths import PROJECT_ROOT


def _timed(path: Path, codebook, repeats: int = 3) -> tuple[float, float, int]:
    """Best wall-clock and CPU seconds over ``repeats`` reads, and the rows read."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        frame = readers.read_survey(path, codebook)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), len(frame)


def main(rows: int = 100_000) -> float:
    source = PROJECT_ROOT / "data" / "2024" / "survey_2024_synthetic.csv"
    cells = pd.read_csv(source, dtype=str, keep_default_na=False)
    # Each copy from organisations of its own: the same answers under another id and from the same
    # organisation would be one questionnaire submitted twice, which validation refuses.
    copies = [cells.assign(organisation_id=cells["organisation_id"] + f"-{k}") for k in range(rows // len(cells) + 1)]
    big = pd.concat(copies, ignore_index=True).iloc[:rows]
    big["respondent_id"] = [f"R{i:06d}" for i in range(rows)]
    codebook = load_codebook(PROJECT_ROOT / "data" / "codebook.yml")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "survey_big.csv"
        big.to_csv(path, index=False)
        wall, cpu, n = _timed(path, codebook)
        with mock.patch.object(readers, "_fast_table", lambda *args: None):
            slow_wall, slow_cpu, _ = _timed(path, codebook, repeats=1)
    print(f"validated {n:,} rows x {big.shape[1]} columns in {wall:.2f} s ({cpu:.2f} s CPU), best of 3")
    print(f"line-by-line CSV reading: {slow_wall:.2f} s ({slow_cpu:.2f} s CPU); ratio {slow_wall / wall:.1f}x")
    return wall


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
