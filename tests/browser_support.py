"""What the JupyterLab browser tests share: the live notebook written with its parameters, the real
speech the fake microphone plays, JupyterLab itself on 127.0.0.1 (random port, a token, no news
fetched), and the steps that open a notebook in Chromium and run it. The browser is Debian's
Chromium driven by Playwright (``workbench.widgets.chromium``), never a downloaded one."""
from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from conftest import ALSA_VOICE_DIR, REAL_SPEECH_DIR
from workbench.config import NOTEBOOKS_DIR
from workbench.widgets.appserver import free_port
from workbench.widgets.chromium import CHROMIUM

LIGHT_LLM = "qwen2.5-0.5b-instruct-q4"  # fast enough for CI
# "ten of clubs", "four queen of clubs", ...
SPEECH_CARDS = tuple(REAL_SPEECH_DIR / f"{card}.wav" for card in ("001", "002", "003", "004", "005"))
LIBRIVOX_DIR = Path("/usr/share/pocketsphinx/test/data/librivox")  # Debian pocketsphinx-testdata: read sentences
FRONT_CENTER = ALSA_VOICE_DIR / "Front_Center.wav"  # Debian alsa-utils: a voice saying "front center" (1.4 s)
SERVER_START_S = 60  # ours: JupyterLab starts in ~5-15 s on a loaded 2-core machine
KERNEL_READY_S = 150  # ours: kernel start + imports (tensorflow via mediapipe) + engine
ARTIFACTS_DIR_ENV = "WORKBENCH_BROWSER_ARTIFACTS"  # set it to keep the screenshots somewhere known
REPORT_TITLE = "Interview practice report"  # notebook 90's first heading


def write_live_notebook(path: Path, **parameters) -> Path:
    """``notebooks/10_live_interview.ipynb`` with ``parameters`` injected as papermill does."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(load_notebook_node(str(NOTEBOOKS_DIR / "10_live_interview.ipynb")), parameters)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def speech_wav(path: Path, clips: Sequence[Path] = SPEECH_CARDS, *, silence_after_first_s: float = 0.0) -> Path:
    """What the fake microphone plays: ``clips`` of real speech one after the other, 48 kHz mono 16-bit
    PCM, optionally with a silence after the first (so a short take holds that clip alone)."""
    missing = [str(clip) for clip in clips if not clip.is_file()]
    if missing:
        pytest.fail(f"{missing} missing: run `make setup` (installs Debian pocketsphinx-testdata, alsa-utils)")
    pieces = []
    for i, clip in enumerate(clips):  # one rate and channel count first: sox joins only alike files
        piece = path.with_name(f"{path.stem}-{i:02d}.wav")
        pad = ["pad", "0", str(silence_after_first_s)] if i == 0 and silence_after_first_s else []
        subprocess.run(["sox", str(clip), "-b", "16", "-r", "48000", "-c", "1", str(piece), *pad],
                       check=True, timeout=60)
        pieces.append(str(piece))
    subprocess.run(["sox", *pieces, str(path)], check=True, timeout=60)
    return path


@contextmanager
def jupyter_lab(workdir: Path) -> Iterator[tuple[str, str]]:
    """JupyterLab serving ``workdir`` on 127.0.0.1 (random port, a token); yields (url, token). User
    data go to ``workdir/userdata``, reports to ``workdir/reports``; the server and its kernels are
    stopped on exit."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} missing: run `make setup` (installs Debian chromium)")
    port, token = free_port(), secrets.token_hex(16)
    # no "get notified about Jupyter news?" toast over the widgets (and no fetch attempt)
    settings_dir = workdir / "jupyter-config" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings_dir.mkdir(parents=True, exist_ok=True)
    (settings_dir / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(workdir / "userdata"), "HF_HUB_OFFLINE": "1",
           "WORKBENCH_REPORTS_DIR": str(workdir / "reports"),
           "JUPYTER_CONFIG_DIR": str(workdir / "jupyter-config"), "JUPYTER_RUNTIME_DIR": str(workdir / "runtime")}
    jupyter_bin = Path(sys.executable).with_name("jupyter")
    log_path = workdir / "jupyter.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed on exit
    process = subprocess.Popen(
        [str(jupyter_bin), "lab", "--allow-root", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--ServerApp.token={token}", "--ServerApp.open_browser=False", f"--ServerApp.root_dir={workdir}",
         "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabServerApp.workspaces_dir=" + str(workdir / "workspaces")],
        cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as reply:
                    json.load(reply)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + log_path.read_text()[-3000:])
                time.sleep(0.5)
        yield url, token
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the server and the kernels it started
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def accept_kernel_dialog(page, wait_ms: int = 3000) -> None:
    """JupyterLab sometimes asks which kernel to use (when kernelspecs load late): take the default."""
    select = page.locator(".jp-Dialog button:has-text('Select')")
    try:
        select.wait_for(state="visible", timeout=wait_ms)
    except Exception:  # noqa: BLE001 - no dialog: nothing to do
        return
    select.click()
    page.wait_for_selector(".jp-Dialog", state="detached", timeout=10_000)


def run_notebook_in_lab(page, url: str, token: str, notebook: str) -> None:
    """Open ``notebook`` (relative to the server's root) in JupyterLab, wait for its kernel, Run All Cells."""
    page.goto(f"{url}/lab/tree/{notebook}?token={token}", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-Notebook", timeout=SERVER_START_S * 1000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=KERNEL_READY_S * 1000)
    accept_kernel_dialog(page)
    page.click("text=Run", timeout=10_000)
    page.click("text=Run All Cells", timeout=10_000)
    accept_kernel_dialog(page)


def artifacts_dir(default: Path) -> Path:
    """Where screenshots are kept: ``$WORKBENCH_BROWSER_ARTIFACTS`` if set, else ``default`` (created)."""
    folder = Path(os.environ.get(ARTIFACTS_DIR_ENV) or default)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
