from typer.testing import CliRunner

from exploitation_report.cli import app

runner = CliRunner()


def test_missing_year_fails_with_clear_message():
    result = runner.invoke(app, ["build", "2026"])
    assert result.exit_code != 0
    assert "params/2026.yml" in result.output and "2024" in result.output


def test_validate_lists_every_problem_of_a_bad_override():
    result = runner.invoke(app, ["validate", "2024", "-p", "suppression.min_count=zero"])
    assert result.exit_code == 2
    assert "suppression.min_count" in result.output


def test_validate_shipped_inputs():
    result = runner.invoke(app, ["validate", "2024"])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output


def test_synth_writes_marked_files(tmp_path):
    result = runner.invoke(app, ["synth", "--out", str(tmp_path), "--seed", "7", "--n", "60", "--no-condition"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "survey_2024_synthetic.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0].split(",")[2] == "synthetic"
    assert "SYNTHETIC" in (tmp_path / "README.md").read_text(encoding="utf-8")


def test_synth_conditioned_by_default_and_refuses_a_size_it_cannot_match(tmp_path):
    result = runner.invoke(app, ["synth", "--out", str(tmp_path / "a"), "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "published_figures.yml" in (tmp_path / "a" / "README.md").read_text(encoding="utf-8")
    result = runner.invoke(app, ["synth", "--out", str(tmp_path / "b"), "--n", "60"])
    assert result.exit_code != 0
    assert "cannot hold 222" in result.output and "--no-condition" in result.output


def test_unknown_engine_is_rejected():
    result = runner.invoke(app, ["build", "2024", "--engine", "latex"])
    assert result.exit_code != 0
    assert "engine" in result.output


def test_render_failure_gives_the_reason_first_and_keeps_the_tools_detail(monkeypatch):
    from exploitation_report import build as build_mod
    from exploitation_report.render import RenderError

    def failing_build(*args, **kwargs):
        raise RenderError("typst failed on _build/2024/report.typ: unknown variable\nerror: unknown variable: foo\n  at line 12")

    monkeypatch.setattr(build_mod, "build", failing_build)
    result = runner.invoke(app, ["build", "2024", "--engine", "builtin"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[0].startswith("Error: typst failed on _build/2024/report.typ")
    assert "unknown variable: foo" in result.output and "at line 12" in result.output
