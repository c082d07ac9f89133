"""App mode in a real browser (issue 20): `workbench app`'s server (Voila, 127.0.0.1, a token) driven by
Debian's Chromium through Playwright with a fake microphone playing real recorded speech. Consent is
shown first and no code is visible; one spoken answer is transcribed and the next question appears;
then the microphone is refused and the app says how to allow it while typing still works. Every
request the page makes stays on this machine."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from workbench.privacy import audit
from workbench.widgets.appserver import HOST, AppOptions, AppServer, free_port
from workbench.widgets.chromium import launch

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(420)]

LIGHT_LLM = "qwen2.5-0.5b-instruct-q4"  # fast enough for CI
REAL_SPEECH_DIR = Path("/usr/share/pocketsphinx/test/data/cards")  # Debian pocketsphinx-testdata
SPEECH_CARDS = ("001", "002", "003", "004", "005")  # "ten of clubs", "four queen of clubs", ...
KERNEL_READY_S = 180  # ours: Voila runs the notebook (imports, engine) before the page shows the widgets
ANSWER_S = 8.0  # ours: long enough for several of the spoken cards
NEXT_QUESTION_S = 90  # ours: a generous ceiling
ARTIFACTS_DIR_ENV = "WORKBENCH_BROWSER_ARTIFACTS"


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("app")
    speech = folder / "speech.wav"
    subprocess.run(["sox", *[str(REAL_SPEECH_DIR / f"{c}.wav") for c in SPEECH_CARDS],
                   "-b", "16", "-r", "48000", str(speech)], check=True, timeout=60)
    data_dir = folder / "userdata"
    os.environ["WORKBENCH_DATA_DIR"] = str(data_dir)
    from workbench import config

    config.reload()
    server = AppServer(AppOptions(port=free_port(), llm_id=LIGHT_LLM, n_questions=2, voice=False,
                                  class_label="B2-morning"))
    server.start()
    try:
        server.wait_ready()
        yield server, speech, data_dir
    finally:
        server.stop()
        os.environ.pop("WORKBENCH_DATA_DIR", None)
        config.reload()


def test_a_port_in_use_is_refused_with_a_free_one_suggested(app_server):
    server, _, _ = app_server
    taken = subprocess.run([str(Path(sys.executable).with_name("workbench")), "app", "--port",
                            str(server.options.port)], capture_output=True, text=True, timeout=60)
    assert taken.returncode == 2, taken.stderr
    assert "is in use" in taken.stderr and "workbench app --port" in taken.stderr


def test_the_app_asks_consent_first_then_records_an_answer(app_server):
    from playwright.sync_api import sync_playwright

    server, speech, data_dir = app_server
    shots = Path(os.environ.get(ARTIFACTS_DIR_ENV) or speech.parent)
    shots.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    console: list[str] = []
    with sync_playwright() as p:
        browser = launch(p, fake_audio=speech, auto_accept=False)  # permissions come from grants only
        context = browser.new_context(viewport={"width": 1280, "height": 1400})
        origin = f"http://{HOST}:{server.options.port}"
        context.grant_permissions(["microphone"], origin=origin)
        page = context.new_page()
        page.on("request", lambda r: outside.append(r.url)
                if urlparse(r.url).hostname not in (HOST, None) and not r.url.startswith("data:") else None)
        page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
        try:
            page.goto(server.url, wait_until="domcontentloaded")
            agree = page.locator(".wb-consent-agree")
            agree.wait_for(timeout=KERNEL_READY_S * 1000)
            assert "What is recorded" in page.locator(".wb-consent").inner_text()
            assert page.locator("button:has-text('Start interview')").count() == 0  # consent comes first
            body = page.locator("body").inner_text()
            assert "import " not in body and "InterviewApp(" not in body  # no code visible
            assert page.locator(".jp-CodeCell .jp-InputArea:visible, .jp-InputArea-editor:visible").count() == 0
            page.screenshot(path=str(shots / "app_consent.png"), full_page=True)
            agree.click()

            start = page.locator("button:has-text('Start interview')")
            start.wait_for(timeout=30_000)
            page.locator("input[placeholder*='nickname']").fill("student-07")
            start.click()
            question = page.locator(".wb-question")
            question.wait_for(timeout=NEXT_QUESTION_S * 1000)
            first_text = question.inner_text().strip()
            assert first_text

            record = page.locator(".wb-recorder-button")
            record.click()
            page.wait_for_selector(".wb-recorder-button[data-state='recording']", timeout=15_000)
            page.wait_for_timeout(ANSWER_S * 1000)
            record.click()  # Stop
            page.wait_for_function(
                "first => { const q = document.querySelector('.wb-question');"
                " return q && q.innerText.trim() && q.innerText.trim() !== first"
                " && document.querySelector('.wb-transcript'); }",
                arg=first_text, timeout=NEXT_QUESTION_S * 1000, polling=100,
            )
            transcript = page.locator(".wb-transcript").inner_text()
            second_text = question.inner_text().strip()

            # the microphone refused now: the app says how to allow it; the typed answer still goes in
            context.clear_permissions()
            record.click()
            refusal = page.locator(".wb-error")
            refusal.wait_for(timeout=15_000)
            refused = refusal.inner_text()
            page.locator("textarea[placeholder*='type your answer']").fill(
                "I kept the release notes for two years and nobody missed a change in them.")
            page.locator("button:has-text('Submit typed answer')").click()
            page.wait_for_function(
                "second => { const q = document.querySelector('.wb-question');"
                " const done = document.querySelector('.wb-summary');"
                " return done || (q && q.innerText.trim() !== second); }",
                arg=second_text, timeout=NEXT_QUESTION_S * 1000, polling=100,
            )
            page.screenshot(path=str(shots / "app_interview.png"), full_page=True)
        except Exception:
            page.screenshot(path=str(shots / "app_failure.png"), full_page=True)
            print("\n".join(console[-40:]))
            print(server.log_tail())
            raise
        finally:
            browser.close()
    print(json.dumps({"transcript": transcript, "refused": refused, "screenshot": str(shots / "app_interview.png")}))
    assert "clubs" in transcript.lower()  # the fake microphone's real speech, transcribed
    assert "Allow it in the browser" in refused and "type your answer" in refused
    assert not outside, f"the app fetched from outside this machine: {outside}"

    from workbench.store import SessionStore

    (summary,) = [s for s in SessionStore(data_dir).list() if not s.synthetic]
    stored = SessionStore(data_dir).get(summary.id)
    assert stored.settings["consent"]["choice"] == "record"
    assert stored.class_label == "B2-morning" and stored.candidate == "student-07"
    assert stored.turns[0].answer_text and stored.turns[1].answer_text.startswith("I kept the release notes")
    assert [e["choice"] for e in audit.read(data_dir, session_id=summary.id) if e["event"] == "consent"] == ["record"]
