"""Simulated candidates: one YAML file per persona in ``data/personas``, validated with pydantic.

A persona is data, not code: how the local LLM should answer (``style``), the rules code applies to
the written answer so the truth is known (length, fillers per 100 words, pauses), and where it is
expected to land in the score order (``expected_rank``: 1 best). Two personas are made by code
instead of the LLM (``generator``: silence, gibberish) and one is another persona's answer with an
instruction to the grader inserted (``twin_of`` + ``inject``).

    personas = load_personas()                 # name -> Persona, every file in data/personas
    pick_personas("strong,weak", personas)     # the ones asked for, in that order
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from workbench.config import DATA_DIR_BUNDLED
from workbench.errors import InputError

PERSONAS_DIR = DATA_DIR_BUNDLED / "personas"
GENERATORS = ("llm", "silence", "gibberish")
MODES = ("interview", "roleplay")


class Pauses(BaseModel):
    """Silent pauses inserted at sentence ends (or word gaps when there are too few sentences)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    count: int = Field(ge=0, le=10)
    seconds: float = Field(gt=0.25, le=5.0)  # above the speech module's 250 ms pause cut-off


class Persona(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{1,31}$")
    reason: str = Field(min_length=10)  # why this persona exists: what it checks
    mode: str = "interview"  # "interview" | "roleplay" (then ``profession`` picks the cards)
    profession: str | None = None  # roleplay: the card profession (doctor, nurse)
    generator: str = "llm"  # "llm" | "silence" | "gibberish"
    style: str | None = None  # the LLM's instructions (generator llm)
    words: tuple[int, int]  # (min, max) lexical words of the written answer; code cuts at max
    fillers_per_100_words: float = Field(default=0.0, ge=0.0, le=30.0)
    pauses: Pauses = Pauses(count=0, seconds=1.0)
    silence_s: float = Field(default=4.0, gt=0.0, le=30.0)  # generator silence
    twin_of: str | None = None  # the persona whose answer this one reuses
    inject: str | None = None  # the sentence inserted into the twin's answer
    expected_rank: int = Field(ge=1, le=9)  # 1: the best expected score
    fallback_answer: str = ""  # the bank answer used when the LLM writes nothing usable
    voice: str = "piper"  # "piper" | "espeak-ng"
    # the manipulation check: an answer sharing more content words than this with the question is not this
    # persona's (an off-topic answer the LLM wrote about the question after all); None: no limit
    max_question_overlap: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> Persona:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if self.generator not in GENERATORS:
            raise ValueError(f"generator must be one of {GENERATORS}")
        if self.voice not in ("piper", "espeak-ng"):
            raise ValueError("voice must be piper or espeak-ng")
        if self.words[0] > self.words[1]:
            raise ValueError("words must be (min, max) with min <= max")
        if self.generator == "llm" and not self.style and not self.twin_of:
            raise ValueError("style is needed when the LLM writes the answer")
        if bool(self.twin_of) != bool(self.inject):
            raise ValueError("twin_of and inject go together")
        if self.mode == "roleplay" and not self.profession:
            raise ValueError("profession is needed for a roleplay persona")
        return self


def read_persona(path: Path) -> Persona:
    """One persona file; a file that does not validate raises ``InputError`` naming the field."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        persona = Persona.model_validate(raw)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read persona {path}: {error}") from error
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "file"
        raise InputError(f"persona {Path(path).name}: {where}: {first['msg']}") from error
    if persona.name != Path(path).stem:
        raise InputError(f"persona {Path(path).name}: name: {persona.name!r} differs from the file name")
    return persona


@lru_cache(maxsize=4)
def _load(folder: str) -> dict[str, Persona]:
    files = sorted(Path(folder).glob("*.yaml"))
    if not files:
        raise InputError(f"no persona files in {folder}")
    personas = {p.name: p for p in map(read_persona, files)}
    for persona in personas.values():
        if persona.twin_of and persona.twin_of not in personas:
            raise InputError(f"persona {persona.name}.yaml: twin_of: no persona {persona.twin_of!r}")
    return personas


def load_personas(folder: Path | None = None) -> dict[str, Persona]:
    """Every persona in ``folder`` (default ``data/personas``), by name."""
    return dict(_load(str(folder or PERSONAS_DIR)))


def pick_personas(names: str | None, personas: dict[str, Persona]) -> list[Persona]:
    """The personas named in a comma-separated list (None: all, interview ones first)."""
    if not names:
        return sorted(personas.values(), key=lambda p: (p.mode != "interview", p.expected_rank, p.name))
    picked = []
    for name in (n.strip() for n in names.split(",") if n.strip()):
        if name not in personas:
            raise InputError(f"no persona {name!r}; known: {', '.join(sorted(personas))}")
        picked.append(personas[name])
    if not picked:
        raise InputError("--personas names no persona")
    return picked
