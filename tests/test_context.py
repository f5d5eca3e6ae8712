"""An edition's inputs as the build and the notebooks see them."""

import pandas as pd
import pytest

from exploitation_report.inputs.edition import EditionInputs, load_inputs
from exploitation_report.inputs.errors import InputError
from exploitation_report.inputs.params import load_params
from exploitation_report.paths import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "params" / "2024.yml"


def frame(marked: bool, **columns) -> pd.DataFrame:
    """A frame as the readers return it: `attrs["synthetic"]` says whether any row is."""
    out = pd.DataFrame(columns)
    out.attrs["synthetic"] = marked
    return out


def context(params_synthetic: bool, survey: bool, registrations: pd.DataFrame,
            linked: pd.DataFrame | None = None) -> EditionInputs:
    params = load_params(SHIPPED, [f"synthetic={str(params_synthetic).lower()}"])
    return EditionInputs(params, codebook=None, survey=frame(survey, works_in_municipality=[1, 0]),
                   registrations=registrations, linked_registrations=linked)


def test_one_synthetic_registration_row_makes_the_edition_synthetic():
    # Real published figures next to made-up ones, as in the shipped registrations.
    mixed = frame(True, count=[29, 13], synthetic=[0, 1])
    assert context(False, False, mixed).synthetic
    real = frame(False, count=[29, 3], synthetic=[0, 0])
    assert not context(False, False, real).synthetic


def test_parameters_survey_or_linked_registrations_each_mark_it_synthetic():
    real = frame(False, count=[29], synthetic=[0])
    assert context(True, False, real).synthetic
    assert context(False, True, real).synthetic
    assert context(False, False, real, linked=frame(True, count=[5])).synthetic
    assert not context(False, False, real, linked=frame(False, count=[5])).synthetic


def test_analysed_keeps_those_who_work_in_the_municipality():
    ctx = context(False, False, frame(False, count=[1], synthetic=[0]))
    assert ctx.analysed["works_in_municipality"].tolist() == [1]


def test_registrations_year_without_rows_is_reported_at_validation():
    from exploitation_report.inputs.edition import load_inputs
    from exploitation_report.inputs.errors import InputError
    from exploitation_report.inputs.params import load_params
    from exploitation_report.paths import PROJECT_ROOT

    # A period from 2020: its first year is allowed, and the registrations have no row for it.
    params = load_params(PROJECT_ROOT / "params" / "2024.yml", [
        "reference_period.start=2020-01-01", "reference_period.label=2020–2023", "estimation.registrations_year=2020"])
    with pytest.raises(InputError) as err:
        load_inputs(params)
    text = str(err.value)
    assert "registrations_2024.csv" in text and "registrations_year = 2020" in text and "2022, 2023" in text


def test_registrations_of_the_registrar_under_another_spelling_are_refused_at_validation(tmp_path):
    """'zvhg' rows would be left out of the estimate without a word ('no figures for 2023')."""
    import pandas as pd

    from exploitation_report.inputs.edition import load_inputs
    from exploitation_report.inputs.errors import InputError
    from exploitation_report.inputs.params import load_params
    from exploitation_report.paths import PROJECT_ROOT

    params = load_params(PROJECT_ROOT / "params" / "2024.yml")
    regs = pd.read_csv(params.input_path("registrations"), dtype=str, keep_default_na=False)
    registrar = params.municipality.registering_organisation.short
    full = params.municipality.registering_organisation.name
    for other in (registrar.lower(), full):   # the rows of the registration year stay as they are
        changed = regs.copy()
        changed.loc[(changed["source"] == registrar) & (changed["year"] == "2023"), "source"] = other
        path = tmp_path / "regs.csv"
        changed.to_csv(path, index=False)
        with pytest.raises(InputError) as err:
            load_inputs(load_params(PROJECT_ROOT / "params" / "2024.yml", [f"inputs.registrations={path}"]))
        (problem,) = err.value.problems
        assert problem.column == "source" and repr(other) in problem.found and problem.rows


def test_registrations_of_a_year_after_the_publication_are_refused_at_validation(tmp_path):
    import pandas as pd

    from exploitation_report.inputs.edition import load_inputs
    from exploitation_report.inputs.errors import InputError
    from exploitation_report.inputs.params import load_params
    from exploitation_report.paths import PROJECT_ROOT

    params = load_params(PROJECT_ROOT / "params" / "2024.yml")
    regs = pd.read_csv(params.input_path("registrations"), dtype=str, keep_default_na=False)
    regs.loc[len(regs) - 1, "year"] = "2030"
    path = tmp_path / "regs.csv"
    regs.to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        load_inputs(load_params(PROJECT_ROOT / "params" / "2024.yml", [f"inputs.registrations={path}"]))
    (problem,) = err.value.problems
    assert problem.column == "year" and problem.rows == (len(regs) + 1,) and problem.found == "2030"


@pytest.mark.parametrize("override,key,lowest,band", [
    ("estimation.open_band_cap=10", "estimation.open_band_cap.low", "21", "'Meer dan 20' of n_sexual"),
    ("estimation.open_others_cap.low=2", "estimation.open_others_cap.low", "4", "'Vier of meer' of n_other_professionals"),
])
def test_a_cap_below_the_open_band_it_closes_is_refused(override, key, lowest, band):
    # "meer dan 20" counted as at most 10 would change the estimate without a word.
    with pytest.raises(InputError) as err:
        load_inputs(load_params(PROJECT_ROOT / "params" / "2024.yml", [override]))
    problem = err.value.problems[0]
    assert problem.key == key and f"at least {lowest}, the lower end of the open band {band}" in problem.expected


def test_a_capped_item_without_an_open_top_band_is_refused(tmp_path):
    # "Meer dan 20" left without bounds is an unknown answer: the estimate had no band to cap (a template error).
    import yaml

    codebook = yaml.safe_load((PROJECT_ROOT / "data" / "codebook.yml").read_text(encoding="utf-8"))
    bands = dict(codebook["variables"]["n_sexual"]["bands"])
    del bands[6]
    codebook["variables"]["n_sexual"]["bands"] = bands
    path = tmp_path / "codebook.yml"
    path.write_text(yaml.safe_dump(codebook, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_inputs(load_params(SHIPPED, [f"inputs.codebook={path}"]))
    problem = err.value.problems[0]
    assert problem.key == "variables.n_sexual.bands" and "an open top band (upper: null)" in problem.expected


def test_a_codebook_without_a_count_item_the_estimate_reads_is_refused(tmp_path):
    # Removed from the codebook and ignored in the mapping, it once passed validation and the build ended in a KeyError.
    import yaml

    codebook = yaml.safe_load((PROJECT_ROOT / "data" / "codebook.yml").read_text(encoding="utf-8"))
    del codebook["variables"]["n_other_professionals"]
    path = tmp_path / "codebook.yml"
    path.write_text(yaml.safe_dump(codebook, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_inputs(load_params(SHIPPED, [f"inputs.codebook={path}"]))
    problem = err.value.problems[0]
    assert problem.key == "variables.n_other_professionals" and problem.found == "no such variable"


@pytest.mark.parametrize("rows,threshold", [(4, 5), (15, 20), (0, 5)])
def test_too_few_analysed_respondents_are_refused_at_validation(tmp_path, rows, threshold):
    # Four respondents at threshold 5 stopped the build in a template (the response flow hidden), and
    # a survey where nobody works in the municipality stopped the estimate with a reshape error.
    import pandas as pd

    from exploitation_report.inputs.edition import load_inputs
    from exploitation_report.inputs.errors import InputError
    from exploitation_report.inputs.params import load_params
    from exploitation_report.paths import PROJECT_ROOT

    params = load_params(PROJECT_ROOT / "params" / "2024.yml")
    survey = pd.read_csv(params.input_path("survey"), dtype=str, keep_default_na=False)
    # rows = 0: only those who do not work in the municipality (the shipped survey's eight).
    survey = survey[survey["works_in_municipality"] == ("1" if rows else "2")].head(rows or None)
    path = tmp_path / "survey.csv"
    survey.to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        load_inputs(load_params(PROJECT_ROOT / "params" / "2024.yml",
                                [f"inputs.survey={path}", f"suppression.min_count={threshold}"]))
    (problem,) = err.value.problems
    assert problem.file == str(path) and f"at least suppression.min_count = {threshold}" in problem.expected
    assert problem.found.startswith(f"{rows} of ")
