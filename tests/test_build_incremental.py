"""Incremental builds: the manifest of content hashes, the kernel-less notebook runner (papermill
with an in-process engine), and whole builds that skip what did not change (the latter end to
end, marked e2e)."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

import exploitation_report.pipeline.build as build_mod
from exploitation_report.paths import PROJECT_ROOT, params_path
from exploitation_report.pipeline.manifest import Manifest, code_digest, file_digest, key
from exploitation_report.pipeline.notebooks import Forked, Job, NotebookError, Workers, execute, imported_modules
from exploitation_report.pipeline.results import lookup

# --------------------------------------------------------------------------- the manifest


def test_a_step_is_fresh_only_with_its_key_and_its_outputs_unchanged(tmp_path):
    (tmp_path / "out.txt").write_text("a", encoding="utf-8")
    manifest = Manifest(tmp_path)
    manifest.record("step", "k1", ["out.txt"])
    again = Manifest.load(tmp_path)
    assert again.fresh("step", "k1") and not again.fresh("step", "k2") and not again.fresh("other", "k1")
    assert again.steps["step"]["outputs"] == {"out.txt": file_digest(tmp_path / "out.txt")}
    (tmp_path / "out.txt").write_text("b", encoding="utf-8")   # an output changed by hand
    assert not again.fresh("step", "k1")
    (tmp_path / "out.txt").unlink()                              # or removed
    assert not again.fresh("step", "k1")
    again.forget("step")   # before a step runs: a failed run leaves no record behind
    assert "step" not in Manifest.load(tmp_path).steps


def test_a_broken_manifest_is_an_empty_one_and_keys_follow_contents(tmp_path):
    (tmp_path / "manifest.json").write_text("{half", encoding="utf-8")
    assert Manifest.load(tmp_path).steps == {}
    assert key({"a": 1, "b": 2}) == key({"b": 2, "a": 1}) != key({"a": 1, "b": 3})
    assert file_digest(tmp_path / "missing") == "absent"


def test_the_code_digest_follows_the_project_code_and_nothing_else(tmp_path):
    for name, text in {"analysis/01.ipynb": "{}", "report/filters/f.lua": "x = 1", "_quarto.yml": "a: 1"}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    before = code_digest(tmp_path)
    assert code_digest(tmp_path) == before                                  # the same files, the same digest
    (tmp_path / "report" / "__pycache__").mkdir()
    (tmp_path / "report" / "__pycache__" / "f.cpython-311.pyc").write_bytes(b"\0")
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "2024.yml").write_text("year: 2024", encoding="utf-8")  # keyed per step, not here
    assert code_digest(tmp_path) == before
    (tmp_path / "report" / "filters" / "f.lua").write_text("x = 2", encoding="utf-8")
    assert code_digest(tmp_path) != before


# --------------------------------------------------------------------------- the notebook runner


def notebook(path, *cells: str, parameters: str = "x = 1"):
    book = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell(parameters)
    first.metadata["tags"] = ["parameters"]
    book.cells = [first, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nbformat.write(book, path)
    return path


REPORT_CELL = ("from IPython.display import Markdown, display\n"
               "display(Markdown(f'x is {x}'), metadata={'report': {'part': 'p'}})\nprint('done', x)")


def test_a_notebook_runs_without_a_kernel_with_its_parameters_injected(tmp_path):
    source = notebook(tmp_path / "a.ipynb", REPORT_CELL)
    out = execute(Job("a", source, tmp_path / "out" / "a.ipynb", {"x": 41}, tmp_path))
    book = nbformat.read(out, as_version=4)
    assert [c.metadata.get("tags") for c in book.cells] == [["parameters"], ["injected-parameters"], []]
    assert book.cells[1].source == "# Parameters\nx = 41\n" and book.cells[1].id == "injected-parameters"
    outputs = book.cells[2].outputs
    display = next(o for o in outputs if o.output_type == "display_data")
    assert display.data["text/markdown"] == "x is 41" and display.metadata == {"report": {"part": "p"}}
    assert {"output_type": "stream", "name": "stdout", "text": "done 41\n"} in [dict(o) for o in outputs]
    # No clock, no random cell id: the same run gives the same bytes (papermill records the paths).
    first = out.read_bytes()
    assert execute(Job("a", source, out, {"x": 41}, tmp_path)).read_bytes() == first


def test_a_cells_last_value_is_an_execute_result_as_a_kernel_gives_it(tmp_path):
    # Not "Out[0]: 42" on stdout, which IPython's own display hook writes outside a kernel.
    source = notebook(tmp_path / "v.ipynb", "print('before')\nx + 1", "y = x")
    book = nbformat.read(execute(Job("v", source, tmp_path / "v-out.ipynb", {"x": 41}, tmp_path)), as_version=4)
    outputs = [dict(o) for o in book.cells[2].outputs]
    assert outputs == [{"output_type": "stream", "name": "stdout", "text": "before\n"},
                       {"output_type": "execute_result", "data": {"text/plain": "42"}, "metadata": {},
                        "execution_count": 3}]
    assert book.cells[3].outputs == []


def test_a_failing_cell_is_an_error_output_and_stops_the_notebook(tmp_path):
    source = notebook(tmp_path / "b.ipynb", "raise ValueError('deliberate')", "print('never')")
    with pytest.raises(NotebookError) as err:
        execute(Job("b", source, tmp_path / "b-out.ipynb", {"x": 2}, tmp_path))
    assert (err.value.ename, err.value.evalue) == ("ValueError", "deliberate")
    book = nbformat.read(tmp_path / "b-out.ipynb", as_version=4)
    code = [c for c in book.cells if c.cell_type == "code"]  # papermill adds markdown cells marking the error
    assert code[2].outputs[-1].output_type == "error" and code[3].outputs == []
    assert code[2].metadata.papermill["status"] == "failed" and book.metadata.papermill["exception"] is True


def test_the_notebook_runs_through_papermill_with_the_in_process_engine_and_no_clock(tmp_path):
    from papermill.engines import papermill_engines

    from exploitation_report.pipeline.papermill_engine import ENGINE_NAME, InProcessEngine

    source = notebook(tmp_path / "c.ipynb", "print(x)")
    book = nbformat.read(execute(Job("c", source, tmp_path / "c-out.ipynb", {"x": 3}, tmp_path)), as_version=4)
    assert papermill_engines.get_engine(ENGINE_NAME) is InProcessEngine
    # papermill's own record of the run: its version, the parameters, the input and output notebooks...
    record = book.metadata.papermill
    # The paths relative to the folder it ran in (cwd, here tmp_path): no folder of the building machine.
    assert record["parameters"] == {"x": 3} and record["version"] and record["input_path"] == "c.ipynb"
    assert record["output_path"] == "c-out.ipynb" and record["exception"] is None
    # ...and every cell's status, without the clock (start, end and duration are papermill's None).
    assert [c.metadata.papermill["status"] for c in book.cells] == ["completed"] * 3
    assert {c.metadata.papermill[f] for c in book.cells for f in ("start_time", "end_time", "duration")} == {None}
    assert record["start_time"] is record["end_time"] is record["duration"] is None


def test_the_papermill_entry_point_names_the_in_process_engine():
    import importlib
    import tomllib
    from pathlib import Path

    from exploitation_report.pipeline.papermill_engine import ENGINE_NAME, InProcessEngine

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    module, _, name = project["project"]["entry-points"]["papermill.engine"][ENGINE_NAME].partition(":")
    entry = getattr(importlib.import_module(module), name)
    # A stand-in that defers to the engine (papermill_entry.py says why): every method is the engine's.
    for method in ("execute_notebook", "execute_managed_notebook", "nb_kernel_name", "nb_language"):
        assert getattr(entry, method) == getattr(InProcessEngine, method)


def test_the_engine_module_imports_before_papermill():
    """papermill loads its entry points (this engine's among them) while it is imported: the
    engine's module imported first in a fresh interpreter must not meet itself half made."""
    code = ("import exploitation_report.pipeline.papermill_engine as m; from papermill.engines import papermill_engines; "
            "print(papermill_engines.get_engine(m.ENGINE_NAME).nb_language(None))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "python"


def test_the_notebook_validator_is_compiled_before_the_workers_fork(monkeypatch):
    """papermill validates every notebook it reads and writes; a worker inherits the compiled
    validator instead of compiling nbformat's schema again."""
    import nbformat.validator

    monkeypatch.setattr(nbformat.validator, "validators", {})
    workers = Workers()
    assert nbformat.validator.validators == {}       # nothing to run, nothing compiled (all notebooks cached)
    monkeypatch.setattr(multiprocessing.get_context("fork"), "Process", lambda **kwargs: _NoProcess())
    workers.start(Job("x", Path("x.ipynb"), Path("out.ipynb")))
    assert [key[1:] for key in nbformat.validator.validators] == [(4, nbformat.v4.nbformat_minor, False)]
    for receive in workers.running:
        receive.close()


class _NoProcess:
    """Stands in for a worker process that is never started."""

    def start(self):
        pass


def test_workers_run_notebooks_side_by_side_and_report_each_outcome(tmp_path):
    good = notebook(tmp_path / "good.ipynb", REPORT_CELL)
    bad = notebook(tmp_path / "bad.ipynb", "import os\nos._exit(3)")
    workers = Workers()
    for name, source in (("good", good), ("bad", bad)):
        workers.start(Job(name, source, tmp_path / "out" / f"{name}.ipynb", {"x": 2}, tmp_path))
    outcomes = {o.job.name: o for o in (workers.next_done(), workers.next_done())}
    assert outcomes["good"].status == "ok" and (tmp_path / "out" / "good.ipynb").is_file()
    assert outcomes["bad"].status == "crashed" and "exit code 3" in outcomes["bad"].detail
    assert not workers.running


def test_a_stopped_worker_ends_with_its_figure_processes(tmp_path):
    """`Workers.stop` (another notebook failed): the worker and the figure processes it forked end."""
    import time

    pids = tmp_path / "pids.txt"
    cell = ("import os, time\nfrom exploitation_report.chapters import present\n"
            "pid = os.fork()\n"
            "if pid == 0:\n    time.sleep(60)\n    os._exit(0)\n"
            "present._WRITERS.append((pid, present.Path('fig-slow.png')))\n"
            f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{pid}}')\n"
            "time.sleep(60)")
    workers = Workers()
    workers.start(Job("slow", notebook(tmp_path / "slow.ipynb", cell), tmp_path / "out" / "slow.ipynb", {}, tmp_path))
    for _ in range(200):
        if pids.is_file() and pids.read_text().strip():
            break
        time.sleep(0.05)
    worker, writer = (int(p) for p in pids.read_text().split())
    started = time.perf_counter()
    workers.stop()
    assert time.perf_counter() - started < 10 and not workers.running
    for pid in (worker, writer):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)   # gone (and reaped: no zombie left behind)


def test_a_figure_process_ends_on_sigterm_without_the_workers_handler(tmp_path, monkeypatch):
    """The worker's SIGTERM handler ends the figure processes it lists; a figure process inherits
    that list (its siblings), so it must not run the handler: SIGTERM simply ends it."""
    import matplotlib.pyplot as plt

    from exploitation_report.chapters import present

    def record_handler(fig, path):
        path.write_text(f"{signal.getsignal(signal.SIGTERM) == signal.SIG_DFL} {present._WRITERS}")

    monkeypatch.setattr(present, "_write_figure", record_handler)
    monkeypatch.setattr(present, "_WRITERS", [])
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        for name in ("fig-a", "fig-b"):
            present.emit_figure("part", plt.figure(), id=name, caption="c", alt="a", figures_dir=tmp_path)
        present.wait_for_figures()
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert [(tmp_path / f"{name}.svg").read_text() for name in ("fig-a", "fig-b")] == ["True []", "True []"]


def fail_with_two_problems():
    from exploitation_report.inputs.errors import InputError, Problem

    raise InputError([Problem("a.csv", "a year", column="year", found="x"), Problem("a.csv", "a sector")])


def test_what_the_forked_validation_raises_is_raised_again_whole():
    from exploitation_report.inputs.errors import InputError

    assert Forked(sum, [1, 2]).result() == 3
    with pytest.raises(InputError) as err:
        Forked(fail_with_two_problems).result()
    assert len(err.value.problems) == 2 and str(err.value).startswith("a.csv") and "1 more problem" in str(err.value)


def test_the_imports_a_notebook_makes_are_found_for_preloading():
    cells = ["import pandas as pd\nfrom exploitation_report.stats import estimation, sensitivity",
             "%%time\nnot python", "from . import x"]
    assert imported_modules(cells) == ["pandas", "exploitation_report.stats", "exploitation_report.stats.estimation",
                                       "exploitation_report.stats.sensitivity"]


def test_the_preload_imports_a_project_module_after_what_it_imports_in_small_steps():
    # In a fresh process: what is imported already needs no step.
    name = "exploitation_report.stats.mse.analysis"
    code = ("import json\nfrom exploitation_report.pipeline.notebooks import _own_dependencies_first\n"
            f"print(json.dumps(_own_dependencies_first([{name!r}])))")
    order = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert order[-1] == name and len(order) == len(set(order))
    # Each of the project's modules after the modules it imports; scipy a step of its own.
    assert order.index("exploitation_report.stats.mse.models") < order.index("exploitation_report.stats.mse.intervals")
    assert order.index("exploitation_report.inputs.capture_histories") < order.index(
        "exploitation_report.stats.mse.models")
    assert any(m.startswith("scipy") for m in order)


def test_the_preload_order_of_the_notebooks_holds_their_imports_and_only_real_modules():
    # In a fresh process; prose in a docstring ("from the ...") is no import.
    code = ("import importlib.util, json, sys\nfrom exploitation_report.paths import ANALYSIS_DIR\n"
            "from exploitation_report.pipeline.notebooks import _own_dependencies_first, code_cells, imported_modules\n"
            "wanted = imported_modules(s for p in sorted(ANALYSIS_DIR.glob('*.ipynb')) for s in code_cells(p))\n"
            "order = _own_dependencies_first(wanted)\n"
            "print(json.dumps([sorted(set(wanted) - set(order) - set(sys.modules)), "
            "[m for m in order if importlib.util.find_spec(m.split('.')[0]) is None]]))")
    missing, unknown = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                                 check=True).stdout)
    assert missing == [] and unknown == []


def _inputs_step_with(tmp_path, monkeypatch, done_after: int, fails: bool = False) -> list[str]:
    """The inputs step's events with a validation that is over after ``done_after`` polls (and
    then raises, when ``fails``, with the events so far as its notes), beside a preload of three
    modules."""
    from exploitation_report.pipeline import notebooks

    events, polls = [], [0]

    class Validation:
        def __init__(self, fn, *args):
            events.append("forked")

        def done(self):
            polls[0] += 1
            return polls[0] > done_after

        def result(self):
            events.append("validated")
            if fails:
                raise ValueError(events)

        def stop(self):
            events.append("stopped")

    def preload(paths, between=None):
        for module in ("a", "b", "c"):
            events.append(f"import {module}")
            between()

    monkeypatch.setattr(notebooks, "Forked", Validation)
    monkeypatch.setattr(notebooks, "missing_modules", lambda paths: ["a"])
    monkeypatch.setattr(notebooks, "preload", preload)
    monkeypatch.setattr(build_mod, "_valid_inputs", lambda *args: "inputs")
    params = build_mod.resolve_params(2024, {})[1]
    build_mod._inputs_step(params, {}, "code", {}, tmp_path / "o", tmp_path, Manifest(tmp_path), events.append, {},
                           lambda inputs: events.append(f"then {inputs}"))
    return events


def test_what_needs_valid_inputs_starts_between_two_imports_once_validation_is_done(tmp_path, monkeypatch):
    assert _inputs_step_with(tmp_path, monkeypatch, done_after=0) == [
        "forked", "Validating inputs, loading the analysis code meanwhile", "import a", "validated", "then inputs",
        "Loading the rest of the analysis code", "import b", "import c", "stopped"]


def test_a_validation_longer_than_the_imports_is_awaited_after_them(tmp_path, monkeypatch):
    assert _inputs_step_with(tmp_path, monkeypatch, done_after=99) == [
        "forked", "Validating inputs, loading the analysis code meanwhile", "import a", "import b", "import c",
        "validated", "then inputs", "stopped"]


def test_a_failed_validation_stops_the_imports_and_nothing_needing_valid_inputs_starts(tmp_path, monkeypatch):
    with pytest.raises(ValueError) as failed:
        _inputs_step_with(tmp_path, monkeypatch, done_after=1, fails=True)
    events = failed.value.args[0]
    assert events == ["forked", "Validating inputs, loading the analysis code meanwhile", "import a", "import b",
                      "validated", "stopped"]


def test_the_render_engine_warnings_are_shown_and_shown_again_when_the_render_is_cached(tmp_path, monkeypatch):
    import exploitation_report.render as render_mod

    build_dir = tmp_path / "2024"
    (build_dir / "report.qmd").parent.mkdir(parents=True)
    (build_dir / "report.qmd").write_text("# Rapport\n", encoding="utf-8")
    calls = []

    def render(build_dir, out_dir, engine):
        calls.append(engine)
        for name in ("report.html", "report.pdf"):
            (out_dir / name).write_text(name, encoding="utf-8")
        return render_mod.RenderResult("builtin", {}, {"typst": "0.14.2"},
                                       ["Typst (report.typ): document did not converge within five attempts"])

    monkeypatch.setattr(render_mod, "render", render)
    manifest = Manifest.load(build_dir)
    for run in ("ran", "cached"):
        steps, done = [], {}
        record = build_mod._render_step(build_dir, "builtin", "code", manifest, steps.append, done)
        assert done == {"render": run} and record["versions"] == {"typst": "0.14.2"}
        assert steps[1:] == ["  Warning: Typst (report.typ): document did not converge within five attempts"]
    assert calls == ["builtin"]


def test_the_companion_render_reports_its_warnings_and_its_time(tmp_path):
    process = subprocess.Popen([sys.executable, "-c", "print('Typst (report.typ): a warning'); print('1.5')"],
                               stdout=subprocess.PIPE, text=True)
    finished = []
    build_mod._Companion(process, tmp_path / "log", lambda *args: finished.append(args), lambda label: None).result()
    assert finished == [("1.5", pytest.approx(0, abs=5), ["Typst (report.typ): a warning"])]


def _fake_companion(child_pid: Path | None = None) -> str:
    """A stand-in for the companion's render (arguments: its folder, the output folder, the
    engine): writes both files and says how long it took; with ``child_pid``, first starts a
    render of its own (a sleeping child), writes its pid there and waits for it."""
    return f"""
import subprocess, sys
from pathlib import Path
if {str(child_pid) if child_pid else ''!r}:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    Path({str(child_pid)!r}).write_text(str(child.pid))
    child.wait()
out = Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
for name in ("report.html", "report.pdf"):
    (out / name).write_text(name)
print("0.1")
"""


def _companion_folder(build_dir: Path) -> Path:
    folder = build_dir / build_mod.COMPANION
    (folder / "parts").mkdir(parents=True)
    (folder / "report.qmd").write_text("# Verantwoording\n", encoding="utf-8")
    (folder / "parts" / "parameters.md").write_text("Parameters\n", encoding="utf-8")
    return folder


def test_the_companion_reruns_for_its_render_inputs_only(tmp_path, monkeypatch):
    monkeypatch.setattr(build_mod, "_RENDER_COMPANION", _fake_companion())
    folder = _companion_folder(tmp_path)
    manifest = Manifest.load(tmp_path)

    def companion() -> str:
        done = {}
        build_mod._companion_step(tmp_path, "builtin", "code", manifest, lambda label: None, done).result()
        return done["companion"]

    assert companion() == "ran"
    # The engines' scratch folders in its folder are no input...
    for scratch in ("_quarto-html", "_builtin"):
        (folder / scratch).mkdir()
        (folder / scratch / "report.typ").write_text("scratch", encoding="utf-8")
    assert companion() == "cached"
    # ...its parts are.
    (folder / "parts" / "parameters.md").write_text("Parameters, changed\n", encoding="utf-8")
    assert companion() == "ran"


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups (POSIX)")
def test_stopping_the_companion_ends_the_renders_it_started(tmp_path, monkeypatch):
    """A build that failed stops the companion, and with it Quarto's processes: none writes on."""
    pid_file = tmp_path / "child.pid"
    monkeypatch.setattr(build_mod, "_RENDER_COMPANION", _fake_companion(pid_file))
    _companion_folder(tmp_path)
    started = build_mod._companion_step(tmp_path, "builtin", "code", Manifest.load(tmp_path), lambda label: None, {})
    for _ in range(1000):
        if pid_file.exists() and pid_file.read_text():
            break
        time.sleep(0.01)
    child = int(pid_file.read_text())
    started.stop()
    for _ in range(500):   # killed, then reaped by init: gone from the process table
        if not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split(")")[-1][:3]:
            break
        time.sleep(0.01)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the companion's own render outlived it")


_NICE_FAMILY = """
import os, subprocess, sys, threading, time
os.nice(19)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
print(child.pid, flush=True)
time.sleep(30)
"""


def _priorities(pid: int) -> list[int]:
    return [os.getpriority(os.PRIO_PROCESS, int(tid)) for tid in os.listdir(f"/proc/{pid}/task")]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_waiting_for_the_companion_gives_it_back_the_build_priority_with_its_threads_and_children():
    own = os.getpriority(os.PRIO_PROCESS, 0)
    lowest = min(own + 19, 19)
    process = subprocess.Popen([sys.executable, "-c", _NICE_FAMILY], stdout=subprocess.PIPE, text=True)
    child = int(process.stdout.readline())
    try:
        assert len(_priorities(process.pid)) >= 2 and set(_priorities(process.pid)) == {lowest}
        build_mod._restore_priority(process.pid)
        after = set(_priorities(process.pid)) | set(_priorities(child))
    finally:
        os.kill(child, signal.SIGKILL)
        process.kill()
        process.communicate()
    if after == {lowest}:
        # An unprivileged user may not raise a priority (RLIMIT_NICE): nothing changed, nothing failed.
        pytest.skip("raising a priority is not permitted here")
    assert after == {own}


def test_forked_is_done_when_its_process_died_without_an_answer():
    forked = Forked(os._exit, 3)
    for _ in range(500):
        if forked.done():
            break
        time.sleep(0.01)
    assert forked.done()
    with pytest.raises(RuntimeError, match="exit code 3"):
        forked.result()


def test_the_survey_notebook_gets_only_the_overrides_of_what_it_reads():
    ov = {"estimation.bootstrap.seed": 7, "suppression.min_count": 10}
    assert build_mod.notebook_overrides("01_survey", ov) == {"suppression.min_count": 10}
    assert build_mod.notebook_overrides("02_estimation", ov) == ov


def test_the_request_stamp_follows_the_bytes_a_build_starts_from(tmp_path, monkeypatch):
    params = tmp_path / "params"
    (params / "variants").mkdir(parents=True)
    (params / "2024.yml").write_text("year: 2024\n", encoding="utf-8")
    monkeypatch.setattr(build_mod, "params_path", lambda year: params / f"{year}.yml")
    monkeypatch.setattr(build_mod, "variants_dir", lambda: params / "variants")

    def stamp(**changes):
        request = {"code": "c", "year": 2024, "variant": None, "overrides": ["a.b=1"], "engine": "builtin",
                   "output_root": tmp_path / "_output", **changes}
        return build_mod.request_stamp(**request)

    before = stamp()
    assert stamp() == before
    changed = [stamp(code="d"), stamp(overrides=["a.b=2"]), stamp(engine="quarto"), stamp(variant="low"),
               stamp(output_root=tmp_path / "elsewhere")]
    assert before not in changed and len(set(changed)) == len(changed)
    (params / "2024.yml").write_text("year: 2024  # a comment\n", encoding="utf-8")
    assert stamp() != before                      # other bytes; whether they mean the same, the full check decides
    low = stamp(variant="low")
    (params / "variants" / "low.yml").write_text("overrides: {a.b: 3}\n", encoding="utf-8")
    assert stamp(variant="low") != low


def test_the_published_edition_is_current_only_with_its_stamp_its_reads_and_its_files(tmp_path):
    read, out = tmp_path / "survey.csv", tmp_path / "_output" / "2024"
    read.write_text("a\n1\n", encoding="utf-8")
    out.mkdir(parents=True)
    (out / "report.html").write_text("<p>", encoding="utf-8")
    manifest = Manifest(tmp_path / "_build" / "2024")
    manifest.published = {"stamp": "s1", "reads": {str(read): file_digest(read)},
                          "files": {"report.html": file_digest(out / "report.html")}, "year": 2024}
    assert build_mod.unchanged_since_published(manifest, out, "s1") == manifest.published
    assert build_mod.unchanged_since_published(manifest, out, "s2") is None
    assert build_mod.unchanged_since_published(Manifest(tmp_path / "empty"), out, "s1") is None
    read.write_text("a\n2\n", encoding="utf-8")           # an input changed
    assert build_mod.unchanged_since_published(manifest, out, "s1") is None
    read.write_text("a\n1\n", encoding="utf-8")
    (out / "report.html").write_text("<p>edited", encoding="utf-8")   # the published edition changed by hand
    assert build_mod.unchanged_since_published(manifest, out, "s1") is None


# --------------------------------------------------------------------------- whole builds (e2e)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A cold build of 2024 in its own folders: (output_root, build_root, BuildResult)."""
    root = tmp_path_factory.mktemp("incremental")
    out, work = root / "_output", root / "_build"
    return out, work, build_mod.build(2024, engine="builtin", output_root=out, build_root=work)


def snapshot(folder):
    return {p.relative_to(folder): (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def manifest_of(work):
    return json.loads((work / "2024" / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.e2e
def test_a_cold_build_runs_every_step_and_records_it(built):
    _, work, result = built
    assert result.steps == {"inputs": "ran", "companion": "ran", "01_survey": "ran", "02_estimation": "ran",
                            "03_recommendations": "ran", "render": "ran", "publish": "ran"}
    steps = manifest_of(work)["steps"]
    assert set(steps) == {"inputs", "companion", "01_survey", "02_estimation", "03_recommendations", "render"}
    assert "results/survey.json" in steps["01_survey"]["outputs"]
    assert any(name.startswith("figures/") for name in steps["01_survey"]["outputs"])
    # Typst laid out the report and the companion without a warning (say, a layout that did not
    # converge); the companion's process reported that on its output, before its time.
    assert steps["render"]["warnings"] == [] and steps["companion"]["warnings"] == []


@pytest.mark.e2e
def test_a_rebuild_with_nothing_changed_skips_every_step_and_leaves_the_edition_untouched(built):
    out, work, first = built
    before, manifest = snapshot(out / "2024"), manifest_of(work)
    steps = []
    again = build_mod.build(2024, engine="builtin", output_root=out, build_root=work, step=steps.append)
    assert again.steps == {"build": "up to date"}
    assert steps[0] == "Reading parameters" and steps[1].startswith("Up to date") and len(steps) == 2
    assert snapshot(out / "2024") == before and manifest_of(work) == manifest


@pytest.mark.e2e
def test_the_up_to_date_check_imports_no_scientific_library_and_no_parameter_model(built):
    out, work, _ = built
    code = ("import sys\nfrom exploitation_report.pipeline.build import build\n"
            f"r = build(2024, engine='builtin', output_root={str(out)!r}, build_root={str(work)!r})\n"
            "heavy = sorted(m for m in ('pandas', 'numpy', 'scipy', 'matplotlib', 'papermill', 'nbformat', "
            "'IPython', 'pydantic', 'yaml') if m in sys.modules)\nprint(r.steps, heavy)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "{'build': 'up to date'} []"


@pytest.mark.e2e
def test_other_bytes_with_the_same_meaning_are_up_to_date_and_then_known_by_their_bytes(built, monkeypatch):
    out, work, _ = built
    folder = Path(tempfile.mkdtemp(prefix="stamp-", dir=PROJECT_ROOT / "_build"))  # in the project, as params/ is
    try:
        copy = folder / "2024.yml"
        copy.write_text(params_path(2024).read_text(encoding="utf-8") + "# a comment changes no parameter\n",
                        encoding="utf-8")
        monkeypatch.setattr(build_mod, "params_path", lambda year: folder / f"{year}.yml")
        before, stamp = snapshot(out / "2024"), manifest_of(work)["published"]["stamp"]
        steps = []
        assert build_mod.build(2024, engine="builtin", output_root=out, build_root=work,
                               step=steps.append).steps == {"build": "up to date"}
        assert "Reading parameters" in steps and snapshot(out / "2024") == before
        assert manifest_of(work)["published"]["stamp"] not in (stamp, None)   # the new bytes, recorded

        def no_parameters(*args):
            raise AssertionError("the parameters were read again")

        monkeypatch.setattr(build_mod, "resolve_params", no_parameters)
        assert build_mod.build(2024, engine="builtin", output_root=out, build_root=work).steps == {
            "build": "up to date"}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    # Back to the file as shipped: known by its bytes again only after a check by meaning.
    monkeypatch.undo()
    assert build_mod.build(2024, engine="builtin", output_root=out, build_root=work).steps == {"build": "up to date"}


@pytest.mark.e2e
def test_an_estimation_parameter_reruns_the_estimation_and_what_follows_not_the_survey(built):
    out, work, _ = built
    survey_before = (work / "2024" / "notebooks" / "01_survey.ipynb").read_bytes()
    key_before = manifest_of(work)["steps"]["01_survey"]["key"]
    before = json.loads((out / "2024" / "results.json").read_text(encoding="utf-8"))
    steps = []
    changed = build_mod.build(2024, ["estimation.bootstrap.seed=7"], engine="builtin", output_root=out,
                              build_root=work, step=steps.append)
    assert changed.steps == {"inputs": "ran", "companion": "ran", "01_survey": "cached", "02_estimation": "ran",
                             "03_recommendations": "ran", "render": "ran", "publish": "ran"}
    assert "Notebook 01_survey: unchanged, from the build folder" in [s.strip() for s in steps]
    assert (work / "2024" / "notebooks" / "01_survey.ipynb").read_bytes() == survey_before
    assert manifest_of(work)["steps"]["01_survey"]["key"] == key_before
    after = json.loads((out / "2024" / "results.json").read_text(encoding="utf-8"))
    assert after["survey"] == before["survey"]
    assert lookup(after, "estimation.assumptions") is not None
    provenance = json.loads((out / "2024" / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["overrides"] == {"estimation.bootstrap.seed": 7}
    # The executed estimation notebook shows the override; the survey notebook was not given it.
    injected = [c.source for c in nbformat.read(out / "2024" / "notebooks" / "02_estimation.ipynb", 4).cells
                if "injected-parameters" in c.metadata.get("tags", [])]
    assert '"estimation.bootstrap.seed": 7' in injected[0]


@pytest.mark.e2e
def test_force_reruns_every_step_and_gives_the_same_edition(built):
    out, work, _ = built
    build_mod.build(2024, engine="builtin", output_root=out, build_root=work)   # back to the plain edition
    before = snapshot(out / "2024")
    forced = build_mod.build(2024, engine="builtin", output_root=out, build_root=work, force=True)
    assert {step: how for step, how in forced.steps.items() if step != "publish"} == {
        "inputs": "ran", "companion": "ran", "01_survey": "ran", "02_estimation": "ran", "03_recommendations": "ran",
        "render": "ran"}
    # Rerun from scratch, the same bytes: the published edition is left as it is.
    assert forced.steps["publish"] == "cached" and snapshot(out / "2024") == before


@pytest.mark.e2e
def test_a_failed_notebook_leaves_the_edition_and_a_manifest_that_reruns_it(built, tmp_path, monkeypatch):
    out, work, _ = built
    published = snapshot(out / "2024")
    for source in build_mod.ANALYSIS_DIR.glob("*.ipynb"):
        shutil.copy(source, tmp_path / source.name)
    book = nbformat.read(tmp_path / "02_estimation.ipynb", as_version=4)
    book.cells.append(nbformat.v4.new_code_cell('raise RuntimeError("deliberate failure")'))
    nbformat.write(book, tmp_path / "02_estimation.ipynb")
    with monkeypatch.context() as patch:
        patch.setattr(build_mod, "ANALYSIS_DIR", tmp_path)
        with pytest.raises(build_mod.BuildError, match="notebook 02_estimation failed: RuntimeError: deliberate"):
            build_mod.build(2024, engine="builtin", output_root=out, build_root=work)
    assert snapshot(out / "2024") == published
    assert not list(out.glob(".*staging*"))
    steps = manifest_of(work)["steps"]
    assert "02_estimation" not in steps and "01_survey" in steps   # the survey was unchanged and stays done
    # The published edition is still the one these inputs give: nothing to do.
    assert build_mod.build(2024, engine="builtin", output_root=out, build_root=work).steps == {"build": "up to date"}
    # A change reruns the failed notebook (it has no record) and what follows; the survey stays cached.
    rerun = build_mod.build(2024, ["estimation.bootstrap.seed=11"], engine="builtin", output_root=out,
                            build_root=work)
    assert rerun.steps["02_estimation"] == "ran" and rerun.steps["01_survey"] == "cached"
