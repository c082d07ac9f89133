"""What a question is after (issue 14): the intent's sources, its SQLite cache, and the relevance gate that
flags instead of sinking. Real models (MiniLM, spaCy), a real SQLite file; the LLM only in slow tests."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from workbench.errors import WorkbenchError
from workbench.scoring import score_answer
from workbench.scoring.intent import (
    INTENT_MODEL_ID, REFERENCE_MAX_CHARS, Intent, cache_model_key, derive_intent, parse_intent_reply,
    resolve_intent,
)
from workbench.store.intents import IntentCache, intent_key

IDIOMATIC_Q = "Tell me about a time you went above and beyond."
STRONG = ("At the logistics firm where I coordinated deliveries, a hospital client called on a Friday evening "
          "because a shipment of sterile dressings had been sent to the wrong depot. My shift had ended, but I "
          "knew their theatre list on Monday depended on it. I rang the depot manager, arranged a van, and drove "
          "with the driver to load the forty boxes myself. The dressings reached the hospital by 11 pm, no "
          "operation was cancelled, and the client renewed their contract for two more years.")
HOBBY = ("My favourite holiday was a trip to the mountains with my family. We hiked every morning, cooked dinner "
         "together in the cabin and played board games in the evening. I came back rested and I still look at "
         "the photos.")
CACHED = {"competency": "going beyond expectations", "concepts": ["extra effort", "customer or colleague helped",
                                                                "personal initiative", "measurable result"],
          "references": ["I stayed late to fix a client's order myself and it arrived on time."],
          "source": f"llm:{INTENT_MODEL_ID}", "model_sha256": "test"}


def test_cache_round_trip_is_keyed_by_question_and_model(tmp_path):
    cache = IntentCache(tmp_path)
    cache.put(IDIOMATIC_Q, INTENT_MODEL_ID, "sha-a", CACHED)
    assert cache.get("  tell me ABOUT a time you went above and beyond. ", "sha-a") == CACHED  # normalised text
    assert cache.get(IDIOMATIC_Q, "sha-b") is None  # another model derives its own
    assert IntentCache(tmp_path).count() == 1  # persisted in the data directory's SQLite file
    assert intent_key(IDIOMATIC_Q, "sha-a") != intent_key(IDIOMATIC_Q, "sha-b")


def test_resolve_order_given_bank_cache_then_fallback(tmp_path):
    cache = IntentCache(tmp_path)
    given, note = resolve_intent("Any question at all?", ["a", "b"], derive=False, cache=cache)
    assert given.source == "given" and given.concepts == ["a", "b"] and note is None
    bank, _ = resolve_intent("What achievement in your working life are you proudest of?", derive=False, cache=cache)
    assert bank.source == "bank:gen-proudest" and bank.competency == "self-awareness"
    missing, note = resolve_intent(IDIOMATIC_Q, derive=False, cache=cache)
    assert not missing.derived and "derivation off" in note
    cache.put(IDIOMATIC_Q, INTENT_MODEL_ID, cache_model_key(), CACHED)
    cached, note = resolve_intent(IDIOMATIC_Q, derive=False, cache=cache)
    assert cached.derived and cached.concepts == CACHED["concepts"] and note is None
    near, note = resolve_intent("Tell me about a time you failed.", derive=False, cache=cache)
    assert near.source == "nearest_bank:gen-failure" and "nearest bank" in note


def test_llm_reply_is_parsed_and_bad_replies_are_refused():
    reply = json.dumps({"competency": " initiative ", "concepts": ["a", "A", "b", "c", "d"],
                        "reference_answers": ["one two three"]})
    intent = parse_intent_reply(reply, INTENT_MODEL_ID, "sha")
    assert intent.competency == "initiative" and intent.concepts == ["a", "b", "c", "d"]  # duplicates dropped
    assert intent.references == ["one two three"] and intent.derived
    with pytest.raises(WorkbenchError):
        parse_intent_reply("not json", INTENT_MODEL_ID, "sha")
    with pytest.raises(WorkbenchError):
        parse_intent_reply(json.dumps({"competency": "x", "concepts": [], "reference_answers": []}),
                           INTENT_MODEL_ID, "sha")


def test_gate_flags_a_strong_idiomatic_answer_instead_of_sinking_it(tmp_path):
    """The issue's case: a specific STAR answer whose words do not repeat an idiomatic question."""
    strong = score_answer(IDIOMATIC_Q, STRONG, llm_feedback=False, intent=Intent(competency=None))
    hobby = score_answer(IDIOMATIC_Q, HOBBY, llm_feedback=False, intent=Intent(competency=None))
    assert strong.overall >= 40, strong.components["relevance"]
    assert "off_topic" not in strong.flags
    assert "off_topic" in hobby.flags and hobby.overall < strong.overall
    assert hobby.details["relevance_note"] and "something else" in hobby.details["relevance_note"]
    if "uncertain_relevance" in strong.flags:  # then the interval is wider and the report says why
        assert strong.uncertainty >= 10 and "not sure" in strong.details["relevance_note"]


def test_uncertain_relevance_widens_the_interval():
    from workbench.scoring.overall import UNCERTAIN_RELEVANCE_POINTS, combine

    base = {"structure": {"score": 90.0}, "specificity": {"score": 80.0}, "communication": {"score": 90.0}}
    low = dict(base, relevance={"score": 20.0, "details": {"off_topic": False}})
    high = dict(base, relevance={"score": 90.0, "details": {"off_topic": False}})
    off = dict(base, relevance={"score": 0.0, "details": {"off_topic": True}})
    a, b, c = (combine(x, flags=[], word_count=120) for x in (low, high, off))
    assert a["flags"] == ["uncertain_relevance"] and b["flags"] == [] and c["flags"] == ["off_topic"]
    assert a["uncertainty"] >= UNCERTAIN_RELEVANCE_POINTS > b["uncertainty"]
    assert c["overall"] < a["overall"] <= b["overall"]


def test_cli_score_twice_gives_the_same_numbers_with_the_cached_intent(tmp_path):
    IntentCache(tmp_path).put(IDIOMATIC_Q, INTENT_MODEL_ID, cache_model_key(), CACHED)
    env = dict(os.environ, WORKBENCH_DATA_DIR=str(tmp_path))
    command = [sys.executable, "-m", "workbench", "score", "--question", IDIOMATIC_Q, "--answer", STRONG,
               "--no-llm", "--json"]
    runs = [json.loads(subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout)
            for _ in range(2)]
    assert runs[0] == runs[1]
    assert runs[0]["details"]["intent_source"] == f"llm:{INTENT_MODEL_ID}"  # the cached intent, no LLM call
    assert IntentCache(tmp_path).count() == 1


@pytest.mark.slow
def test_derivation_is_deterministic_and_cached(tmp_path):
    question = "What would your last manager say is your best quality?"
    first = derive_intent(question)
    assert first == derive_intent(question)  # temperature 0, fixed seed, no prompt cache
    assert 2 <= len(first.concepts) <= 8 and first.references
    cache = IntentCache(tmp_path)
    resolved, _ = resolve_intent(question, derive=True, cache=cache)
    assert resolved == first and cache.count() == 1
    again, _ = resolve_intent(question, derive=False, cache=cache)
    assert again == first


@pytest.mark.slow
def test_a_question_that_made_the_model_repeat_itself_still_gets_an_intent():
    """With unbounded strings the 1.5B model repeated one sentence of its reference answer until the token
    limit, so the JSON was cut and the intent lost; the schema now bounds every string."""
    intent = derive_intent("What makes you tick?")
    assert intent.derived and len(intent.concepts) >= 2
    assert intent.references and len(intent.references[0]) <= REFERENCE_MAX_CHARS
