"""Whisper's prompt for one answer: the question and the words of its field, so that "cache" is not
heard as "cash" nor "error handling" as "air handling" (issue 19, item 3).

    from workbench.speech.domain import domain_prompt
    domain_prompt("How would you design a URL shortener?", ["key generation", "read-heavy caching"])

The live interview and the voice stage build it from a turn (``interview.intake.domain_prompt_for``: the
question and, for a bank question, its concepts).

faster-whisper passes the prompt as the text before the audio (``initial_prompt``); Whisper keeps at
most 223 prompt tokens, so the prompt is cut to ``MAX_PROMPT_WORDS`` words. The known failure of a
prompt, words copied from it into silence, is held off where it always was: the voice-activity
filter, the no-speech test per segment and ``stt.drop_words_in_silence`` (``tests/test_domain_prompt.py``
checks silence and noise with a prompt).
"""
from __future__ import annotations

from collections.abc import Sequence

MAX_PROMPT_WORDS = 90  # ours: ~120 tokens, well under Whisper's 223-token prompt window
LEAD = "An interview answer."  # ours: tells the decoder what follows (spoken, first person)


def domain_prompt(question: str | None, concepts: Sequence[str] = ()) -> str | None:
    """The prompt for an answer to ``question``: the question, then its concept words, cut to
    ``MAX_PROMPT_WORDS`` words. None when there is nothing to say."""
    question = " ".join((question or "").split())
    terms = [" ".join(t.split()) for t in concepts if t and t.strip()]
    if not question and not terms:
        return None
    text = f"{LEAD} {question}" + (f" Topics: {', '.join(dict.fromkeys(terms))}." if terms else "")
    words = text.split()
    return " ".join(words[:MAX_PROMPT_WORDS])
