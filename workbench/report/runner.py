"""Run a notebook headless with papermill and turn the result into a self-contained HTML page.

    run = run_notebook(NOTEBOOKS_DIR / "20_voice_analysis.ipynb", out_dir, {"SESSION_ID": "s1"})
    run.executed_path, run.duration_s, run.cell_durations_s
    notebook_to_html(run.executed_path, out_dir / "voice.html")   # code cells hidden, images embedded

Used by the report pipeline and by the tests of every notebook. Only the parameters a notebook
declares in its ``parameters`` cell are passed (``pass_unknown=True`` passes the rest too), so one
pipeline can drive notebooks whose parameter sets differ. Each kernel gets the run's environment
variables itself (nothing is changed in this process, so runs in threads never wait for each other)
and writes its own output, the native libraries' logging (TensorFlow, mediapipe, ipykernel), to
``logs/<notebook>.log`` in the output folder instead of the terminal.
"""
from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from workbench.errors import ExitCode, InputError, WorkbenchError

KERNEL_NAME = "python3"  # the venv's ipykernel; jupyter_client swaps "python" for sys.executable
CELL_TIMEOUT_S = 1800  # ours: no single cell of a 10-minute interview should run for 30 minutes
START_TIMEOUT_S = 120  # ours: kernel start on a loaded 2-core machine (imports can take ~20 s)
JSON_MIME = "application/json"  # how notebooks publish machine-readable results (MODELS.md: no scrapbook)
KERNEL_LOG_DIR = "logs"  # in the output folder, one file per notebook: what its kernel printed outside it
_REMOTE_SCRIPT = re.compile(r"<script[^>]*src=\"https?://[^\"]*\"[^>]*>\s*</script>", re.IGNORECASE)


class NotebookError(WorkbenchError):
    """A notebook stopped with an error; the message names the notebook, the cell and the cause."""

    exit_code = ExitCode.NOTEBOOK_FAILED


@dataclass
class NotebookRun:
    notebook: str  # the source notebook's file name
    executed_path: Path  # the executed copy, with outputs
    parameters: dict[str, Any]  # the parameters actually injected
    duration_s: float  # wall time, kernel start included
    cell_durations_s: list[float] = field(default_factory=list)  # per code cell, as papermill timed them

    def to_json(self) -> dict[str, Any]:
        return {
            "notebook": self.notebook,
            "executed_path": str(self.executed_path),
            "parameters": self.parameters,
            "duration_s": round(self.duration_s, 3),
            "cells": len(self.cell_durations_s),
        }


def declared_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook declares: ``{name: {"default": str, "inferred_type_name": str, "help": str}}``."""
    import nbformat
    from papermill.translators import PythonTranslator

    notebook = Path(notebook)
    if not notebook.is_file():
        raise InputError(f"notebook {notebook} not found")
    nb = nbformat.read(str(notebook), as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        return {}
    return {p.name: p._asdict() for p in PythonTranslator.inspect(cells[0])}


def _kernel_manager_class(env: dict[str, str], log_path: Path, cwd: Path) -> type:
    """A kernel manager for one run: its kernel gets ``env`` on top of ours, starts in ``cwd`` and
    writes its own stdout/stderr (not the notebook's outputs) to ``log_path``. A class per run, so runs
    in parallel threads never share these settings. (papermill's own ``cwd`` would chdir this whole
    process: two runs side by side could restore each other's folder and leave it in a run folder.)"""
    from jupyter_client import AsyncKernelManager

    class RunKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            kw["env"] = {**kw.get("env", os.environ), **env}
            kw["cwd"] = str(cwd)
            with open(log_path, "ab") as log:  # the kernel keeps its own copy of the descriptor
                kw["stdout"] = kw["stderr"] = log
                await super()._async_launch_kernel(kernel_cmd, **kw)

    return RunKernelManager


def run_notebook(
    notebook: Path,
    out_dir: Path,
    parameters: dict[str, Any] | None = None,
    *,
    output_name: str | None = None,
    pass_unknown: bool = False,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    cell_timeout_s: int = CELL_TIMEOUT_S,
) -> NotebookRun:
    """Execute ``notebook`` with papermill into ``out_dir`` (kernel ``python3``).

    ``parameters`` are injected after the tagged ``parameters`` cell; names the notebook does not
    declare are dropped unless ``pass_unknown``. ``env`` adds environment variables for the kernel
    (e.g. ``PYTHONHASHSEED``). Raises ``NotebookError`` with the failing cell's error in one line.
    The kernel's own output goes to ``out_dir/logs/<executed notebook>.log``.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    notebook = Path(notebook)
    declared = declared_parameters(notebook)
    given = dict(parameters or {})
    injected = given if pass_unknown else {k: v for k, v in given.items() if k in declared}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / (output_name or notebook.name)
    kernel_log = out_dir / KERNEL_LOG_DIR / f"{executed.stem}.log"
    kernel_log.parent.mkdir(exist_ok=True)
    with open(kernel_log, "a", encoding="utf-8") as log:
        log.write(f"== {executed.name} {datetime.now(timezone.utc).isoformat(timespec='seconds')}\n")
    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(notebook),
            str(executed),
            parameters=injected,
            kernel_name=KERNEL_NAME,
            language="python",
            progress_bar=False,
            log_output=False,
            start_timeout=START_TIMEOUT_S,
            execution_timeout=cell_timeout_s,
            kernel_manager_class=_kernel_manager_class(dict(env or {}), kernel_log, Path(cwd or out_dir).resolve()),
        )
    except PapermillExecutionError as error:
        evalue = " ".join(str(error.evalue).split())[:500]
        raise NotebookError(
            f"{notebook.name} failed in cell {error.exec_count}: {error.ename}: {evalue} "
            f"(executed copy: {executed})"
        ) from error
    except (RuntimeError, TimeoutError) as error:  # kernel died or a cell timed out
        raise NotebookError(f"{notebook.name} did not finish: {' '.join(str(error).split())[:500]} "
                            f"(kernel messages: {kernel_log})") from error
    duration_s = time.perf_counter() - started
    return NotebookRun(
        notebook=notebook.name,
        executed_path=executed,
        parameters=injected,
        duration_s=duration_s,
        cell_durations_s=_cell_durations(executed),
    )


def _cell_durations(executed: Path) -> list[float]:
    import nbformat

    nb = nbformat.read(str(executed), as_version=4)
    return [
        float(cell.get("metadata", {}).get("papermill", {}).get("duration") or 0.0)
        for cell in nb.cells
        if cell.cell_type == "code"
    ]


def json_outputs(executed: Path) -> list[Any]:
    """Every ``application/json`` output an executed notebook published, in cell order."""
    import nbformat

    nb = nbformat.read(str(executed), as_version=4)
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if JSON_MIME in data:
                value = data[JSON_MIME]
                found.append(json.loads(value) if isinstance(value, str) else value)
    return found


def notebook_to_html(
    executed: Path, html_path: Path, *, title: str | None = None, keep_stderr: bool = False
) -> Path:
    """Write a self-contained HTML page of an executed notebook: no code cells, no prompts,
    images embedded as data URIs, no script fetched from the network (MathJax/require.js URLs
    removed). Warnings on stderr are dropped unless ``keep_stderr``: a student reads this page."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(executed), as_version=4)
    if title:
        nb.metadata["title"] = title
    if not keep_stderr:
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = [o for o in cell.get("outputs", [])
                                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    exporter = HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.mathjax_url = ""  # offline page: no CDN script (a report is read on air-gapped machines too)
    exporter.require_js_url = ""
    body, _ = exporter.from_notebook_node(nb)
    body = _REMOTE_SCRIPT.sub("", body)
    html_path = Path(html_path)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(body, encoding="utf-8")
    return html_path
