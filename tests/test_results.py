import json

import numpy as np
import pytest

from exploitation_report.pipeline import results as results_mod
from exploitation_report.pipeline.results import (
    SCHEMA_VERSION,
    Figures,
    Results,
    dumps,
    figures,
    key_problems,
    load_section,
    load_sections,
    lookup,
    merge,
    sections,
)


def test_results_are_stable_bytes_nested_and_merge(tmp_path):
    a = Results("survey")
    a.add("met_any", {"estimate": np.float64(0.55), "count": np.int64(121), "ci_low": float("nan")})
    a.add("distribution.know_route", {"base": 217})
    b = Results("estimation")
    b.add("any", {"scenario_central": 300.123456789012345})
    a.save(tmp_path), b.save(tmp_path)
    merged = merge(tmp_path, {"year": 2024})
    assert sorted(merged) == ["edition", "estimation", "schema_version", "survey"]
    assert merged["schema_version"] == SCHEMA_VERSION and merged["edition"] == {"year": 2024}
    assert merged["survey"]["met_any"] == {"estimate": 0.55, "count": 121, "ci_low": None}
    assert merged["survey"]["distribution"] == {"know_route": {"base": 217}}
    assert dumps(merged) == dumps(json.loads(dumps(merged)))
    assert load_section(tmp_path, "survey")["survey"]["met_any"]["count"] == 121
    assert a["distribution.know_route"] == {"base": 217}


def test_duplicate_and_missing_keys_fail(tmp_path):
    r = Results("survey")
    r.add("x", 1)
    with pytest.raises(KeyError):
        r.add("x", 2)
    r.add("share", results_mod.count(3, "persons"))
    with pytest.raises(KeyError, match="holds a figure"):
        r.add("share.part", 1)
    with pytest.raises(FileNotFoundError, match="estimation"):
        load_section(tmp_path, "estimation")
    (tmp_path / "a.json").write_text('{"survey": {}}', encoding="utf-8")
    (tmp_path / "b.json").write_text('{"survey": {}}', encoding="utf-8")
    with pytest.raises(KeyError, match="two notebooks"):
        merge(tmp_path, {})


def test_non_finite_numbers_become_null_so_the_file_stays_json(tmp_path):
    r = Results("estimation")
    r.add("dark_number_ratio", {"estimate": float("inf"), "ci_low": -float("inf"), "ci_high": 4.5})
    r.save(tmp_path)

    def refuse(name):
        raise ValueError(f"not JSON: {name}")

    text = (tmp_path / "estimation.json").read_text(encoding="utf-8")
    record = json.loads(text, parse_constant=refuse)["estimation"]["dark_number_ratio"]
    assert record == {"estimate": None, "ci_low": None, "ci_high": 4.5}


def test_keys_must_be_snake_case_codes():
    with pytest.raises(ValueError, match="found counts.Ja"):
        Results("survey").add("counts", {"Ja": 3, "code_2": 4})
    with pytest.raises(ValueError, match="found year 2024"):
        Results("survey").add("year 2024", 1)
    assert key_problems({"a": {"b c": 1, "ok": [{"Ä": 2}]}}) == ["a.b c", "a.ok[0].Ä"]
    Results("survey").add("by_sector.code_1", 1)  # codes pass


def test_lookup_reads_nested_flat_and_v0_documents():
    nested = {"schema_version": "1.0.0", "survey": {"met_any": {"estimate": 0.5, "interval": {"low": 0.4}}}}
    assert lookup(nested, "survey.met_any.interval.low") == 0.4
    flat = {"survey.met_any": {"estimate": 0.5}, "survey.response": {"analysed": 222}}
    assert lookup(flat, "survey.met_any.estimate") == 0.5 and lookup(flat, "survey.response.analysed") == 222
    v0 = {"meta": {"year": 2024}, "figures": flat}
    assert lookup(v0, "survey.met_any") == {"estimate": 0.5} and lookup(v0, "meta.year") == 2024
    assert sections(v0) == {"survey": {"met_any": {"estimate": 0.5}, "response": {"analysed": 222}}}
    assert sections(nested) == {"survey": nested["survey"]}
    with pytest.raises(KeyError, match="survey.met_all: no 'met_all' under 'survey'"):
        lookup(nested, "survey.met_all")
    with pytest.raises(KeyError, match="no 'x' under 'survey.met_any.estimate'"):
        lookup(nested, "survey.met_any.estimate.x")


def test_figures_are_walked_depth_first_and_read_by_path(tmp_path):
    share = results_mod.share({"estimate": 0.5, "count": 5, "base": 10, "ci_low": 0.2, "ci_high": 0.8})
    doc = {"survey": {"met_any": share, "items": {"actions": {"label": "Acties", "options": {"a": share}}},
                      "list": [{"b": share}, 3]},
           "estimation": {"any": results_mod.estimate(1.0, 0.5, 2.0, unit="persons")}}
    assert [p for p, _ in figures(doc)] == ["estimation.any", "survey.items.actions.options.a",
                                            "survey.list[0].b", "survey.met_any"]
    assert [p for p, _ in figures(doc, other=True)] == [
        "estimation.any", "survey.items.actions.label", "survey.items.actions.options.a", "survey.list[0].b",
        "survey.list[1]", "survey.met_any"]
    r = Results("survey")
    r.add("met_any", share)
    r.save(tmp_path)
    Results("estimation").save(tmp_path)
    figs = load_sections(tmp_path, "survey", "estimation")
    assert isinstance(figs, Figures) and figs["survey.met_any"] is figs["survey"]["met_any"]
    assert "survey.met_any" in figs and "survey.met_all" not in figs and figs.get("x.y") is None
    assert figs.get("survey.met_any.interval.low") == 0.2


def test_figure_constructors():
    record = {"estimate": None, "count": None, "base": 20, "ci_low": None, "ci_high": None, "ci_level": 0.95,
              "ci_method": "wilson", "suppressed": True}
    share = results_mod.share(record, label="Ja")
    assert share == {"kind": "share", "unit": "proportion", "estimate": None, "count": None, "base": 20,
                     "base_unit": "respondents", "suppressed": True, "label": "Ja",
                     "interval": {"low": None, "high": None, "level": 0.95, "method": "wilson"}}
    assert results_mod.count(None, "persons") == {"kind": "count", "unit": "persons", "value": None,
                                                  "suppressed": True}
    est = results_mod.estimate(3.0, 2.0, 5.0, unit="ratio", method="bootstrap", basis="per_year")
    assert est["interval"]["method"] == "bootstrap" and est["basis"] == "per_year" and est["suppressed"] is False
    test = results_mod.association_test({"method": "chi2", "p_value": 0.02, "strength": "weak"}, suppressed=True)
    assert test["kind"] == "test" and test["unit"] == "p_value" and test["p_value"] is None
