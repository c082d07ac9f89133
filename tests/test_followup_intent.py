"""A follow-up is scored against what it asks (the probe's own points), not against the parent question's."""
from __future__ import annotations

import pytest

from workbench.interview import followup
from workbench.interview.nextturn import insert_followup
from workbench.scoring import score_answer
from workbench.session import Session, Turn, TurnState

PARENT = "Tell me about a time you improved a slow process at work."
PARENT_CONCEPTS = ["the slow process", "the steps you took", "tools used"]
# answers that trigger each gap kind, in the order find_gaps ranks them
GAP_ANSWERS = {
    "too_short": "I made it faster.",
    "we_without_i": ("We looked at the build and we changed the caching and our team split the tests into groups "
                     "so the pipeline ran in parallel and we were all happy with how the work went in the end."),
    "missing_result": ("I looked at the build, I changed the caching and I split the tests into two groups to "
                       "run them in parallel on the two servers that my team had set up the year before."),
    "vague_claim": ("I changed a lot of things in the build in 2023: I split the tests, cached the packages and "
                    "it cut the build from 40 to 12 minutes, which my manager said was a great result for us."),
}


@pytest.mark.parametrize("kind, answer", sorted(GAP_ANSWERS.items()))
def test_every_gap_the_rules_find_says_what_its_probe_covers(kind, answer):
    kinds = [gap.kind for gap in followup.find_gaps(answer)]
    assert kind in kinds, kinds
    assert all(followup.GAP_COVERS[k] for k in kinds)


def test_the_inserted_follow_up_carries_the_probe_s_points():
    parent = Turn(index=0, question=PARENT, concepts=PARENT_CONCEPTS, state=TurnState.ANSWERED,
                  answer_text=GAP_ANSWERS["missing_result"])
    session = Session(turns=[parent, Turn(index=1, question="Next planned question?")])
    made = followup.make_followup(PARENT, parent.answer_text)
    assert made.gap == "missing_result"
    probe = insert_followup(session, parent, made)
    assert probe.concepts == list(followup.GAP_COVERS["missing_result"]) and probe.concepts != PARENT_CONCEPTS
    assert [t.index for t in session.turns] == [0, 1, 2] and session.turns[1] is probe


def test_a_follow_up_answer_is_scored_on_what_was_asked():
    """Asked for the result: an answer with the result beats an off-topic one, which is not rated good."""
    probe = "What was the result, and how did you know it had worked?"
    concepts = list(followup.GAP_COVERS["missing_result"])
    on_topic = ("The build went from forty minutes to twelve, and failed builds halved within a month. I knew it "
                "worked because the dashboard showed it and the team stopped waiting on the pipeline.")
    off_topic = ("My favourite holiday was in Portugal, where I spent two weeks walking along the coast and "
                 "eating grilled sardines every evening with my family.")
    good = score_answer(probe, on_topic, concepts=concepts, llm_feedback=False)
    bad = score_answer(probe, off_topic, concepts=concepts, llm_feedback=False)
    assert good.components["relevance"]["score"] > bad.components["relevance"]["score"]
    assert good.overall > bad.overall and bad.band not in ("strong", "good")
