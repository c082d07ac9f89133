"""Replay a recorded session through the same engine path the live app uses, without widgets,
so papermill (and CI) can always run the live-interview notebook.

    result = replay_session(engine, "20261125-101500-abc123")   # or None: the bundled sample
    result.rows          # one dict per answer: question, transcript, words_per_minute, fillers, timings

Each recorded answer (its media, else its text) is submitted to a fresh copy of the session with
``engine.submit_answer`` exactly as the recorder's bytes would be, and the next question is asked
with ``engine.next_question`` and spoken with ``engine.speak``; the seconds each step took are kept.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from workbench.errors import InputError
from workbench.interview.engine import InterviewEngine
from workbench.interview.importer import SAMPLE_SESSION_DIR, import_folder
from workbench.session import Session, Turn, TurnState, new_session_id
from workbench.store import SessionStore

REPLAY_PREFIX = "replay-"  # ours: marks copies made by a replay, so they are easy to list and purge


@dataclass
class ReplayResult:
    source_id: str  # the recorded session
    session_id: str  # the replayed copy in the store
    rows: list[dict[str, Any]] = field(default_factory=list)  # one per answer
    summary: dict[str, Any] = field(default_factory=dict)  # engine.finish() of the copy

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def resolve_session_id(session_id: str | None, store: SessionStore) -> str:
    """``session_id`` if given, else the bundled sample session (imported into ``store`` once)."""
    if session_id:
        if not store.exists(session_id):
            raise InputError(f"no session {session_id!r} to replay; see `workbench session list`")
        return session_id
    if not SAMPLE_SESSION_DIR.is_dir():
        raise InputError(f"the bundled sample session is missing ({SAMPLE_SESSION_DIR}); is this a complete clone?")
    return import_folder(SAMPLE_SESSION_DIR, store=store).id  # imported once: importing again finds it


def _answered(source: Session) -> list[Turn]:
    turns = [t for t in source.turns if t.answer_media or (t.answer_text or "").strip()]
    if not turns:
        raise InputError(f"session {source.id!r} has no recorded or typed answers to replay")
    return turns


def _copy_for_replay(source: Session, turns: list[Turn]) -> Session:
    """A new session holding the recorded questions as its plan; follow-ups off (no answer exists)."""
    config = dict(source.settings.get("config") or {})
    config.update(followups=False, n_questions=len(turns))
    plan = [Turn(index=i, question=t.question, kind=t.kind, question_id=t.question_id, competency=t.competency,
                 concepts=list(t.concepts), analysis={"interview": dict(t.analysis.get("interview") or {})})
            for i, t in enumerate(turns)]
    return Session(id=(REPLAY_PREFIX + new_session_id())[:64], role=source.role, level=source.level,
                   mode=source.mode, candidate=source.candidate, synthetic=source.synthetic,
                   settings={**source.settings, "config": config, "replay_of": source.id}, turns=plan)


def replay_session(engine: InterviewEngine, session_id: str | None = None, *, voice: bool = True) -> ReplayResult:
    """Walk every answered turn of a recorded session through ``engine`` as the live app does.

    engine: an ``InterviewEngine``; its store holds the source session. session_id: the recorded
    session, or None for the bundled sample. voice: also synthesise each question (timed).
    """
    store = engine.store
    source_id = resolve_session_id(session_id, store)
    source = store.get(source_id)
    recorded = _answered(source)
    copy = store.save(_copy_for_replay(source, recorded))
    result = ReplayResult(source_id=source_id, session_id=copy.id)
    turn = engine.current_question(copy)
    for original in recorded:
        if turn is None:
            break
        spoken_s = 0.0
        if voice:
            started = time.perf_counter()
            engine.speak(turn)
            spoken_s = time.perf_counter() - started
        engine.begin_answer(copy)
        answer: dict[str, Any] = {}
        if original.answer_media:
            try:
                answer["media_bytes"] = store.read_media(source_id, original.answer_media)
                answer["media_suffix"] = "." + original.answer_media.rsplit(".", 1)[-1]
                answer["duration_s"] = original.answer_duration_s
            except (InputError, FileNotFoundError):
                answer = {}  # media discarded by the retention policy: fall back to the stored text
        if not answer:
            answer["text"] = original.answer_text
        started = time.perf_counter()
        feedback = engine.submit_answer(copy, **answer)
        submit_s = time.perf_counter() - started
        timings = dict(engine.timings)
        started = time.perf_counter()
        turn = engine.next_question(copy)
        next_s = time.perf_counter() - started
        result.rows.append({
            "index": feedback.turn_index,
            "question": original.question,
            "source": "media" if "media_bytes" in answer else "text",
            "transcript": feedback.transcript,
            "words_per_minute": feedback.words_per_minute,
            "filler_count": feedback.filler_count,
            "warnings": list(feedback.warnings),
            "speak_s": round(spoken_s, 3),
            "submit_s": round(submit_s, 3),
            "next_question_s": round(next_s, 3),
            "decode_s": timings.get("decode_s"),
            "transcription_s": timings.get("transcription_s"),
        })
    result.summary = engine.finish(copy)
    if any(t.state == TurnState.ANSWERING for t in store.get(copy.id).turns):
        raise InputError(f"replay of {source_id!r} left a turn half-answered")  # a bug, said plainly
    return result
