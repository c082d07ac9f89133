"""Stored LLM feedback is reused when it was written from the same inputs (notebook 40 and the report no
longer ask the LLM again for every answer), and written afresh when anything it depends on changed."""
from __future__ import annotations

from workbench.config import DEFAULT_SEED
from workbench.scoring import score_answer
from workbench.scoring.feedback import feedback_key, reusable
from workbench.scoring.overall import LOWEST_BAND
from workbench.session import Session, Turn, TurnState
from workbench.stages.scoring import run_scoring
from workbench.store import SessionStore

QUESTION = "Describe a situation where you had to meet a tight deadline."
ANSWER = ("In March, our client moved the launch of their booking app forward by three weeks. I was "
          "responsible for the backend, which still had eight open features. I listed every feature with "
          "the client and we agreed that only five were essential. We delivered the five features two days early.")


def _stored(key: str, **extra) -> dict:
    return {"strengths": [{"point": "You give the result as a number.", "quote": "two days early",
                           "quote_verified": True}],
            "improvements": [{"point": "Say what you learnt.", "quote": None, "quote_verified": False}],
            "llm_rating_1_to_5": 4, "source": "llm", "model_id": "qwen2.5-1.5b-instruct-q4", "seed": DEFAULT_SEED,
            "temperature": 0.0, "repeats": 1, "judge_ratings": [4], "judge_rating_sd": 0.0,
            "used_in_score": False, "input_key": key, **extra}


def test_the_key_changes_with_every_input_the_reply_depends_on():
    base = feedback_key(QUESTION, ANSWER, "software engineer", seed=DEFAULT_SEED, repeats=1)
    assert base == feedback_key(QUESTION, ANSWER, "software engineer", seed=DEFAULT_SEED, repeats=1)
    changed = [feedback_key(QUESTION + "?", ANSWER, "software engineer", seed=DEFAULT_SEED, repeats=1),
               feedback_key(QUESTION, ANSWER + " Then", "software engineer", seed=DEFAULT_SEED, repeats=1),
               feedback_key(QUESTION, ANSWER, "nurse", seed=DEFAULT_SEED, repeats=1),
               feedback_key(QUESTION, ANSWER, "software engineer", seed=DEFAULT_SEED + 1, repeats=1),
               feedback_key(QUESTION, ANSWER, "software engineer", seed=DEFAULT_SEED, repeats=3),
               feedback_key(QUESTION, ANSWER, "software engineer", seed=DEFAULT_SEED, repeats=1, temperature=0.8)]
    assert base not in changed and len(set(changed)) == len(changed)


def test_reusable_only_for_llm_feedback_of_the_same_key_and_a_band_that_still_withholds():
    key = feedback_key(QUESTION, ANSWER, None, seed=DEFAULT_SEED, repeats=1)
    assert reusable(_stored(key), key, "good")
    assert not reusable(_stored("stale"), key, "good")
    assert not reusable({**_stored(key), "source": "rules"}, key, "good")
    assert not reusable(None, key, "good")
    withheld = _stored(key, strengths=[], strengths_withheld="lowest band")
    assert reusable(withheld, key, LOWEST_BAND) and not reusable(withheld, key, "good")


def test_score_answer_reuses_matching_feedback_without_the_llm():
    key = feedback_key(QUESTION, ANSWER, None, seed=DEFAULT_SEED, repeats=1)
    fresh = score_answer(QUESTION, ANSWER, llm_feedback=False)
    reused = score_answer(QUESTION, ANSWER, stored_feedback=_stored(key))  # llm_feedback=True by default
    assert reused.feedback["reused"] is True and reused.feedback["strengths"][0]["quote"] == "two days early"
    assert (reused.overall, reused.uncertainty) == (fresh.overall, fresh.uncertainty)  # SD 0: same numbers


def test_run_scoring_reuses_the_stored_feedback_unless_asked_to_regenerate(data_dir):
    store = SessionStore()
    key = feedback_key(QUESTION, ANSWER, "software engineer", seed=DEFAULT_SEED, repeats=1)
    session = Session(id="reuse-test", role="software engineer", turns=[
        Turn(0, QUESTION, state=TurnState.ANSWERED, answer_text=ANSWER,
             analysis={"scores": {"feedback": _stored(key)}})])
    store.save(session)
    run_scoring(session.id, store=store)
    feedback = store.get(session.id).turns[0].analysis["scores"]["feedback"]
    assert feedback["reused"] is True and feedback["input_key"] == key
    run_scoring(session.id, store=store, llm_feedback=False, reuse_feedback=False)
    assert store.get(session.id).turns[0].analysis["scores"]["feedback"] is None
