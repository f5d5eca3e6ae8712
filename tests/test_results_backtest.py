"""Back test (issue 8 item 9): every figure of the 2024 edition as results.json had it before
schema 1.0.0 (`tests/data/results_2024_v0.json`, never changed) is in the new edition under
its new key, with the same value. The mapping of old to new keys is explicit, per section, in
`tests/data/results_v0_to_v1/<section>.yml` (format and rules in tests/results_backtest.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from results_backtest import RESAMPLED_TOL, KeyMap, Record, Translator, backtest, load_mapping, old_leaves, resolve

from exploitation_report.inputs.codebook import load_codebook

ROOT = Path(__file__).resolve().parents[1]
V0 = ROOT / "tests" / "data" / "results_2024_v0.json"
MAPPING = ROOT / "tests" / "data" / "results_v0_to_v1"
CODES = {"sector": {1: "Zorg (jeugdzorg, ggz, lvb-zorg)", 6: "Gezondheidszorg (incl. GGD)"}, "answer": {1: "Ja", 2: "Nee"}}

OLD = {
    "survey.met_any": {"base": 222, "count": 122, "estimate": 0.5495, "ci_low": 0.48, "ci_high": 0.61,
                       "ci_level": 0.95, "ci_method": "wilson", "suppressed": False},
    "survey.respondents_by_sector": {"base": 222, "counts": {"Gezondheidszorg (incl. GGD)": 20, "Zorg (jeugdzorg, "
                                                             "ggz, lvb-zorg)": 56},
                                     "question": "In welke sector?"},
    "survey.knows_route_by_training": {"1": {"base": 86, "label": "Ja"}, "2": {"base": 131, "label": "Nee"}},
    "survey.response": {"invited": 900, "analysed": 222},
    "survey.test": {"strength": "zwak", "p_value": 0.01},
    "estimation.sensitivity": [{"assumption": "nonresponse", "swing": 229.317595}],
}
NEW = {
    "survey": {
        "met_any": {"kind": "share", "unit": "proportion", "base": 222, "count": 122, "estimate": 0.5495 + 1e-12,
                    "interval": {"low": 0.48, "high": 0.61, "level": 0.95, "method": "wilson"}, "suppressed": False},
        "respondents": {"sector": {"base": 222, "counts": {"code_6": 20, "code_1": 56}, "text": "In welke sector?"}},
        "knows_route_by_training": {"code_1": {"base": 86, "label": "Ja"}, "code_2": {"base": 131, "label": "Nee"}},
        "response": {"invited": {"value": 900}, "analysed": {"value": 222}},
        "test": {"strength": "weak", "p_value": 0.01},
    },
    "estimation": {"sensitivity": {"nonresponse": {"swing": 229.317595}}},
}


def mapping(**changes) -> KeyMap:
    base = KeyMap(
        records={"survey.met_any": Record("survey.met_any"),
                 "survey.respondents_by_sector": Record("survey.respondents.sector", "sector"),
                 "survey.knows_route_by_training": Record("survey.knows_route_by_training", "answer"),
                 "survey.test": Record("survey.test")},
        leaves={"survey.response.invited": "survey.response.invited.value",
                "survey.response.analysed": "survey.response.analysed.value",
                "survey.respondents_by_sector.question": "survey.respondents.sector.text",
                "estimation.sensitivity[0].swing": "estimation.sensitivity.nonresponse.swing"},
        dropped=["survey.test.strength", "estimation.sensitivity[0].assumption"])
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def test_a_complete_mapping_finds_every_old_leaf():
    assert backtest(OLD, NEW, mapping(), CODES) == []
    t = Translator(mapping(), CODES, NEW)
    assert t.new_path("survey.met_any.ci_low") == "survey.met_any.interval.low"
    assert t.new_path("survey.respondents_by_sector.counts.Gezondheidszorg (incl. GGD)") == \
        "survey.respondents.sector.counts.code_6"
    assert t.new_path("survey.knows_route_by_training.1.label") == "survey.knows_route_by_training.code_1.label"


def test_every_gap_is_named():
    problems = backtest(OLD, NEW, mapping(dropped=["survey.test.strength", "survey.gone"]), CODES)
    assert problems == [
        "estimation.sensitivity[0].assumption: not mapped (add its record to records/leaves, or list it under dropped)",
        "survey.gone: in the mapping but no old figure has it"]
    new = json.loads(json.dumps(NEW))
    new["survey"]["met_any"]["interval"]["low"] = 0.47
    del new["survey"]["respondents"]["sector"]["counts"]["code_6"]
    assert backtest(OLD, new, mapping(dropped=["survey.test.strength", "estimation.sensitivity[0].assumption"]),
                    CODES) == [
        "survey.met_any.ci_low -> survey.met_any.interval.low: was 0.48, now 0.47",
        "survey.respondents_by_sector.counts.Gezondheidszorg (incl. GGD) -> survey.respondents.sector.counts.code_6: "
        "not in the new results.json"]


def test_values_must_be_equal_in_type_too():
    new = json.loads(json.dumps(NEW))
    new["survey"]["response"]["invited"]["value"] = True
    assert backtest(OLD, new, mapping(), CODES) == [
        "survey.response.invited -> survey.response.invited.value: was 900, now True"]


def test_resampled_figures_may_move_by_monte_carlo_noise_only():
    new, swing = json.loads(json.dumps(NEW)), OLD["estimation.sensitivity"][0]["swing"]
    noise, changed = swing * (1 + RESAMPLED_TOL / 2), swing * (1 + 2 * RESAMPLED_TOL)
    new["estimation"]["sensitivity"]["nonresponse"]["swing"] = noise    # within the tolerance: Monte Carlo noise
    assert backtest(OLD, new, mapping(), CODES) != []                  # not for an exact figure
    assert backtest(OLD, new, mapping(resampled=["estimation.sensitivity[0].swing"]), CODES) == []
    new["estimation"]["sensitivity"]["nonresponse"]["swing"] = changed  # beyond it: a changed result
    assert backtest(OLD, new, mapping(resampled=["estimation.sensitivity[0].swing"]), CODES) == [
        f"estimation.sensitivity[0].swing -> estimation.sensitivity.nonresponse.swing: was {swing!r}, "
        f"now {changed!r}"]
    assert backtest(OLD, NEW, mapping(resampled=["estimation.gone"]), CODES) == [
        "estimation.gone: in the mapping but no old figure has it"]


def test_published_figures_are_the_old_value_as_the_report_prints_it():
    swing = OLD["estimation.sensitivity"][0]["swing"]                  # 229.317595
    at = mapping(published={"estimation.sensitivity[0].swing": 0})
    for now, right in ((229, True), (229.3, False), (230, False), (229.317595, False)):
        new = json.loads(json.dumps(NEW))
        new["estimation"]["sensitivity"]["nonresponse"]["swing"] = now
        assert (backtest(OLD, new, at, CODES) == []) is right, now
    assert swing != 229 and backtest(OLD, NEW, mapping(published={"estimation.gone": 1}), CODES) == [
        "estimation.gone: in the mapping but no old figure has it"]


def test_old_leaves_and_resolve_keep_keys_with_dots_whole():
    leaves = old_leaves({"a.b": {"x. y": 1, "l": [{"z": None}], "e": {}}})
    assert leaves == {"a.b.x. y": 1, "a.b.l[0].z": None, "a.b.e": {}}
    assert resolve({"a": {"b": {"x. y": 1, "l": [{"z": 2}]}}}, "a.b.x. y") == 1
    assert resolve({"a": {"b": {"l": [{"z": 2}]}}}, "a.b.l[0].z") == 2
    with pytest.raises(KeyError):
        resolve({"a": {"b": [1]}}, "a.b[1]")


def test_the_mapping_files_are_well_formed(tmp_path):
    assert load_mapping(MAPPING).records
    (tmp_path / "a.yml").write_text("records:\n  x: y\n", encoding="utf-8")
    (tmp_path / "b.yml").write_text("records:\n  x: z\n", encoding="utf-8")
    with pytest.raises(ValueError, match="record x is mapped twice"):
        load_mapping(tmp_path)
    (tmp_path / "b.yml").write_text("record:\n  x: z\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown part"):
        load_mapping(tmp_path)


@pytest.mark.e2e
def test_every_figure_of_the_2024_edition_is_unchanged_under_its_new_key(builtin_edition):
    _, result = builtin_edition
    new = json.loads((result.output_dir / "results.json").read_text(encoding="utf-8"))
    old = json.loads(V0.read_text(encoding="utf-8"))
    codebook = load_codebook(ROOT / "data" / "codebook.yml")
    codes = {name: variable.codes for name, variable in codebook.variables.items() if variable.codes}
    problems = backtest(old["figures"], new, load_mapping(MAPPING), codes)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
