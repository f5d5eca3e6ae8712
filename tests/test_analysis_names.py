"""A codebook without a name the analysis reads is refused at validation, not by a KeyError in a notebook.

The names are declared in inputs/analysis_names.py (the count items' open bands and caps are checked in
inputs.edition._check_caps). The last tests guard the list against drift: the survey analysis, its
chapter and the estimate's input run on a codebook cut down to the list, and every codebook name the
code spells is declared required or optional.
"""

from __future__ import annotations

import ast
import copy
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from exploitation_report.cli import app
from exploitation_report.inputs import analysis_names as names
from exploitation_report.inputs.codebook import load_codebook
from exploitation_report.inputs.edition import load_inputs
from exploitation_report.inputs.errors import InputError
from exploitation_report.inputs.params import load_params
from exploitation_report.paths import PROJECT_ROOT

CODEBOOK = PROJECT_ROOT / "data" / "codebook.yml"
PARAMS = PROJECT_ROOT / "params" / "2024.yml"
SHIPPED = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))


def without(raw: dict, variables=(), groups=()) -> dict:
    """``raw`` without these variables (and their options) and groups (and their variables); the
    export's columns of what went are ignored, so that only the codebook can refuse it."""
    raw = copy.deepcopy(raw)
    gone = set(variables)
    for group in groups:
        gone |= set(raw["groups"].pop(group)["members"])
    for name in gone:
        raw["variables"].pop(name, None)
        for group in raw["groups"].values():
            group["members"].pop(name, None)
    raw["export"] = {"ignore": sorted(gone)}
    return raw


def written(raw: dict, folder: Path) -> Path:
    path = folder / "codebook.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def edition(path: Path):
    """The 2024 inputs with this codebook, as `exploitation-report validate 2024 -p inputs.codebook=...` loads them."""
    return load_inputs(load_params(PARAMS, [f"inputs.codebook={path}"]))


def refused(path: Path) -> list:
    with pytest.raises(InputError) as err:
        edition(path)
    return err.value.problems


REMOVED = ([pytest.param({"variables": [n]}, f"variables.{n}", id=n) for n in names.VARIABLES]
           + [pytest.param({"groups": [g]}, f"groups.{g}", id=g) for g in names.GROUPS]
           + [pytest.param({"variables": [m]}, f"groups.{g}.members.{m}", id=m)
              for g, read in names.GROUPS.items() for m in read.members]
           + [pytest.param({"groups": [g for g in options if g in SHIPPED["groups"]]}, f"groups.{options[0]}",
                           id="+".join(options)) for options in names.ONE_OF])


def test_the_shipped_codebook_holds_every_name_the_analysis_reads():
    codebook = load_codebook(CODEBOOK)
    assert not names.analysis_problems(codebook.variables, codebook.groups)
    for name, read in names.VARIABLES.items():
        assert codebook.variables[name].type == read.type, name
    for group, read in names.GROUPS.items():
        assert set(read.members) <= set(codebook.groups[group].members), group
    # Declared once: required or optional.
    declared = [*names.VARIABLES, *names.GROUPS, *(g for options in names.ONE_OF for g in options), *names.OPTIONAL]
    assert len(declared) == len(set(declared))


@pytest.mark.parametrize(("removed", "key"), REMOVED)
def test_a_codebook_without_a_name_the_analysis_reads_is_refused(removed, key, tmp_path):
    # Removed (and its column ignored), it once passed validation; the build then stopped in a notebook.
    path = written(without(SHIPPED, **removed), tmp_path)
    problems = refused(path)
    named = [p for p in problems if p.key == key]
    assert len(named) == 1, [str(p) for p in problems]
    (problem,) = named
    assert problem.file == str(path) and "the analysis reads " in problem.expected
    assert problem.found in ("no such variable", "no such group", "no such option", "none of them")
    assert f"{path}, key '{key}': expected " in str(problem)


def test_validate_names_the_codebook_and_the_keys(tmp_path):
    path = written(without(SHIPPED, ["direct_contact", "victim_gender_male"]), tmp_path)
    result = CliRunner().invoke(app, ["validate", "2024", "-p", f"inputs.codebook={path}"])
    assert result.exit_code == 2, result.output
    assert "variables.direct_contact" in result.output
    assert "groups.victim_gender.members.victim_gender_male" in result.output


@pytest.mark.parametrize(("edit", "key", "expected", "found"), [
    (lambda v: v["direct_contact"].update(type="text", codes=None), "variables.direct_contact.type",
     "single: the analysis reads direct_contact as a single variable", "'text'"),
    (lambda v: v["respondent_id"].update(type="text"), "variables.respondent_id.type", "id: ", "'text'"),
    (lambda v: v["met_both"].update(required=False), "variables.met_both.required",
     "true (the default): the analysis reads the column met_both", "false"),
    (lambda v: v["victim_age_minor"].update(required=False), "variables.victim_age_minor.required",
     "so the export must hold it", "false"),
    (lambda v: v["know_signals"]["codes"].pop(5), "variables.know_signals.codes", "the codes 4, 5", "no code 5"),
])
def test_a_name_the_analysis_reads_as_another_type_is_refused(edit, key, expected, found, tmp_path):
    raw = copy.deepcopy(SHIPPED)
    edit(raw["variables"])
    path = written(raw, tmp_path)
    with pytest.raises(InputError) as err:
        load_codebook(path)
    (problem,) = err.value.problems
    assert (problem.file, problem.key, problem.found) == (str(path), key, found)
    assert expected in problem.expected


def test_a_name_refused_for_its_own_entry_is_not_reported_twice(tmp_path):
    raw = copy.deepcopy(SHIPPED)
    raw["variables"]["direct_contact"]["type"] = "choice"   # no type: the loader leaves the variable out
    raw["groups"]["actions"]["members"].pop("action_nothing")   # its variable remains, with group: actions
    with pytest.raises(InputError) as err:
        load_codebook(written(raw, tmp_path))
    assert [p.key for p in err.value.problems] == ["variables.direct_contact.type", "groups.actions.members"]


def test_a_count_item_the_estimate_reads_as_another_type_or_optional_is_refused(tmp_path):
    raw = copy.deepcopy(SHIPPED)
    raw["variables"]["n_sexual"] = {**raw["variables"]["n_sexual"], "type": "single", "bands": None}
    (problem,) = refused(written(raw, tmp_path))
    assert (problem.key, problem.found) == ("variables.n_sexual.type", "'single'")
    # Optional and absent from the export, it passed validation and the estimate stopped (KeyError 'n_both').
    raw = copy.deepcopy(SHIPPED)
    raw["variables"]["n_both"]["required"] = False
    raw["export"] = {"ignore": ["n_both"]}
    (problem,) = refused(written(raw, tmp_path))
    assert problem.key == "variables.n_both.required"


# --------------------------------------------------------------------------- drift


def cut_down(raw: dict) -> dict:
    """The shipped codebook with only what validation requires: the names of analysis_names (of the
    groups in ONE_OF the first) and the synthetic marker; a group without named
    options keeps its first."""
    wanted = {**{g: list(read.members) for g, read in names.GROUPS.items()},
              **{next(g for g in options if g in raw["groups"]): [] for options in names.ONE_OF}}
    groups = {g: dict(raw["groups"][g], members={m: label for m, label in raw["groups"][g]["members"].items()
                                                 if m in (members or list(raw["groups"][g]["members"])[:1])})
              for g, members in wanted.items()}
    keep = {*names.VARIABLES, raw["synthetic_marker_column"], *(m for g in groups.values()
                                                                             for m in g["members"])}
    cut = {k: v for k, v in raw.items() if k not in ("groups", "variables", "response_date")}
    cut["groups"] = groups
    cut["variables"] = {n: v for n, v in raw["variables"].items() if n in keep}
    cut["export"] = {"ignore": [n for n in raw["variables"] if n not in keep]}
    return cut


# One option left in a panel leaves matplotlib no room for its margins: a warning, not a problem here.
@pytest.mark.filterwarnings("ignore:Tight layout not applied")
def test_the_analysis_runs_on_a_codebook_of_only_the_names_validation_requires(tmp_path, monkeypatch):
    # A name the code starts to read without a guard, and that is not declared, fails here (KeyError).
    import matplotlib.pyplot as plt

    from exploitation_report.chapters import estimation_text, questionnaire_appendix, survey_chapter
    from exploitation_report.pipeline import simulation_study, survey_results
    from exploitation_report.pipeline.results import Results
    from exploitation_report.stats import estimation
    from exploitation_report.stats.survey_analysis import analyse

    inputs = edition(written(cut_down(SHIPPED), tmp_path))
    codebook = inputs.codebook
    assert not set(codebook.variables) & {"function", "organisation_id", "response_date", "vuln_debts"}
    assert not set(codebook.groups) & {"form_criminal", "reported_to", "reasons_not_reported"}
    for name in ("emit", "emit_table", "emit_figure"):
        monkeypatch.setattr(survey_chapter, name, lambda *args, **kwargs: None)
    # Notebook 01: the survey analysis, its results and its chapter (every template rendered).
    analysed = analyse(inputs)
    survey_results.record(Results("survey"), analysed, codebook)
    survey_chapter.SurveyChapter(analysed, inputs, tmp_path).emit_all()
    questionnaire_appendix.codebook_markdown(codebook)
    # Notebook 02 and the build: what the estimate reads of the survey and the codebook.
    estimation.prepare(inputs.analysed, estimation.bands_from(codebook), grid=codebook.multiplicity_grid)
    simulation_study.StudySettings.from_edition(inputs.params, codebook)
    estimation_text.band_labels(codebook.variables["n_sexual"])
    plt.close("all")


def _spelled(text: str) -> set[str]:
    return {node.value for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Constant)
            and isinstance(node.value, str)}


def test_every_codebook_name_the_code_spells_is_declared_required_or_optional():
    # The synthetic-data generator writes every column; it reads none of them from a codebook.
    package = PROJECT_ROOT / "src" / "exploitation_report"
    sources = {p: p.read_text(encoding="utf-8") for p in package.rglob("*.py") if "synth" not in p.parts}
    for notebook in (PROJECT_ROOT / "analysis").glob("*.ipynb"):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        sources[notebook] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    shipped = set(SHIPPED["variables"]) | set(SHIPPED["groups"])
    declared = ({*names.VARIABLES, *names.GROUPS, *names.OPTIONAL}
                | {m for read in names.GROUPS.values() for m in read.members}
                | {g for options in names.ONE_OF for g in options})
    undeclared = {f"{name} ({path.name})" for path, text in sources.items()
                  for name in _spelled(text) & shipped - declared}
    assert not undeclared, "declare these in inputs/analysis_names.py, as required or optional"


@pytest.mark.filterwarnings("ignore:Tight layout not applied")
def test_optional_items_the_export_lacks_are_analysed_as_not_asked(tmp_path, monkeypatch):
    # An option of a group read whole and an optional single the export lacks: validation said
    # "Valid" and notebook 01 stopped with a KeyError ("['victim_origin_eu'] not in index").
    import matplotlib.pyplot as plt

    from exploitation_report.chapters import survey_chapter
    from exploitation_report.stats.survey_analysis import analyse

    raw = copy.deepcopy(SHIPPED)
    for name in ("victim_origin_eu", "years_experience"):
        raw["variables"][name]["required"] = False
    raw["export"] = {"ignore": ["victim_origin_eu", "years_experience"]}
    inputs = edition(written(raw, tmp_path))
    assert set(inputs.survey.attrs["absent_optional"]) >= {"victim_origin_eu", "years_experience"}
    codebook = inputs.codebook
    assert "victim_origin_eu" not in codebook.variables and "years_experience" not in codebook.variables
    assert "victim_origin_eu" not in codebook.groups["victim_origin"].members
    assert codebook.response_date == "response_date"   # absent too, and its analysis checks the column itself
    emitted = []
    monkeypatch.setattr(survey_chapter, "emit", lambda part, markdown: emitted.append(str(markdown)))
    for name in ("emit_table", "emit_figure"):
        monkeypatch.setattr(survey_chapter, name, lambda *args, **kwargs: None)
    analysed = analyse(inputs)
    assert "victim_origin_eu" not in analysed.items["victim_origin"].record["options"]
    survey_chapter.SurveyChapter(analysed, inputs, tmp_path).emit_all()
    plt.close("all")
    # They were asked all the same: the questionnaire's count and appendix keep them.
    from exploitation_report.chapters import survey_text

    text = "\n".join(emitted)
    assert "Hoeveel jaar werkervaring heeft u" in text          # appendix A lists the question
    asked, analysed_count = (survey_text.question_count(c) for c in (inputs.questionnaire, codebook))
    assert asked == analysed_count + 1 and f"De vragenlijst telt {asked} vragen" in text
    # A group whose every option the export lacks goes with them.
    assert "signals" not in codebook.without(codebook.groups["signals"].members).groups
