"""The summary shown when an interview ends: counts, time spoken, pace and fillers over all answers."""
from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

from workbench.session import Session, TurnState, now_iso
from workbench.speech.lexicon import text_fillers
from workbench.speech.rates import words_per_minute

FINISHED_AT = "finished_at"  # the session setting that marks an interview ended (ISO UTC time)


def mark_ended(session: Session) -> None:
    """Record that the interview was ended (End interview, or its last question answered)."""
    session.settings[FINISHED_AT] = now_iso()


def ended(session: Session) -> bool:
    """Whether the interview was ended: its unasked questions are then skipped, not waiting."""
    return FINISHED_AT in session.settings


def report_command(session_id: str) -> str:
    """The shell command that makes the full report of a session, from any terminal: the full path of
    this environment's ``workbench`` (a fresh terminal does not have the virtual environment on PATH)."""
    script = Path(sys.executable).with_name("workbench")
    program = shlex.quote(str(script)) if script.is_file() else f"{shlex.quote(sys.executable)} -m workbench"
    return f"{program} report {session_id}"


def summarise(session: Session) -> dict[str, Any]:
    """What the session holds now (JSON-ready); ``report_command`` makes the full report."""
    answered = [t for t in session.turns if t.state in (TurnState.ANSWERED, TurnState.ANALYSED)]
    spoken = [t for t in answered if t.answer_duration_s]  # a typed answer has words but no speaking time
    spoken_s = sum(t.answer_duration_s for t in spoken)
    spoken_words = sum(len((t.answer_text or "").split()) for t in spoken)
    return {
        "session_id": session.id, "mode": session.mode, "role": session.role, "level": session.level,
        "turns": len(session.turns), "answered": len(answered),
        "follow_ups": sum(t.kind == "follow_up" for t in session.turns),
        "skipped": sum(t.state in (TurnState.PLANNED, TurnState.ASKED) for t in session.turns),
        "answer_time_s": round(spoken_s, 1),
        "words_per_minute": words_per_minute(spoken_words, spoken_s),
        "filler_count": sum(len(text_fillers(t.answer_text or "")) for t in answered),
        "report_command": report_command(session.id),
    }
