"""Shared fixtures: whole editions (slow to build: each engine builds one per session), and for
the loader tests the codebook, the shipped export typed, and its raw cells."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from exploitation_report.inputs.codebook import load_codebook
from exploitation_report.inputs.readers import read_survey
from exploitation_report.pipeline.build import build
from exploitation_report.render.quarto import find_quarto

ROOT = Path(__file__).resolve().parents[1]
SURVEY = ROOT / "data" / "2024" / "survey_2024_synthetic.csv"

# .ci/run sets this where it installed Quarto, so that a broken install fails the run
# instead of silently skipping the Quarto tests.
REQUIRE_QUARTO = "EXPLOITATION_REPORT_REQUIRE_QUARTO"
QUARTO_SKIP = ("Quarto is not installed (no `quarto` on PATH or in $QUARTO_PATH); "
               "the Quarto render path is tested where it is, as in .ci/run")


def _build_edition(tmp_path_factory, engine: str):
    root = tmp_path_factory.mktemp(f"e2e-{engine}")
    result = build(2024, engine=engine, output_root=root / "_output", build_root=root / "_build")
    return root, result


@pytest.fixture(scope="session")
def builtin_edition(tmp_path_factory):
    """The shipped 2024 edition, rendered by the built-in engine: (root folder, BuildResult)."""
    return _build_edition(tmp_path_factory, "builtin")


@pytest.fixture(scope="session")
def quarto_edition(tmp_path_factory):
    """The shipped 2024 edition, rendered by Quarto; skipped where Quarto is not installed."""
    if find_quarto() is None:
        if os.environ.get(REQUIRE_QUARTO):
            pytest.fail(f"{REQUIRE_QUARTO} is set but Quarto is not found on PATH or in $QUARTO_PATH")
        pytest.skip(QUARTO_SKIP)
    return _build_edition(tmp_path_factory, "quarto")


@pytest.fixture(scope="module")
def cb():
    return load_codebook(ROOT / "data" / "codebook.yml")


@pytest.fixture(scope="module")
def typed(cb):
    return read_survey(SURVEY, cb)


@pytest.fixture()
def cells() -> pd.DataFrame:
    """The shipped export as text cells, to change and write to tmp_path."""
    return pd.read_csv(SURVEY, dtype=str, keep_default_na=False)


@pytest.fixture()
def params_2024_copy(tmp_path) -> dict:
    """params/2024.yml written to tmp_path/params/2024.yml with its input paths made absolute (so
    that it reads the shipped data from there); returns its content."""
    import yaml

    (tmp_path / "params").mkdir()
    params = yaml.safe_load((ROOT / "params" / "2024.yml").read_text(encoding="utf-8"))
    for key, value in params["inputs"].items():
        if value is not None:
            params["inputs"][key] = str(ROOT / value)
    (tmp_path / "params" / "2024.yml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    return params
