"""Fixtures shared by the loader tests: the codebook, the shipped export typed, and its raw cells."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from exploitation_report.codebook import load_codebook
from exploitation_report.survey_io import read_survey

ROOT = Path(__file__).resolve().parents[1]
SURVEY = ROOT / "data" / "2024" / "survey_2024_synthetic.csv"


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
