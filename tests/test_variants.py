"""A variant's overrides are checked like the file's, and a problem names the file that gave the key."""

import pytest

from exploitation_report.inputs.errors import InputError
from exploitation_report.inputs.params import load_params
from exploitation_report.paths import PROJECT_ROOT
from exploitation_report.pipeline.variants import load_variant, merged_overrides

SHIPPED = PROJECT_ROOT / "params" / "2024.yml"


def variant_file(tmp_path, overrides: str):
    folder = tmp_path / "variants"
    folder.mkdir(exist_ok=True)
    path = folder / "trial.yml"
    path.write_text(f"description: a trial\noverrides:\n{overrides}", encoding="utf-8")
    return load_variant("trial", folder), path


def test_a_misspelt_key_in_a_variant_file_names_that_file(tmp_path):
    variant, path = variant_file(tmp_path, "  estimation.nonresponse_factor.centrl: 0.3\n")
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, merged_overrides(variant, {}))
    (problem,) = err.value.problems
    assert str(problem) == (f"{path}, key 'estimation.nonresponse_factor.centrl': expected only known keys "
                            "(this one is unknown), found 0.3")


def test_the_year_in_a_variant_file_names_that_file(tmp_path):
    variant, path = variant_file(tmp_path, "  year: 2091\n")
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, merged_overrides(variant, {}))
    (problem,) = err.value.problems
    assert (problem.file, problem.key, problem.found) == (str(path), "year", "year: 2091")


def test_a_key_given_on_the_command_line_too_is_the_command_lines(tmp_path):
    variant, path = variant_file(tmp_path, "  estimation.nonresponse_factor.centrl: 0.3\n"
                                           "  suppression.min_count: many\n")
    overrides = merged_overrides(variant, {"estimation.nonresponse_factor.centrl": 0.2})
    assert overrides == {"estimation.nonresponse_factor.centrl": 0.2, "suppression.min_count": "many"}
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, overrides)
    files = {p.key: p.file for p in err.value.problems}
    assert files == {"estimation.nonresponse_factor.centrl": "command line", "suppression.min_count": str(path)}


def test_a_section_made_wrong_by_a_variant_names_the_file_and_the_variant(tmp_path):
    variant, path = variant_file(tmp_path, "  estimation.nonresponse_factor.central: 5\n")
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, merged_overrides(variant, {}))
    (problem,) = err.value.problems
    assert problem.file == f"{SHIPPED} with estimation.nonresponse_factor.central in {path}"


def test_valid_variant_overrides_apply():
    variant = load_variant("lowfactor")
    params = load_params(SHIPPED, merged_overrides(variant, {}))
    assert params.estimation.nonresponse_factor.central == 0.3
