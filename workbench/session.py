"""The session: a plan of questions and the candidate's answers, turn by turn.

Plain dataclasses, JSON-serialisable with ``to_json``/``from_json``. Stored by ``workbench.store``.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from workbench.errors import InputError

SESSION_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")  # no slashes, no "..": no traversal


class TurnState(str, Enum):
    PLANNED = "planned"  # in the plan, not yet asked
    ASKED = "asked"  # question shown/spoken
    ANSWERING = "answering"  # recording or typing in progress
    ANSWERED = "answered"  # answer stored (media and/or text)
    ANALYSED = "analysed"  # transcript, metrics and scores stored


class AnswerSource(str, Enum):
    """Where a turn's ``answer_text`` came from, so one transcript is the truth for the whole session."""

    TYPED = "typed"  # the candidate typed it: the text is the answer
    GIVEN = "given"  # imported with a reference transcript: kept as it is
    SPOKEN = "spoken"  # a transcript: the voice stage's full-recording transcript replaces the live one


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_session_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


def check_session_id(session_id: str) -> str:
    if not isinstance(session_id, str) or not SESSION_ID_PATTERN.match(session_id) or ".." in session_id:
        raise InputError(
            f"invalid session id {session_id!r}: use letters, digits, '-', '_' and '.', "
            "at most 64 characters, no path separators"
        )
    return session_id


@dataclass
class Turn:
    index: int
    question: str
    kind: str = "question"  # "question" | "follow_up" | "roleplay"
    question_id: str | None = None  # id in the question bank, if it came from there
    competency: str | None = None
    concepts: list[str] = field(default_factory=list)  # what a good answer covers
    state: TurnState = TurnState.PLANNED
    answer_text: str | None = None  # typed answer, or the transcript of a spoken one
    answer_source: AnswerSource | None = None  # None: not answered yet (or stored before this was kept)
    answer_media: str | None = None  # file name inside the session's media folder
    answer_duration_s: float | None = None
    asked_at: str | None = None
    answered_at: str | None = None
    analysis: dict[str, Any] = field(default_factory=dict)  # {"voice": ..., "face": ..., "scores": ...}

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["state"] = self.state.value
        data["answer_source"] = self.answer_source.value if self.answer_source else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Turn":
        data = dict(data)
        data["state"] = TurnState(data.get("state", "planned"))
        data["answer_source"] = AnswerSource(data["answer_source"]) if data.get("answer_source") else None
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass
class Session:
    id: str = field(default_factory=new_session_id)
    role: str = "software engineer"
    level: str = "mid"
    mode: str = "interview"  # "interview" | "roleplay"
    candidate: str | None = None  # a pseudonym (privacy.labels refuses contact details; reports can anonymise it)
    class_label: str | None = None  # the class or group the session belongs to (an educator's label)
    created_at: str = field(default_factory=now_iso)
    synthetic: bool = False  # True for bundled demo data
    settings: dict[str, Any] = field(default_factory=dict)  # role-play card, seed, models, ...
    turns: list[Turn] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_session_id(self.id)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["turns"] = [t.to_json() for t in self.turns]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Session":
        data = dict(data)
        turns = [Turn.from_json(t) for t in data.pop("turns", [])]
        session = cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})
        session.turns = turns
        return session

    def next_turn(self) -> Turn | None:
        """The first turn not yet answered, if any."""
        waiting = (TurnState.PLANNED, TurnState.ASKED, TurnState.ANSWERING)
        return next((t for t in self.turns if t.state in waiting), None)
