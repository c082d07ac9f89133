"""The papermill runner: each kernel gets its run's environment variables without touching ours,
runs in threads proceed side by side, and the kernel's own output goes to logs/<notebook>.log."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import nbformat

from workbench.report.runner import KERNEL_LOG_DIR, json_outputs, run_notebook

PROBE_SOURCE = """\
import json, os, sys, time
from pathlib import Path
from IPython.display import display
os.write(2, b"native-library noise\\n")
print("more noise", file=sys.__stderr__, flush=True)
barrier = Path(BARRIER_DIR)
saw_partner = True
if PARTNER:
    (barrier / f"{NAME}.ready").touch()
    deadline = time.time() + 90
    while not (barrier / f"{PARTNER}.ready").exists() and time.time() < deadline:
        time.sleep(0.1)
    saw_partner = (barrier / f"{PARTNER}.ready").exists()
time.sleep(LINGER_S)
display({"application/json": {"var": os.environ.get("WB_PROBE_VAR"), "saw_partner": saw_partner,
                               "cwd": os.getcwd()}}, raw=True)
"""


def _probe_notebook(folder: Path) -> Path:
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell('NAME = "a"\nPARTNER = ""\nBARRIER_DIR = "."\nLINGER_S = 0.0')
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_code_cell(PROBE_SOURCE)]
    path = folder / "probe.ipynb"
    nbformat.write(notebook, str(path))
    return path


def test_kernel_gets_the_run_environment_and_its_noise_goes_to_the_log(tmp_path, capfd):
    notebook = _probe_notebook(tmp_path)
    run = run_notebook(notebook, tmp_path / "out", {"BARRIER_DIR": str(tmp_path)}, env={"WB_PROBE_VAR": "seed-7"})
    assert json_outputs(run.executed_path) == [{"var": "seed-7", "saw_partner": True,
                                                "cwd": str((tmp_path / "out").resolve())}]
    assert "WB_PROBE_VAR" not in os.environ  # our own environment was never changed
    log = (tmp_path / "out" / KERNEL_LOG_DIR / "probe.log").read_text()
    assert "== probe.ipynb" in log and "native-library noise" in log and "more noise" in log
    terminal = capfd.readouterr()
    assert "noise" not in terminal.out + terminal.err


def test_runs_in_threads_proceed_side_by_side_each_with_its_own_environment(tmp_path):
    notebook = _probe_notebook(tmp_path)
    outputs: dict[str, list] = {}

    def run(name: str, partner: str) -> None:
        done = run_notebook(notebook, tmp_path / name, {"NAME": name, "PARTNER": partner, "BARRIER_DIR": str(tmp_path)},
                            env={"WB_PROBE_VAR": f"value-{name}"})
        outputs[name] = json_outputs(done.executed_path)

    threads = [threading.Thread(target=run, args=pair) for pair in (("a", "b"), ("b", "a"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    # each kernel waited for the other to start its cell: a run that held the other back would not see it
    assert outputs == {name: [{"var": f"value-{name}", "saw_partner": True, "cwd": str((tmp_path / name).resolve())}]
                       for name in ("a", "b")}  # each kernel in its own run folder


def test_runs_side_by_side_leave_this_process_in_its_own_folder(tmp_path):
    """The kernel starts in its run folder; this process never changes folder. (papermill's ``cwd`` chdirs
    the process: a run started first and ended first restored our folder, then the other restored the
    first run's folder, where the live app then wrote its report link from.)"""
    notebook = _probe_notebook(tmp_path)
    ours = os.getcwd()
    first = threading.Thread(target=run_notebook, args=(notebook, tmp_path / "a", {
        "NAME": "a", "PARTNER": "b", "BARRIER_DIR": str(tmp_path)}))
    second = threading.Thread(target=run_notebook, args=(notebook, tmp_path / "b", {
        "NAME": "b", "PARTNER": "a", "BARRIER_DIR": str(tmp_path), "LINGER_S": 3.0}))
    try:
        first.start()
        deadline = time.monotonic() + 120
        while not (tmp_path / "a.ready").exists() and time.monotonic() < deadline:  # the first run is under way
            time.sleep(0.1)
        second.start()  # ... and this one ends last
        for thread in (first, second):
            thread.join(timeout=300)
        assert os.getcwd() == ours
    finally:
        os.chdir(ours)
