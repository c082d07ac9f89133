"""The domain prompt Whisper hears each answer with (issue 19, item 3): how it is built from a turn,
that with it silence and noise still give no words, in the report's voice analysis and in the live
interview alike, and that the live interview hears a spoken answer with it (the real whisper-tiny.en)."""
from __future__ import annotations

import numpy as np
import pytest

from workbench.config import DATA_DIR_BUNDLED
from workbench.interview.engine import InterviewConfig, InterviewEngine
from workbench.interview.intake import domain_prompt_for, transcribe_heard
from workbench.session import Turn
from workbench.speech.domain import LEAD, MAX_PROMPT_WORDS, domain_prompt
from workbench.store import SessionStore

SECONDS = 5
RATE_HZ = 16_000
SAMPLE_DIR = DATA_DIR_BUNDLED / "sample_session"
SHORTENER = Turn(index=0, question_id="swe-design-url-shortener",
                 question="How would you design a URL shortener that handles a hundred million redirects a day?")


def test_prompt_holds_the_question_and_its_topics_once():
    prompt = domain_prompt("How would you build a rate limiter?", ["token bucket", "per-key limits", "token bucket"])
    assert prompt == f"{LEAD} How would you build a rate limiter? Topics: token bucket, per-key limits."
    assert domain_prompt("", ()) is None and domain_prompt(None) is None
    long = domain_prompt("Why?", [f"term{i}" for i in range(500)])
    assert len(long.split()) == MAX_PROMPT_WORDS


def test_a_bank_turn_gets_its_concepts_and_another_its_question_alone():
    bank_turn = Turn(index=0, question="How would you build a rate limiter for a public API?",
                     question_id="swe-design-rate-limiter")
    assert "token bucket or sliding window" in domain_prompt_for(bank_turn)
    foreign = Turn(index=1, question="Tell me about your garden.", question_id="not-in-any-bank")
    assert domain_prompt_for(foreign) == f"{LEAD} Tell me about your garden."
    assert domain_prompt_for(Turn(index=2, question="")) is None


@pytest.mark.parametrize("kind", ["silence", "noise"])
def test_silence_and_noise_give_no_words_with_a_prompt(kind):
    from workbench.speech.stt import transcribe

    samples = (np.zeros(SECONDS * RATE_HZ, dtype=np.float32) if kind == "silence"
               else np.random.default_rng(0).normal(0, 0.05, SECONDS * RATE_HZ).astype(np.float32))
    prompt = domain_prompt_for(SHORTENER)
    transcript = transcribe(samples, model_id="whisper-tiny.en", domain_prompt=prompt)
    assert transcript.words == [] and not transcript.speech_detected


@pytest.mark.parametrize("kind", ["silence", "noise"])
def test_the_live_path_gives_no_words_for_silence_and_noise_with_a_prompt(kind):
    samples = (np.zeros(SECONDS * RATE_HZ, dtype=np.float32) if kind == "silence"
               else np.random.default_rng(0).normal(0, 0.05, SECONDS * RATE_HZ).astype(np.float32))
    heard = transcribe_heard(samples, model_id="whisper-tiny.en", domain_prompt=domain_prompt_for(SHORTENER))
    assert heard.text == "" and heard.word_probabilities == ()


def _engine_at_the_shortener_question(data_dir):
    engine = InterviewEngine(SessionStore(), llm_id="none", voice=False)
    session = engine.start(InterviewConfig(role="software engineer", level="mid", n_questions=2))
    first = session.turns[0]
    first.question, first.question_id = SHORTENER.question, SHORTENER.question_id
    engine.store.save_turn(session.id, first)
    session = engine.store.get(session.id)
    engine.current_question(session)
    return engine, session


def test_a_spoken_answer_is_heard_live_with_its_questions_words(data_dir):
    """Issue 19, item 3, the live path: greedy tiny.en heard the sample's "short keys" as "shore keys"
    and "cache" as "cash" without the question's prompt; with it, "short keys" comes through."""
    engine, session = _engine_at_the_shortener_question(data_dir)
    media = (SAMPLE_DIR / "answer3.webm").read_bytes()
    engine.feed_audio(session, media[:4096])  # the recorder's first chunk starts the live transcriber
    assert engine.live.transcriber.domain_prompt == domain_prompt_for(SHORTENER)
    engine.submit_answer(session, media_bytes=media, media_suffix=".webm")
    heard = engine.store.get(session.id).turns[0].answer_text.lower()
    assert "short keys" in heard and "shore" not in heard
