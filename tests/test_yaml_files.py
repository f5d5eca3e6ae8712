import datetime as dt

import pytest
from pydantic import Field

from exploitation_report.inputs.errors import InputError, Problem
from exploitation_report.inputs.yaml_files import StrictModel, load_model, read_yaml_mapping


class Inner(StrictModel):
    size: int = Field(gt=0)


class Outer(StrictModel):
    name: str
    inner: Inner


def test_valid_file_loads(tmp_path):
    path = tmp_path / "a.yml"
    path.write_text("name: x\ninner: {size: 3}\n", encoding="utf-8")
    assert load_model(path, Outer, "a test file").inner.size == 3


def test_every_problem_names_file_and_dotted_key(tmp_path):
    path = tmp_path / "a.yml"
    path.write_text("inner: {size: 0, colour: red}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_model(path, Outer, "a test file")
    by_key = {p.column: p for p in err.value.problems}
    assert set(by_key) == {"name", "inner.size", "inner.colour"}
    assert by_key["name"].expected == "this key to be present"
    assert "unknown" in by_key["inner.colour"].expected and by_key["inner.size"].found == "0"
    assert all(p.file == str(path) for p in err.value.problems)


@pytest.mark.parametrize("content,expected", [
    (b"name: [x\n", "line"), (b"- a\n- b\n", "mapping"), (b"name: caf\xe9\n", "UTF-8"),
])
def test_unreadable_files(tmp_path, content, expected):
    path = tmp_path / "a.yml"
    path.write_bytes(content)
    with pytest.raises(InputError, match=expected):
        read_yaml_mapping(path, "a test file")
    with pytest.raises(InputError, match="does not exist"):
        read_yaml_mapping(tmp_path / "missing.yml", "a test file")
    with pytest.raises(InputError, match="found a directory"):
        read_yaml_mapping(tmp_path, "a test file")


def test_a_key_given_twice_is_refused_with_both_lines(tmp_path):
    path = tmp_path / "a.yml"
    path.write_text("name: x\ninner:\n  size: 3\n  size: 4\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_yaml_mapping(path, "a test file")
    problem = err.value.problems[0]
    assert (problem.row, problem.key) == (4, "size")
    assert str(problem) == (f"{path}, line 4, key 'size': expected each key once within a mapping, "
                            "found a second 'size' (the first is on line 3)")


def test_merge_keys_are_no_duplicates(tmp_path):
    path = tmp_path / "a.yml"
    path.write_text("base: &b {size: 1}\ninner:\n  <<: *b\n  size: 2\nname: x\n", encoding="utf-8")
    assert read_yaml_mapping(path, "a test file")["inner"] == {"size": 2}


def test_undecodable_byte_names_its_line(tmp_path):
    path = tmp_path / "a.yml"
    path.write_bytes(b"name: x\ninner: caf\xe9\n")
    with pytest.raises(InputError) as err:
        read_yaml_mapping(path, "a test file")
    assert err.value.problems[0].row == 2 and "offset 18" in str(err.value)


def test_one_format_for_keys_and_columns():
    assert str(Problem("p.yml", "a number", key="a.b", found="'x'")) == "p.yml, key 'a.b': expected a number, found 'x'"
    assert Problem("p.yml", "a number", key="a.b").column == "a.b"   # read where a key was once stored
    table = Problem("t.csv", "a code", row=3, column="sector", found="'9'")
    assert table.key is None and str(table) == "t.csv, row 3, column 'sector': expected a code, found '9'"


def _shipped_yaml():
    from exploitation_report.paths import PROJECT_ROOT

    return sorted(p for folder in ("params", "data", "report", "analysis") for p in (PROJECT_ROOT / folder).rglob("*.yml"))


def test_the_fast_loader_reads_every_shipped_file_as_the_pure_python_loader_does():
    import yaml

    from exploitation_report.inputs import yaml_files

    files = _shipped_yaml()
    assert len(files) > 10
    assert yaml_files._FastUniqueKeyLoader is not yaml_files._UniqueKeyLoader, "PyYAML without libyaml"
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=yaml_files._FastUniqueKeyLoader) == yaml.load(  # noqa: S506
            text, Loader=yaml_files._UniqueKeyLoader), path  # noqa: S506


def test_a_syntax_error_keeps_the_message_that_names_the_character(tmp_path):
    path = tmp_path / "a.yml"
    path.write_text("name: x\ninner:\n\tsize: 3\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_yaml_mapping(path, "a test file")
    (problem,) = err.value.problems
    assert problem.row == 3 and "'\\t'" in problem.found


def test_a_date_that_does_not_exist_names_its_line_and_key(tmp_path):
    # PyYAML raises a bare ValueError for it, which used to end in a traceback.
    path = tmp_path / "a.yml"
    text = "name: x\nevents:\n  - {when: 2024-01-31}\n  - {when: 2024-02-30}\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_yaml_mapping(path, "a test file")
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.key) == (str(path), 4, "events.1.when")
    assert str(problem) == (f"{path}, line 4, key 'events.1.when': expected a date that exists (YYYY-MM-DD), "
                            "found 2024-02-30 (day is out of range for month)")
    assert path.read_text(encoding="utf-8") == text   # the input is left as it was


@pytest.mark.parametrize(("encoding", "name"), [("utf-16", "UTF-16"), ("utf-32", "UTF-32")])
def test_a_utf16_or_utf32_file_is_named_so(tmp_path, encoding, name):
    path = tmp_path / "a.yml"
    path.write_text("name: x\n", encoding=encoding)   # Python writes the byte order mark
    with pytest.raises(InputError) as err:
        read_yaml_mapping(path, "a test file")
    assert str(err.value) == (f"{path}, line 1: expected UTF-8 text (save the file as UTF-8), found a {name} file "
                              f"(it starts with a {name} byte order mark)")
    path.write_text("name: x\n", encoding=f"{encoding}-le")   # without one
    with pytest.raises(InputError, match="UTF-16 or UTF-32 file"):
        read_yaml_mapping(path, "a test file")


def test_a_utf8_byte_order_mark_is_fine(tmp_path):
    path = tmp_path / "a.yml"
    path.write_text("name: x\ninner: {size: 3}\n", encoding="utf-8-sig")
    assert load_model(path, Outer, "a test file").name == "x"


@pytest.mark.parametrize(("size", "expected"), [
    ("010", "a number without leading zeros (write 10)"), ("-007", "a number without leading zeros (write -7)"),
    ("1:30", "a number without a colon"), ("1:30.5", "a number without a colon"),
])
def test_yaml_1_1_octal_and_base_60_numbers_are_refused_at_their_line_and_key(tmp_path, size, expected):
    path = tmp_path / "a.yml"
    path.write_text(f"name: x\ninner:\n  size: {size}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_yaml_mapping(path, "a test file")
    (problem,) = err.value.problems
    assert (problem.row, problem.key, problem.found) == (3, "inner.size", size)
    assert problem.expected.startswith(expected)


@pytest.mark.parametrize("size", ["1.000", "3.0"])
def test_a_whole_number_written_with_a_point_is_refused(tmp_path, size):
    """YAML reads a Dutch thousand, 1.000, as 1.0, which pydantic would take for 1."""
    path = tmp_path / "a.yml"
    path.write_text(f"name: x\ninner:\n  size: {size}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_model(path, Outer, "a test file")
    (problem,) = err.value.problems
    assert problem.key == "inner.size" and "a whole number" in problem.expected


def test_numbers_dates_and_booleans_yaml_reads_as_meant_are_kept(tmp_path):
    path = tmp_path / "a.yml"
    path.write_text("a: [0, 0.5, 0x0A, 1_000, -3, 1.5e+3, '010', yes, 2024-10-09, '1:30', 10:30 uur]\n",
                    encoding="utf-8")
    a = read_yaml_mapping(path, "a test file")["a"]
    assert a[:8] == [0, 0.5, 10, 1000, -3, 1500.0, "010", True]
    assert a[8].isoformat() == "2024-10-09" and a[9:] == ["1:30", "10:30 uur"]


@pytest.mark.parametrize(("flow", "found", "write"), [
    ("{size: 0,5}", "0,5", "a decimal point, not a comma (write 0.5)"),
    ("{size: 1,500, name: y}", "1,500", "a number without a comma (write 1.500 for a decimal, 1500 for thousands)"),
])
def test_a_comma_decimal_in_a_flow_mapping_is_one_problem(tmp_path, flow, found, write):
    path = tmp_path / "a.yml"
    path.write_text(f"name: x\ninner: {flow}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_model(path, Outer, "a test file")
    (problem,) = err.value.problems
    assert str(problem) == f"{path}, line 2, key 'inner.size': expected {write}, found {found}"


class Plain(StrictModel):
    code: str = Field(pattern=r"^nl$")
    text: str = Field(min_length=1)
    names: list[str] = Field(min_length=1)
    when: dt.date
    share: float


def test_validator_messages_are_plain_english(tmp_path):
    path = tmp_path / "a.yml"
    path.write_text("code: en\ntext: ''\nnames: []\nwhen: 2024-10-09T10:00:00\nshare: '0,5'\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_model(path, Plain, "a test file")
    assert {p.key: (p.expected, p.found) for p in err.value.problems} == {
        "code": ("'nl'", "'en'"), "text": ("a non-empty text", "''"), "names": ("at least 1 entry", "[]"),
        "when": ("a date without a time (YYYY-MM-DD)", "2024-10-09 10:00:00"),
        "share": ("a decimal point, not a comma (write 0.5)", "'0,5'"),
    }


def test_strict_models_take_no_blank_text_and_only_true_or_false_for_a_switch():
    """pydantic reads 1 and "yes" as true (a consent given by accident) and keeps blank text (a
    source of "" counted as a source)."""
    from pydantic import ValidationError

    from exploitation_report.inputs.yaml_files import StrictModel

    class Item(StrictModel):
        consent: bool
        text: str
        source: str | None = None
        note: str = ""

    assert Item(consent=True, text="t", note="").note == ""   # a text that may be empty keeps ""
    for wrong, words in [({"consent": 1}, "true or false"), ({"consent": "yes"}, "true or false"),
                         ({"text": "  "}, "a non-empty text"), ({"source": ""}, "or null for none")]:
        with pytest.raises(ValidationError, match=words):
            Item(**{"consent": True, "text": "t", **wrong})


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN"])
def test_a_number_that_is_not_finite_is_refused(tmp_path, value):
    """YAML reads .nan and .inf as numbers; no parameter, threshold or published figure is one."""
    path = tmp_path / "a.yml"
    path.write_text(f"name: x\ninner:\n  share: {value}\n", encoding="utf-8")

    class Share(StrictModel):
        share: float

    class Holder(StrictModel):
        name: str
        inner: Share

    with pytest.raises(InputError) as err:
        load_model(path, Holder, "a test file")
    (problem,) = err.value.problems
    assert problem.key == "inner.share" and "finite" in problem.expected + problem.found
