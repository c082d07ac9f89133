"""Validation of every question the LLM writes (hostile answers are found by ``workbench.injection``).

A generated question is accepted only if it is one question, ends with '?', is not a repeat of
one already asked, stays on topic and contains nothing unsafe. Anything else is rejected with a
reason, and the caller falls back to the bank (or a rule-written probe).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from workbench.injection import is_injection

MIN_QUESTION_WORDS = 5  # ours: shorter is a fragment, not an interview question
MAX_QUESTION_WORDS = 60  # ours: longer cannot be held in mind after hearing it once
REPEAT_SIMILARITY = 0.8  # ours: difflib ratio above which two questions are the same question
MIN_TOPIC_OVERLAP = 1  # ours: shared content words with the role/context for "on topic"

_UNSAFE = re.compile(
    r"\b(kill|suicide|bomb|weapon|sex(ual)?|porn|nude|racist|religio\w*|pregnan\w*|married|"
    r"sexual orientation|ethnicity|your age|how old are you|disabilit\w*|password|credit card|"
    r"social security)\b",
    re.IGNORECASE,
)  # ours: violent or sexual content, plus topics that are unlawful to ask in hiring (EEOC guidance)
_META = re.compile(
    r"\b(as an ai|language model|i cannot|i can't|sorry|here is|here's|question:|system prompt|instructions?)\b",
    re.IGNORECASE,
)  # chatter or leakage rather than a question
_STOP = set(
    "a an the and or but of to in on for with at by from as is are was were be been being do does did "
    "you your yours i me my we our us they them their it its this that these those what which who whom "
    "how when where why can could would should will shall may might must have has had about tell describe "
    "give example time walk through explain one".split()
)


@dataclass(frozen=True)
class GuardResult:
    ok: bool
    text: str  # the cleaned question (or the raw text when rejected)
    reason: str | None = None  # why it was rejected


def content_words(text: str) -> set[str]:
    """Lower-case words of 3+ letters that are not stop words (crudely de-pluralised)."""
    words = re.findall(r"[a-z][a-z'-]{2,}", text.lower())
    return {w.rstrip("s") for w in words if w not in _STOP}


def names_the_answer(followup: str, question: str, answer: str) -> bool:
    """The follow-up names a content word of the answer that the question did not already hold."""
    return bool(content_words(followup) & (content_words(answer) - content_words(question)))


def clean_question(raw: str) -> str:
    """Strip quotes, numbering, 'Question:' prefixes and whitespace the model tends to add."""
    text = (raw or "").strip()
    text = re.sub(r"^\s*(\*\*)?(question|follow[- ]?up|interviewer)\s*\d*\s*[:.-]\s*(\*\*)?", "", text, flags=re.I)
    text = re.sub(r"^\s*(\d+[.)]|[-*•])\s*", "", text)
    text = text.strip().strip('"“”\'`*').strip()
    return " ".join(text.split())


def validate_question(
    raw: str,
    *,
    asked: Sequence[str] = (),
    topic: str = "",
) -> GuardResult:
    """Check one generated question.

    raw: the model's output. asked: questions already asked in this session (no repeats).
    topic: words the question should share at least one content word with (role, the previous
    question and answer, a job description); empty to skip the on-topic check.
    """
    text = clean_question(raw)
    if not text:
        return GuardResult(False, text, "empty output")
    if "\n" in (raw or "").strip():
        lines = [ln for ln in raw.strip().splitlines() if ln.strip()]
        if len(lines) > 1:
            return GuardResult(False, text, "more than one line")
    if not text.endswith("?"):
        return GuardResult(False, text, "does not end with a question mark")
    if text.count("?") > 1:
        return GuardResult(False, text, "more than one question")
    words = text.split()
    if len(words) < MIN_QUESTION_WORDS:
        return GuardResult(False, text, f"too short ({len(words)} words)")
    if len(words) > MAX_QUESTION_WORDS:
        return GuardResult(False, text, f"too long ({len(words)} words)")
    if _UNSAFE.search(text):
        return GuardResult(False, text, "unsafe or unlawful topic")
    if _META.search(text) or is_injection(text):
        return GuardResult(False, text, "model chatter or instructions instead of a question")
    lowered = text.lower()
    for previous in asked:
        if SequenceMatcher(None, lowered, previous.lower()).ratio() >= REPEAT_SIMILARITY:
            return GuardResult(False, text, "repeats a question already asked")
    if topic and len(content_words(text) & content_words(topic)) < MIN_TOPIC_OVERLAP:
        return GuardResult(False, text, "off topic")
    return GuardResult(True, text)

