"""What the live widgets add on top of the engine, from the recorder's last chunk to the next
question on the widget (Python side; the browser's own rendering is measured by tests/test_browser.py).

The sample session's three spoken answers (WebM) are delivered to ``InterviewApp`` exactly as
recorder.js sends them (one binary chunk a second of audio, then "done"), with the default STT,
the piper voice and the LLM switched off (bank questions, rule-written follow-ups) so the figure is
the UI path, not the LLM. Baseline in the same run: the same engine calls made directly.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from workbench.config import DATA_DIR_BUNDLED
from workbench.interview.engine import InterviewConfig, InterviewEngine
from workbench.models import registry
from workbench.models.catalog import default_model_id
from workbench.store import SessionStore
from workbench.widgets import InterviewApp

ANSWERS = [DATA_DIR_BUNDLED / "sample_session" / f"answer{i}.webm" for i in (1, 2, 3)]
CHUNK_BYTES = 8_000  # ~1 s of 64 kbit/s opus, what recorder.js sends per message


def _deliver(app: InterviewApp, data: bytes) -> None:
    recorder = app.question_view.recorder
    pieces = [data[i:i + CHUNK_BYTES] for i in range(0, len(data), CHUNK_BYTES)]
    recorder._handle_custom_msg({"kind": "start"}, [])
    for seq, piece in enumerate(pieces):
        recorder._handle_custom_msg({"kind": "chunk", "seq": seq}, [memoryview(piece)])
    recorder._handle_custom_msg({"kind": "done", "chunks": len(pieces), "mime_type": "audio/webm;codecs=opus",
                                 "duration_s": 0.0, "stopped_at_max": False}, [])


def run() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        engine = InterviewEngine(SessionStore(Path(tmp)), llm_id="none", voice=True)
        engine.warm_up()
        registry.warm_up(default_model_id("stt"))  # the first transcription must not bias the baseline
        # baseline: the engine alone (what the app calls), same answers, same order
        session = engine.start(InterviewConfig(n_questions=len(ANSWERS), types=("behavioural", "technical")))
        direct = []
        for path in ANSWERS:
            engine.speak(engine.current_question(session))
            started = time.perf_counter()
            engine.submit_answer(session, media_bytes=path.read_bytes(), media_suffix=".webm")
            upcoming = engine.next_question(session)
            if upcoming is not None:
                engine.speak(upcoming)
            direct.append(time.perf_counter() - started)
        # the widget path
        app = InterviewApp(engine, n_questions=len(ANSWERS))
        app.start_panel.types.value = ("behavioural", "technical")
        app.consent_panel.agree.click()
        app.start_panel.start.click()
        widget = []
        for path in ANSWERS:
            if app.screen != "question":
                break
            started = time.perf_counter()
            _deliver(app, path.read_bytes())
            widget.append(time.perf_counter() - started)
        if app.errors:
            raise RuntimeError(f"the app showed errors: {app.errors}")
    median_direct = statistics.median(direct)
    median_widget = statistics.median(widget)
    return {
        "answers": len(widget),
        "answer_to_question_widget_s_median": round(median_widget, 3),
        "answer_to_question_engine_only_s_median": round(median_direct, 3),
        "widget_overhead_ms_median": round((median_widget - median_direct) * 1000, 1),
        "widget_vs_engine_ratio": round(median_widget / median_direct, 3) if median_direct else None,
        "llm": "none (rules and bank; see bench_interview for LLM latency)",
    }
