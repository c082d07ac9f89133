"""One walk over a stored session's turns for every analysis stage.

The stages (``speech.analyse_voice``, ``vision.analyse_video``, ``scoring.score_answer``) are pure
functions from typed inputs to typed results; none of them reads or writes the store. ``run_stage``
is the one place that does: it picks the turns with ``skip_reason`` (one rule for every stage),
decrypts a turn's recording through the store for the length of one call, and writes each result
with the store's transactional ``update_turn`` (voice and face run side by side, each writing its own
key of ``turn.analysis``, and neither overwrites the other).
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from workbench.errors import InputError
from workbench.session import Session, Turn, TurnState
from workbench.store import SessionStore

Result = TypeVar("Result")
ANSWERED_STATES = (TurnState.ANSWERED, TurnState.ANALYSED)
TYPED = "typed answer, no recording"
NEVER_STORED = "recording not stored (never saved, or removed outside the workbench)"
DELETED = "recording deleted after analysis"
KEEP_MEDIA_HINT = ("To analyse again (another model, other settings), set keep_media = true in workbench.toml "
                   "(or WORKBENCH_KEEP_MEDIA=1) before recording.")


@dataclass(frozen=True)
class Stage(Generic[Result]):
    """How the runner drives one stage.

    ``name``: the key it fills in ``turn.analysis`` and the name of its results file (``<name>.json``).
    ``analyse(session, turn, media_path)``: the stage's typed result for one turn (``media_path`` is a
    decrypted temporary copy of the turn's recording when ``needs_media``, else None); raises
    ``InputError`` when the turn's input cannot be used (the turn is then skipped with that message).
    ``record(stored_turn, result)``: writes the result into the stored turn (inside ``update_turn``).
    ``row(result)``: the turn's line of the run's table. ``summarise(results)``: the session summary.
    """

    name: str
    needs_media: bool
    analyse: Callable[[Session, Turn, Path | None], Result]
    record: Callable[[Turn, Result], None]
    row: Callable[[Result], dict[str, Any]]
    summarise: Callable[[list[Result]], dict[str, Any] | None]


@dataclass
class StageRun:
    """What one stage did to a session: a row per analysed turn, the skipped turns with their reason,
    and the session summary (None when no turn was analysed and the stage has nothing to pool)."""

    stage: str
    session_id: str
    turns: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)  # {"turn": index, "reason": text}
    summary: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def is_answered(turn: Turn) -> bool:
    """An answered turn: its state says so, or it holds an answer (typed text or a recording)."""
    return turn.state in ANSWERED_STATES or bool((turn.answer_text or "").strip()) or bool(turn.answer_media)


def discarded_reason(when: str) -> str:
    """The skip reason of a turn whose recording the privacy default deleted after its analysis."""
    return f"{DELETED} ({when}, the privacy default)"


def skip_reason(turn: Turn, *, needs_media: bool, stored_media: set[str],
                discarded: dict[str, str] | None = None) -> str | None:
    """Why a stage does not analyse an answered turn, or None when it does (the one skip rule).

    ``discarded``: the session's record of deleted recordings (name -> when), ``settings["media_discarded"]``.
    """
    if not needs_media:
        return None
    if not turn.answer_media:
        return TYPED
    if turn.answer_media not in stored_media:
        when = (discarded or {}).get(turn.answer_media)
        return discarded_reason(when) if when else NEVER_STORED
    return None


def skipped_lines(run: StageRun, session: Session, *, model_id: str | None = None) -> list[str]:
    """What a person needs to know about the turns a run skipped, one line each group: which turns,
    why, whether their earlier results are still shown, and (for deleted recordings) that a requested
    ``model_id`` was not applied and how to keep recordings for re-analysis."""
    turns = {turn.index: turn for turn in session.turns}
    deleted = [s["turn"] for s in run.skipped if s["reason"].startswith(DELETED)]
    lines = []
    if deleted:
        stored = [i for i in deleted if run.stage in turns[i].analysis]
        used = sorted({m for i in stored if (m := _model_of(turns[i].analysis[run.stage]))})
        line = f"turn(s) {_join(deleted)}: {DELETED} (the privacy default)."
        if stored:
            line += f" Shown: the {run.stage} results stored then"
            line += f" (made with {', '.join(used)})." if used else "."
        if model_id and used and used != [model_id]:
            line += f" MODEL_ID = {model_id!r} was not applied to them."
        lines.append(f"{line} {KEEP_MEDIA_HINT}")
    for skip in run.skipped:
        if skip["turn"] not in deleted:
            lines.append(f"turn {skip['turn']}: {skip['reason']}")
    return lines


def _model_of(result: dict[str, Any]) -> str | None:
    transcript = result.get("transcript")
    return transcript.get("model_id") if isinstance(transcript, dict) else result.get("model_id")


def _join(indices: list[int]) -> str:
    return ", ".join(str(i) for i in indices)


def run_stage(stage: Stage[Result], session_id: str, *, store: SessionStore, progress: bool = False) -> StageRun:
    """Run ``stage`` on every answered turn of a stored session, write each result, return the run.

    Unanswered turns are left out; answered turns the stage cannot use are listed in ``skipped``.
    """
    session = store.get(session_id)
    stored_media = set(store.list_media(session_id)) if stage.needs_media else set()
    discarded = dict(session.settings.get("media_discarded", {}))
    run = StageRun(stage=stage.name, session_id=session.id)
    results: list[Result] = []
    for turn in session.turns:
        if not is_answered(turn):
            continue
        reason = skip_reason(turn, needs_media=stage.needs_media, stored_media=stored_media, discarded=discarded)
        if reason is None:
            if progress:
                print(f"{stage.name}: turn {turn.index}", file=sys.stderr, flush=True)
            try:
                result = _analyse(stage, store, session, turn)
            except InputError as error:  # unreadable, no sound, no picture, ...
                reason = str(error)
        if reason is not None:
            run.skipped.append({"turn": turn.index, "reason": reason})
            continue
        store.update_turn(session.id, turn.index, lambda stored, result=result: stage.record(stored, result))
        results.append(result)
        run.turns.append({"turn": turn.index, "question": turn.question, **stage.row(result)})
    run.summary = stage.summarise(results)
    return run


def _analyse(stage: Stage[Result], store: SessionStore, session: Session, turn: Turn) -> Result:
    if not stage.needs_media:
        return stage.analyse(session, turn, None)
    with store.media_file(session.id, turn.answer_media) as path:  # decrypted copy, deleted after the call
        return stage.analyse(session, turn, path)
