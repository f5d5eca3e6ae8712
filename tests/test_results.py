import json

import numpy as np
import pytest

from exploitation_report.results import Results, dumps, load_section, merge


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
