"""Latency from the end of a spoken answer to the next question ready (text and audio), broken down.

For each of the sample session's three spoken answers (piper voice, WebM): decode, transcription
(whisper tiny.en, beam 1), the follow-up decision and LLM phrasing (default LLM, qwen2.5-1.5b), and
speech synthesis of the next question (piper; zero when it was prefetched while the candidate spoke).
The baseline, measured in the same run, is the naive pipeline: always ask the LLM to write the
next question (no rules first, no prefetch) and synthesise it afterwards.
Models are loaded and warmed before timing; load times are reported apart.
Target (issue 5): median <= 3 s with the default models.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from workbench.config import DATA_DIR_BUNDLED
from workbench.interview import generate, tts
from workbench.interview.engine import InterviewConfig, InterviewEngine
from workbench.models import registry
from workbench.store import SessionStore

ANSWERS = [DATA_DIR_BUNDLED / "sample_session" / f"answer{i}.webm" for i in (1, 2, 3)]
TARGET_MEDIAN_S = 3.0  # the target on this machine


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def run() -> dict:
    load = {}
    for model_id in ("qwen2.5-1.5b-instruct-q4", "whisper-tiny.en", "piper-joe-medium"):
        started = time.perf_counter()
        registry.warm_up(model_id)
        load[model_id] = round(time.perf_counter() - started, 2)
    with tempfile.TemporaryDirectory() as tmp:
        engine = InterviewEngine(SessionStore(Path(tmp)), voice=True)
        engine.llm()
        session = engine.start(InterviewConfig(role="software engineer", level="mid", n_questions=4,
                                               types=("behavioural", "technical")))
        rows = []
        for path in ANSWERS:
            turn = engine.current_question(session)
            engine.speak(turn)
            time.sleep(1.0)  # the candidate speaks: the next planned question's audio is prefetched meanwhile
            started = time.perf_counter()
            engine.submit_answer(session, media_bytes=path.read_bytes(), media_suffix=".webm")
            timings = dict(engine.timings)
            nxt = engine.next_question(session)
            timings["llm_s"] = engine.timings.get("llm_s", 0.0)
            if nxt is not None:
                engine.speak(nxt)
                timings["tts_s"] = engine.timings.get("tts_s", 0.0)
            timings["total_s"] = time.perf_counter() - started
            timings["follow_up"] = nxt is not None and nxt.kind == "follow_up"
            rows.append(timings)
        baseline = []
        llm = engine.llm()
        for i, _ in enumerate(ANSWERS):
            started = time.perf_counter()
            made = generate.generate_question("software engineer", "mid", "behavioural", llm=llm, seed=100 + i)
            tts.synthesize(made.text)
            baseline.append(time.perf_counter() - started)  # excludes decode + transcription (added below)
    stt_s = [r.get("decode_s", 0.0) + r.get("transcription_s", 0.0) for r in rows]
    baseline_total = [b + s for b, s in zip(baseline, stt_s)]
    median_total = _median([r["total_s"] for r in rows])
    return {
        "answers": len(rows),
        "follow_ups": sum(r["follow_up"] for r in rows),
        "answer_to_next_question_median_s": median_total,
        "decode_median_s": _median([r.get("decode_s", 0.0) for r in rows]),
        "transcription_median_s": _median([r.get("transcription_s", 0.0) for r in rows]),
        "llm_median_s": _median([r["llm_s"] for r in rows]),
        "tts_median_s": _median([r.get("tts_s", 0.0) for r in rows]),
        "per_answer_total_s": [round(r["total_s"], 3) for r in rows],
        "baseline_llm_every_turn_median_s": _median(baseline_total),
        "speedup_vs_baseline_ratio": round(_median(baseline_total) / median_total, 2) if median_total else None,
        "target_median_s": TARGET_MEDIAN_S,
        "meets_target": median_total <= TARGET_MEDIAN_S,
        "model_load_and_warm_up_s": load,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
