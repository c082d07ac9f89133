"""A text normaliser for word error rate, in the spirit of Whisper's English normaliser
(Radford et al. 2022, appendix C): case, punctuation, hyphens, numbers, common abbreviations and
filled pauses, so WER counts recognition errors and not "10" against "ten"."""
from __future__ import annotations

import re

from workbench.speech.lexicon import is_filled_pause

ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
ABBREVIATIONS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "st": "saint", "vs": "versus", "ok": "okay"}
_NUMBER = re.compile(r"\d+")


def number_to_words(n: int) -> str:
    """English words for 0 <= n < 1,000,000 ("42" -> "forty two"); larger numbers stay digits."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + number_to_words(rest))
    if n < 1_000_000:
        rest = n % 1000
        return number_to_words(n // 1000) + " thousand" + ("" if rest == 0 else " " + number_to_words(rest))
    return str(n)


def normalise(text: str, *, drop_fillers: bool = True) -> str:
    """Lower-case words separated by single spaces, numbers spelled out, punctuation removed."""
    text = text.lower().replace("%", " percent")
    text = re.sub(r"(\d),(\d)", r"\1\2", text)  # 1,000 -> 1000
    text = _NUMBER.sub(lambda m: " " + number_to_words(int(m.group())) + " ", text)
    text = re.sub(r"[-_/]", " ", text)
    text = re.sub(r"[^\w' ]+", " ", text)
    text = text.replace("'", "")  # "don't" and "dont" are the same word here
    words = [ABBREVIATIONS.get(w, w) for w in text.split()]
    if drop_fillers:  # from reference and hypothesis alike (Whisper's normaliser does the same)
        words = [w for w in words if not is_filled_pause(w)]
    return " ".join(words)


def word_error_rate(references: list[str], hypotheses: list[str]) -> dict[str, float | int]:
    """Corpus WER (jiwer) after normalising both sides; also the substitution/deletion/insertion counts."""
    import jiwer

    refs = [normalise(r) for r in references]
    hyps = [normalise(h) for h in hypotheses]
    keep = [i for i, r in enumerate(refs) if r]
    out = jiwer.process_words([refs[i] for i in keep], [hyps[i] for i in keep])
    return {
        "wer": round(out.wer, 4),
        "substitutions": out.substitutions,
        "deletions": out.deletions,
        "insertions": out.insertions,
        "reference_words": sum(len(refs[i].split()) for i in keep),
    }
