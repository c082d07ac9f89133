"""App mode: the interview notebook (``notebooks/15_interview_app.ipynb``, the same engine and widgets
as notebook 10) served by Voila with no code shown, on 127.0.0.1 with a token.

    server = AppServer(AppOptions(port=8866, class_label="B2-morning"))
    server.start()            # InputError when the port is taken (a free one is suggested)
    server.wait_ready()       # the URL answers; AppError with the log's tail when Voila died
    print(server.url)         # http://127.0.0.1:8866/?token=...
    server.stop()

Nothing is fetched at run time: Voila renders with the ``workbench`` template (the lab template less
its CDN stylesheet links, ``widgets/jupyter/voila/templates``), and the widgets' front end comes from
the installed lab extensions. The same server serves the reports folder read-only under ``/reports/``
behind the same token (``widgets/voila_reports.py``): the summary links the report written there.
Each start writes its parameterised notebook into ``<data_dir>/app/<port>/``, so two apps on two
ports never share a file.
"""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from workbench.config import NOTEBOOKS_DIR, settings
from workbench.errors import ExitCode, InputError, WorkbenchError

APP_NOTEBOOK = NOTEBOOKS_DIR / "15_interview_app.ipynb"
JUPYTER_PATH = Path(__file__).resolve().parent / "jupyter"  # holds voila/templates/workbench
TEMPLATE = "workbench"
HOST = "127.0.0.1"  # never another interface: the app serves one person at this machine
DEFAULT_PORT = 8866  # Voila's own default
READY_TIMEOUT_S = 60  # ours: Voila answers in ~3-10 s on a loaded 2-core laptop
LOG_TAIL_CHARS = 400
REPORTS_ROUTE = "/reports/"  # where the app's server serves the reports folder (widgets/voila_reports.py)
REPORTS_URL_ENV = "WORKBENCH_REPORTS_URL"  # tells the app's kernel that route, for the summary's report link


class AppError(WorkbenchError):
    """The app server did not start (its log's tail says why)."""

    exit_code = ExitCode.APP_FAILED


@dataclass(frozen=True)
class AppOptions:
    """What ``workbench app`` passes to the notebook's parameters."""

    port: int = DEFAULT_PORT
    llm_id: str = ""  # empty: the default LLM
    role: str = "software engineer"
    n_questions: int = 5
    voice: bool = True
    class_label: str = ""
    rate: bool = False  # the summary lets an educator rate the model's follow-ups and feedback

    def parameters(self) -> dict[str, object]:
        """The notebook's parameters cell, as papermill names them."""
        values = asdict(self)
        return {"LLM_ID": values["llm_id"], "ROLE": values["role"], "N_QUESTIONS": values["n_questions"],
                "VOICE": values["voice"], "CLASS_LABEL": values["class_label"], "RATE": values["rate"]}


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port nothing listens on now (the system picks it)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def check_port(port: int) -> None:
    if not 1024 <= port <= 65535:
        raise InputError(f"--port must be between 1024 and 65535, not {port}")
    if not port_is_free(port):
        raise InputError(f"port {port} on {HOST} is in use (is the app already running?); "
                         f"try `workbench app --port {free_port()}`")


def prepare_notebook(options: AppOptions, folder: Path) -> Path:
    """The app notebook with ``options`` in its parameters cell, written into ``folder``."""
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from workbench.privacy.labels import check_class_label

    check_class_label(options.class_label or None)
    folder.mkdir(parents=True, exist_ok=True)
    notebook = parameterize_notebook(load_notebook_node(str(APP_NOTEBOOK)), options.parameters())
    path = folder / "interview.ipynb"
    nbformat.write(notebook, path)
    return path


class AppServer:
    """One Voila process serving the app notebook; ``start`` / ``wait_ready`` / ``stop``."""

    def __init__(self, options: AppOptions, *, folder: Path | None = None) -> None:
        self.options = options
        self.folder = folder or settings().data_dir / "app" / str(options.port)
        self.token = secrets.token_urlsafe(24)
        self.process: subprocess.Popen | None = None
        self.log_path = self.folder / "voila.log"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.options.port}/?token={self.token}"

    def command(self, notebook: Path) -> list[str]:
        # voila itself, with the reports route added
        return [sys.executable, "-m", "workbench.widgets.voila_reports", str(notebook), "--no-browser",
                f"--port={self.options.port}", f"--Voila.ip={HOST}", f"--token={self.token}", f"--template={TEMPLATE}",
                "--strip_sources=True", "--show_tracebacks=False", "--Voila.tornado_settings={'xsrf_cookies': True}"]

    def start(self) -> None:
        check_port(self.options.port)
        notebook = prepare_notebook(self.options, self.folder)
        jupyter_path = os.pathsep.join(p for p in (str(JUPYTER_PATH), os.environ.get("JUPYTER_PATH", "")) if p)
        env = {**os.environ, "JUPYTER_PATH": jupyter_path, "HF_HUB_OFFLINE": "1",
               "WORKBENCH_DATA_DIR": str(settings().data_dir), "WORKBENCH_REPORTS_DIR": str(settings().reports_dir),
               REPORTS_URL_ENV: REPORTS_ROUTE}
        with open(self.log_path, "w", encoding="utf-8") as log:
            self.process = subprocess.Popen(self.command(notebook), cwd=self.folder, env=env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def log_tail(self) -> str:
        """The log's last line that says something, and where the whole log is."""
        try:
            lines = [line for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
                     if line.strip()]
        except OSError:
            lines = []
        last = lines[-1][-LOG_TAIL_CHARS:] if lines else "(empty)"
        return f"last line of its log: {last} (the whole log: {self.log_path})"

    def wait_ready(self, timeout_s: float = READY_TIMEOUT_S) -> float:
        """Seconds until Voila answered; AppError (with its log) if it exits or never answers."""
        if self.process is None:
            raise AppError("the app server was not started")
        started = time.monotonic()
        status_url = f"http://{HOST}:{self.options.port}/api/status?token={self.token}"
        while True:  # not "/": each request of the page starts a kernel
            try:
                with urllib.request.urlopen(status_url, timeout=2):
                    return time.monotonic() - started
            except urllib.error.HTTPError:
                return time.monotonic() - started  # Voila answers (403 for this path): it is up
            except OSError:
                pass
            if self.process.poll() is not None:
                raise AppError(f"Voila exited with code {self.process.returncode}; {self.log_tail()}")
            if time.monotonic() - started > timeout_s:
                self.stop()
                raise AppError(f"Voila did not answer within {timeout_s:.0f} s; {self.log_tail()}")
            time.sleep(0.25)

    def wait(self) -> int:
        """Block until the server exits (Ctrl-C stops it); its exit code."""
        if self.process is None:
            return 0
        try:
            return self.process.wait()
        except KeyboardInterrupt:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop Voila and the kernels it started."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
