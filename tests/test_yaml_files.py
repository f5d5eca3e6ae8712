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
    assert Problem("p.yml", "a number", column="a.b").key == "a.b"   # a column without rows is a key
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
