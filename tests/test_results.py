import json

import numpy as np
import pytest

from exploitation_report.pipeline.results import Results, dumps, load_section, merge


def test_results_are_stable_bytes_and_merge(tmp_path):
    a = Results("survey")
    a.add("met_any", {"estimate": np.float64(0.55), "count": np.int64(121), "ci_low": float("nan")})
    b = Results("estimation")
    b.add("any", {"scenario_central": 300.123456789012345})
    a.save(tmp_path), b.save(tmp_path)
    merged = merge(tmp_path, {"year": 2024})
    assert list(merged["figures"]) == ["estimation.any", "survey.met_any"]
    assert merged["figures"]["survey.met_any"] == {"estimate": 0.55, "count": 121, "ci_low": None}
    assert dumps(merged) == dumps(json.loads(dumps(merged)))
    assert load_section(tmp_path, "survey")["survey.met_any"]["count"] == 121


def test_duplicate_and_missing_keys_fail(tmp_path):
    r = Results("survey")
    r.add("x", 1)
    with pytest.raises(KeyError):
        r.add("x", 2)
    with pytest.raises(FileNotFoundError, match="estimation"):
        load_section(tmp_path, "estimation")


def test_non_finite_numbers_become_null_so_the_file_stays_json(tmp_path):
    r = Results("estimation")
    r.add("dark_number_ratio", {"estimate": float("inf"), "ci_low": -float("inf"), "ci_high": 4.5})
    r.save(tmp_path)

    def refuse(name):
        raise ValueError(f"not JSON: {name}")

    text = (tmp_path / "estimation.json").read_text(encoding="utf-8")
    record = json.loads(text, parse_constant=refuse)["estimation.dark_number_ratio"]
    assert record == {"estimate": None, "ci_low": None, "ci_high": 4.5}
