from pathlib import Path

import pytest
import yaml

from exploitation_report.inputs.errors import InputError
from exploitation_report.inputs.params import apply_overrides, load_params, parse_override
from exploitation_report.paths import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "params" / "2024.yml"


def write(tmp_path: Path, data) -> Path:
    """Write parameters as the 2030 edition (the year matches the file name)."""
    path = tmp_path / "2030.yml"
    data = {**data, "year": 2030}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def raw() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def problem_keys(exc: InputError) -> set[str]:
    return {p.column for p in exc.problems}


def test_shipped_params_are_valid_and_synthetic():
    params = load_params(SHIPPED)
    assert params.year == 2024 and params.synthetic
    assert params.reference_period.months == 24
    assert params.input_path("survey").exists()


def test_missing_key_is_named_with_file(tmp_path):
    data = raw()
    del data["population"]["invited"]
    with pytest.raises(InputError) as err:
        load_params(write(tmp_path, data))
    assert "population.invited" in problem_keys(err.value)
    assert all(p.file.endswith("2030.yml") for p in err.value.problems)
    assert "population.invited" in str(err.value)


def test_unknown_and_mistyped_keys_reported_together(tmp_path):
    data = raw()
    data["estimation"]["bootstrap"]["resampels"] = 10
    data["suppression"]["min_count"] = "five"
    with pytest.raises(InputError) as err:
        load_params(write(tmp_path, data))
    keys = problem_keys(err.value)
    assert {"estimation.bootstrap.resampels", "suppression.min_count"} <= keys
    unknown = next(p for p in err.value.problems if p.column == "estimation.bootstrap.resampels")
    assert "unknown" in unknown.expected


def test_inconsistent_range_is_rejected(tmp_path):
    data = raw()
    data["estimation"]["nonresponse_factor"] = {"low": 0.8, "central": 0.5, "high": 1.0}
    with pytest.raises(InputError) as err:
        load_params(write(tmp_path, data))
    assert "estimation.nonresponse_factor" in problem_keys(err.value)


def test_malformed_yaml_names_file_and_line(tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text("year: 2024\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_params(path)
    assert "bad.yml" in str(err.value) and "line" in str(err.value)


def test_missing_file():
    with pytest.raises(InputError, match="does not exist"):
        load_params(PROJECT_ROOT / "params" / "1999.yml")


def test_overrides_are_typed_validated_and_leave_input_alone():
    params = load_params(SHIPPED, ["estimation.nonresponse_factor.central=0.25", "suppression.min_count=10"])
    assert params.estimation.nonresponse_factor.central == 0.25
    assert params.suppression.min_count == 10
    assert load_params(SHIPPED).suppression.min_count == 5  # the file is untouched
    data = raw()
    apply_overrides(data, ["year=2030"], "x")
    assert data["year"] == 2024  # the dict is untouched too
    # A section given whole, then a key below it: the first override keeps the value it was given.
    given = {"estimation.nonresponse_factor": {"low": 0, "central": 0.3, "high": 1},
             "estimation.nonresponse_factor.central": 0.4}
    assert apply_overrides(data, given, "x")["estimation"]["nonresponse_factor"]["central"] == 0.4
    assert given["estimation.nonresponse_factor"]["central"] == 0.3


def test_override_errors_name_the_key():
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, ["estimation.nonresponse_factr.central=1"])
    assert "estimation.nonresponse_factr" in str(err.value)
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, ["suppression.min_count=many"])
    assert problem_keys(err.value) == {"suppression.min_count"}
    with pytest.raises(InputError):
        parse_override("no-equals-sign")


def test_digest_changes_with_overrides():
    assert load_params(SHIPPED).digest() == load_params(SHIPPED).digest()
    assert load_params(SHIPPED).digest() != load_params(SHIPPED, ["estimation.bootstrap.seed=1"]).digest()


def test_new_estimation_keys_are_validated(tmp_path):
    data = raw()
    data["estimation"]["band_position"] = {"low": -0.1, "central": 0.5, "high": 1.0}
    data["estimation"]["bootstrap"]["resamples"] = 500                  # the issue asks for >= 2000
    data["estimation"]["mse"]["method"] = "lasso"
    data["estimation"]["heavy_reporters_share"] = 0.7
    with pytest.raises(InputError) as err:
        load_params(write(tmp_path, data))
    keys = problem_keys(err.value)
    assert {"estimation.band_position", "estimation.bootstrap.resamples", "estimation.mse.method",
            "estimation.heavy_reporters_share"} <= keys


def test_population_range_must_hold_the_population_and_the_invited(tmp_path):
    data = raw()
    data["population"]["first_line_professionals_range"] = {"low": 1300, "high": 1500}
    with pytest.raises(InputError, match="first_line_professionals_range"):
        load_params(write(tmp_path, data))
    data["population"]["first_line_professionals_range"] = {"low": 800, "high": 1500}   # below the 900 invited
    with pytest.raises(InputError, match="invited"):
        load_params(write(tmp_path, data))
    params = load_params(SHIPPED)
    size = params.population.size_range
    assert size.low <= size.central == params.population.first_line_professionals <= size.high


def test_linked_registrations_are_optional():
    params = load_params(SHIPPED, ["inputs.linked_registrations=null"])
    assert params.inputs.linked_registrations is None
    assert "linked_registrations" not in params.inputs.named
    with pytest.raises(KeyError, match="linked_registrations"):
        params.input_path("linked_registrations")
    shipped = load_params(SHIPPED)
    if shipped.inputs.linked_registrations is not None:
        assert shipped.input_path("linked_registrations").exists()


def test_override_may_set_an_optional_key_absent_from_the_file(tmp_path):
    data = raw()
    data["inputs"].pop("linked_registrations", None)
    path = write(tmp_path, data)
    assert load_params(path).inputs.linked_registrations is None
    params = load_params(path, ["inputs.linked_registrations=data/2024/linked_registrations_synthetic.csv"])
    assert params.inputs.linked_registrations.name == "linked_registrations_synthetic.csv"
    with pytest.raises(InputError) as err:
        load_params(path, ["inputs.linkd_registrations=x.csv"])
    assert problem_keys(err.value) == {"inputs.linkd_registrations"}
    with pytest.raises(InputError, match="year"):
        load_params(path, ["year.month=3"])


def test_year_must_match_the_file_name(tmp_path):
    # The shipped parameters (year: 2024) saved as params/2091.yml, as in shared/cases/publishing.
    path = tmp_path / "2091.yml"
    path.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_params(path)
    (problem,) = err.value.problems
    assert problem.file.endswith("2091.yml") and problem.column == "year" and problem.found == "2024"
    assert "2091" in problem.expected
    assert str(err.value).startswith(f"{path}, key 'year': expected year: 2091")
    # A file named otherwise (not a year) is not an edition's file and is not checked.
    other = tmp_path / "variant.yml"
    other.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_params(other).year == 2024


@pytest.mark.parametrize("override", ["year=2023", "year=2024", {"year": 2023}])
def test_an_override_cannot_change_the_year(override):
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, [override] if isinstance(override, str) else override)
    (problem,) = err.value.problems
    assert problem.column == "year" and "no override of 'year'" in problem.expected
    assert "2024.yml" in problem.expected and "year=" in problem.found


def test_a_date_that_does_not_exist_is_an_input_error_naming_file_line_and_key(tmp_path):
    lines = SHIPPED.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines, 1) if line.lstrip().startswith("date:"))
    lines[row - 1] = "  date: 2024-02-30\n"
    path = tmp_path / "2024.yml"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_params(path)
    assert str(err.value) == (f"{path}, line {row}, key 'publication.date': expected a date that exists "
                              "(YYYY-MM-DD), found 2024-02-30 (day is out of range for month)")


def test_a_date_that_does_not_exist_on_the_command_line_names_the_override():
    with pytest.raises(InputError) as err:
        parse_override("publication.date=2024-02-30")
    (problem,) = err.value.problems
    assert (problem.file, problem.key) == ("command line", "publication.date")
    assert str(problem) == ("command line, key 'publication.date': expected a date that exists (YYYY-MM-DD), "
                            "found -p publication.date=2024-02-30 (day is out of range for month)")


@pytest.mark.parametrize("override", [
    "estimation.open_band_cap=.inf", "estimation.open_others_cap.high=.inf",
    "population.first_line_professionals_range.high=.inf", "estimation.nonresponse_factor.low=.nan",
    "estimation.per_victim_correction.high=.inf", "estimation.bootstrap.level=.nan",
])
def test_numbers_that_are_not_finite_are_refused(override):
    key = override.partition("=")[0]
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, [override])
    assert err.value.problems
    for problem in err.value.problems:
        assert problem.file == "command line" and (problem.key == key or problem.key.startswith(key + "."))
        assert "finite number" in problem.expected


def test_a_number_that_is_not_finite_in_the_file_names_the_file_and_key(tmp_path):
    data = raw()
    data["estimation"]["open_others_cap"] = {"low": 2, "central": 5, "high": float("inf")}
    path = write(tmp_path, data)
    with pytest.raises(InputError) as err:
        load_params(path)
    (problem,) = err.value.problems
    assert (problem.file, problem.key) == (str(path), "estimation.open_others_cap.high")
    assert str(problem) == f"{path}, key 'estimation.open_others_cap.high': expected a finite number, found inf"


@pytest.mark.parametrize("key", ["estimation.bootstrap.resamples", "estimation.mse.resamples",
                                 "estimation.simulation.resamples", "estimation.simulation.replicates"])
def test_repetitions_have_an_upper_bound(key):
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, [f"{key}=99999999999999999999999"])
    (problem,) = err.value.problems
    assert (problem.file, problem.key) == ("command line", key)
    assert "less than or equal to 100000" in problem.expected
    assert load_params(SHIPPED, [f"{key}=100000"]) is not None   # the bound itself is allowed


def test_a_misspelt_override_names_the_command_line_not_the_file():
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, ["estimation.nonresponse_factor.centrl=0.3"])
    (problem,) = err.value.problems
    assert str(problem) == ("command line, key 'estimation.nonresponse_factor.centrl': expected only known keys "
                            "(this one is unknown), found 0.3")
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, ["estimation.nonresponse_factr.central=1"])   # a section the file does not have
    assert err.value.problems[0].file == "command line"


def test_a_section_made_wrong_by_an_override_names_the_file_and_the_override():
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, ["estimation.nonresponse_factor.central=5"])
    (problem,) = err.value.problems
    assert problem.file == f"{SHIPPED} with -p estimation.nonresponse_factor.central"
    assert problem.key == "estimation.nonresponse_factor"


def test_a_value_the_override_reaches_below_names_the_command_line():
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, ["suppression.min_count.low=3"])
    (problem,) = err.value.problems
    assert (problem.file, problem.key) == ("command line", "suppression.min_count")
    assert str(SHIPPED) in problem.found


@pytest.mark.parametrize(("value", "expected"), [
    ("-5", "expected a finite number of persons above 0 and at most 10000, found -5"),
    ("0", "expected a finite number of persons above 0 and at most 10000, found 0"),
    ("abc", "expected a number, or a range with keys low, central and high, found 'abc'"),
    ("[20, 30]", "expected a number, or a range with keys low, central and high, found [20, 30]"),
])
def test_a_cap_given_as_one_value_is_judged_as_that_value(value, expected):
    """A cap may be one number (a range without uncertainty): its problem is the number's, at its key."""
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, [f"estimation.open_band_cap={value}"])
    (problem,) = err.value.problems
    assert (problem.file, problem.key) == ("command line", "estimation.open_band_cap")
    assert str(problem) == f"command line, key 'estimation.open_band_cap': {expected}"


def edited(tmp_path: Path, start: str, line: str) -> tuple[Path, int]:
    """The shipped parameters as 2024.yml with the first line that starts with ``start`` replaced; its number."""
    lines = SHIPPED.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, text in enumerate(lines, 1) if text.lstrip().startswith(start))
    lines[row - 1] = line + "\n"
    path = tmp_path / "2024.yml"
    path.write_text("".join(lines), encoding="utf-8")
    return path, row


@pytest.mark.parametrize(("value", "expected"), [
    ("010", "a number without leading zeros (write 10), or put text in quotes"),
    ("09", "a number without leading zeros (write 9), or put text in quotes"),
    ("1:30", "a number without a colon (YAML would read 1:30 as minutes and seconds, 90); write one number, "
             "or put text in quotes"),
])
def test_yaml_1_1_number_forms_are_refused_not_read_as_octal_or_base_60(tmp_path, value, expected):
    path, row = edited(tmp_path, "min_count:", f"  min_count: {value}")
    with pytest.raises(InputError) as err:
        load_params(path)
    assert str(err.value) == f"{path}, line {row}, key 'suppression.min_count': expected {expected}, found {value}"
    with pytest.raises(InputError) as err:
        parse_override(f"suppression.min_count={value}")
    assert str(err.value) == (f"command line, key 'suppression.min_count': expected {expected}, "
                              f"found -p suppression.min_count={value}")


def test_other_number_forms_dates_and_booleans_read_as_before():
    assert parse_override("suppression.min_count=0x0A") == ("suppression.min_count", 10)   # hex is unambiguous
    assert parse_override("a=0")[1] == 0 and parse_override("a=0.05")[1] == 0.05 and parse_override("a=-3")[1] == -3
    assert parse_override("a=1_000")[1] == 1000 and parse_override("a=yes")[1] is True
    assert parse_override("a=2024-10-09")[1].isoformat() == "2024-10-09"
    assert parse_override("a='010'")[1] == "010"   # quoted: text, as meant
    assert load_params(SHIPPED).model_dump() == load_params(SHIPPED).model_dump()


def test_a_comma_decimal_in_a_flow_mapping_is_one_problem_naming_the_comma(tmp_path):
    path, row = edited(tmp_path, "nonresponse_factor:", "  nonresponse_factor: {low: 0.0, central: 0,5, high: 1.0}")
    with pytest.raises(InputError) as err:
        load_params(path)
    (problem,) = err.value.problems
    assert str(problem) == (f"{path}, line {row}, key 'estimation.nonresponse_factor.central': expected a decimal "
                            "point, not a comma (write 0.5), found 0,5")


def test_a_comma_decimal_on_the_command_line_names_the_comma():
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, ["estimation.nonresponse_factor.central=0,5"])
    (problem,) = err.value.problems
    assert str(problem) == ("command line, key 'estimation.nonresponse_factor.central': expected a decimal point, "
                            "not a comma (write 0.5), found '0,5'")


@pytest.mark.parametrize(("override", "key", "expected"), [
    ("language=en", "language", "expected 'nl' (the report is in Dutch), found 'en'"),
    ("publication.authors=[]", "publication.authors",
     "expected at least one author (the names printed on the cover), found []"),
    ("publication.date=2024-10-09T10:00:00", "publication.date",
     "expected a date without a time (YYYY-MM-DD), found 2024-10-09 10:00:00"),
    ("publication.date=09-10-2024", "publication.date", "expected a date (YYYY-MM-DD), found '09-10-2024'"),
])
def test_validator_wording_is_plain_english(override, key, expected):
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, [override])
    (problem,) = err.value.problems
    assert str(problem) == f"command line, key '{key}': {expected}"


@pytest.mark.parametrize("label", ["2019–2020", "2022", "2023", "20222023", ""])
def test_a_reference_period_label_must_name_the_years_of_the_period(label):
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, [f"reference_period.label='{label}'"])
    (problem,) = err.value.problems
    assert problem.key == "reference_period.label"
    if label:
        assert problem.expected == ("a label that names the years of the period 2022-01-01 to 2023-12-31 "
                                    "(e.g. '2022–2023')") and problem.found == repr(label)


def test_a_reference_period_label_may_name_its_years_in_any_words():
    for label in ["2022–2023", "2022-2023", "januari 2022 tot en met december 2023"]:
        assert load_params(SHIPPED, [f"reference_period.label={label}"]).reference_period.label == label
    one_year = ["reference_period.start=2023-01-01", "reference_period.end=2023-12-31", "estimation.registrations_year=2023"]
    assert load_params(SHIPPED, [*one_year, "reference_period.label=2023"]).reference_period.months == 12
    with pytest.raises(InputError, match="names the year of the period 2023-01-01 to 2023-12-31 .e.g. '2023'."):
        load_params(SHIPPED, [*one_year, "reference_period.label=2022"])


@pytest.mark.parametrize("key", ["title", "subtitle", "organisation", "municipality.name", "publication.place",
                                 "population.source", "municipality.registering_organisation.short"])
@pytest.mark.parametrize("value", ["''", "'   '"])
def test_required_texts_must_not_be_empty(key, value):
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, [f"{key}={value}"])
    (problem,) = err.value.problems
    assert (problem.file, problem.key, problem.expected) == ("command line", key, "a non-empty text")


@pytest.mark.parametrize(("override", "expected"), [
    ("inputs.survey=", "expected a file path, found an empty value"),
    ("inputs.survey=null", "expected a file path, found null"),
    ("inputs.codebook=null", "expected a file path, found null"),
    ("inputs.interviews= ", "expected a file path, or null for none, found an empty value"),
])
def test_an_empty_or_null_input_path_names_the_key_on_the_command_line(override, expected):
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, [override])
    (problem,) = err.value.problems
    key = override.partition("=")[0]
    assert str(problem) == f"command line, key '{key}': {expected}"
    assert load_params(SHIPPED, ["inputs.interviews=null"]).inputs.interviews is None


def test_checks_across_keys_name_the_key_to_change_and_never_print_a_whole_section():
    edition_2026 = PROJECT_ROOT / "params" / "2026.yml"
    with pytest.raises(InputError) as err:
        load_params(edition_2026, ["previous_edition=2027"])
    (p,) = err.value.problems
    assert p.key == "previous_edition" and "before 2026" in p.expected and p.found == "2027"
    with pytest.raises(InputError) as err:
        load_params(edition_2026, ["previous_edition=null"])   # its follow-up file follows 2024 up
    (p,) = err.value.problems
    assert p.key == "inputs" and "inputs.follow_up" in p.expected and p.found is None
    assert len(err.value.summary()) < 300


def test_a_long_value_found_is_shortened():
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, ["suppression.min_count=[" + ",".join(["1"] * 200) + "]"])
    (p,) = err.value.problems
    assert p.key == "suppression.min_count" and len(p.found) <= 120 and p.found.endswith("]")


@pytest.mark.parametrize(("override", "key", "words"), [
    ("suppression.min_count=yes", "suppression.min_count", "a number, not a yes/no value"),
    ("estimation.nonresponse_factor.high=on", "estimation.nonresponse_factor.high", "a number, not a yes/no value"),
    ("previous_edition=true", "previous_edition", "a number, not a yes/no value"),
    ("estimation.open_band_cap=yes", "estimation.open_band_cap", "a number or a range"),
    ("publication.date=1728432000", "publication.date", "a date (YYYY-MM-DD)"),
])
def test_yes_no_values_are_no_numbers_and_numbers_no_dates(override, key, words):
    """pydantic would read yes as 1 (min_count 1: nothing suppressed) and a number as seconds since 1970."""
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, [override])
    (p,) = err.value.problems
    assert p.key == key and words in p.expected
    assert load_params(SHIPPED, ["synthetic=yes"]).synthetic is True   # a yes/no key still takes yes


@pytest.mark.parametrize("override", ["estimation.open_band_cap=1e308", "estimation.open_band_cap.high=1e12"])
def test_a_cap_beyond_any_answer_band_is_refused(override):
    """A cap of 1e12 made the estimate allocate 500 GB; 1e308 overflowed into a plausible-looking interval."""
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, [override])
    (p,) = err.value.problems
    assert p.key == "estimation.open_band_cap" and "10000" in p.expected
    assert load_params(SHIPPED, ["estimation.open_band_cap=3e1"]).estimation.open_band_cap.central == 30


def test_an_override_with_a_colon_is_text_and_a_key_twice_in_a_section_is_named():
    assert load_params(SHIPPED, ["title=Uitbuiting: een verkenning"]).title == "Uitbuiting: een verkenning"
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, ["estimation.bootstrap={resamples: 2000, resamples: 3000}"])
    (p,) = err.value.problems
    assert p.key == "estimation.bootstrap" and "'resamples' twice" in p.found
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, ["title={a: b}"])
    (p,) = err.value.problems
    assert p.key == "title" and p.found == "{'a': 'b'}"


def test_a_period_that_ends_before_it_starts_is_named_as_such():
    """Not as a label that names the wrong years: the label is right, the dates are not."""
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, ["reference_period.start=2024-01-01"])
    (problem,) = err.value.problems
    assert problem.key == "reference_period" and "end after start" in problem.expected


@pytest.mark.parametrize("date", ["2023-06-01", "2023-12-31"])
def test_a_report_is_published_after_the_period_it_reports_on(date):
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, [f"publication.date={date}"])
    (problem,) = err.value.problems
    assert problem.key == "reference_period" and f"publication.date = {date}" in problem.expected


@pytest.mark.parametrize("overrides,years,found", [
    (["estimation.registrations_year=2021"], "2022–2023", "2021"),
    (["reference_period.start=2023-01-01", "reference_period.label=2023"], "2023", "2022"),
])
def test_the_registrations_year_lies_in_the_reference_period(overrides, years, found):
    # An estimate over 2023 set against the registrations of 2022 compares two periods.
    with pytest.raises(InputError) as err:
        load_params(SHIPPED, overrides)
    (problem,) = err.value.problems
    assert problem.key == "estimation"
    assert f"estimation.registrations_year within the reference period ({years})" in problem.expected
    assert found in problem.found
