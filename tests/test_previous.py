"""Reading the previous edition's published results for the comparison between years."""

from __future__ import annotations

import json

import pytest

from exploitation_report.inputs.errors import InputError
from exploitation_report.pipeline.previous import read_previous
from exploitation_report.pipeline.results import SCHEMA_VERSION


def _publish(root, year, document):
    folder = root / str(year)
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps(document), encoding="utf-8")


def test_the_published_results_of_an_earlier_year_are_read(tmp_path):
    _publish(tmp_path, 2024, {"schema_version": SCHEMA_VERSION, "edition": {"year": 2024}, "survey": {}})
    assert read_previous(2024, tmp_path, 2026)["edition"]["year"] == 2024


@pytest.mark.parametrize(("document", "message"), [
    (None, "build it first"),
    ({"meta": {}, "figures": {}}, "written before 1.0.0"),
    ({"schema_version": "0.9.0"}, "found 0.9.0"),
])
def test_a_missing_or_incompatible_previous_edition_is_refused_clearly(tmp_path, document, message):
    if document is not None:
        _publish(tmp_path, 2024, document)
    with pytest.raises(InputError, match=message) as err:
        read_previous(2024, tmp_path, 2026)
    assert "2024/results.json" in str(err.value)


def test_the_previous_edition_must_be_an_earlier_year(tmp_path):
    with pytest.raises(InputError, match="before 2024"):
        read_previous(2026, tmp_path, 2024)
