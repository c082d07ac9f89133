"""Communication: readability, lexical diversity, grammar signals, length, and (when the answer
was spoken) pace, fillers and pauses from the voice metrics.

Readability is Flesch Reading Ease from ``textstat`` with Pyphen syllables (no NLTK, no network).
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np

from workbench.scoring.nlp import textstat_offline
from workbench.scoring.prepared import PreparedAnswer, component, ramp
from workbench.speech.lexicon import HEDGE_PATTERN, text_fillers
from workbench.speech.norms import DEFAULT_CONTEXT, Band, bands
from workbench.speech.voice import VoiceMetrics

# Flesch (1948): 60-70 is "plain English"; 50-60 "fairly difficult". Spoken answers score higher.
FLESCH_GOOD_MIN = 50.0  # below this the text gets hard to follow when heard (ours, after Flesch 1948)
FLESCH_ZERO = 10.0  # ours: at this ease the text is academic prose, no readability credit
MATTR_WINDOW_WORDS = 50  # Covington & McFall (2010) moving-average type-token ratio; window ours
MATTR_GOOD = 0.72  # ours: typical of varied conversational English
MATTR_POOR = 0.45  # ours: heavy repetition
LONG_SENTENCE_WORDS = 40  # ours: a run-on when spoken
IDEAL_WORDS = (80, 350)  # ours: about 35 s to 2.5 min at 140 words/min
TOO_LONG_WORDS = 700  # ours: about 5 min spoken: length credit reaches 0
# Pace, fillers and pauses are scored against the voice norms (workbench.speech.norms): full credit
# inside a band, a linear ramp to zero at the band's zero limits. The report shows the same bands.
VOICE_PARTS = (("pace", "words_per_minute"), ("fillers", "fillers_per_100_words"), ("pauses", "pause_ratio"))
HEDGES_GOOD_PER_100 = 1.0  # ours: a confident written or spoken answer hedges rarely
HEDGES_POOR_PER_100 = 6.0  # ours: rambling answers in the validity set run at 8-15 per 100 words
TEXT_WEIGHTS = {"readability": 0.15, "lexical_diversity": 0.2, "grammar": 0.2, "length": 0.2,
                "hedging": 0.25}  # ours
VOICE_WEIGHT = 0.4  # ours: with voice metrics, they make up 40% of communication
REPEATED_WORD = re.compile(r"\b(\w+)\s+\1\b", re.I)


def _mattr(tokens: list[str]) -> float:
    if not tokens:
        return 0.0
    if len(tokens) <= MATTR_WINDOW_WORDS:
        return len(set(tokens)) / len(tokens)
    ratios = [len(set(tokens[i:i + MATTR_WINDOW_WORDS])) / MATTR_WINDOW_WORDS
              for i in range(0, len(tokens) - MATTR_WINDOW_WORDS + 1, 5)]
    return float(np.mean(ratios))


def _grammar(prepared: PreparedAnswer) -> tuple[float, dict[str, Any], list[str]]:
    sents = [s for s in prepared.doc.sents if any(t.is_alpha for t in s)]
    if not sents:
        return 0.0, {}, ["no sentences"]
    fragments = [s.text for s in sents if not any(t.pos_ in {"VERB", "AUX"} for t in s)]
    run_ons = [s.text for s in sents if sum(t.is_alpha for t in s) > LONG_SENTENCE_WORDS]
    repeats = REPEATED_WORD.findall(prepared.text)
    lower_starts = [s.text for s in sents if s.text[:1].islower()]
    n = len(sents)
    penalty = (len(fragments) / n) * 0.4 + (len(run_ons) / n) * 0.3 + min(1, len(repeats) / 3) * 0.2 \
        + (len(lower_starts) / n) * 0.1
    reasons = []
    if fragments:
        reasons.append(f"{len(fragments)} sentence(s) without a verb")
    if run_ons:
        reasons.append(f"{len(run_ons)} sentence(s) over {LONG_SENTENCE_WORDS} words")
    if repeats:
        reasons.append(f"repeated words: {', '.join(sorted(set(r.lower() for r in repeats))[:4])}")
    details = {"sentences": n, "fragments": len(fragments), "run_on_sentences": len(run_ons),
               "repeated_words": len(repeats), "lowercase_starts": len(lower_starts)}
    return max(0.0, 1 - penalty), details, reasons


def band_credit(value: float, band: Band) -> float:
    """1 inside ``band``, falling linearly to 0 at its zero limits (a side without one stays at 1)."""
    if band.low is not None and value < band.low:
        return ramp(value, band.zero_low, band.low) if band.zero_low is not None else 1.0
    if band.high is not None and value > band.high:
        return ramp(value, band.zero_high, band.high) if band.zero_high is not None else 1.0
    return 1.0


def _shown(value: float, unit: str) -> str:
    return f"{value:.0%}" if unit == "fraction" else f"{value:g} {unit}"


def _band_text(band: Band) -> str:
    if band.low is not None and band.high is not None:
        if band.unit == "fraction":
            return f"{band.low:.0%}-{band.high:.0%}"
        return f"{band.low:g}-{band.high:g} {band.unit}"
    if band.high is not None:
        return f"at most {_shown(band.high, band.unit)}"
    return f"at least {_shown(band.low, band.unit)}"


def _voice_reason(part: str, value: float, band: Band) -> str:
    verdict = band.classify(value)
    if part == "pace":
        return f"pace {value:.0f} words/min is {'slow' if verdict == 'low' else 'fast'} (aim for {_band_text(band)})"
    if part == "fillers":
        return f"{value:.1f} fillers per 100 words (aim for {_band_text(band)})"
    if verdict == "low":
        return f"only {value:.0%} of the time is silence: pause between ideas (aim for {_band_text(band)})"
    return f"{value:.0%} of the time is silence (aim for {_band_text(band)})"


def _voice_parts(voice: VoiceMetrics | None,
                 context: str = DEFAULT_CONTEXT) -> tuple[dict[str, float], list[str]]:
    """Credit 0-1 and a reason for each voice measure outside its band (``speech.norms.bands``)."""
    parts, reasons = {}, []
    if voice is None or not voice.speech_detected:
        return parts, reasons
    in_force = {b.measure: b for b in bands(context)}
    for part, measure in VOICE_PARTS:
        value = getattr(voice, measure)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            continue
        if measure == "words_per_minute" and value == 0:
            continue  # no words: no pace
        if measure == "pause_ratio" and value > 1:
            continue
        band = in_force[measure]
        parts[part] = band_credit(float(value), band)
        if band.classify(value) != "in":
            reasons.append(_voice_reason(part, float(value), band))
    return parts, reasons


def score_communication(prepared: PreparedAnswer, voice: VoiceMetrics | None = None) -> dict:
    """Communication 0-100. Text signals always; voice signals when the answer was spoken (``voice``,
    the voice stage's metrics: ``words_per_minute``, ``fillers_per_100_words``, ``pause_ratio``).
    ``details``: ``flesch_reading_ease``, ``mattr``, grammar counts, ``text_fillers_per_100_words``,
    ``parts`` (each 0-1).
    """
    textstat = textstat_offline()
    tokens = [w.lower() for w in prepared.word_tokens]
    flesch = float(textstat.flesch_reading_ease(prepared.text)) if tokens else 0.0
    mattr = _mattr(tokens)
    grammar, grammar_details, reasons = _grammar(prepared)
    n = len(tokens)
    length = 1.0 if IDEAL_WORDS[0] <= n <= IDEAL_WORDS[1] else (
        ramp(n, 0, IDEAL_WORDS[0]) if n < IDEAL_WORDS[0] else ramp(n, TOO_LONG_WORDS, IDEAL_WORDS[1]))
    hedges = [m.group(0).lower() for m in HEDGE_PATTERN.finditer(prepared.text)]
    hedges_per_100 = 100 * len(hedges) / max(1, n)
    parts = {
        "readability": ramp(flesch, FLESCH_ZERO, FLESCH_GOOD_MIN),
        "lexical_diversity": ramp(mattr, MATTR_POOR, MATTR_GOOD),
        "grammar": grammar,
        "length": length,
        "hedging": ramp(hedges_per_100, HEDGES_POOR_PER_100, HEDGES_GOOD_PER_100) if n else 0.0,
    }
    text_score = sum(TEXT_WEIGHTS[k] * v for k, v in parts.items())
    fillers_per_100 = 100 * len(text_fillers(prepared.text)) / max(1, n)
    if flesch < FLESCH_GOOD_MIN and tokens:
        reasons.append(f"hard to follow (Flesch reading ease {flesch:.0f}): shorter sentences and words")
    if mattr < MATTR_GOOD and n >= 20:
        reasons.append(f"repetitive wording (MATTR {mattr:.2f})")
    if n > IDEAL_WORDS[1]:
        reasons.append(f"{n} words: longer than needed (aim for {IDEAL_WORDS[0]}-{IDEAL_WORDS[1]})")
    elif n < IDEAL_WORDS[0]:
        reasons.append(f"{n} words: too brief to show context, action and result")
    if hedges_per_100 > HEDGES_GOOD_PER_100 and n >= 20:
        reasons.append(f"{hedges_per_100:.0f} fillers or hedges per 100 words "
                       f"(e.g. {', '.join(sorted(set(hedges))[:3])})")
    voice_parts, voice_reasons = _voice_parts(voice)
    reasons += voice_reasons
    score = text_score
    if voice_parts:
        score = (1 - VOICE_WEIGHT) * text_score + VOICE_WEIGHT * float(np.mean(list(voice_parts.values())))
    return component(
        100 * score, reasons=reasons,
        details={"flesch_reading_ease": round(flesch, 1), "mattr": round(mattr, 3),
                 "word_count": n, "text_fillers_per_100_words": round(fillers_per_100, 2),
                 "hedges_per_100_words": round(hedges_per_100, 2),
                 **grammar_details, "voice_used": sorted(voice_parts),
                 "parts": {k: round(v, 3) for k, v in {**parts, **voice_parts}.items()}},
    )
