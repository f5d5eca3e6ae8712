"""The shipped codebook follows the variable contract; malformed codebooks are rejected clearly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from exploitation_report.inputs.analysis_names import VARIABLES
from exploitation_report.inputs.codebook import load_codebook, survey_schema
from exploitation_report.inputs.errors import InputError
from exploitation_report.synth.generate import COLUMNS, GROUPS, generate_survey

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK = ROOT / "data" / "codebook.yml"


def shipped_codebook() -> dict:
    """The shipped codebook as YAML reads it, to change in a test."""
    return yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))


def written(raw: dict, tmp_path: Path) -> Path:
    """``raw`` written as tmp_path/codebook.yml."""
    path = tmp_path / "codebook.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cb():
    return load_codebook(CODEBOOK)


def test_shipped_codebook_matches_contract(cb):
    assert list(cb.variables) == COLUMNS  # names and order of docs/survey-variables.md
    assert cb.missing_codes == {-9: "niet ingevuld", -8: "niet van toepassing"}
    assert cb.synthetic_marker_column == "synthetic"
    assert cb.title and cb.version
    assert {g: list(grp.members) for g, grp in cb.groups.items()} == GROUPS
    v = cb.variables
    assert v["respondent_id"].type == "id" and v["respondent_id"].required
    assert v["organisation_id"].type == "id" and not v["organisation_id"].required
    assert v["sector"].codes[8] == "Hulpverlening aan sekswerkers"
    assert v["works_in_municipality"].codes == {1: "Ja", 2: "Nee"}
    assert v["n_both"].asked_if == "met_both == 1"
    assert v["met_both"].asked_if == "met_sexual == 1 and met_criminal == 1"
    assert v["report_zvhg"].asked_if == "action_reported_externally == 1"
    assert v["noreport_unsure"].asked_if == "action_reported_externally == 0"
    assert v["vuln_lvb"].type == "multi" and v["vuln_lvb"].group == "vulnerability"
    assert v["vuln_lvb"].codes == {0: "Niet aangekruist", 1: "Aangekruist"}
    assert cb.groups["living_situation"].members["living_care_institution"] == "Zorginstelling"


def test_bands_and_labels(cb):
    n_sex = cb.variables["n_sexual"]
    assert n_sex.bands[1] == (1.0, 1.0)
    assert n_sex.bands[6] == (21.0, None)  # open top band
    other = cb.variables["n_other_professionals"]
    assert 5 in other.codes and 5 not in other.bands  # "weet ik niet" is valid without bounds
    assert other.bands[4] == (4.0, None)
    assert n_sex.label(2) == "2–3"
    assert n_sex.label(-9) == "niet ingevuld"
    with pytest.raises(KeyError):
        n_sex.label(7)


def test_text_is_never_published(cb):
    texts = cb.of_type("text")
    assert set(texts) == {"sector_other", "noreport_other_text", "remarks"}
    assert not any(cb.variables[t].publish for t in texts)
    pub = cb.publishable()
    assert not set(texts) & set(pub)
    assert "met_sexual" in pub and "vuln_lvb" in pub


def _write(tmp_path: Path, mutate) -> Path:
    raw = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    mutate(raw)
    out = tmp_path / "codebook.yml"
    out.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def _keys(exc: InputError) -> list[str]:
    return [p.column for p in exc.problems]


def test_unknown_name_in_asked_if_is_an_error(tmp_path):
    path = _write(tmp_path, lambda r: r["variables"]["n_sexual"].update(asked_if="met_sexualx == 1"))
    with pytest.raises(InputError) as err:
        load_codebook(path)
    p = err.value.problems[0]
    assert p.file == str(path)
    assert p.column == "variables.n_sexual.asked_if"
    assert "met_sexualx" in p.found


def test_group_condition_checked_too(tmp_path):
    path = _write(tmp_path, lambda r: r["groups"]["actions"].update(asked_if="met_any == 1"))
    with pytest.raises(InputError) as err:
        load_codebook(path)
    assert "groups.actions.asked_if" in _keys(err.value)


def test_several_malformations_reported_together(tmp_path):
    def mutate(r):
        r["variables"]["sector"]["type"] = "choice"
        r["variables"]["caseload"]["bands"][2] = {"lower": 50, "upper": 25}
        r["variables"]["remarks"]["publish"] = True
        r["variables"]["vuln_lvb"]["group"] = "nope"
        del r["variables"]["met_sexual"]["question"]

    path = _write(tmp_path, mutate)
    with pytest.raises(InputError) as err:
        load_codebook(path)
    keys = _keys(err.value)
    for key in ("variables.sector.type", "variables.caseload.bands.2.upper", "variables.remarks.publish",
                "variables.vuln_lvb.group", "variables.met_sexual.question"):
        assert key in keys, keys
    assert all(p.file == str(path) for p in err.value.problems)


def test_top_level_problems_name_the_key_itself(tmp_path):
    path = _write(tmp_path, lambda r: (r.pop("title"), r.update(synthetic_marker_column="")))
    with pytest.raises(InputError) as err:
        load_codebook(path)
    keys = _keys(err.value)
    assert "title" in keys and "synthetic_marker_column" in keys, keys
    assert "key 'title'" in err.value.details()  # not "key '.title'"


def test_invalid_yaml_and_missing_file(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("variables:\n  a: [1, 2\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_codebook(bad)
    assert err.value.problems[0].file == str(bad) and "YAML" in err.value.problems[0].expected
    with pytest.raises(InputError):
        load_codebook(tmp_path / "nope.yml")


def test_schema_accepts_generated_and_rejects_bad_codes(cb):
    import pandera.errors as pe

    schema = survey_schema(cb)
    frame = generate_survey(seed=1)
    schema.validate(frame)  # raw export form: -9 present, skipped = NA
    bad = frame.copy()
    bad.loc[0, "sector"] = 12
    bad.loc[1, "vuln_lvb"] = 2
    bad.loc[2, "respondent_id"] = bad.loc[3, "respondent_id"]
    with pytest.raises(pe.SchemaErrors) as err:
        schema.validate(bad, lazy=True)
    cols = set(err.value.failure_cases["column"].dropna())
    assert {"sector", "vuln_lvb", "respondent_id"} <= cols
    assert isinstance(frame["sector"].dtype, pd.Int64Dtype)


GRID = ["others_victim_1", "others_victim_2", "others_victim_3"]


def with_grid(raw: dict, names=GRID) -> None:
    """The shipped codebook plus a per-victim multiplicity grid of three items (a test codebook)."""
    others = raw["variables"]["n_other_professionals"]
    for j, name in enumerate(names, start=1):
        raw["variables"][name] = {"type": "band", "question": f"Bij hoeveel andere professionals was slachtoffer {j} "
                                  "bekend?", "asked_if": others["asked_if"], "codes": others["codes"],
                                  "bands": others["bands"], "required": False}
    raw["multiplicity_grid"] = list(names)


def test_multiplicity_grid_and_response_date_are_declared_variables(cb, tmp_path):
    assert cb.multiplicity_grid == () and cb.response_date == "response_date"
    date = cb.variables["response_date"]
    assert date.type == "date" and not date.required and not date.publish and "response_date" not in cb.publishable()
    grid = load_codebook(_write(tmp_path, with_grid))
    assert grid.multiplicity_grid == tuple(GRID)
    assert grid.variables["others_victim_2"].bands == cb.variables["n_other_professionals"].bands

    def broken(raw):
        with_grid(raw)
        raw["multiplicity_grid"] = ["others_victim_1", "sector", "others_victim_1", "nope"]
        raw["response_date"] = "remarks"
        raw["variables"]["response_date"]["publish"] = True
    with pytest.raises(InputError) as err:
        load_codebook(_write(tmp_path, broken))
    keys = _keys(err.value)
    for key in ("multiplicity_grid.1", "multiplicity_grid.2", "multiplicity_grid.3", "response_date",
                "variables.response_date.publish"):
        assert key in keys, keys
    assert "multiplicity_grid.0" not in keys


def test_exports_with_a_grid_and_response_dates_read_and_bad_dates_are_named(tmp_path):
    from exploitation_report.inputs.readers import read_survey
    from exploitation_report.synth.worlds import world_for

    codebook = load_codebook(_write(tmp_path, with_grid))
    frame = generate_survey(seed=4, n=80, world=world_for(2026), grid=3)
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    survey = read_survey(path, codebook)
    assert survey["response_date"].str.startswith("2026-").all() and survey["others_victim_3"].notna().any()
    frame.loc[[3, 7], "response_date"] = ["14-03-2026", "gisteren"]
    frame.to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        read_survey(path, codebook)
    [problem] = [p for p in err.value.problems if p.column == "response_date"]
    assert problem.rows == (5, 9) and "ISO 8601" in problem.expected and "'14-03-2026'" in problem.found


@pytest.mark.parametrize(("band", "bounds", "key", "words"), [
    (4, {"lower": 6, "upper": None}, "variables.n_sexual.bands.4.upper", "only the top band (6) may be open"),
    (6, {"lower": 21, "upper": float("inf")}, "variables.n_sexual.bands.6.upper", "a number of persons from 0"),
    (6, {"lower": 21, "upper": 10**23}, "variables.n_sexual.bands.6.upper", "a number of persons from 0"),
    (4, {"lower": 6, "upper": float("nan")}, "variables.n_sexual.bands.4.upper", "a number of persons from 0"),
    (1, {"lower": -1, "upper": 1}, "variables.n_sexual.bands.1.lower", "a number of persons from 0"),
    (3, {"lower": 2, "upper": 5}, "variables.n_sexual.bands.3.lower", "bands must not overlap"),
])
def test_answer_bands_that_cannot_be_counted_are_refused(band, bounds, key, words, tmp_path):
    """An open band in the middle was read as open up to the cap; infinite or huge ends broke the simulation."""
    raw = shipped_codebook()
    raw["variables"]["n_sexual"]["bands"][band] = bounds
    path = written(raw, tmp_path)
    with pytest.raises(InputError) as err:
        load_codebook(path)
    (problem,) = [p for p in err.value.problems if p.column == key]   # n_criminal and n_both share the bands
    assert words in problem.expected


@pytest.mark.parametrize(("condition", "words"), [
    ("met_sexual.__class__ == 1", "(found Attribute)"),
    ("__import__('os').getcwd() == 0", "(found Attribute, Call)"),
    ("met_sexual == 'ja'", "a value that is no number"),
    ("met_sexual == 7", "codes of met_sexual (1, 2, 3, -9, -8); 7 is none"),
    ("met_sexual in [1, 7]", "7 is none"),
])
def test_a_routing_condition_is_a_comparison_with_the_variables_codes(condition, words, tmp_path):
    """An attribute crashed validate inside pandas; a code that does not exist routed every answer wrong."""
    raw = shipped_codebook()
    raw["variables"]["n_sexual"]["asked_if"] = condition
    path = written(raw, tmp_path)
    with pytest.raises(InputError) as err:
        load_codebook(path)
    (problem,) = err.value.problems
    assert problem.column == "variables.n_sexual.asked_if" and words in problem.expected


def test_routing_in_a_cycle_is_one_codebook_problem(tmp_path):
    raw = shipped_codebook()
    raw["variables"]["met_sexual"]["asked_if"] = "n_sexual == 1"   # n_sexual is asked if met_sexual == 1
    path = written(raw, tmp_path)
    with pytest.raises(InputError) as err:
        load_codebook(path)
    (problem,) = err.value.problems
    assert problem.column == "variables.met_sexual.asked_if" and "met_sexual -> n_sexual -> met_sexual" in problem.found


def test_a_code_given_twice_or_a_yes_no_label_is_refused(tmp_path):
    """2 and '2' are one code: the second label silently replaced 'Nee'; yes unquoted printed 'True'."""
    raw = shipped_codebook()
    raw["variables"]["met_sexual"]["codes"]["2"] = "Weet ik niet"
    raw["variables"]["sector"]["codes"][1] = True
    path = written(raw, tmp_path)
    with pytest.raises(InputError) as err:
        load_codebook(path)
    by_key = {p.column: p for p in err.value.problems}
    assert set(by_key) == {"variables.met_sexual.codes.2", "variables.sector.codes.1"}
    assert "every code once" in by_key["variables.met_sexual.codes.2"].expected
    assert "a label in quotes" in by_key["variables.sector.codes.1"].expected


def test_a_missing_code_that_is_a_valid_answer_is_one_problem(tmp_path):
    raw = shipped_codebook()
    raw["missing_codes"][1] = "ja?"
    path = written(raw, tmp_path)
    with pytest.raises(InputError) as err:
        load_codebook(path)
    (problem,) = err.value.problems
    assert problem.column == "missing_codes.1" and "variable(s)" in problem.found


@pytest.mark.parametrize("condition", ["met_sexual != -9", "met_sexual in [1, -8]", "(met_sexual == 1) | (met_criminal == 1)"])
def test_routing_on_a_missing_code_or_in_pandas_notation_is_valid(condition, tmp_path):
    raw = shipped_codebook()
    raw["variables"]["n_sexual"]["asked_if"] = condition
    path = written(raw, tmp_path)
    assert load_codebook(path).variables["n_sexual"].asked_if == condition


def test_an_unquoted_version_is_refused_not_read_as_a_number(tmp_path):
    # `version: 2024.10` is the YAML number 2024.1: the version written is lost, so it is refused.
    path = tmp_path / "codebook.yml"
    path.write_text(CODEBOOK.read_text(encoding="utf-8").replace('version: "2024.1"', "version: 2024.10"),
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_codebook(path)
    assert _keys(err.value) == ["version"]
    assert "in quotes" in err.value.problems[0].expected and "2024.1" in err.value.problems[0].found
    quoted = tmp_path / "quoted.yml"
    quoted.write_text(path.read_text(encoding="utf-8").replace("version: 2024.10", 'version: "2024.10"'),
                      encoding="utf-8")
    assert load_codebook(quoted).version == "2024.10"


@pytest.mark.parametrize("label,bounds", [("7", (7, 7)), ("2–3", (2, 3)), ("2 - 3", (2, 3)), ("21 of meer", (21, None)),
                                          ("21+", (21, None)), ("21 +", (21, None)),
                                          ("Twee of drie", None), ("2 tot 5 jaar", None), ("Meer dan 20", None),
                                          # Dutch ranges count both ends; "tot" alone stays unread.
                                          ("4 t/m 6", (4, 6)), ("4 T/M 6", (4, 6)), ("4 tot en met 6", (4, 6)),
                                          ("4 à 6", (4, 6)), ("4 a\u0300 6", (4, 6)), ("4 a 6", (4, 6)),
                                          ("4 tot 6", None), ("4 t/m", None),
                                          # Spaces a reader cannot tell apart, and characters that show nothing.
                                          ("2\u200b–3", (2, 3)), ("\u200b7", (7, 7)), ("1\u200b0", (10, 10)),
                                          ("21\u00a0of\u00a0meer", (21, None)), ("4\u202ft/m\u00a06", (4, 6)),
                                          ("\ufeff21+", (21, None))])
def test_band_labels_state_their_bounds_only_when_beyond_doubt(label, bounds):
    from exploitation_report.inputs.codebook import label_bounds

    assert label_bounds(label) == bounds


@pytest.mark.parametrize("label", ["4 t/m 6", "4 tot en met 6", "4 à 6", "4 a 6", "4\u200b–6", "4\u00a0–\u00a06"])
def test_a_band_whose_dutch_or_invisibly_spaced_label_says_other_bounds_is_refused(label, tmp_path):
    # Band 3 counts 4 or 5 victims; a label saying 4 to 6 was not read, so not compared.
    def relabel(raw):
        raw["variables"]["n_sexual"]["codes"] = {**raw["variables"]["n_sexual"]["codes"], 3: label}
    with pytest.raises(InputError) as err:
        load_codebook(_write(tmp_path, relabel))
    (problem,) = err.value.problems
    assert problem.column == "variables.n_sexual.bands.3"
    assert "says (lower 4, upper 6)" in problem.expected and "lower 4, upper 5" in problem.found


def test_a_dutch_label_that_says_the_bands_bounds_is_accepted(tmp_path):
    def relabel(raw):
        raw["variables"]["n_sexual"]["codes"] = {**raw["variables"]["n_sexual"]["codes"], 3: "4\u00a0t/m\u00a05",
                                                 4: "6 tot en met 10", 5: "11 à 20"}
    assert load_codebook(_write(tmp_path, relabel)).variables["n_sexual"].codes[4] == "6 tot en met 10"


def test_a_band_whose_label_says_other_bounds_is_refused(tmp_path):
    # "4–5" counted as 3 to 5 victims: the estimate would read answers other than the respondents gave.
    path = _write(tmp_path, lambda r: r["variables"]["n_sexual"]["bands"].update({3: {"lower": 3, "upper": 5}}))
    with pytest.raises(InputError) as err:
        load_codebook(path)
    problem = err.value.problems[0]
    assert problem.column == "variables.n_sexual.bands.3"
    assert "'4–5' says (lower 4, upper 5)" in problem.expected and "lower 3, upper 5" in problem.found


def test_two_codes_with_one_label_are_refused(tmp_path):
    # An export of labels is read back to codes by them: 'Anders' twice merged code 8 into code 9.
    path = _write(tmp_path, lambda r: r["variables"]["sector"]["codes"].update({8: "anders "}))
    with pytest.raises(InputError) as err:
        load_codebook(path)
    (problem,) = err.value.problems
    assert problem.column == "variables.sector.codes.9" and "is also the label of code 8" in problem.expected


@pytest.mark.parametrize("name", [n for n, read in VARIABLES.items() if read.yes])
def test_yes_is_code_1_where_the_analysis_reads_it_so(tmp_path, name):
    # {1: "Nee", 2: "Ja"} gave the base edition's figures with every answer turned around.
    path = _write(tmp_path, lambda r: r["variables"][name].update(codes={1: "Nee", 2: "Ja"}))
    with pytest.raises(InputError) as err:
        load_codebook(path)
    (problem,) = err.value.problems
    assert problem.column == f"variables.{name}.codes" and "'Ja' as code 1" in problem.expected
    assert f"code 1 of {name} as yes" in problem.expected and "2: 'Ja'" in problem.found


def test_a_question_the_analysis_does_not_read_may_say_yes_under_any_code(tmp_path):
    # The yes rule was applied to every single-choice question and refused this optional one.
    def edit(raw):
        raw["variables"]["met_before"] = {"type": "single", "required": False, "question": "Eerder gezien?",
                                          "codes": {1: "Ja, één keer", 2: "Ja, vaker", 3: "Nee"}}
    codebook = load_codebook(_write(tmp_path, edit))
    assert codebook.variables["met_before"].codes == {1: "Ja, één keer", 2: "Ja, vaker", 3: "Nee"}


@pytest.mark.parametrize("condition,expected,found", [
    ("met_sexual", "a comparison for each variable", "met_sexual without a comparison"),
    ("met_sexual == 1 or met_criminal", "a comparison for each variable", "met_criminal without a comparison"),
    ("remarks == 1", "a condition on variables with codes", "remarks is a text variable"),
    ("", "a condition text, or no asked_if", "''"),
])
def test_routing_that_cannot_work_is_refused(tmp_path, condition, expected, found):
    # Accepted before: a bare name is true for a missing code too, a text variable's routing was never
    # checked, and an empty condition read as "asked of everyone".
    path = _write(tmp_path, lambda r: r["variables"]["n_sexual"].update(asked_if=condition))
    with pytest.raises(InputError) as err:
        load_codebook(path)
    (problem,) = err.value.problems
    assert problem.column == "variables.n_sexual.asked_if"
    assert expected in problem.expected and found in problem.found


def test_the_same_band_twice_and_a_groups_empty_routing_are_refused(tmp_path):
    def edit(raw):
        raw["variables"]["n_other_professionals"]["bands"][2] = {"lower": 0, "upper": 0}   # code 1 is {0, 0}
        raw["groups"]["actions"]["asked_if"] = " "
    with pytest.raises(InputError) as err:
        load_codebook(_write(tmp_path, edit))
    assert set(_keys(err.value)) == {"variables.n_other_professionals.bands.2.lower", "groups.actions.asked_if"}
