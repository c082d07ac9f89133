"""A person's rating of what the interviewer model wrote: a follow-up or the written feedback on an answer,
marked good or bad by an educator (in the live app, in notebook 60, or with ``workbench tune rate``).

    rate(store, "my-session", 2, "followup", "good")      # turn 2 is the follow-up
    rate(store, "my-session", 1, "feedback", "bad")       # the feedback written on turn 1's answer
    rating_of(turn, "followup")                           # -> "good" | "bad" | None

Stored in the turn it is about (``turn.analysis["ratings"][task]``). The tuning export lets a rating decide
an interaction's quality (``quality_with_rating``): a person saw it; the rules only guess.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.clock import utc_now
from workbench.errors import InputError
from workbench.session import Session, Turn
from workbench.store import SessionStore

RATINGS_KEY = "ratings"  # turn.analysis[RATINGS_KEY][task] = {"rating": ..., "at": ...}
RATINGS = ("good", "bad")
RATED_TASKS = ("followup", "feedback")  # what the interviewer model writes (tuning.export.TASKS)
RATING_QUALITY = {"good": 1.0, "bad": 0.0}


def _feedback_key(turn: Turn) -> str | None:
    return (turn.analysis.get("scores", {}).get("feedback") or {}).get("input_key")


def rating_of(turn: Turn, task: str) -> str | None:
    """The rating of ``turn``'s ``task``; a feedback rating counts only for the feedback it was given on
    (a report re-run that rewrote the feedback leaves it unrated)."""
    stored = turn.analysis.get(RATINGS_KEY, {}).get(task) or {}
    if task == "feedback" and stored.get("feedback_key") != _feedback_key(turn):
        return None
    return stored.get("rating")


def quality_with_rating(rules_quality: float, rating: str | None) -> float:
    """An interaction's quality: a person's rating decides (good 1, bad 0); without one, the rules' share."""
    return RATING_QUALITY[rating] if rating in RATING_QUALITY else rules_quality


def rateable(turn: Turn, task: str) -> str | None:
    """Why ``turn`` holds nothing of ``task`` to rate (None when it does)."""
    if task == "followup":
        if turn.kind != "follow_up":
            return f"turn {turn.index} is not a follow-up (it is a {turn.kind.replace('_', ' ')})"
        if turn.analysis.get("interview", {}).get("source") != "llm":
            return f"turn {turn.index}'s follow-up was written by the rules, not the model"
        return None
    feedback = turn.analysis.get("scores", {}).get("feedback") or {}
    if feedback.get("source") != "llm":
        return (f"turn {turn.index} has no written feedback from the model yet (run the report: "
                "`workbench report SESSION_ID`)")
    return None


@dataclass(frozen=True)
class RateableItem:
    """One thing the model wrote in a session that a person can rate."""

    turn: int
    task: str  # one of RATED_TASKS
    question: str  # the follow-up itself, or the question the feedback's answer was to
    text: str  # the follow-up, or the feedback's points one per line
    rating: str | None


def _feedback_text(feedback: dict[str, Any]) -> str:
    lines = [f"+ {p['point']}" for p in feedback.get("strengths") or []]
    return "\n".join(lines + [f"- {p['point']}" for p in feedback.get("improvements") or []])


def rateable_items(session: Session) -> list[RateableItem]:
    """Every follow-up and written feedback the model produced in ``session``, in turn order."""
    items = []
    for turn in session.turns:
        if rateable(turn, "followup") is None:
            items.append(RateableItem(turn.index, "followup", turn.question, turn.question,
                                      rating_of(turn, "followup")))
        if rateable(turn, "feedback") is None:
            items.append(RateableItem(turn.index, "feedback", turn.question,
                                      _feedback_text(turn.analysis["scores"]["feedback"]), rating_of(turn, "feedback")))
    return items


def rate(store: SessionStore, session_id: str, turn_index: int, task: str, rating: str | None) -> dict[str, Any]:
    """Store (or, with ``rating`` None, clear) a person's rating; returns the turn's ratings."""
    if task not in RATED_TASKS:
        raise InputError(f"unknown task {task!r}; use one of {', '.join(RATED_TASKS)}")
    if rating is not None and rating not in RATINGS:
        raise InputError(f"a rating is one of {', '.join(RATINGS)} (got {rating!r})")
    session = store.get(session_id)
    turn = next((t for t in session.turns if t.index == turn_index), None)
    if turn is None:
        raise InputError(f"session {session_id} has no turn {turn_index} (turns: "
                         f"{', '.join(str(t.index) for t in session.turns) or 'none'})")
    why_not = rateable(turn, task)
    if why_not:
        raise InputError(f"nothing to rate: {why_not}")

    def change(stored: Turn) -> None:
        ratings = dict(stored.analysis.get(RATINGS_KEY, {}))
        if rating is None:
            ratings.pop(task, None)
        else:
            ratings[task] = {"rating": rating, "at": utc_now().isoformat(timespec="seconds")}
            if task == "feedback":
                ratings[task]["feedback_key"] = _feedback_key(stored)
        stored.analysis[RATINGS_KEY] = ratings

    return store.update_turn(session_id, turn_index, change).analysis[RATINGS_KEY]
