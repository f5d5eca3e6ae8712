"""Unit tests of the build's own steps (the whole build is in test_build_e2e.py)."""

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from exploitation_report.chapters import parameters_appendix as appendix
from exploitation_report.inputs.errors import InputError
from exploitation_report.inputs.params import Inputs
from exploitation_report.pipeline import build as build_mod
from exploitation_report.pipeline.compare import ParamChange
from exploitation_report.pipeline.variants import Variant


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
    assert set(appendix.INPUT_LABELS) == set(Inputs.model_fields)
    prov = {"effective_params": {"year": 2024}, "overrides": {}, "params_file": "params/2024.yml",
            "params_digest": "abc", "engine": "builtin", "code_version": None, "python": "3.11",
            "packages": {"typst": "0.15.2"},
            "inputs": {name: {"path": f"data/{name}.csv", "sha256": "0" * 64} for name in appendix.INPUT_LABELS}}
    text = appendix.parameters_part(prov, synthetic=True)
    for label in appendix.INPUT_LABELS.values():
        assert f"| {label} |" in text
    assert "synthetisch" in text and appendix.ENGINE_LABELS["builtin"] in text
    # Calibrated on published figures only where the edition names them (the 2026 edition does not).
    assert "gekalibreerd" in text
    del prov["inputs"]["published_figures"]
    assert "gekalibreerd" not in appendix.parameters_part(prov, synthetic=True)


# --------------------------------------------------------------------------- one build per edition at a time

HOLD_LOCK = """
import sys, time
from pathlib import Path
from exploitation_report.pipeline.build import edition_lock
with edition_lock(Path(sys.argv[1]), sys.argv[2]):
    print("locked", flush=True)
    sys.stdin.readline()   # hold the lock until the test says so
"""


def hold_lock(build_root: Path, edition: int | str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(build_root), str(edition)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def release(proc: subprocess.Popen) -> None:
    proc.communicate("\n", timeout=30)
    assert proc.returncode == 0


def test_a_second_build_of_the_same_edition_refuses_and_other_editions_run_on(tmp_path):
    first = hold_lock(tmp_path, 2024)
    try:
        # Another process, same edition: refused with the holder's pid.
        second = subprocess.run([sys.executable, "-c", HOLD_LOCK, str(tmp_path), "2024"], input="\n",
                                capture_output=True, text=True, timeout=60)
        assert second.returncode != 0
        assert f"another build of 2024 is running, pid {first.pid}" in second.stderr
        # Another edition at the same time: both hold their lock side by side.
        other = hold_lock(tmp_path, 2025)
        release(other)
    finally:
        release(first)
    # Released (also when a holder is killed: the kernel drops flock locks): the edition can be built again.
    release(hold_lock(tmp_path, 2024))


def test_build_refuses_before_any_work_while_the_edition_is_locked(tmp_path, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("no work may start while another build holds the edition")

    monkeypatch.setattr(build_mod, "load_inputs", never)
    monkeypatch.setattr(build_mod, "recover", never)
    holder = hold_lock(tmp_path / "_build", 2024)
    try:
        with pytest.raises(build_mod.BuildError) as err:
            build_mod.build(2024, engine="builtin", output_root=tmp_path / "_output", build_root=tmp_path / "_build")
    finally:
        release(holder)
    assert str(err.value).startswith(f"another build of 2024 is running, pid {holder.pid}")
    assert "\n" not in str(err.value)


# --------------------------------------------------------------------------- interrupted builds, full disks


def stop_after_recovery(monkeypatch):
    """Make build() stop right after its clean-up, as an input error would."""
    def stop(params):
        raise InputError.single("survey.csv", "a stop here (test)")

    monkeypatch.setattr(build_mod, "load_inputs", stop)


def test_next_build_removes_what_an_interrupted_build_left(tmp_path, monkeypatch):
    out = tmp_path / "_output"
    edition(out / "2024", "previous")
    edition(out / ".2024.staging", "half")
    edition(out / ".2024.old", "older")
    edition(out / ".2023.staging", "another edition's, maybe running")
    stop_after_recovery(monkeypatch)
    with pytest.raises(InputError):
        build_mod.build(2024, engine="builtin", output_root=out, build_root=tmp_path / "_build")
    assert sorted(p.name for p in out.iterdir()) == [".2023.staging", "2024"]
    assert (out / "2024" / "report.html").read_text(encoding="utf-8") == "previous"


def test_a_kill_between_the_two_renames_gets_the_previous_edition_back(tmp_path):
    # Killed after `2024` became `.2024.old` and before the staging folder took its place.
    edition(tmp_path / ".2024.old", "previous")
    edition(tmp_path / ".2024.staging", "new, unfinished")
    build_mod.recover(tmp_path, 2024)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024"]
    assert (tmp_path / "2024" / "report.html").read_text(encoding="utf-8") == "previous"


@pytest.mark.parametrize("code,words", [(errno.ENOSPC, "the disk is full"),
                                        (errno.EACCES, "no permission to write there"),
                                        (errno.EROFS, "read-only")])
def test_an_unwritable_or_full_output_folder_gives_one_line_and_keeps_the_edition(tmp_path, monkeypatch, code, words):
    out = tmp_path / "_output"
    edition(out / "2024", "previous")
    edition(out / ".2024.old", "older")   # so the clean-up must write too
    rmtree = shutil.rmtree

    def failing_rmtree(path, *args, **kwargs):
        if Path(path) == out / ".2024.old":
            raise OSError(code, os.strerror(code), str(path))
        return rmtree(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", failing_rmtree)
    stop_after_recovery(monkeypatch)
    with pytest.raises(build_mod.BuildError) as err:
        build_mod.build(2024, engine="builtin", output_root=out, build_root=tmp_path / "_build")
    message = str(err.value)
    assert "\n" not in message and str(out / ".2024.old") in message and words in message
    assert (out / "2024" / "report.html").read_text(encoding="utf-8") == "previous"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; the EACCES case is simulated above")
def test_a_read_only_output_folder_gives_one_line(tmp_path):
    out = tmp_path / "_output"
    edition(out / "2024", "previous")
    edition(out / ".2024.staging", "half")
    out.chmod(0o555)
    try:
        with pytest.raises(build_mod.BuildError, match="no permission to write there"):
            build_mod.build(2024, engine="builtin", output_root=out, build_root=tmp_path / "_build")
    finally:
        out.chmod(0o755)
    assert (out / "2024" / "report.html").read_text(encoding="utf-8") == "previous"


def test_cli_prints_one_line_for_a_full_disk(monkeypatch):
    from typer.testing import CliRunner

    from exploitation_report.cli import app

    def full(*args, **kwargs):
        exc = OSError(errno.ENOSPC, "No space left on device", "_output/.2024.staging/report.pdf")
        raise build_mod.BuildError(build_mod.os_reason(exc, 2024))

    monkeypatch.setattr(build_mod, "build", full)
    result = CliRunner().invoke(app, ["build", "2024", "--engine", "builtin"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == ["Error: building 2024 failed at _output/.2024.staging/report.pdf: the disk is full; the "
                     "previous edition (if any) is unchanged (free space or fix the folder's permissions, then "
                     "build again)"]


def test_a_variant_has_its_own_lock_beside_its_base_edition(tmp_path):
    base = hold_lock(tmp_path, 2024)
    try:
        release(hold_lock(tmp_path, "2024--lowfactor"))
    finally:
        release(base)


# The parameter file's own parameters, a variant with one override and a base edition built from the file.
FILE_PARAMS = {"year": 2024, "estimation": {"nonresponse_factor": {"central": 0.5}, "bootstrap": {"seed": 20241009}}}
RESULTS = {"schema_version": "1.0.0", "edition": {"year": 2024},
           "estimation": {name: {"kind": "estimate", "unit": "persons", "estimate": value}
                          for name, value in (("any", 120.0), ("sexual", 90.0), ("criminal", 55.0))}}


def params_with(**changes):
    """FILE_PARAMS with `estimation` values changed (`central=0.3`, `seed=7`)."""
    params = json.loads(json.dumps(FILE_PARAMS))
    if "central" in changes:
        params["estimation"]["nonresponse_factor"]["central"] = changes["central"]
    if "seed" in changes:
        params["estimation"]["bootstrap"]["seed"] = changes["seed"]
    return params


def prov_of(edition, overrides, **changes):
    variant = {"name": edition.split("--")[1], "description": "", "file": None} if "--" in edition else None
    return {"edition": edition, "year": 2024, "variant": variant, "params_file": "params/2024.yml",
            "overrides": overrides, "effective_params": params_with(**changes)}


def write_base(folder, overrides, **changes):
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps(RESULTS), encoding="utf-8")
    (folder / "provenance.json").write_text(json.dumps(prov_of("2024", overrides, **changes)), encoding="utf-8")


def appendix_e(base_dir, variant_overrides, **changes):
    prov = prov_of("2024--x", variant_overrides, **changes)
    return build_mod.variant_appendix_part(base_dir, RESULTS, prov, FILE_PARAMS)


def test_the_variant_appendix_says_plainly_when_the_base_edition_is_not_built(tmp_path):
    text = appendix_e(tmp_path / "2024", {"estimation.bootstrap.seed": 7}, seed=7)
    assert text.startswith("De basiseditie 2024 was niet gebouwd")
    assert "geen enkele parameter" not in text and "Let op" not in text


def test_the_variant_appendix_says_that_the_base_edition_was_built_with_overrides_and_lists_them(tmp_path):
    """The base edition (`build 2024 -p ...`) is no edition of params/2024.yml: a reader of the
    variant's appendix E learns what the variant is compared with, with the file's values."""
    write_base(tmp_path / "2024", {"estimation.nonresponse_factor.central": 0.3}, central=0.3)
    text = appendix_e(tmp_path / "2024", {"estimation.bootstrap.seed": 7}, seed=7)
    notice = next(line for line in text.splitlines() if line.startswith("Let op"))
    assert notice.startswith("Let op: de basiseditie 2024 is zelf gebouwd met aangepaste parameters (`-p`) en is "
                             "dus niet de editie van params\\/2024\\.yml. Ze wijkt daarvan af in: "
                             "estimation\\.nonresponse\\_factor\\.central = 0\\,300 (parameterbestand: 0\\,500). ")
    assert "(`exploitation-report build 2024`, zonder `-p`)" in notice
    # The table of parameters compares with the base edition as built: both parameters differ from it.
    assert "| estimation\\.nonresponse\\_factor\\.central | 0\\,300 | 0\\,500 |" in text
    assert "| estimation\\.bootstrap\\.seed | 20241009 | 7 |" in text


def test_the_variant_appendix_names_a_base_edition_built_from_another_version_of_the_file(tmp_path):
    write_base(tmp_path / "2024", {}, seed=11)
    text = appendix_e(tmp_path / "2024", {"estimation.nonresponse_factor.central": 0.3}, central=0.3)
    notice = next(line for line in text.splitlines() if line.startswith("Let op"))
    assert "afwijken van wat nu in params\\/2024\\.yml staat" in notice and "zonder `-p`" not in notice
    assert "estimation\\.bootstrap\\.seed = 11 (parameterbestand: 20241009)" in notice


def test_the_variant_appendix_says_nothing_of_a_base_edition_built_from_the_file(tmp_path):
    # Overrides that equal the file's values leave the base the file's edition: nothing to say.
    write_base(tmp_path / "2024", {"estimation.bootstrap.seed": 20241009})
    text = appendix_e(tmp_path / "2024", {"estimation.bootstrap.seed": 7}, seed=7)
    assert "Let op" not in text and "geen enkele parameter" not in text
    assert "| estimation\\.bootstrap\\.seed | 20241009 | 7 |" in text


def test_the_appendix_of_a_variant_that_changes_nothing_says_so(tmp_path):
    text = appendix_e(tmp_path / "2024", {"estimation.bootstrap.seed": 20241009})   # the base is not built
    assert ("Deze variant wijkt in geen enkele parameter af van params\\/2024\\.yml: elke parameter die ze "
            "opgeeft (estimation\\.bootstrap\\.seed), heeft daar al dezelfde waarde. Haar cijfers zijn dus die "
            "van de editie van params\\/2024\\.yml.") in text.splitlines()
    write_base(tmp_path / "2024", {})
    text = appendix_e(tmp_path / "2024", {"estimation.bootstrap.seed": 20241009})
    lines = text.splitlines()
    assert any(line.startswith("Deze variant wijkt in geen enkele parameter af") for line in lines)
    assert "Deze variant heeft dezelfde parameters als de basiseditie." in lines
    assert "Geen van de 3 cijfers verandert." in lines
    # A variant file without overrides changes nothing either.
    assert "ze geeft geen parameters op." in appendix_e(tmp_path / "2024", {})


def test_overrides_that_change_nothing_give_a_warning_naming_the_variant():
    params_file = Path("/project/params/2024.yml")
    variant = Variant("same")
    seed = {"estimation.bootstrap.seed": 20241009}
    assert build_mod.no_change_warnings(params_file, seed, [], variant) == [
        "variant same: none of its overrides (estimation.bootstrap.seed) differs from params/2024.yml, so it "
        "has the parameters of params/2024.yml; its cover and appendix E say that it changes no parameter"]
    assert build_mod.no_change_warnings(params_file, {}, [], variant)[0].startswith("variant same: it sets no overrides")
    assert build_mod.no_change_warnings(params_file, seed, [], None) == [
        "none of the overrides (estimation.bootstrap.seed) differs from params/2024.yml: the edition is that of "
        "params/2024.yml, not marked as changed"]
    # Something changed, or no override at all: nothing to warn of.
    change = ParamChange("estimation.bootstrap.seed", 20241009, 7)
    assert build_mod.no_change_warnings(params_file, {"estimation.bootstrap.seed": 7}, [change], variant) == []
    assert build_mod.no_change_warnings(params_file, {}, [], None) == []


def test_a_rebuilt_base_edition_or_an_edited_parameter_file_makes_the_variant_a_new_request(tmp_path):
    """A variant reads its base edition's results and provenance (appendix E): a base rebuilt with
    other overrides changes what the variant is built from, and so does a change in the parameter
    file that the variant's overrides hide (its cover lists the file's values)."""
    from exploitation_report.inputs.params import load_params
    from exploitation_report.pipeline.manifest import file_digest

    params = load_params(build_mod.params_path(2024))
    variant = Variant("x")
    files = build_mod.input_files(params, tmp_path, variant)
    assert files["base_edition.provenance.json"] == tmp_path / "2024" / "provenance.json"
    assert files["base_edition.results.json"] == tmp_path / "2024" / "results.json"

    def request(file_json=FILE_PARAMS):
        reads = {label: file_digest(path) for label, path in files.items()}
        return build_mod.request_key("c", params_with(seed=7), file_json, {"estimation.bootstrap.seed": 7},
                                     "builtin", variant, reads)

    before = request()   # the base edition is not built yet
    write_base(tmp_path / "2024", {})
    built = request()
    assert built != before
    (tmp_path / "2024" / "provenance.json").write_text(
        json.dumps(prov_of("2024", {"estimation.nonresponse_factor.central": 0.3}, central=0.3)), encoding="utf-8")
    assert request() not in (before, built)
    assert request(params_with(central=0.4)) != request()


def test_an_unsafe_variant_name_is_refused_before_any_work(tmp_path, monkeypatch):
    monkeypatch.setattr(build_mod, "load_inputs", lambda params: pytest.fail("no work for a bad name"))
    with pytest.raises(InputError, match="variant name"):
        build_mod.build(2024, engine="builtin", variant="../2023", output_root=tmp_path / "o", build_root=tmp_path / "b")


def test_a_variant_without_file_or_overrides_is_refused(tmp_path, monkeypatch):
    """A mistyped variant name would publish a copy of the base edition under that name."""
    monkeypatch.setattr(build_mod, "load_inputs", lambda params: pytest.fail("no work for a variant that is none"))
    with pytest.raises(InputError) as err:
        build_mod.build(2024, engine="builtin", variant="nosuchfile", output_root=tmp_path / "o",
                        build_root=tmp_path / "b")
    (problem,) = err.value.problems
    assert problem.file.endswith("nosuchfile.yml") and "no such file and no overrides" in problem.found


def test_relative_roots_are_made_absolute_before_any_step(tmp_path, monkeypatch):
    """The notebooks and the companion's render run in other working folders."""
    seen = []
    monkeypatch.setattr(build_mod, "_build_locked", lambda *args: seen.append(args[5:7]) or "built")
    monkeypatch.chdir(tmp_path)
    assert build_mod.build(2024, engine="builtin", output_root=Path("o"), build_root=Path("b"), force=True) == "built"
    assert seen == [(tmp_path / "o", tmp_path / "b")]


def test_the_simulation_study_is_a_step_before_the_notebooks_with_the_editions_parameters(tmp_path, monkeypatch):
    steps, studies = [], []

    def run_study(settings, folder, log=None):
        studies.append((settings, folder))

    def stop(*args):
        raise build_mod.BuildError("stop here (test)")

    monkeypatch.setattr(build_mod, "run_study", run_study)
    monkeypatch.setattr(build_mod, "_run_notebooks", stop)
    with pytest.raises(build_mod.BuildError, match="stop here"):
        build_mod.build(2024, ["estimation.nonresponse_factor.central=0.3", "estimation.simulation.replicates=7"],
                        engine="builtin", step=steps.append, output_root=tmp_path / "_output",
                        build_root=tmp_path / "_build")
    # The study runs right before the notebooks, after the companion's render (which needs no notebook)
    # started: the last step, with the companion before it (and the rest of the imports, when there are any).
    assert steps[-1] == "Running the simulation study"
    assert "Rendering the technical companion (builtin) in the background" in steps[-3:-1]
    (settings, folder), = studies
    assert folder == tmp_path / "_build" / "2024" / "simulation"
    assert settings.assumptions.nonresponse == (0.0, 0.3, 1.0) and settings.replicates == 7


def test_validation_reads_every_input_without_the_analysis_stack():
    # Validation runs beside the import of the analysis code (`_inputs_step`): were it to import
    # scipy too, it would be the longer of the two and every cold build would wait for it.
    code = ("import sys\nfrom exploitation_report.pipeline.build import load_inputs, resolve_params\n"
            "inputs = load_inputs(resolve_params(2024, {})[1])\n"
            "assert inputs.linked_registrations is not None, 'the 2024 edition names linked registrations'\n"
            "print(sorted(m for m in ('scipy', 'statsmodels', 'matplotlib', 'papermill') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
