"""The one filler and hedge lexicon: filled pauses, discourse markers, hedges, and the plain-text
patterns that count them. Every module that names a filler imports it from here.

Two readers use it. The voice analysis (``speech.fillers``) has word timings and punctuation, so a
discourse marker counts only when set off from the sentence. Plain text (a typed answer, the live
transcript, a role-play turn) has no timings: ``text_fillers`` counts filled pauses, the two-word
markers, "basically" and "like" (not after a verb or comparison word, ``LIKE_MEANINGFUL_AFTER``).
"""
from __future__ import annotations

import re

# Filled pauses: "um"/"uh" and their spellings (Clark & Fox Tree 2002 for um/uh; the spellings are
# those Whisper writes, ours). Always fillers, wherever they stand. Test a token with ``is_filled_pause``,
# which also accepts the drawn-out spellings ("ummm").
FILLED_PAUSES = frozenset({"um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "eh", "hmm", "mm", "mhm"})
# Discourse markers that are fillers only when set off from the sentence (by a comma or a pause):
# "So, um, we..." is a filler, "so that we could" is not (ours, following Fox Tree & Schrock 2002).
SET_OFF_MARKERS = frozenset({"like", "so", "well", "actually", "basically", "literally", "right", "okay", "ok"})
TWO_WORD_MARKERS = (("you", "know"), ("i", "mean"), ("kind", "of"), ("sort", "of"))
# "like" after these is a verb or a comparison, never a filler ("I would like", "looks like").
LIKE_MEANINGFUL_AFTER = frozenset({
    "would", "i'd", "we'd", "you'd", "they'd", "feel", "felt", "feels", "look", "looks", "looked",
    "sound", "sounds", "seem", "seems", "something", "anything", "nothing", "just", "more", "much", "didn't",
    "don't", "not", "really",
})
# Words that carry no content on their own: an answer made only of them says nothing (the scorer's
# only-fillers guard). The filled pauses and markers, plus the backchannel "yeah" (ours).
CONTENTLESS_WORDS = FILLED_PAUSES | SET_OFF_MARKERS | frozenset({"yeah"})
# Markers counted in plain text, where "set off" cannot be judged: those rarely meant literally (ours).
PLAIN_TEXT_MARKERS = ("basically", "like")
# Hedges in written or spoken form (ours): phrases that weaken a claim or trail off.
HEDGE_PHRASES = (
    r"i guess", r"i suppose", r"honestly", r"or something", r"or whatever", r"and stuff", r"and so on",
    r"i don'?t (really )?remember", r"i'?m not (totally |really )?sure", r"more or less", r"somehow",
    r"or maybe", r"i think",
)

# One regular expression per filled pause, allowing the drawn-out spellings ("ummm", "uhhh", "hmmm").
FILLED_PAUSE_TEXT = r"um+|uh+|uhm+|erm+|er|ah+|eh|hm+|mm+|mhm"
_TWO_WORD_TEXT = "|".join(rf"{a}\s+{b}" for a, b in TWO_WORD_MARKERS)
# Fillers in plain text: filled pauses, two-word markers and ``PLAIN_TEXT_MARKERS`` (``text_fillers``
# drops a "like" that follows a word of ``LIKE_MEANINGFUL_AFTER``).
FILLER_TEXT_PATTERN = re.compile(
    rf"\b({FILLED_PAUSE_TEXT}|{_TWO_WORD_TEXT}|{'|'.join(PLAIN_TEXT_MARKERS)})\b", re.IGNORECASE)
# Fillers and hedges together in plain text (the communication score's hedging part): the filled pauses,
# the two-word markers, "basically" and the hedge phrases; "like" is left out (too often literal).
HEDGE_PATTERN = re.compile(
    rf"\b({FILLED_PAUSE_TEXT}|{_TWO_WORD_TEXT}|basically|{'|'.join(HEDGE_PHRASES)})\b", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"([\w']+)\s+$")  # the word just before a match, white space only between


def is_filled_pause(token: str) -> bool:
    """True for a filled pause written as one token ("Um,", "uhh", "Hmm."), punctuation ignored."""
    return re.fullmatch(FILLED_PAUSE_TEXT, token.lower().strip(" ,.?!;:-'\"")) is not None


def text_fillers(text: str) -> list[str]:
    """The fillers in plain text, in order, lower case, white space in two-word markers made one space."""
    found = []
    for match in FILLER_TEXT_PATTERN.finditer(text or ""):
        filler = " ".join(match.group(0).lower().split())
        if filler == "like":
            before = _WORD_BEFORE.search(text[:match.start()])
            if before and before.group(1).lower() in LIKE_MEANINGFUL_AFTER:
                continue
        found.append(filler)
    return found
