from typer.testing import CliRunner

from exploitation_report.cli import app

runner = CliRunner()


def test_missing_year_fails_with_clear_message():
    result = runner.invoke(app, ["build", "2031"])
    assert result.exit_code != 0
    assert "params/2031.yml" in result.output and "2024" in result.output


def test_validate_lists_every_problem_of_a_bad_override():
    result = runner.invoke(app, ["validate", "2024", "-p", "suppression.min_count=zero"])
    assert result.exit_code == 2
    assert "suppression.min_count" in result.output


def test_validate_a_variant_checks_its_file_and_its_name():
    result = runner.invoke(app, ["validate", "2024", "--variant", "lowfactor"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["validate", "2024", "--variant", "Low/er"])
    assert result.exit_code == 2 and "variant name" in result.output


def test_validate_shipped_inputs():
    result = runner.invoke(app, ["validate", "2024"])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output


def test_synth_writes_marked_files(tmp_path):
    result = runner.invoke(app, ["synth", "--year", "2024", "--out", str(tmp_path), "--seed", "7", "--n", "60",
                                 "--no-condition"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "survey_2024_synthetic.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0].split(",")[2] == "synthetic"
    assert "SYNTHETIC" in (tmp_path / "README.md").read_text(encoding="utf-8")


def test_synth_conditioned_by_default_and_refuses_a_size_it_cannot_match(tmp_path):
    result = runner.invoke(app, ["synth", "--year", "2024", "--out", str(tmp_path / "a"), "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "published_figures.yml" in (tmp_path / "a" / "README.md").read_text(encoding="utf-8")
    result = runner.invoke(app, ["synth", "--year", "2024", "--out", str(tmp_path / "b"), "--n", "60"])
    assert result.exit_code != 0
    assert "cannot hold 222" in result.output and "--no-condition" in result.output


def test_synth_requires_a_year_and_refuses_to_overwrite(tmp_path):
    result = runner.invoke(app, ["synth", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "--year" in result.output
    args = ["synth", "--year", "2024", "--out", str(tmp_path), "--seed", "7", "--n", "60", "--no-condition"]
    assert runner.invoke(app, args).exit_code == 0
    survey = tmp_path / "survey_2024_synthetic.csv"
    survey.write_text("kept", encoding="utf-8")
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "--force" in result.output and "survey_2024_synthetic.csv" in result.output
    assert survey.read_text(encoding="utf-8") == "kept"
    assert runner.invoke(app, args + ["--force"]).exit_code == 0
    assert survey.read_text(encoding="utf-8") != "kept"


def test_synth_without_out_refuses_to_overwrite_the_shipped_data():
    from exploitation_report.paths import PROJECT_ROOT

    shipped = {p: p.read_bytes() for p in (PROJECT_ROOT / "data" / "2024").iterdir()}
    result = runner.invoke(app, ["synth", "--year", "2024"])
    assert result.exit_code == 1 and "--force" in result.output
    assert {p: p.read_bytes() for p in (PROJECT_ROOT / "data" / "2024").iterdir()} == shipped


def test_synth_names_files_for_their_year(tmp_path):
    result = runner.invoke(app, ["synth", "--year", "2026", "--out", str(tmp_path), "--seed", "7", "--n", "60",
                                 "--no-condition"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["README.md", "linked_registrations_synthetic.csv", "registrations_2026.csv",
                     "survey_2026_synthetic.csv"]
    import pandas as pd

    regs = pd.read_csv(tmp_path / "registrations_2026.csv")
    assert sorted(regs["year"].unique()) == [2024, 2025] and (regs["synthetic"] == 1).all()
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "survey_2026_synthetic.csv" in readme and "2024_synthetic" not in readme


def test_unknown_engine_is_rejected():
    result = runner.invoke(app, ["build", "2024", "--engine", "latex"])
    assert result.exit_code != 0
    assert "engine" in result.output


def test_render_failure_gives_the_reason_first_and_keeps_the_tools_detail(monkeypatch):
    from exploitation_report.pipeline import build as build_mod
    from exploitation_report.render import RenderError

    def failing_build(*args, **kwargs):
        raise RenderError("typst failed on _build/2024/report.typ: unknown variable\nerror: unknown variable: foo\n  at line 12")

    monkeypatch.setattr(build_mod, "build", failing_build)
    result = runner.invoke(app, ["build", "2024", "--engine", "builtin"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[0].startswith("Error: typst failed on _build/2024/report.typ")
    assert "unknown variable: foo" in result.output and "at line 12" in result.output


def test_progress_notes_and_errors_are_printed_as_literal_text(monkeypatch):
    """A warning or error may quote a tool or an input ("[#it.body]", "[/tmp/a]"): never Rich markup."""
    from exploitation_report.pipeline import build as build_mod
    from exploitation_report.render import RenderError

    def build(*args, step, **kwargs):
        step("Rendering HTML and PDF (builtin)")
        step("  Warning: Typst (report.typ): x [/tmp/a] y [#it.body]")
        raise RenderError("typst failed on [bold]report.typ[/bold]\nerror: [/x] in [red]")

    monkeypatch.setattr(build_mod, "build", build)
    result = runner.invoke(app, ["build", "2024", "--engine", "builtin"])
    assert result.exit_code == 1, result.output
    assert "Warning: Typst (report.typ): x [/tmp/a] y [#it.body]" in result.output
    assert "Error: typst failed on [bold]report.typ[/bold]" in result.output
    assert "error: [/x] in [red]" in result.output


def test_synth_for_2024_writes_the_shipped_files_byte_for_byte(tmp_path):
    from exploitation_report.paths import PROJECT_ROOT

    result = runner.invoke(app, ["synth", "--year", "2024", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for path in tmp_path.iterdir():
        assert path.read_bytes() == (PROJECT_ROOT / "data" / "2024" / path.name).read_bytes(), path.name


def test_validate_reports_an_impossible_date_on_the_command_line_without_a_traceback():
    result = runner.invoke(app, ["validate", "2024", "-p", "publication.date=2024-02-30"])
    assert result.exit_code == 2, result.output   # an uncaught ValueError would exit with 1
    assert ("command line, key 'publication.date': expected a date that exists (YYYY-MM-DD), found "
            "-p publication.date=2024-02-30") in " ".join(result.output.split())


def test_validate_refuses_an_infinite_cap_and_names_the_command_line():
    result = runner.invoke(app, ["validate", "2024", "-p", "estimation.open_band_cap=.inf"])
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    # One problem for the one number given (not one per bound of the range it stands for).
    assert "command line, key 'estimation.open_band_cap': expected a finite number of persons above 0 and at most 10000, found inf" in out
    assert "Every problem (1)" in out


def _validate_beside_an_earlier_edition(tmp_path, monkeypatch) -> str:
    """`validate 2024` with the parameter files in tmp_path/params (2023.yml the earlier edition's):
    valid, whatever the earlier files hold; returns the output on one line."""
    from exploitation_report import paths as paths_mod
    from exploitation_report.inputs import params as params_mod

    monkeypatch.setattr(params_mod, "PROJECT_ROOT", tmp_path)
    monkeypatch.setattr(paths_mod, "PARAMS_DIR", tmp_path / "params")
    result = runner.invoke(app, ["validate", "2024"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "Valid." in out
    return out


def test_a_broken_earlier_parameter_file_is_a_warning_not_a_traceback(tmp_path, monkeypatch, params_2024_copy):
    from exploitation_report import paths as paths_mod

    root = paths_mod.PROJECT_ROOT
    # The earlier edition's file with a tab before a key: not valid YAML.
    broken = (root / "params" / "2024.yml").read_text(encoding="utf-8").replace("year: 2024", "year: 2023", 1)
    broken = broken.replace("\n  invited:", "\n\t  invited:", 1)
    (tmp_path / "params" / "2023.yml").write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("\t  invited: 900") + 1
    out = _validate_beside_an_earlier_edition(tmp_path, monkeypatch)
    assert (f"Warning: codebook changes not listed: the previous edition's parameters cannot be read: "
            f"{tmp_path / 'params' / '2023.yml'}, line {line}: expected valid YAML") in out


def test_an_earlier_codebook_that_cannot_be_read_is_a_warning(tmp_path, monkeypatch, params_2024_copy):
    import yaml

    earlier = {**params_2024_copy, "year": 2023,
               "inputs": {**params_2024_copy["inputs"], "codebook": str(tmp_path / "codebook-2023.yml")}}
    (tmp_path / "codebook-2023.yml").write_text("variables: [[unclosed\n", encoding="utf-8")
    (tmp_path / "params" / "2023.yml").write_text(yaml.safe_dump(earlier, allow_unicode=True), encoding="utf-8")
    out = _validate_beside_an_earlier_edition(tmp_path, monkeypatch)
    assert ("Warning: codebook changes not listed: 2023's codebook cannot be compared: "
            f"{tmp_path / 'codebook-2023.yml'}") in out


def _published(root, recommendations):
    """A stand-in for a published 2024 edition: the parts of results.json `validate` reads."""
    import json

    from exploitation_report.pipeline.results import SCHEMA_VERSION

    (root / "2024").mkdir(parents=True)
    (root / "2024" / "results.json").write_text(json.dumps({
        "schema_version": SCHEMA_VERSION, "edition": {"year": 2024},
        "recommendations": {rid: {"status": "shown"} for rid in recommendations}}), encoding="utf-8")


def test_validate_checks_the_previous_edition_the_parameters_name(tmp_path):
    # 2026 names 2024: not published under this folder, the same refusal as the build's, beside other problems.
    result = runner.invoke(app, ["validate", "2026", "--output-root", str(tmp_path), "-p",
                                 f"inputs.survey={tmp_path / 'gone.csv'}"])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "previous_edition" in text and "build it first" in text and "gone.csv" in text

    # Published, but the follow-up file names a recommendation that edition did not make.
    _published(tmp_path, ["care_institutions", "first_line_professionals"])
    result = runner.invoke(app, ["validate", "2026", "--output-root", str(tmp_path)])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "actions.2.recommendation" in text and "young_offenders" in text


def test_validate_lists_the_previous_edition_it_read(tmp_path):
    _published(tmp_path, ["care_institutions", "first_line_professionals", "young_offenders"])
    result = runner.invoke(app, ["validate", "2026", "--output-root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "previous edition" in result.output and "Valid." in result.output


def test_compare_refuses_json_and_markdown_together(tmp_path):
    # Once it printed JSON only, and the Markdown asked for was silently left out.
    result = runner.invoke(app, ["compare", "2024", "2024", "--json", "--markdown", "--output", str(tmp_path)])
    assert result.exit_code == 2
    assert "--json and --markdown exclude each other" in result.output
