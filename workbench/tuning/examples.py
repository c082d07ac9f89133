"""What the interviewer model wrote in stored sessions, as training examples with a quality score: the
follow-ups and the written feedback on answers, each with the exact prompt the model was sent, scored by
documented rules or decided by a person's rating (``tuning.ratings``). ``tuning.export`` writes them out;
``tuning.best_of_n`` scores new replies with the same rules (``score_reply``).

- followup: ``interview.prompts.followup_messages`` with the question, the answer as the engine heard it
  and the gap the rules found; the follow-up. Quality is the share of ``FOLLOWUP_RULES`` it meets; a
  rule-written probe (the template used when the LLM was missing, slow or failed the guard) is not the
  model's work and scores 0.
- feedback: ``scoring.feedback.build_messages`` with the question, the answer as the scorer read it
  (``scoring.guards.check_answer``) and the role; the feedback as the JSON of ``scoring.feedback.SCHEMA``.
  Quality is the share of ``FEEDBACK_RULES`` it meets; rule feedback (the model's reply was unusable), and
  feedback whose strengths were withheld because they praised an answer in the lowest band, score 0.
A person's rating decides instead of the rules where there is one: good 1, bad 0.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from workbench.interview import prompts
from workbench.interview.followup import find_gaps
from workbench.interview.guard import REPEAT_SIMILARITY, names_the_answer
from workbench.scoring.feedback import RATING_STEP_POINTS, SECOND_PERSON, THIRD_PERSON, addresses_candidate
from workbench.session import Session, Turn
from workbench.tuning.ratings import RATED_TASKS, quality_with_rating, rating_of

TASKS = RATED_TASKS  # what the interviewer model writes: a follow-up, the written feedback
# Each rule: name -> what it asks. Quality = the share met (0 for what is not the model's work).
FOLLOWUP_RULES = {
    "grounded": "names something the candidate said that the question did not already hold",
    "not_a_repeat": "is not a question already asked in the session",
    "second_person": "speaks to the candidate as 'you'",
    "no_third_person": "does not speak of 'the candidate'",
    "one_question": "is one question, ending with a question mark",
}
FEEDBACK_RULES = {
    "verified_quotes": "every point quotes words that occur in the answer",
    "grounded": "every point names something the candidate said that the question did not already hold",
    "second_person": "every point speaks to the candidate as 'you', never as 'the candidate'",
    "agrees_with_scores": "its advisory 1-5 rating is within one step of the overall score "
                          "(1 + overall / 25)",
}


@dataclass
class Example:
    session_id: str
    synthetic: bool
    turn_index: int
    messages: list[dict[str, str]]
    quality: float
    rules: dict[str, bool] = field(default_factory=dict)
    source: str = "llm"  # "llm" | "template" (follow-ups) | "rules" (feedback)
    prompt: dict[str, str] = field(default_factory=dict)  # question, answer, type: the comparison harness's prompt
    rating: str | None = None  # a person's (tuning.ratings), which decided the quality
    context: dict[str, Any] = field(default_factory=dict)  # what the rules need beyond the prompt (score_reply)


def rules_share(rules: dict[str, bool]) -> float:
    """Quality by the rules: the share met."""
    return sum(rules.values()) / len(rules)


def heard_answer(turn: Turn) -> str:
    """The answer as the engine heard it when it wrote the follow-up (the live transcript, if kept)."""
    return (turn.analysis.get("interview", {}).get("live_transcript") or turn.answer_text or "").strip()


def followup_rules(followup: str, question: str, answer: str, asked_before: list[str]) -> dict[str, bool]:
    lowered = followup.lower()
    return {
        "grounded": names_the_answer(followup, question, answer),
        "not_a_repeat": all(SequenceMatcher(None, lowered, q.lower()).ratio() < REPEAT_SIMILARITY
                            for q in asked_before),
        "second_person": bool(SECOND_PERSON.search(followup)),
        "no_third_person": not THIRD_PERSON.search(followup),
        "one_question": followup.strip().endswith("?") and followup.count("?") == 1,
    }


def followup_examples(session: Session) -> list[Example]:
    """Every follow-up in ``session`` as a training example with its quality."""
    examples = []
    for position, turn in enumerate(session.turns):
        meta = turn.analysis.get("interview", {})
        if turn.kind != "follow_up" or meta.get("parent_index") is None:
            continue
        parent = next((t for t in session.turns if t.index == meta["parent_index"]), None)
        answer = heard_answer(parent) if parent else ""
        if parent is None or not answer:
            continue
        gaps = find_gaps(answer, question_type=meta.get("type") or "behavioural")
        hint = next((g.hint for g in gaps if g.kind == meta.get("gap")), gaps[0].hint if gaps else "")
        messages = prompts.followup_messages(parent.question, answer, hint)
        messages.append({"role": "assistant", "content": turn.question})
        asked_before = [t.question for t in session.turns[:position] if t is not parent]
        rules = followup_rules(turn.question, parent.question, answer, asked_before)
        source = meta.get("source") or "template"
        rating = rating_of(turn, "followup")
        quality = quality_with_rating(rules_share(rules) if source == "llm" else 0.0, rating)
        prompt = {"question": parent.question, "answer": answer, "type": meta.get("type") or "behavioural",
                  "role": session.role}
        examples.append(Example(session.id, session.synthetic, turn.index, messages, round(quality, 3), rules, source,
                                prompt, rating, {"asked_before": asked_before}))
    return examples


def feedback_rules(feedback: dict[str, Any], question: str, answer: str, overall: float) -> dict[str, bool]:
    points = list(feedback.get("strengths") or []) + list(feedback.get("improvements") or [])
    rating = feedback.get("llm_rating_1_to_5")
    return {
        "verified_quotes": bool(points) and all(p.get("quote_verified") for p in points),
        "grounded": bool(points) and all(names_the_answer(p["point"], question, answer) for p in points),
        "second_person": bool(points) and all(addresses_candidate(p["point"]) for p in points),
        "agrees_with_scores": rating is not None and abs(rating - (1 + overall / RATING_STEP_POINTS)) <= 1,
    }


def feedback_reply(feedback: dict[str, Any]) -> str:
    """The stored feedback as the model's reply: the JSON of ``scoring.feedback.SCHEMA`` (unverified quotes,
    which the scorer dropped, as empty strings)."""
    def points(key: str) -> list[dict[str, str]]:
        return [{"point": p["point"], "quote": p.get("quote") or ""} for p in feedback.get(key) or []]

    return json.dumps({"strengths": points("strengths"), "improvements": points("improvements"),
                       "rating_1_to_5": feedback.get("llm_rating_1_to_5")}, ensure_ascii=False)


def feedback_examples(session: Session) -> list[Example]:
    """The written feedback on every scored answer in ``session`` as a training example with its quality."""
    from workbench.scoring.feedback import build_messages
    from workbench.scoring.guards import check_answer

    examples = []
    for turn in session.turns:
        scores = turn.analysis.get("scores") or {}
        feedback = scores.get("feedback")
        if not feedback or not turn.answer_text:
            continue
        answer = check_answer(turn.answer_text).clean_text  # what the scorer sent the model
        messages = build_messages(turn.question, answer, session.role)
        messages.append({"role": "assistant", "content": feedback_reply(feedback)})
        overall = scores.get("overall", 0.0)
        rules = feedback_rules(feedback, turn.question, answer, overall)
        source = feedback.get("source") or "rules"
        model_work = source == "llm" and not feedback.get("strengths_withheld")
        rating = rating_of(turn, "feedback")
        quality = quality_with_rating(rules_share(rules) if model_work else 0.0, rating)
        prompt = {"question": turn.question, "answer": answer, "type": turn.analysis.get("interview", {}).get("type")
                  or "behavioural", "role": session.role}
        examples.append(Example(session.id, session.synthetic, turn.index, messages, round(quality, 3), rules, source,
                                prompt, rating, {"overall": overall}))
    return examples


def score_reply(task: str, example: Example, reply: str) -> tuple[float, dict[str, bool]]:
    """The quality and rules of a new ``reply`` to ``example``'s prompt (best-of-N generation): what the
    engine or the scorer would have kept of it, judged by the same rules as the stored interactions."""
    from workbench.scoring.feedback import validate_reply

    question, answer = example.prompt["question"], example.prompt["answer"]
    if task == "followup":
        rules = followup_rules(reply.strip(), question, answer, example.context.get("asked_before", []))
    else:
        feedback = validate_reply(reply, answer)
        if feedback is None:
            return 0.0, dict.fromkeys(FEEDBACK_RULES, False)
        rules = feedback_rules(feedback, question, answer, example.context.get("overall", 0.0))
    return round(rules_share(rules), 3), rules


EXAMPLES_OF = {"followup": followup_examples, "feedback": feedback_examples}
RULES_OF = {"followup": FOLLOWUP_RULES, "feedback": FEEDBACK_RULES}
QUALITY_NOTE = {"followup": "share of the rules met; 0 for a rule-written probe",
                "feedback": "share of the rules met; 0 for rule feedback or strengths withheld"}
