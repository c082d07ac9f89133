"""Question generation with the local LLM, by role, level and type, optionally tailored to a job
description or CV, always validated by the guard, with the bank as fallback.

    q = generate_question("data analyst", "mid", "technical", llm=registry.load_default("llm"))
    q.text, q.source   # "llm" when the model's question passed the guard, else "bank"
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.errors import InputError
from workbench.interview import guard, prompts
from workbench.interview.bank import TYPES, Question, QuestionBank, check_role_level, load_bank, normalise_role

GENERATE_MAX_TOKENS = 60  # ours: one question of at most ~45 words
GENERATE_ATTEMPTS = 2  # ours: a second try with another seed, then the bank


@dataclass(frozen=True)
class GeneratedQuestion:
    text: str
    source: str  # "llm" | "bank"
    type: str
    question_id: str | None = None  # bank id (or the id of the example it was modelled on)
    competency: str | None = None
    concepts: tuple[str, ...] = ()
    rejected: tuple[str, ...] = ()  # reasons the LLM's attempts were rejected

    def to_json(self) -> dict:
        return {
            "text": self.text, "source": self.source, "type": self.type, "question_id": self.question_id,
            "competency": self.competency, "concepts": list(self.concepts), "rejected": list(self.rejected),
        }


def _from_bank(question: Question, rejected: Sequence[str] = ()) -> GeneratedQuestion:
    return GeneratedQuestion(question.text, "bank", question.type, question.id, question.competency,
                             question.concepts, tuple(rejected))


def generate_question(
    role: str,
    level: str,
    qtype: str = "behavioural",
    *,
    llm=None,
    job_description: str | None = None,
    asked: Sequence[str] = (),
    seed: int = 0,
    temperature: float = 0.0,
    bank: QuestionBank | None = None,
) -> GeneratedQuestion:
    """One new question. With ``llm=None`` (model missing or switched off) it comes from the bank.

    The LLM sees a bank question of the same role/level/type as a style example; its output must
    pass ``guard.validate_question`` (one question, '?', no repeat, on topic, safe) or the bank
    question is returned instead, with the rejection reasons recorded.
    """
    bank = bank or load_bank()
    check_role_level(role, level, known_roles=bank.roles)
    if qtype not in TYPES:
        raise InputError(f"unknown question type {qtype!r}; use one of: {', '.join(TYPES)}")
    asked_lower = {a.strip().lower() for a in asked}
    candidates = [q for q in bank.filter(role, level, [qtype]) if q.text.lower() not in asked_lower]
    candidates = candidates or [q for q in bank.filter(role, None, [qtype]) if q.text.lower() not in asked_lower]
    if not candidates:
        candidates = [q for q in bank.filter(role, None, None) if q.text.lower() not in asked_lower]
    if not candidates:
        raise InputError(f"the bank has no unused question left for {role!r}")
    example = random.Random(seed).choice(candidates)
    if llm is None:
        return _from_bank(example)
    role_vocabulary = " ".join(f"{q.text} {q.competency} {' '.join(q.concepts)}"
                               for q in bank.filter(role) if normalise_role(role) in q.roles)
    topic = " ".join([normalise_role(role), qtype, role_vocabulary,
                      (job_description or "")[: prompts.MAX_PROMPT_JD_CHARS]])
    rejected: list[str] = []
    for attempt in range(GENERATE_ATTEMPTS):
        messages = prompts.question_messages(role, level, qtype, job_description=job_description,
                                             avoid=list(asked), example=example.text)
        try:
            reply = llm.chat(messages, max_tokens=GENERATE_MAX_TOKENS, temperature=temperature,
                             seed=seed + attempt, stop=["\n\n"]).text
        except Exception as error:  # noqa: BLE001 - any model failure falls back to the bank
            rejected.append(f"LLM error: {error}")
            break
        checked = guard.validate_question(reply, asked=list(asked) + [example.text], topic=topic)
        if checked.ok:
            return GeneratedQuestion(checked.text, "llm", qtype, example.id, example.competency,
                                     example.concepts, tuple(rejected))
        rejected.append(checked.reason or "rejected")
        if temperature == 0.0:
            temperature = 0.3  # ours: a deterministic retry must differ from the first try
    return _from_bank(example, rejected)
