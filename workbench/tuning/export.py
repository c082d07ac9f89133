"""Training data for the interviewer model: what it wrote in stored sessions (the follow-ups, and the
written feedback on answers), each with a quality score from documented rules or a person's rating,
exported as chat-messages JSONL with a dataset card.

    card = export_examples(store, Path("followups.jsonl"), task="followup", min_quality=0.7)
    card["counts"], card["quality_histogram"], card["files"]["train"]["sha256"]

An example is the exact prompt the model was sent and what it wrote as the assistant's turn:
- followup: ``interview.prompts.followup_messages`` with the question, the answer as the engine heard it
  and the gap the rules found; the follow-up. Quality is the share of ``FOLLOWUP_RULES`` it meets; a
  rule-written probe (the template used when the LLM was missing, slow or failed the guard) is not the
  model's work and scores 0.
- feedback: ``scoring.feedback.build_messages`` with the question, the answer as the scorer read it
  (``scoring.guards.check_answer``) and the role; the feedback as the JSON of ``scoring.feedback.SCHEMA``.
  Quality is the share of ``FEEDBACK_RULES`` it meets; rule feedback (the model's reply was unusable), and
  feedback whose strengths were withheld because they praised an answer in the lowest band, score 0.
A person's rating (``tuning.ratings``) decides instead of the rules where there is one: good 1, bad 0.
Text is anonymised (``privacy.anonymise``), duplicates dropped, and sessions split into train and
held-out (about one in ``HELD_OUT_EVERY``, by a hash of the session id: the same split every time).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from workbench.errors import InputError
from workbench.interview import prompts
from workbench.interview.followup import find_gaps
from workbench.interview.guard import REPEAT_SIMILARITY, names_the_answer
from workbench.scoring.feedback import SECOND_PERSON, THIRD_PERSON, addresses_candidate
from workbench.session import Session, Turn
from workbench.store import SessionStore
from workbench.tuning.ratings import RATED_TASKS, RATINGS, quality_with_rating, rating_of

TASKS = RATED_TASKS  # what the interviewer model writes: a follow-up, the written feedback
DEFAULT_MIN_QUALITY = 0.7  # the default threshold
HELD_OUT_EVERY = 5  # ours: about 20% of the sessions are held out
MIN_EXAMPLES = 100  # the issue: fewer examples than this is too few to tune on
HISTOGRAM_BINS = 10
PROMPTS_SUFFIX = ".heldout.prompts.jsonl"  # beside the train file: the held-out split as harness prompts
CARD_SUFFIX = ".card.json"  # beside the train file: the dataset card
HELD_OUT_SUFFIX = ".heldout.jsonl"
# Each rule: name -> what it asks. Quality = the share met (0 for a rule-written probe).
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
RATING_STEP_POINTS = 25.0  # a 1-5 rating spans the 100-point overall in four steps (as scoring.api reads it)


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
        quality = quality_with_rating(sum(rules.values()) / len(rules) if source == "llm" else 0.0, rating)
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
        quality = quality_with_rating(sum(rules.values()) / len(rules) if model_work else 0.0, rating)
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
    return round(sum(rules.values()) / len(rules), 3), rules


EXAMPLES_OF = {"followup": followup_examples, "feedback": feedback_examples}
RULES_OF = {"followup": FOLLOWUP_RULES, "feedback": FEEDBACK_RULES}
QUALITY_NOTE = {"followup": "share of the rules met; 0 for a rule-written probe",
                "feedback": "share of the rules met; 0 for rule feedback or strengths withheld"}


def held_out(session_id: str) -> bool:
    return int(hashlib.sha256(session_id.encode()).hexdigest(), 16) % HELD_OUT_EVERY == 0


def _anonymised(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    from workbench.privacy.anonymise import anonymise_text

    return [{"role": m["role"], "content": anonymise_text(m["content"]) if m["role"] != "system" else m["content"]}
            for m in messages]


def _write(path: Path, examples: list[Example], *, as_prompts: bool = False) -> dict[str, Any]:
    """The examples as chat messages, or (``as_prompts``) as the comparison harness's prompt set
    (``workbench compare llm --prompts``; what ``workbench tune eval`` runs base and tuned on)."""
    rows = ([{"id": f"{e.session_id}-{e.turn_index}", **e.prompt} for e in examples] if as_prompts
            else [{"messages": e.messages} for e in examples])
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    partial = path.with_name(path.name + ".partial")  # a disk that fills leaves the previous file intact
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return {"path": str(path), "examples": len(examples), "sha256": hashlib.sha256(text.encode()).hexdigest()}


def histogram(qualities: list[float], bins: int = HISTOGRAM_BINS) -> list[dict[str, Any]]:
    counts = [0] * bins
    for q in qualities:
        counts[min(bins - 1, int(q * bins))] += 1
    return [{"from": round(i / bins, 2), "to": round((i + 1) / bins, 2), "count": c} for i, c in enumerate(counts)]


def _best_of_n(every: list[Example], task: str, n: int, llm_id: str | None, min_quality: float,
               progress: bool) -> tuple[list[Example], str]:
    import sys

    from tqdm import tqdm

    from workbench.models import registry
    from workbench.models.catalog import default_model_id
    from workbench.tuning.best_of_n import best_of_n

    model_id = llm_id or default_model_id("llm")
    llm = registry.load(model_id)
    with tqdm(unit="prompt", desc=f"best of {n}", file=sys.stderr, disable=not progress) as bar:
        def advance(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        return best_of_n(every, task, llm, n=n, min_quality=min_quality, progress=advance), model_id


def export_examples(store: SessionStore, out: Path, *, task: str = "followup",
                    min_quality: float = DEFAULT_MIN_QUALITY, anonymise: bool = True, best_of: int = 0,
                    llm_id: str | None = None, progress: bool = False) -> dict[str, Any]:
    """Write ``out`` (train), ``<out stem>.heldout.jsonl`` and ``<out stem>.card.json``; the card.

    ``best_of`` > 0: the prompts whose stored reply fell below ``min_quality`` are asked again that many
    times (``tuning.best_of_n``) of ``llm_id`` (default: the task's default LLM), the best reply kept when it
    reaches the threshold."""
    if task not in EXAMPLES_OF:
        raise InputError(f"unknown task {task!r}; use one of {', '.join(TASKS)}")
    if not 0.0 <= min_quality <= 1.0:
        raise InputError(f"--min-quality must be between 0 and 1 (got {min_quality})")
    if best_of:
        from workbench.tuning.best_of_n import check_n

        check_n(best_of)
    out = Path(out)
    if out.suffix != ".jsonl":
        raise InputError(f"the output must be a .jsonl file (got {out.name})")
    every = [e for summary in store.list() for e in EXAMPLES_OF[task](store.get(summary.id))]
    generated, generator = _best_of_n(every, task, best_of, llm_id, min_quality, progress) if best_of else ([], None)
    kept, seen = [], set()
    for example in sorted(every + generated, key=lambda e: (e.session_id, e.turn_index, e.source == "best_of_n")):
        if example.quality < min_quality:
            continue
        if anonymise:
            from workbench.privacy.anonymise import anonymise_text

            example.messages = _anonymised(example.messages)
            example.prompt = {**example.prompt, "question": anonymise_text(example.prompt["question"]),
                              "answer": anonymise_text(example.prompt["answer"])}
        key = hashlib.sha256(json.dumps(example.messages[1:], sort_keys=True).encode()).hexdigest()
        if key not in seen:
            seen.add(key)
            kept.append(example)
    out.parent.mkdir(parents=True, exist_ok=True)
    train = [e for e in kept if not held_out(e.session_id)]
    test = [e for e in kept if held_out(e.session_id)]
    heldout_path = out.with_name(out.stem + HELD_OUT_SUFFIX)
    passing = sum(e.quality >= min_quality for e in every + generated)
    card = {
        "task": task, "min_quality": min_quality, "anonymised": anonymise,
        "rules": RULES_OF[task], "quality": QUALITY_NOTE[task] + "; a person's rating decides where there is one",
        "counts": {"interactions": len(every), "llm_written": sum(e.source == "llm" for e in every),
                   "rated": {r: sum(e.rating == r for e in every) for r in RATINGS},
                   "at_or_above_threshold": passing, "exported": len(kept), "duplicates_dropped": passing - len(kept),
                   "train": len(train), "held_out": len(test),
                   "best_of_n": {"n": best_of, "model_id": generator, "prompts_tried": sum(
                       e.quality < min_quality for e in every) if best_of else 0, "kept": len(generated)}},
        "quality_histogram": histogram([e.quality for e in every]),
        "sources": {"synthetic_sessions": len({e.session_id for e in kept if e.synthetic}),
                    "real_sessions": len({e.session_id for e in kept if not e.synthetic}),
                    "synthetic_examples": sum(e.synthetic for e in kept),
                    "real_examples": sum(not e.synthetic for e in kept)},
        "split": f"by session: held out when sha256(session id) % {HELD_OUT_EVERY} == 0",
        "files": {"train": _write(out, train), "held_out": _write(heldout_path, test),
                  "held_out_prompts": _write(out.with_name(out.stem + PROMPTS_SUFFIX), test, as_prompts=True)},
        "warnings": ([f"only {len(kept)} examples (fewer than {MIN_EXAMPLES}): too few to tune on; record more "
                      "sessions, run `workbench selftest` to make synthetic ones"
                      + ("" if best_of else ", or add --best-of 4 to ask the default model again on the prompts "
                         "whose reply fell below the threshold")] if len(kept) < MIN_EXAMPLES else []),
    }
    card_path = out.with_name(out.stem + CARD_SUFFIX)
    card["files"]["card"] = str(card_path)
    card_path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return card
