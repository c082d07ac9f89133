"""The one filler/hedge lexicon and the one words-per-minute formula."""
from __future__ import annotations

import pytest

from workbench.speech.lexicon import (
    CONTENTLESS_WORDS, FILLED_PAUSES, HEDGE_PATTERN, SET_OFF_MARKERS, TWO_WORD_MARKERS, is_filled_pause, text_fillers,
)
from workbench.speech.rates import MIN_WORDS_FOR_RATE, words_per_minute


def test_every_filled_pause_and_its_drawn_out_spelling_is_one():
    for token in FILLED_PAUSES:
        assert is_filled_pause(token), token
        assert is_filled_pause(token.capitalize() + ","), token
    for token in ("ummm", "Uhhh.", "hmmm", "mmm"):
        assert is_filled_pause(token), token


@pytest.mark.parametrize("word", ["err", "her", "umbrella", "ahead", "ever", "more", "so", "like", "", "-"])
def test_words_that_only_look_like_filled_pauses_are_not(word):
    assert not is_filled_pause(word)


def test_plain_text_fillers_in_order_with_meaningful_like_kept_out():
    text = "Um, so I would like to say, you know, it was like, uh, basically fine. It looks like rain. I mean it."
    assert text_fillers(text) == ["um", "you know", "like", "uh", "basically", "i mean"]


def test_two_word_markers_across_white_space():
    assert text_fillers("kind\nof odd, sort  of") == ["kind of", "sort of"]


def test_hedge_pattern_counts_fillers_and_hedges_but_not_like():
    found = [m.group(0).lower() for m in HEDGE_PATTERN.finditer("Hmm, I guess it was like, um, more or less done.")]
    assert found == ["hmm", "i guess", "um", "more or less"]


def test_contentless_words_hold_the_markers_and_pauses():
    assert FILLED_PAUSES | SET_OFF_MARKERS <= CONTENTLESS_WORDS
    assert all(len(pair) == 2 for pair in TWO_WORD_MARKERS)
    assert "yeah" in CONTENTLESS_WORDS and "project" not in CONTENTLESS_WORDS


def test_words_per_minute():
    assert words_per_minute(150, 60.0) == 150.0
    assert words_per_minute(10, 4.0) == 150.0
    assert words_per_minute(MIN_WORDS_FOR_RATE, 1.0) == 180.0
    assert words_per_minute(MIN_WORDS_FOR_RATE - 1, 1.0) is None
    assert words_per_minute(100, 0.0) is None
    assert words_per_minute(100, None) is None
    assert words_per_minute(100, -3.0) is None
