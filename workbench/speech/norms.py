"""The one home of the voice norms: a band per measure, with its source. A value is "low", "in" or "high".

These are coaching norms for spoken English, not clinical ones: they flag what a speaking coach
would mention. Where no published figure fits an interview answer, the band says "ours".

The communication score (``workbench.scoring.communication``) reads the same bands: full credit
inside a band, a linear ramp to zero credit at the band's named zero limits (``zero_low`` and
``zero_high``, set only for the measures the score uses). So the voice table's verdict and the
score's reason cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Speaking rate, words per minute (pauses included). The National Center for Voice and Speech puts the
# average conversational rate of US English at about 150 wpm; Lucas (2004, The Art of Public Speaking,
# 8th ed., p. 300) calls 125-150 wpm usual. An interview answer is conversational. The band is centred
# on the 150 wpm mean (edges ours), so an average speaker is not flagged as fast.
CONVERSATION_WPM_LOW = 120.0
CONVERSATION_WPM_HIGH = 170.0
CONVERSATION_WPM_ZERO_LOW = 70.0  # ours: at this pace or slower an answer gets no pace credit
CONVERSATION_WPM_ZERO_HIGH = 230.0  # ours: at this pace or faster an answer gets no pace credit
# Presentations run slower and steadier than conversation (ours, after the NCVS mean above).
PRESENTATION_WPM_LOW = 140.0
PRESENTATION_WPM_HIGH = 160.0
# Articulation rate (pauses excluded) runs higher than speaking rate. Goldman-Eisler (1968):
# articulation rate varies little, about 4.4-5.9 syllables/s; at ~1.4 syllables per English word
# that is about 190-250 words per minute (the wpm conversion is ours).
ARTICULATION_WPM_LOW = 150.0  # ours: a margin under the conversion above, for careful speakers
ARTICULATION_WPM_HIGH = 250.0
# Fillers per 100 words. Bortfeld et al. (2001, Language and Speech 44(2)) counted about 1.3 filled
# pauses ("uh", "um") per 100 words in conversation and about 6 disfluencies of all kinds per 100
# words. Our counts include discourse-marker fillers ("like", "you know"), so the limit is 3.
FILLERS_PER_100_WORDS_HIGH = 3.0  # ours, from the figures above
FILLERS_PER_100_WORDS_ZERO = 8.0  # ours: beyond Bortfeld et al.'s ~6 disfluencies of all kinds, no filler credit
# Pause ratio: share of the speaking time (first to last word) spent in silent pauses.
# Goldman-Eisler (1968): 40-50% pause time in spontaneous speech, far less in reading; ours: above
# 40% an answer sounds hesitant, under 5% it sounds rushed.
PAUSE_RATIO_LOW = 0.05
PAUSE_RATIO_HIGH = 0.40
PAUSE_RATIO_ZERO_LOW = 0.0  # ours: an answer without a single silent pause gets no pause credit
PAUSE_RATIO_ZERO_HIGH = 0.60  # ours: past Goldman-Eisler's 50% the answer is more silence than speech
# Longest pause: ours. Above 3 s the listener wonders whether the speaker has finished.
PAUSE_LONGEST_S_HIGH = 3.0
# Pitch variability (SD of F0 in semitones). Hincks (2005, "Measures and perceptions of liveliness
# in student oral presentation speech") found a pitch dynamism quotient (SD/mean of F0) under about
# 0.11 rated monotonous, that is about 1.8 semitones (conversion ours); above 6 semitones is ours.
PITCH_VARIABILITY_SEMITONES_LOW = 1.8
PITCH_VARIABILITY_SEMITONES_HIGH = 6.0
# Loudness variability (SD of RMS dB over sounding frames): ours; under 3 dB sounds flat.
LOUDNESS_VARIABILITY_DB_LOW = 3.0
LOUDNESS_VARIABILITY_DB_HIGH = 12.0

CONTEXTS = ("conversation", "presentation")
DEFAULT_CONTEXT = "conversation"  # an interview answer is conversational speech


@dataclass(frozen=True)
class Band:
    """The norm of one measure: in band from ``low`` to ``high``; credit reaches zero at ``zero_low``
    / ``zero_high`` (None: the measure is not scored on that side, or not scored at all)."""

    measure: str  # the key the stage stores the value under, e.g. "words_per_minute"
    unit: str  # "words/min", "per 100 words", "fraction", "s", "semitones", "dB"
    low: float | None  # None: no lower limit
    high: float | None  # None: no upper limit
    source: str  # the publication, or "ours"
    zero_low: float | None = None  # at or below this value, no credit (scored measures only)
    zero_high: float | None = None  # at or above this value, no credit (scored measures only)

    def classify(self, value: float | None) -> str | None:
        """``"low"``, ``"in"`` or ``"high"``; None when the value is None (not measurable)."""
        if value is None:
            return None
        if self.low is not None and value < self.low:
            return "low"
        if self.high is not None and value > self.high:
            return "high"
        return "in"

    def to_json(self, value: float | None) -> dict[str, Any]:
        return {"value": value, "band": self.classify(value), "low": self.low, "high": self.high,
                "unit": self.unit, "source": self.source}


def bands(context: str = DEFAULT_CONTEXT) -> list[Band]:
    """The voice bands in force for ``context`` ("conversation", the interview default, or "presentation"),
    in reading order."""
    if context not in CONTEXTS:
        raise ValueError(f"context must be one of {CONTEXTS}")
    if context == "conversation":
        pace = Band("words_per_minute", "words/min", CONVERSATION_WPM_LOW, CONVERSATION_WPM_HIGH,
                    "National Center for Voice and Speech mean of ~150 wpm for conversation; "
                    "Lucas 2004, The Art of Public Speaking (band edges ours)",
                    zero_low=CONVERSATION_WPM_ZERO_LOW, zero_high=CONVERSATION_WPM_ZERO_HIGH)
    else:
        pace = Band("words_per_minute", "words/min", PRESENTATION_WPM_LOW, PRESENTATION_WPM_HIGH,
                    "ours, after the National Center for Voice and Speech mean of ~150 wpm")
    return [
        pace,
        Band("articulation_rate_wpm", "words/min", ARTICULATION_WPM_LOW, ARTICULATION_WPM_HIGH,
             "Goldman-Eisler 1968, Psycholinguistics: syllable rates, converted to words (ours)"),
        Band("fillers_per_100_words", "per 100 words", None, FILLERS_PER_100_WORDS_HIGH,
             "Bortfeld et al. 2001, Language and Speech 44(2): filler rates (limit ours)",
             zero_high=FILLERS_PER_100_WORDS_ZERO),
        Band("pause_ratio", "fraction", PAUSE_RATIO_LOW, PAUSE_RATIO_HIGH,
             "Goldman-Eisler 1968, Psycholinguistics: pause time in spontaneous speech (limits ours)",
             zero_low=PAUSE_RATIO_ZERO_LOW, zero_high=PAUSE_RATIO_ZERO_HIGH),
        Band("pause_longest_s", "s", None, PAUSE_LONGEST_S_HIGH, "ours"),
        Band("pitch_variability_semitones", "semitones", PITCH_VARIABILITY_SEMITONES_LOW,
             PITCH_VARIABILITY_SEMITONES_HIGH,
             "Hincks 2005, pitch dynamism in student presentations, converted to semitones (ours)"),
        Band("loudness_variability_db", "dB", LOUDNESS_VARIABILITY_DB_LOW, LOUDNESS_VARIABILITY_DB_HIGH, "ours"),
    ]


def band(measure: str, context: str = DEFAULT_CONTEXT) -> Band:
    """The band of one measure (``KeyError`` for a measure without a band)."""
    found = {b.measure: b for b in bands(context)}
    return found[measure]


def classify_all(metrics: dict[str, Any], context: str = DEFAULT_CONTEXT) -> dict[str, dict[str, Any]]:
    """For every banded measure in ``metrics``: its value, band and limits with their source."""
    return {b.measure: b.to_json(metrics.get(b.measure)) for b in bands(context)}
