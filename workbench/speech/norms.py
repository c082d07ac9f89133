"""Named bands for the voice measures, each with its source. A value is "low", "in" or "high".

These are coaching norms for spoken English, not clinical ones: they flag what a speaking coach
would mention. Where no published figure fits an interview answer, the band says "ours".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Speaking rate, words per minute.
# Conversation: 110-150 wpm, presentations 140-160 wpm, the figures speaking coaches quote
# (issue 3; e.g. the National Center for Voice and Speech's "average conversational rate ... about
# 150 wpm"). An interview answer is conversational, so it is the default context.
CONVERSATION_WPM_LOW = 110.0
CONVERSATION_WPM_HIGH = 150.0
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
# Pause ratio: share of the speaking time (first to last word) spent in silent pauses.
# Goldman-Eisler (1968): 40-50% pause time in spontaneous speech, far less in reading; ours: above
# 40% an answer sounds hesitant, under 5% it sounds rushed.
PAUSE_RATIO_LOW = 0.05
PAUSE_RATIO_HIGH = 0.40
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


@dataclass(frozen=True)
class Band:
    measure: str
    low: float | None  # None: no lower limit
    high: float | None  # None: no upper limit
    unit: str
    source: str

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


CONTEXTS = ("conversation", "presentation")


def bands(context: str = "conversation") -> dict[str, Band]:
    """The bands in force for ``context`` ("conversation", the interview default, or "presentation")."""
    if context not in CONTEXTS:
        raise ValueError(f"context must be one of {CONTEXTS}")
    wpm_low, wpm_high = (
        (CONVERSATION_WPM_LOW, CONVERSATION_WPM_HIGH) if context == "conversation"
        else (PRESENTATION_WPM_LOW, PRESENTATION_WPM_HIGH)
    )
    return {b.measure: b for b in (
        Band("words_per_minute", wpm_low, wpm_high, "words/min", f"coaching norm for {context} (issue 3, NCVS)"),
        Band("articulation_rate_wpm", ARTICULATION_WPM_LOW, ARTICULATION_WPM_HIGH, "words/min",
             "Goldman-Eisler 1968 syllable rates, converted (ours)"),
        Band("fillers_per_100_words", None, FILLERS_PER_100_WORDS_HIGH, "per 100 words",
             "Bortfeld et al. 2001 filler rates (limit ours)"),
        Band("pause_ratio", PAUSE_RATIO_LOW, PAUSE_RATIO_HIGH, "fraction", "Goldman-Eisler 1968 (limits ours)"),
        Band("pause_longest_s", None, PAUSE_LONGEST_S_HIGH, "s", "ours"),
        Band("pitch_variability_semitones", PITCH_VARIABILITY_SEMITONES_LOW, PITCH_VARIABILITY_SEMITONES_HIGH,
             "semitones", "Hincks 2005 pitch dynamism, converted (ours)"),
        Band("loudness_variability_db", LOUDNESS_VARIABILITY_DB_LOW, LOUDNESS_VARIABILITY_DB_HIGH, "dB", "ours"),
    )}


def classify_all(metrics: dict[str, Any], context: str = "conversation") -> dict[str, dict[str, Any]]:
    """For every banded measure in ``metrics``: its value, band and limits with their source."""
    return {name: band.to_json(metrics.get(name)) for name, band in bands(context).items()}
