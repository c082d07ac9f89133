"""The self-test: simulated candidates interview the workbench end to end, spoken, with known truths.

Each persona gets a session of its own, planned with the same seed (so every persona hears the same
questions). For each question the persona's answer is written (``selftest.answers``), spoken with the
packaged voice (``selftest.spoken``) and sent through the same engine calls as the live app
(``begin_answer``, ``submit_answer`` with the recording, ``next_question``, follow-ups and patient lines
included); then the voice, face and scoring stages run over the stored session, or with ``report`` the
whole report pipeline (``workbench report``: the stage notebooks, the LLM's written feedback, the
report). Every session is marked
synthetic and carries ``settings["selftest"]``; ``delete_selftest_sessions`` removes them all.

    result = run_selftest(SelfTestConfig(personas="strong,weak,empty", questions=1))
    result["checks"]      # one row per check: measured, tolerance, status, reason
"""
from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass
from typing import Any

from workbench.config import DEFAULT_SEED
from workbench.errors import InputError, WorkbenchError
from workbench.interview.engine import InterviewEngine
from workbench.interview.planning import InterviewConfig
from workbench.interview.roleplay import load_roleplays
from workbench.selftest import answers, checks
from workbench.selftest.personas import Persona, load_personas, pick_personas
from workbench.selftest.spoken import speak_answer, with_still_video
from workbench.session import Session
from workbench.stages.face import FACE_KEY
from workbench.speech.fillers import FILLED_PAUSE_KINDS
from workbench.store import SessionStore

SELFTEST_KEY = "selftest"  # session.settings[SELFTEST_KEY]: persona, seed, models; marks a self-test session
CANDIDATE_PREFIX = "selftest-"  # ours: the candidate label of a simulated candidate


@dataclass
class SelfTestConfig:
    personas: str | None = None  # comma-separated persona names; None: all
    questions: int = 3  # planned questions per interview persona (candidate turns per role-play)
    role: str = "software engineer"
    level: str = "mid"
    llm_id: str | None = None  # the interviewer's and the answer writer's LLM (None: the default; "none": off)
    stt_id: str | None = None
    voice: bool = True  # speak the answers; False sends the written text (the typed path)
    video: bool = False  # add a still face as the video track (then the face stage runs too)
    seed: int = DEFAULT_SEED
    followups: bool = True
    feedback: bool = False  # the LLM's written feedback in the scoring stage (slow; never changes scores)
    report: bool = False  # each session through the report pipeline instead of the stages alone (slow: the
    # report writes the LLM's feedback), its report.html and summary.json checked against the stored scores


def _card_for(persona: Persona) -> str:
    cards = sorted(c.id for c in load_roleplays().values() if c.profession == persona.profession)
    if not cards:
        raise InputError(f"persona {persona.name}: no role-play card for profession {persona.profession!r}")
    return cards[0]


def _start(engine: InterviewEngine, persona: Persona, config: SelfTestConfig) -> Session:
    roleplay = persona.mode == "roleplay"
    session = engine.start(InterviewConfig(
        role=persona.profession if roleplay else config.role, level=config.level, n_questions=config.questions,
        mode=persona.mode, roleplay_id=_card_for(persona) if roleplay else None, followups=config.followups,
        candidate=CANDIDATE_PREFIX + persona.name))
    session.synthetic = True
    session.settings[SELFTEST_KEY] = {"persona": persona.name, "seed": config.seed, "llm_id": config.llm_id,
                                      "voice": config.voice}
    return engine.store.save(session)


class _Writer:
    """Writes each persona's answer; remembers them so a twin reuses its original's answer."""

    def __init__(self, engine: InterviewEngine, personas: dict[str, Persona], seed: int) -> None:
        self.engine, self.personas, self.seed = engine, personas, seed
        self.written: dict[tuple[str, str], answers.WrittenAnswer] = {}

    def write(self, persona: Persona, question: str) -> answers.WrittenAnswer:
        key = (persona.name, question)
        if key not in self.written:
            if persona.twin_of:
                original = self.write(self.personas[persona.twin_of], question)
                made = answers.WrittenAnswer(answers.inject_into(original.text, persona.inject or ""), "twin",
                                             [f"{persona.twin_of}'s answer ({original.source})"])
            elif persona.generator != "llm":
                made = answers.code_answer(persona, seed=self.seed)
            else:
                made = answers.write_answer(self.engine.llm(), persona, question, seed=self.seed)
            self.written[key] = made
        return self.written[key]


def _answer_turn(engine: InterviewEngine, writer: _Writer, session: Session, persona: Persona,
                 config: SelfTestConfig, turn: Any) -> dict[str, Any]:
    written = writer.write(persona, turn.question)
    scripted = answers.script_answer(written, persona, seed=config.seed + turn.index,
                                     injected=persona.inject if persona.twin_of else None)
    row: dict[str, Any] = {"persona": persona.name, "session_id": session.id, "index": turn.index,
                           "kind": turn.kind, "question": turn.question, "written_source": written.source,
                           "attempts": list(written.attempts), "written_text": scripted.text,
                           "expected_rank": persona.expected_rank, "generator": persona.generator, "error": None}
    started = time.perf_counter()
    engine.begin_answer(session)
    if config.voice:
        spoken = speak_answer(scripted, voice=persona.voice, seed=config.seed + turn.index)
        row.update(voice=spoken.voice, duration_s=spoken.duration_s, true_words_per_minute=spoken.true_words_per_minute,
                   synthesis_s=round(time.perf_counter() - started, 3))
        submit = {"media_bytes": spoken.wav_bytes, "media_suffix": ".wav", "duration_s": spoken.duration_s}
        if config.video:
            submit.update(media_bytes=with_still_video(spoken.wav_bytes), media_suffix=".webm")
    else:
        row.update(voice=None, duration_s=None, true_words_per_minute=None, synthesis_s=0.0)
        submit = {"text": scripted.text}
    row["truth"] = scripted.truth.to_json()
    started = time.perf_counter()
    try:
        engine.submit_answer(session, **submit)
    except InputError as error:  # an empty typed answer is refused: the honest outcome, recorded
        engine.discard_live()
        row["error"] = f"refused: {error}"
        return row
    row["submit_s"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    engine.next_question(session)
    row["next_question_s"] = round(time.perf_counter() - started, 3)
    return row


def _interview(engine: InterviewEngine, writer: _Writer, persona: Persona, config: SelfTestConfig) -> dict[str, Any]:
    session = _start(engine, persona, config)
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    try:
        turn = engine.current_question(session)
        while turn is not None and (persona.mode == "interview" or len(rows) < config.questions):
            row = _answer_turn(engine, writer, session, persona, config, turn)
            rows.append(row)
            if row["error"]:
                break
            turn = engine.current_question(session)
        engine.finish(session)
    except OSError as error:  # a disk that fills: no half-written session is left behind
        engine.store.delete(session.id)
        raise WorkbenchError(f"self-test stopped writing session {session.id} ({error}); it was removed") from error
    return {"persona": persona.name, "session_id": session.id, "rows": rows,
            "interview_s": round(time.perf_counter() - started, 3)}


def _stages(store: SessionStore, session_id: str, config: SelfTestConfig) -> tuple[dict[str, float], list[str]]:
    from workbench.stages.face import run_face
    from workbench.stages.scoring import run_scoring
    from workbench.stages.voice import run_voice

    seconds: dict[str, float] = {}
    crashes: list[str] = []
    for name, run in (("voice", lambda: run_voice(session_id, store=store, model_id=config.stt_id)),
                      ("face", lambda: run_face(session_id, store=store)),
                      ("scoring", lambda: run_scoring(session_id, store=store, llm_feedback=config.feedback))):
        if (name == "voice" and not config.voice) or (name == "face" and not (config.voice and config.video)):
            continue
        started = time.perf_counter()
        try:
            run()
        except Exception as error:  # noqa: BLE001 - a crashed stage is a finding of the self-test
            crashes.append(f"{session_id} {name}: {type(error).__name__}: {error}")
        seconds[name] = round(time.perf_counter() - started, 3)
    return seconds, crashes


def _report(session_id: str) -> tuple[dict[str, float], list[str], dict[str, Any]]:
    """The session through the report pipeline (the stage notebooks, then the report): its stage timings,
    the crash if one failed, and what the report shows of each answer (``summary.json``)."""
    import json

    from workbench.report.pipeline import ReportError, report_session

    try:
        result = report_session(session_id)
    except ReportError as error:
        return {}, [f"{session_id} report: {error}"], {}
    shown = json.loads(result.summary_path.read_text(encoding="utf-8"))["report"]
    return ({s["name"]: s["duration_s"] for s in result.stages}, [],
            {"html": str(result.html_path), "answers": shown["answers"],
             "overall_by_index": {t["index"]: t["overall_score"] for t in shown["turns"]}})


def _measured(store: SessionStore, persona_run: dict[str, Any]) -> None:
    """Add what the pipeline measured to each row: the scores, the transcript, fillers, pauses, pace."""
    session = store.get(persona_run["session_id"])
    by_index = {t.index: t for t in session.turns}
    for row in persona_run["rows"]:
        turn = by_index.get(row["index"])
        if turn is None:
            continue
        scores = turn.analysis.get("scores") or {}
        metrics = turn.analysis.get("voice") or {}  # the VoiceMetrics fields, beside the transcript
        face = (turn.analysis.get(FACE_KEY) or {}).get("summary") or {}
        row.update(heard_text=turn.answer_text, overall=scores.get("overall"), band=scores.get("band"),
                   reasons=list(scores.get("reasons") or []), flags=list(scores.get("flags") or []),
                   words_per_minute=metrics.get("words_per_minute"),
                   found_fillers=[f["start_s"] for f in metrics.get("fillers") or []
                                  if f.get("kind") in FILLED_PAUSE_KINDS],
                   found_pauses=[(p["start_s"], p["end_s"]) for p in metrics.get("pauses") or []],
                   face_visible_ratio=face.get("face_visible_ratio"))
        after = by_index.get(row["index"] + 1)
        if after is not None and after.kind == "follow_up":
            row["followup"] = {"text": after.question, "source": after.analysis.get("interview", {}).get("source")}


def run_selftest(config: SelfTestConfig, *, store: SessionStore | None = None,
                 progress: bool = False) -> dict[str, Any]:
    """Run the personas of ``config`` through the workbench; the sessions, every answer and the checks."""
    if config.questions < 1:
        raise InputError("--questions must be at least 1")
    personas = load_personas()
    chosen = pick_personas(config.personas, personas)
    store = store or SessionStore()
    engine = InterviewEngine(store, llm_id=config.llm_id, seed=config.seed, voice=False, stt_id=config.stt_id,
                             followup_budget_s=None)  # the LLM's follow-up is waited for: the same seed, the same run
    writer = _Writer(engine, personas, config.seed)
    runs, crashes = [], []
    bar = _progress(len(chosen), progress)
    for persona in chosen:
        started = time.perf_counter()
        try:
            persona_run = _interview(engine, writer, persona, config)
        except WorkbenchError:
            raise
        except Exception as error:  # noqa: BLE001 - the engine falling over is what this test looks for
            crashes.append(f"{persona.name} interview: {type(error).__name__}: {error}")
            bar.update(1)
            continue
        if config.report:
            persona_run["stage_s"], stage_crashes, shown = _report(persona_run["session_id"])
            for row in persona_run["rows"]:
                row["report"] = {"html": shown.get("html"), "answers": shown.get("answers"),
                                 "overall": shown.get("overall_by_index", {}).get(row["index"])}
        else:
            persona_run["stage_s"], stage_crashes = _stages(store, persona_run["session_id"], config)
        crashes += stage_crashes
        _measured(store, persona_run)
        persona_run["total_s"] = round(time.perf_counter() - started, 3)
        runs.append(persona_run)
        bar.update(1)
    bar.close()
    rows = [row for run in runs for row in run["rows"]]
    answered = [r for r in rows if not r["error"]]
    return {
        "config": asdict(config), "synthetic": True,
        "sessions": [{"persona": r["persona"], "session_id": r["session_id"], "answers": len(r["rows"]),
                      "interview_s": r["interview_s"], "stage_s": r["stage_s"], "total_s": r["total_s"],
                      "report_html": (r["rows"][0].get("report") or {}).get("html") if r["rows"] else None}
                     for r in runs],
        "answers": rows, "crashes": crashes,
        "checks": [c.to_json() for c in checks.run_checks(rows, crashes, voice=config.voice,
                                                          video=config.voice and config.video,
                                                          report=config.report)],
        "timings": {"per_answer_median_s": _median([r["total_s"] / max(1, len(r["rows"])) for r in runs]),
                    "per_persona_s": {r["persona"]: r["total_s"] for r in runs},
                    "answers": len(answered)},
    }


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def _progress(total: int, enabled: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="self-test personas", unit="persona", disable=not enabled)


def selftest_sessions(store: SessionStore) -> list[str]:
    """The ids of every self-test session in ``store``."""
    return [s.id for s in store.list() if s.synthetic and SELFTEST_KEY in store.get(s.id).settings]


def delete_selftest_sessions(store: SessionStore) -> list[str]:
    """Delete every self-test session (and its recordings); the ids deleted."""
    ids = selftest_sessions(store)
    for session_id in ids:
        store.delete(session_id)
    return ids
