"""Clinical role-plays (OET-style speaking practice): scenario cards and the patient the LLM plays.

Cards live in ``data/roleplays/*.yaml``, one card per file, validated with pydantic. The
candidate plays the clinician; the LLM plays the patient or relative described on the card,
guarded so that it stays in character and never follows instructions from the candidate's lines.
A role-play lasts ``duration_s`` (5 minutes, as in the OET speaking sub-test).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from workbench.config import DATA_DIR_BUNDLED
from workbench.errors import InputError
from workbench.injection import is_injection
from workbench.interview import prompts

ROLEPLAYS_DIR = DATA_DIR_BUNDLED / "roleplays"
ROLEPLAY_DURATION_S = 300  # the OET speaking role-play lasts about 5 minutes (OET candidate guide)
ROLEPLAY_MAX_TURNS = 14  # ours: ~20 s per exchange fills 5 minutes; a bound if the clock is not used
PATIENT_MAX_TOKENS = 70  # ours: 1-3 spoken sentences
PATIENT_MAX_WORDS = 60  # ours: longer than three sentences is the model rambling


class RoleplayCard(BaseModel):
    """One scenario card: the candidate's side and the patient's side."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{2,63}$")
    title: str
    profession: str = "doctor"  # the candidate's profession: doctor | nurse | ...
    setting: str
    duration_s: int = ROLEPLAY_DURATION_S
    patient_role: str  # who the LLM plays, e.g. "the mother of a 4-year-old with a fever"
    patient_background: str
    patient_concerns: tuple[str, ...] = Field(min_length=1)
    candidate_tasks: tuple[str, ...] = Field(min_length=2)
    opening_line: str = Field(min_length=5)  # the patient's first words
    fallback_lines: tuple[str, ...] = Field(min_length=3)  # said in turn when the LLM is missing or fails
    closing_line: str = "Thank you, that really helps."
    flow: tuple[str, ...] = Field(min_length=3)  # the ~5-minute flow, step by step, for the candidate's card
    language_focus: tuple[str, ...] = ()  # what an assessor listens for
    synthetic: bool = True  # written for this project, not an official OET card

    def candidate_card(self) -> str:
        """The text shown to the candidate (their card), without the patient's hidden concerns."""
        tasks = "\n".join(f"- {t}" for t in self.candidate_tasks)
        return (f"{self.title}\nSetting: {self.setting}\nYou are the {self.profession}. "
                f"Patient: {self.patient_role}.\nTasks:\n{tasks}")


def read_card(path: Path) -> RoleplayCard:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return RoleplayCard.model_validate(raw)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read role-play card {path}: {error}") from error
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"role-play card {Path(path).name}: {where}: {first['msg']}") from error


@lru_cache(maxsize=4)
def _load(folder: str) -> dict[str, RoleplayCard]:
    cards = [read_card(p) for p in sorted(Path(folder).glob("*.yaml"))]
    return {c.id: c for c in cards}


def load_roleplays(folder: Path | None = None) -> dict[str, RoleplayCard]:
    """Every card, by id (default: the bundled cards)."""
    return _load(str(folder or ROLEPLAYS_DIR))


def get_roleplay(roleplay_id: str, folder: Path | None = None) -> RoleplayCard:
    cards = load_roleplays(folder)
    if roleplay_id not in cards:
        raise InputError(f"no role-play {roleplay_id!r}; choose one of: {', '.join(sorted(cards))}")
    return cards[roleplay_id]


@dataclass(frozen=True)
class PatientLine:
    text: str
    source: str  # "llm" | "script"
    rejected: str | None = None


def _check_patient_line(raw: str, history: Sequence[tuple[str, str]]) -> str | None:
    """Why a patient line is unusable, or None when it is fine."""
    text = " ".join((raw or "").split())
    if not text:
        return "empty output"
    if len(text.split()) > PATIENT_MAX_WORDS:
        return "too long"
    if is_injection(text) or "as an ai" in text.lower() or "language model" in text.lower():
        return "out of character"
    if any(text.lower() == t.lower() for s, t in history if s == "patient"):
        return "repeats an earlier line"
    return None


def patient_reply(
    card: RoleplayCard,
    history: Sequence[tuple[str, str]],
    *,
    llm=None,
    seed: int = 0,
    temperature: float = 0.0,
) -> PatientLine:
    """The patient's next line given the conversation so far ((speaker, text) pairs).

    Without an LLM, or when its line fails the checks, the card's scripted lines are used in order.
    """
    said = {t for s, t in history if s == "patient"}
    script = next((line for line in card.fallback_lines if line not in said), card.closing_line)
    if llm is None:
        return PatientLine(script, "script")
    fields = {"persona": card.patient_role, "setting": card.setting, "background": card.patient_background,
              "concerns": "; ".join(card.patient_concerns)}
    try:
        reply = llm.chat(prompts.patient_messages(fields, history), max_tokens=PATIENT_MAX_TOKENS,
                         temperature=temperature, seed=seed, stop=["\n\n", "Clinician:", "Doctor:", "Nurse:"]).text
    except Exception as error:  # noqa: BLE001 - any model failure falls back to the script
        return PatientLine(script, "script", f"LLM error: {error}")
    reason = _check_patient_line(reply, history)
    if reason:
        return PatientLine(script, "script", reason)
    return PatientLine(" ".join(reply.split()).strip('"'), "llm")
