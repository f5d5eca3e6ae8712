"""Unit tests of the build's own steps (the whole build is in test_build_e2e.py)."""

import errno
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


def test_the_variant_appendix_says_plainly_when_the_base_edition_is_not_built(tmp_path):
    prov = {"edition": "2024--x", "year": 2024, "effective_params": {}}
    text = build_mod.variant_appendix_part(tmp_path / "2024", {"schema_version": "1.0.0", "edition": {}}, prov)
    assert text.startswith("De basiseditie 2024 was niet gebouwd")


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
