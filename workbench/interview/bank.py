"""Question banks: a validated YAML schema, loading, and seeded selection.

Banks live in ``data/questions/*.yaml`` (committed). Each file holds a list under ``questions:``;
every question names the roles and levels it suits, its type, the competency it probes and the
concepts a good answer covers. ``load_bank()`` validates every file with pydantic and fails with
one clear line naming the file and the bad entry.
"""
from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from workbench.config import DATA_DIR_BUNDLED
from workbench.errors import InputError

QUESTIONS_DIR = DATA_DIR_BUNDLED / "questions"
ROLES = (
    "software engineer", "data analyst", "product manager", "nurse", "doctor",
    "customer support", "teacher",
)  # the bundled roles; banks may add more ("room for more")
ANY_ROLE = "any"  # a question every role can be asked (motivation, generic behavioural)
LEVELS = ("junior", "mid", "senior")
TYPES = ("behavioural", "technical", "situational", "system design", "motivation")
MAX_QUESTION_CHARS = 400  # ours: a question a candidate can hold in mind after hearing it once


def normalise_role(role: str) -> str:
    """'Software-Engineer ' -> 'software engineer'."""
    return " ".join(str(role).replace("-", " ").replace("_", " ").lower().split())


class Question(BaseModel):
    """One bank question. ``roles``/``levels`` list where it fits; ``concepts`` what a good answer covers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{2,63}$")
    text: str = Field(min_length=10, max_length=MAX_QUESTION_CHARS)
    roles: tuple[str, ...] = Field(min_length=1)
    levels: tuple[str, ...] = Field(min_length=1)
    type: str
    competency: str = Field(min_length=3)
    concepts: tuple[str, ...] = Field(min_length=1)

    @field_validator("text")
    @classmethod
    def _is_question(cls, value: str) -> str:
        value = " ".join(value.split())
        if not (value.endswith("?") or value.endswith(".")):
            raise ValueError("text must end with '?' (or '.' for a prompt such as 'Tell me about...')")
        return value

    @field_validator("roles")
    @classmethod
    def _roles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(normalise_role(r) for r in value)

    @field_validator("levels")
    @classmethod
    def _levels(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [v for v in value if v not in LEVELS]
        if bad:
            raise ValueError(f"unknown level(s) {bad}; use {list(LEVELS)}")
        return value

    @field_validator("type")
    @classmethod
    def _type(cls, value: str) -> str:
        if value not in TYPES:
            raise ValueError(f"unknown type {value!r}; use one of {list(TYPES)}")
        return value

    def fits(self, role: str, level: str | None = None, types: Iterable[str] | None = None) -> bool:
        """True when the question suits this role (or any role), level and one of the types."""
        role = normalise_role(role)
        if role not in self.roles and ANY_ROLE not in self.roles:
            return False
        if level is not None and level not in self.levels:
            return False
        return types is None or self.type in set(types)


class QuestionBank:
    """All bank questions, validated, with seeded selection."""

    def __init__(self, questions: Sequence[Question]) -> None:
        self.questions: tuple[Question, ...] = tuple(questions)
        self._by_id = {q.id: q for q in self.questions}
        if len(self._by_id) != len(self.questions):
            seen: set[str] = set()
            dupes = sorted({q.id for q in self.questions if q.id in seen or seen.add(q.id)})
            raise InputError(f"duplicate question ids in the bank: {dupes}")

    def __len__(self) -> int:
        return len(self.questions)

    def get(self, question_id: str) -> Question:
        try:
            return self._by_id[question_id]
        except KeyError:
            raise InputError(f"no question {question_id!r} in the bank") from None

    @property
    def roles(self) -> list[str]:
        return sorted({r for q in self.questions for r in q.roles} - {ANY_ROLE})

    def filter(self, role: str, level: str | None = None, types: Iterable[str] | None = None) -> list[Question]:
        """Questions that fit; role-specific ones first, then the generic ('any') ones."""
        types = list(types) if types else None
        found = [q for q in self.questions if q.fits(role, level, types)]
        role = normalise_role(role)
        return sorted(found, key=lambda q: (role not in q.roles, q.id))

    def select(
        self,
        role: str,
        level: str,
        *,
        types: Sequence[str] | None = None,
        n: int = 5,
        seed: int = 0,
        exclude_ids: Iterable[str] = (),
    ) -> list[Question]:
        """Pick ``n`` distinct questions for a role and level, seeded (same seed, same plan).

        Types are mixed round-robin in the order given; when a type runs out for this level, the
        other levels of the same role are used before giving fewer questions.
        """
        check_role_level(role, level, known_roles=self.roles)
        if types:
            unknown = [t for t in types if t not in TYPES]
            if unknown:
                raise InputError(f"unknown question type(s) {unknown}; use {list(TYPES)}")
        wanted = list(types) if types else list(TYPES)
        rng = random.Random(seed)
        excluded = set(exclude_ids)
        pools: dict[str, list[Question]] = {}
        for qtype in wanted:
            exact = [q for q in self.filter(role, level, [qtype]) if q.id not in excluded]
            own = [q for q in exact if normalise_role(role) in q.roles]  # role-specific before generic
            generic = [q for q in exact if q not in own]
            other = [q for q in self.filter(role, None, [qtype]) if q.id not in excluded and q not in exact]
            for pool in (own, generic, other):
                rng.shuffle(pool)
            pools[qtype] = own + generic + other
        chosen: list[Question] = []
        while len(chosen) < n and any(pools.values()):
            for qtype in wanted:
                if pools[qtype] and len(chosen) < n:
                    question = pools[qtype].pop(0)
                    if question not in chosen:
                        chosen.append(question)
        return chosen


def check_role_level(role: str, level: str, *, known_roles: Sequence[str] = ROLES) -> None:
    """Raise ``InputError`` with the valid choices when role or level is unknown."""
    if normalise_role(role) not in known_roles:
        raise InputError(f"unknown role {role!r}; choose one of: {', '.join(known_roles)}")
    if level not in LEVELS:
        raise InputError(f"unknown level {level!r}; choose one of: {', '.join(LEVELS)}")


def read_bank_file(path: Path) -> list[Question]:
    """Read and validate one YAML bank file; errors name the file and the entry."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read question bank {path}: {error}") from error
    if not isinstance(raw, dict) or not isinstance(raw.get("questions"), list):
        raise InputError(f"question bank {path} must be a mapping with a 'questions:' list")
    questions = []
    for position, entry in enumerate(raw["questions"]):
        try:
            questions.append(Question.model_validate(entry))
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            ident = entry.get("id", f"#{position}") if isinstance(entry, dict) else f"#{position}"
            raise InputError(f"question bank {Path(path).name}, question {ident}: {where}: {first['msg']}") from error
    return questions


def load_bank(folder: Path | None = None) -> QuestionBank:
    """Load and validate every ``*.yaml`` in the bank folder (default: the bundled banks)."""
    return _load_bank_cached(str(Path(folder) if folder else QUESTIONS_DIR))


@lru_cache(maxsize=4)
def _load_bank_cached(folder: str) -> QuestionBank:
    files = sorted(Path(folder).glob("*.yaml"))
    if not files:
        raise InputError(f"no question banks (*.yaml) in {folder}")
    return QuestionBank([q for path in files for q in read_bank_file(path)])
