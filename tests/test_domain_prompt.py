"""The domain prompt Whisper hears each answer with (issue 19, item 3): how it is built from a turn,
and that with it silence and noise still give no words (the real whisper-tiny.en)."""
from __future__ import annotations

import numpy as np
import pytest

from workbench.session import Turn
from workbench.speech.domain import LEAD, MAX_PROMPT_WORDS, domain_prompt
from workbench.stages.voice import prompt_for_turn

SECONDS = 5
RATE_HZ = 16_000


def test_prompt_holds_the_question_and_its_topics_once():
    prompt = domain_prompt("How would you build a rate limiter?", ["token bucket", "per-key limits", "token bucket"])
    assert prompt == f"{LEAD} How would you build a rate limiter? Topics: token bucket, per-key limits."
    assert domain_prompt("", ()) is None and domain_prompt(None) is None
    long = domain_prompt("Why?", [f"term{i}" for i in range(500)])
    assert len(long.split()) == MAX_PROMPT_WORDS


def test_a_bank_turn_gets_its_concepts_and_another_its_question_alone():
    bank_turn = Turn(index=0, question="How would you build a rate limiter for a public API?",
                     question_id="swe-design-rate-limiter")
    assert "token bucket or sliding window" in prompt_for_turn(bank_turn)
    foreign = Turn(index=1, question="Tell me about your garden.", question_id="not-in-any-bank")
    assert prompt_for_turn(foreign) == f"{LEAD} Tell me about your garden."
    assert prompt_for_turn(Turn(index=2, question="")) is None


@pytest.mark.parametrize("kind", ["silence", "noise"])
def test_silence_and_noise_give_no_words_with_a_prompt(kind):
    from workbench.speech.stt import transcribe

    samples = (np.zeros(SECONDS * RATE_HZ, dtype=np.float32) if kind == "silence"
               else np.random.default_rng(0).normal(0, 0.05, SECONDS * RATE_HZ).astype(np.float32))
    prompt = prompt_for_turn(Turn(index=0, question="How would you design a URL shortener?",
                                  question_id="swe-design-url-shortener"))
    transcript = transcribe(samples, model_id="whisper-tiny.en", domain_prompt=prompt)
    assert transcript.words == [] and not transcript.speech_detected
