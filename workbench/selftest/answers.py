"""A persona's answer to one question: written by the local LLM (or by code), then shaped by the
persona's rules in code, so what is true of it is known before anything hears it.

    written = write_answer(llm, persona, question, seed=7)      # text + how it was made
    scripted = script_answer(written.text, persona, seed=7)    # pieces to speak + the truth
    scripted.truth.word_count, scripted.truth.fillers, scripted.truth.pauses

The LLM writes at temperature 0 (the same seed and model give the same text). An unusable reply is
asked again once with seed + 1 at a little temperature, then the persona's bank answer is used and
recorded as such (``source``).
"""
from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from workbench.injection import is_injection
from workbench.interview.guard import content_words
from workbench.llm import ChatLLM
from workbench.selftest.personas import Persona
from workbench.speech.synth_fillers import FILLER_WORDS

RETRY_TEMPERATURE = 0.7  # ours: the second try must differ from the first (temperature 0 would repeat it)
TOKENS_PER_WORD = 1.6  # ours: English averages ~1.3 tokens a word; headroom so the answer is not cut mid-word
MIN_USABLE_WORDS = 5  # ours: fewer words is no answer to speak
GIBBERISH_SYLLABLES = ("ba", "lo", "ri", "tem", "sko", "vu", "nar", "pel", "quo", "dri", "fen", "mok", "zu", "ta")
_SENTENCE_END = re.compile(r"[.!?]$")
_PREFIX = re.compile(r"^\s*(answer|candidate|response|me)\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class WrittenAnswer:
    text: str
    source: str  # "llm" | "llm-retry" | "bank" | "code" | "twin"
    attempts: list[str] = field(default_factory=list)  # why earlier tries were not used


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass
class Truth:
    """What the spoken answer holds, known because code put it there."""

    word_count: int  # lexical words spoken (fillers not counted)
    # {"after_word": i, "word": "um"} and {"after_word": i, "seconds": s}; start_s/end_s added when spoken
    fillers: list[dict[str, Any]] = field(default_factory=list)
    pauses: list[dict[str, Any]] = field(default_factory=list)
    injected: str | None = None  # the sentence addressed to the grader, if any

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ScriptedAnswer:
    text: str  # the answer as written, after the persona's length rule (what a typed answer would be)
    pieces: list[str | Pause]  # what to speak, in order: runs of words, filler words, pauses
    truth: Truth
    silence_s: float | None = None  # the persona says nothing for this long (generator silence)


def clean_reply(raw: str) -> str:
    """The spoken answer inside an LLM reply: no label, quotes, markdown or line breaks."""
    lines = [line for line in raw.strip().splitlines() if line.strip()]
    text = " ".join(_PREFIX.sub("", line).strip(" *#-") for line in lines)
    return " ".join(text.strip().strip('"').strip("“”").split())


def usable(text: str, persona: Persona, question: str = "") -> str | None:
    """Why ``text`` cannot be this persona's answer to ``question``, or None when it can."""
    words = text.split()
    if len(words) < max(MIN_USABLE_WORDS, persona.words[0] // 2):
        return f"too short ({len(words)} words)"
    if is_injection(text):
        return "it addresses the model"
    if persona.max_question_overlap is not None:
        shared = content_words(text) & content_words(question)
        if len(shared) > persona.max_question_overlap:
            return f"not {persona.name}: it shares {len(shared)} content words with the question"
    return None


def answer_messages(persona: Persona, question: str) -> list[dict[str, str]]:
    low, high = persona.words
    if persona.mode == "roleplay":
        who, asks = "a clinician in a practice consultation", "The patient or relative says"
    else:
        who, asks = "a candidate in a practice job interview", "The interviewer asks"
    return [
        {"role": "system", "content": f"You are role-playing {who}. {persona.style} Reply with the spoken words "
                                      f"only, {low} to {high} words: no preamble, no stage directions, no lists."},
        {"role": "user", "content": f"{asks}: \"{question}\""},
    ]


def write_answer(llm: ChatLLM | None, persona: Persona, question: str, *, seed: int) -> WrittenAnswer:
    """The persona's answer to ``question`` (generator llm; see ``code_answer`` for the others)."""
    attempts: list[str] = []
    if llm is None:
        return WrittenAnswer(persona.fallback_answer, "bank", ["no LLM available"])
    max_tokens = int(persona.words[1] * TOKENS_PER_WORD) + 8
    for try_seed, temperature, source in ((seed, 0.0, "llm"), (seed + 1, RETRY_TEMPERATURE, "llm-retry")):
        reply = llm.chat(answer_messages(persona, question), max_tokens=max_tokens, temperature=temperature,
                         seed=try_seed, cache_prompt=False)
        text = clean_reply(reply.text)
        problem = usable(text, persona, question)
        if problem is None:
            return WrittenAnswer(text, source, attempts)
        attempts.append(f"seed {try_seed}: {problem}")
    return WrittenAnswer(persona.fallback_answer, "bank", attempts)


def gibberish(rng: random.Random, n_words: int) -> str:
    """Speech-like nonsense: pronounceable made-up words, in sentences."""
    words = ["".join(rng.choice(GIBBERISH_SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(n_words)]
    sentences, at = [], 0
    while at < len(words):
        size = rng.randint(5, 9)
        chunk = words[at:at + size]
        sentences.append(" ".join(chunk).capitalize() + ".")
        at += size
    return " ".join(sentences)


def code_answer(persona: Persona, *, seed: int) -> WrittenAnswer:
    """The answer of a persona made by code (generator silence or gibberish)."""
    if persona.generator == "silence":
        return WrittenAnswer("", "code")
    rng = random.Random(seed)
    return WrittenAnswer(gibberish(rng, rng.randint(*persona.words)), "code")


def inject_into(text: str, sentence: str) -> str:
    """``text`` with ``sentence`` put after its middle sentence (at the end when it has one)."""
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    at = max(1, len(sentences) // 2)
    return " ".join(sentences[:at] + [sentence] + sentences[at:])


def cut_to_words(text: str, max_words: int) -> str:
    """At most ``max_words`` words, ending at a sentence end when one is within the limit."""
    words = text.split()
    if len(words) <= max_words:
        return text
    kept = words[:max_words]
    ends = [i for i, w in enumerate(kept) if _SENTENCE_END.search(w)]
    if ends and ends[-1] >= max_words // 2:
        kept = kept[:ends[-1] + 1]
    return " ".join(kept)


def _gaps(words: list[str], count: int, rng: random.Random, *, prefer_sentence_ends: bool,
          taken: set[int]) -> list[int]:
    """``count`` word gaps (the gap after word i) away from the answer's ends and from ``taken``."""
    inner = [i for i in range(1, len(words) - 1) if i not in taken]
    if prefer_sentence_ends:
        ends = [i for i in inner if _SENTENCE_END.search(words[i])]
        if len(ends) >= count:
            return sorted(rng.sample(ends, count))
    return sorted(rng.sample(inner, min(count, len(inner))))


def script_answer(written: WrittenAnswer, persona: Persona, *, seed: int,
                  injected: str | None = None) -> ScriptedAnswer:
    """Apply the persona's rules: the length cut, the pauses (at sentence ends), the fillers (at word gaps)."""
    if persona.generator == "silence":
        return ScriptedAnswer("", [], Truth(word_count=0), silence_s=persona.silence_s)
    rng = random.Random(seed)
    text = cut_to_words(written.text, persona.words[1] + (len(injected.split()) if injected else 0))
    words = text.split()
    pause_at = _gaps(words, persona.pauses.count, rng, prefer_sentence_ends=True, taken=set())
    n_fillers = round(len(words) * persona.fillers_per_100_words / 100.0)
    filler_at = _gaps(words, n_fillers, rng, prefer_sentence_ends=False, taken=set(pause_at))
    truth = Truth(word_count=len(words), injected=injected)
    pieces: list[str | Pause] = []
    run: list[str] = []
    for i, word in enumerate(words):
        run.append(word)
        if i in pause_at or i in filler_at:
            pieces.append(" ".join(run))
            run = []
        if i in pause_at:
            pieces.append(Pause(persona.pauses.seconds))
            truth.pauses.append({"after_word": i, "seconds": persona.pauses.seconds})
        elif i in filler_at:
            filler = rng.choice(FILLER_WORDS)
            pieces.append(filler)
            truth.fillers.append({"after_word": i, "word": filler.strip(".").lower()})
    if run:
        pieces.append(" ".join(run))
    return ScriptedAnswer(text, pieces, truth)
