"""Latency from the end of a spoken answer (Stop) to the next question, broken down, on ~20-40 s answers.

Answers: six spoken answers of 20-40 s made with the packaged piper voice (WebM/opus, as the
browser records), answering a software-engineer interview; questions get gap-y answers (so the
rules ask for an LLM follow-up) and follow-ups get plain answers (so the next bank question comes
by rules, no LLM). Each answer is streamed to the engine in one-second pieces in real time, as the
recorder does, then handed whole at Stop.

Optimised path (this engine): transcription while the candidate speaks (``engine.feed_audio``),
the follow-up prompt cached in llama.cpp as the transcript grows, the follow-up stopped at its
first '?', the next bank question's audio synthesised in advance, and the live app's budget
(``LIVE_FOLLOWUP_BUDGET_S``): an LLM follow-up not ready within it gives way to the rule-written probe.
Baseline (same run, same answers, same models): the naive path: nothing happens while the
candidate speaks except the bank question's audio; at Stop the whole answer is transcribed, the
follow-up prompt is evaluated then (only the system prompt cached), generation stops at a blank line.

"On screen" is when the next question's text is ready (``text`` figures); ``audio`` figures add
the speech synthesis of that question (zero for a prefetched bank question). Default models:
whisper-tiny.en (beam 1), qwen2.5-1.5b-instruct-q4, piper-joe-medium. Load average noted:
the machine is shared.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from workbench.interview import followup, tts
from workbench.interview.engine import InterviewConfig, InterviewEngine
from workbench.interview.nextturn import LIVE_FOLLOWUP_BUDGET_S
from workbench.models import registry
from workbench.store import SessionStore

TARGET_MEDIAN_S = 3.0  # issue 5: end of a spoken answer to the next question on screen
CHUNK_S = 1.0  # the recorder streams one chunk a second (workbench/widgets/recorder.py)
ANSWERS = [  # (answer text, expected kind of the next turn): gap-y answers to questions, plain answers to probes
    ("So in my last team we had a release that kept failing on the build server, and we spent a lot of time "
     "on it together. We looked at the logs first, and then we talked to the platform people, because we "
     "thought the machines themselves might be the problem. After that we tried a few different things with "
     "the caching and with the order of the tests, and we went back and forth on it for a while. In the end "
     "it settled down again, and people were happy that the release could go out, and we moved on to the "
     "next piece of work that the product owner had planned for us.", "follow_up"),
    ("I personally rewrote the cache key so that it included the compiler version, because two builds with "
     "different compilers were sharing the same cached objects. I also added a check that failed the build "
     "early when the key changed without a clean rebuild. After that the failures stopped completely, and "
     "the build went from forty minutes to about twelve minutes, which meant that people could merge "
     "several times a day instead of once.", "question"),
    ("When I joined the payments project the code was hard to change, so I started adding tests around the "
     "parts people touched the most, and I paired with the newer developers on the trickier bits of the "
     "settlement logic. I also wrote some notes on how the settlement flow works from start to end, because "
     "nobody had written it down before, and the people who knew it best had already left the company. "
     "I shared the notes in the team wiki and asked people to correct anything that looked wrong to them.",
     "follow_up"),
    ("The result was that the number of bugs reported by support dropped by about half over the next "
     "quarter, from around forty a month to about twenty. Two of the developers I paired with took over "
     "the settlement service on their own, and the notes became the starting point for every new person "
     "who joined the team after that, so their first week was much easier.", "question"),
    ("I would start by asking the product owner what matters most for the launch, and then look at the "
     "backlog together with the team to see which items are risky and which ones are simple. Then I would "
     "agree a smaller first version with everyone involved, and keep everyone informed about what moved "
     "and why, so that nobody is surprised later on. I would also make sure the support team knows what is "
     "coming, and that we have a plan to roll back if something goes wrong on the day.", "follow_up"),
    ("In a similar case last year I cut the scope to three features out of eight, after talking to the "
     "two biggest customers about what they really needed first. We shipped two days early, with no "
     "incidents in the first month, and the remaining five features followed over the next two releases "
     "without any pressure on the team.", "question"),
]


def _make_answers(folder: Path) -> list[tuple[bytes, float]]:
    """The answer texts spoken by piper, encoded as WebM/opus like the browser's MediaRecorder."""
    made = []
    for i, (text, _) in enumerate(ANSWERS):
        speech = tts.synthesize(text)
        wav, webm = folder / f"a{i}.wav", folder / f"a{i}.webm"
        wav.write_bytes(speech.wav_bytes)
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-c:a", "libopus", "-b:a", "32k", str(webm)],
                       check=True)
        made.append((webm.read_bytes(), speech.duration_s))
    return made


def _one_interview(engine: InterviewEngine, answers: list[tuple[bytes, float]], *, live: bool) -> list[dict]:
    engine.live.enabled = live
    engine.followup_budget_s = LIVE_FOLLOWUP_BUDGET_S if live else None  # the engine's default; naive waits
    session = engine.start(InterviewConfig(role="software engineer", level="mid", n_questions=6,
                                           types=("behavioural", "situational")))
    rows = []
    for data, duration_s in answers:
        turn = engine.current_question(session)
        engine.speak(turn)
        engine.begin_answer(session)
        pieces = max(1, int(round(duration_s / CHUNK_S)))
        size = len(data) // pieces + 1
        for k in range(0, len(data), size):  # the candidate speaks: one chunk a second, in real time
            engine.feed_audio(session, data[k:k + size])
            time.sleep(CHUNK_S)
        stopped = time.perf_counter()
        engine.submit_answer(session, media_bytes=data, media_suffix=".webm")
        timings = dict(engine.timings)
        nxt = engine.next_question(session)
        timings["llm_s"] = engine.timings.get("llm_s", 0.0)
        timings["speculative_followup"] = engine.timings.get("speculative_followup", 0.0)
        probe = (nxt.analysis.get("interview", {}) if nxt is not None and nxt.kind == "follow_up" else {})
        timings["followup_source"] = probe.get("source")
        timings["text_s"] = time.perf_counter() - stopped
        if nxt is not None:
            engine.speak(nxt)
            timings["tts_s"] = engine.timings.get("tts_s", 0.0)
        timings["audio_s"] = time.perf_counter() - stopped
        timings["answer_s"] = duration_s
        timings["follow_up"] = nxt is not None and nxt.kind == "follow_up"
        rows.append(timings)
    return rows


def _median(rows: list[dict], key: str) -> float | None:
    values = [r.get(f"{key}_s", 0.0) for r in rows]
    return round(statistics.median(values), 3) if values else None


def _summary(rows: list[dict]) -> dict:
    probes = [r for r in rows if r["follow_up"]]
    out = {f"{k}_median_s": _median(rows, k) for k in ("text", "audio", "decode", "transcription", "llm", "tts")}
    out["text_with_llm_follow_up_median_s"] = _median(probes, "text")
    out["text_bank_question_median_s"] = _median([r for r in rows if not r["follow_up"]], "text")
    out["per_answer_text_s"] = [round(r["text_s"], 2) for r in rows]
    out["follow_ups"] = len(probes)
    out["follow_up_sources"] = [r["followup_source"] for r in probes]
    out["follow_ups_written_while_speaking"] = int(sum(r.get("speculative_followup", 0.0) for r in rows))
    return out


def run() -> dict:
    load_before = os.getloadavg()
    load = {}
    for model_id in ("qwen2.5-1.5b-instruct-q4", "whisper-tiny.en", "piper-joe-medium"):
        started = time.perf_counter()
        registry.warm_up(model_id)
        load[model_id] = round(time.perf_counter() - started, 2)
    with tempfile.TemporaryDirectory() as tmp:
        answers = _make_answers(Path(tmp))
        engine = InterviewEngine(SessionStore(Path(tmp) / "data"), voice=True)
        engine.warm_up()
        optimised = _one_interview(engine, answers, live=True)
        stops, prime = followup.FOLLOWUP_STOPS, followup.prime
        followup.FOLLOWUP_STOPS, followup.prime = ("\n\n",), lambda *a, **k: None  # the naive path
        try:
            baseline = _one_interview(engine, answers, live=False)
        finally:
            followup.FOLLOWUP_STOPS, followup.prime = stops, prime
    best, naive = _summary(optimised), _summary(baseline)
    return {
        "answers": len(answers),
        "answer_duration_s": [round(d, 1) for _, d in answers],
        "answer_to_next_question_text_median_s": best["text_median_s"],
        "answer_to_next_question_audio_median_s": best["audio_median_s"],
        "optimised": best,
        "baseline_naive": naive,
        "speedup_text_vs_baseline_ratio": round(naive["text_median_s"] / best["text_median_s"], 2)
        if best["text_median_s"] else None,
        "target_median_s": TARGET_MEDIAN_S,
        "meets_target": best["text_median_s"] <= TARGET_MEDIAN_S,
        "model_load_and_warm_up_s": load,
        "load_average_1min_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "cpu_count": os.cpu_count(),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
