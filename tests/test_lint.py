"""The code passes ruff with the project's configuration (pyproject.toml, [tool.ruff])."""

import subprocess
import sys

import pytest

from exploitation_report.paths import PROJECT_ROOT


def test_ruff_is_clean():
    if subprocess.run([sys.executable, "-m", "ruff", "--version"], capture_output=True).returncode != 0:
        pytest.skip("ruff is not installed (pip install -e '.[test]' brings it)")
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests", "scripts"],
                          cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
