"""Unit tests of the build's own steps (the whole build is in test_build_e2e.py)."""

from pathlib import Path

import pytest

from exploitation_report import build as build_mod
from exploitation_report.params import Inputs


def edition(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "report.html").write_text(text, encoding="utf-8")
    return folder


def test_publish_swaps_the_edition_and_leaves_nothing_behind(tmp_path):
    target = edition(tmp_path / "2024", "previous")
    staging = edition(tmp_path / ".2024.staging", "new")
    build_mod._publish(staging, target)
    assert (target / "report.html").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024"]


def test_publish_puts_the_previous_edition_back_when_the_swap_fails(tmp_path, monkeypatch):
    target = edition(tmp_path / "2024", "previous")
    staging = edition(tmp_path / ".2024.staging", "new")
    rename = Path.rename

    def failing_rename(self, other):
        if self == staging:
            raise OSError("disk full")
        return rename(self, other)

    monkeypatch.setattr(Path, "rename", failing_rename)
    with pytest.raises(OSError, match="disk full"):
        build_mod._publish(staging, target)
    assert (target / "report.html").read_text(encoding="utf-8") == "previous"
    assert not (tmp_path / ".2024.old").exists()


def test_every_input_has_a_dutch_name_in_the_appendix():
    assert set(build_mod.INPUT_LABELS) == set(Inputs.model_fields)
    prov = {"effective_params": {"year": 2024}, "overrides": {}, "params_file": "params/2024.yml",
            "params_digest": "abc", "engine": "builtin", "code_version": None, "python": "3.11",
            "packages": {"typst": "0.15.2"},
            "inputs": {name: {"path": f"data/{name}.csv", "sha256": "0" * 64} for name in build_mod.INPUT_LABELS}}
    text = build_mod.parameters_part(prov, synthetic=True)
    for label in build_mod.INPUT_LABELS.values():
        assert f"| {label} |" in text
    assert "synthetisch" in text and build_mod.ENGINE_LABELS["builtin"] in text
