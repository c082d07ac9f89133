"""App mode (issue 20): seconds from `workbench app`'s launch to the first question on screen, as a
student meets it: the server starts (Voila), the page opens in Debian's Chromium (headless), the
notebook runs in its kernel, the consent panel appears, the student agrees and presses Start, and the
first question is shown. Defaults a user gets: the default LLM (warming up in the background) and
the interviewer's voice.

Baseline in the same run: the same engine and app built in this process, consent and Start clicked,
first question shown (no server, no browser, no kernel): the floor the app's path stands on.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from workbench import config
from workbench.interview.engine import InterviewEngine
from workbench.store import SessionStore
from workbench.widgets import InterviewApp
from workbench.widgets.appserver import AppOptions, AppServer, free_port
from workbench.widgets.chromium import launch

REPEATS = 3  # each repeat starts a fresh server and kernel
PAGE_TIMEOUT_MS = 240_000


def _app_once(data_dir: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    launched = time.perf_counter()
    server = AppServer(AppOptions(port=free_port()), folder=data_dir / "app")
    server.start()
    try:
        server.wait_ready()
        ready = time.perf_counter()
        with sync_playwright() as p:
            browser = launch(p)
            try:
                page = browser.new_page()
                page.goto(server.url, wait_until="domcontentloaded")
                page.locator(".wb-consent-agree").wait_for(timeout=PAGE_TIMEOUT_MS)
                consent = time.perf_counter()
                page.locator(".wb-consent-agree").click()
                page.locator("button:has-text('Start interview')").click(timeout=30_000)
                page.locator(".wb-question").wait_for(timeout=PAGE_TIMEOUT_MS)
                question = time.perf_counter()
            finally:
                browser.close()
    finally:
        server.stop()
    return {"server_ready_s": ready - launched, "consent_shown_s": consent - launched,
            "first_question_s": question - launched}


def _in_process_once(data_dir: Path) -> float:
    started = time.perf_counter()
    app = InterviewApp(InterviewEngine(SessionStore(data_dir), voice=True), warm_up=True)
    app.consent_panel.agree.click()
    app.start_panel.start.click()
    if app.screen != "question":
        raise RuntimeError(f"the in-process app did not reach the first question: {app.errors}")
    return time.perf_counter() - started


def run() -> dict:
    app_runs, floor = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for repeat in range(REPEATS):
            data_dir = Path(tmp) / f"run{repeat}"
            os.environ["WORKBENCH_DATA_DIR"] = str(data_dir)
            config.reload()
            try:
                app_runs.append(_app_once(data_dir))
                floor.append(_in_process_once(data_dir / "in-process"))
            finally:
                os.environ.pop("WORKBENCH_DATA_DIR", None)
                config.reload()

    def median(key: str) -> float:
        return round(statistics.median(r[key] for r in app_runs), 2)

    first_question = median("first_question_s")
    in_process = round(statistics.median(floor), 2)
    return {
        "repeats": REPEATS,
        "launch_to_server_ready_s_median": median("server_ready_s"),
        "launch_to_consent_shown_s_median": median("consent_shown_s"),
        "launch_to_first_question_s_median": first_question,
        "in_process_first_question_s_median": in_process,
        "app_vs_in_process_ratio": round(first_question / in_process, 2) if in_process else None,
        "note": "default LLM warming up in the background, voice on; headless Debian Chromium",
    }
