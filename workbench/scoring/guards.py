"""Input checks run before any scoring: empty, too short, too long, not English, code, emoji,
only fillers, and instructions aimed at the grader (prompt injection).

The answer is data. Sentences that address the grader are removed before any component sees the
text, the flag ``injection_detected`` is raised and the overall score takes a penalty, so an
instruction inside an answer can only lower its score, never raise it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

from workbench.injection import is_injection
from workbench.scoring.nlp import words
from workbench.speech.lexicon import CONTENTLESS_WORDS, is_filled_pause

MIN_WORDS = 15  # ours: below this an interview answer cannot show structure or evidence
MAX_WORDS = 1_500  # ours: about 10 minutes of speech at 150 words/min; longer text is cut
MIN_STOPWORD_SHARE = 0.18  # ours: English prose runs at 40-55% stop words; other languages near 0
MIN_LETTER_SHARE = 0.5  # ours: share of non-space characters that are letters in prose
CODE_SYMBOL_SHARE = 0.08  # ours: share of characters in {}();=<>[] typical of source code
FILLER_ONLY_SHARE = 0.8  # ours: an answer made of 80%+ fillers says nothing

EMOJI_CATEGORIES = {"So", "Sk", "Cs"}  # unicode: other symbols (emoji), modifier symbols, surrogates


@dataclass
class GuardResult:
    """What the checks found: the text to score (injection removed) and flags with reasons."""

    clean_text: str
    word_count: int
    flags: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    injected_sentences: list[str] = field(default_factory=list)

    def add(self, flag: str, reason: str) -> None:
        if flag not in self.flags:
            self.flags.append(flag)
            self.reasons.append(reason)


SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")


def check_answer(answer: str | None) -> GuardResult:
    """Run every input check on an answer and return the text to score plus flags.

    Never raises on content: empty, huge, foreign or hostile text comes back flagged.
    """
    text = unicodedata.normalize("NFC", answer or "").replace("\x00", " ").strip()
    kept, injected = [], []
    for sentence in SENTENCE_SPLIT.split(text):
        (injected if sentence.strip() and is_injection(sentence) else kept).append(sentence)
    clean = " ".join(s.strip() for s in kept if s.strip())
    tokens = words(clean)
    if len(tokens) > MAX_WORDS:  # cut at a word boundary after MAX_WORDS words
        cut = [m.end() for m in re.finditer(r"[A-Za-z]+(?:['’][A-Za-z]+)?", clean)][MAX_WORDS - 1]
        clean = clean[:cut]
    result = GuardResult(clean_text=clean, word_count=len(tokens), injected_sentences=injected)
    if injected:
        result.add("injection_detected",
                   f"{len(injected)} sentence(s) address the grader instead of the interviewer; "
                   "they were ignored and the score was lowered")
    if not text:
        result.add("empty", "the answer is empty")
        return result
    non_space = [c for c in text if not c.isspace()]
    emoji = sum(1 for c in non_space if unicodedata.category(c) in EMOJI_CATEGORIES)
    letters = sum(1 for c in non_space if c.isalpha())
    if emoji and emoji >= 0.2 * max(1, len(tokens)):
        result.add("emoji", "the answer is mostly emoji or symbols")
    code_symbols = sum(1 for c in non_space if c in "{}();=<>[]")
    if non_space and code_symbols / len(non_space) >= CODE_SYMBOL_SHARE:
        result.add("code", "the answer looks like source code, not a spoken or written explanation")
    if len(tokens) == 0:
        result.add("no_words", "the answer contains no English words")
    elif letters / max(1, len(non_space)) < MIN_LETTER_SHARE and "code" not in result.flags:
        result.add("symbols", "most of the answer is not letters")
    lower = [t.lower() for t in tokens]
    if lower and sum(t in CONTENTLESS_WORDS or is_filled_pause(t) for t in lower) / len(lower) >= FILLER_ONLY_SHARE:
        result.add("only_fillers", "the answer is made of filler words")
    if len(tokens) >= 5 and sum(t in STOP_WORDS for t in lower) / len(lower) < MIN_STOPWORD_SHARE:
        result.add("non_english", "the answer does not read as English; the scorer is English-only")
    alpha_chars = sum(1 for c in text if c.isalpha())
    ascii_alpha = sum(1 for c in text if c.isascii() and c.isalpha())
    if alpha_chars >= 20 and ascii_alpha / alpha_chars < 0.5:
        result.add("non_english", "the answer is mostly in a non-Latin script; the scorer is English-only")
    if 0 < len(tokens) < MIN_WORDS:
        result.add("too_short", f"the answer has {len(tokens)} words; at least {MIN_WORDS} are needed "
                                "to show context, action and result")
    if len(tokens) > MAX_WORDS:
        result.add("too_long", f"the answer has {len(tokens)} words; only the first {MAX_WORDS} were scored")
    return result


BLOCKING_FLAGS = frozenset({"empty", "no_words", "only_fillers", "non_english", "emoji", "code", "symbols"})
