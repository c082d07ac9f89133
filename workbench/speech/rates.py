"""Words per minute: the one formula, used by the voice analysis, the live feedback and the summaries."""
from __future__ import annotations

MIN_WORDS_FOR_RATE = 3  # ours: a rate from fewer than 3 words is noise


def words_per_minute(word_count: int, duration_s: float | None) -> float | None:
    """``word_count`` words over ``duration_s`` seconds, in words per minute rounded to 0.1, or None when
    there are fewer than ``MIN_WORDS_FOR_RATE`` words or no positive duration."""
    if word_count < MIN_WORDS_FOR_RATE or not duration_s or duration_s <= 0:
        return None
    return round(word_count / duration_s * 60.0, 1)
