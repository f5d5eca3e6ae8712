import pytest
from pydantic import Field

from exploitation_report.inputs.errors import InputError
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
