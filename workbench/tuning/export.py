"""Training data for the interviewer model: the follow-ups it wrote in stored sessions, each with a
quality score from documented rules, exported as chat-messages JSONL with a dataset card.

    card = export_followups(store, Path("followups.jsonl"), min_quality=0.7)
    card["counts"], card["quality_histogram"], card["files"]["train"]["sha256"]

An example is the exact prompt the engine sent (``interview.prompts.followup_messages`` with the
question, the answer as the engine heard it and the gap the rules found) and the follow-up as the
assistant's turn. Quality is the share of ``FOLLOWUP_RULES`` it meets; a rule-written probe (the
template used when the LLM was missing, slow or failed the guard) is not the model's work and scores
0. Text is anonymised (``privacy.anonymise``), duplicates dropped, and sessions split into train and
held-out (about one in ``HELD_OUT_EVERY``, by a hash of the session id: the same split every time).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from workbench.errors import InputError
from workbench.interview import prompts
from workbench.interview.followup import find_gaps
from workbench.interview.guard import REPEAT_SIMILARITY, names_the_answer
from workbench.session import Session, Turn
from workbench.store import SessionStore

TASKS = ("followup",)  # the written feedback is the next task to export (issue 16 item 2)
DEFAULT_MIN_QUALITY = 0.7  # the default threshold
HELD_OUT_EVERY = 5  # ours: about 20% of the sessions are held out
MIN_EXAMPLES = 100  # the issue: fewer examples than this is too few to tune on
HISTOGRAM_BINS = 10
PROMPTS_SUFFIX = ".heldout.prompts.jsonl"  # beside the train file: the held-out split as harness prompts
# Each rule: name -> what it asks. Quality = the share met (0 for a rule-written probe).
FOLLOWUP_RULES = {
    "grounded": "names something the candidate said that the question did not already hold",
    "not_a_repeat": "is not a question already asked in the session",
    "second_person": "speaks to the candidate as 'you'",
    "no_third_person": "does not speak of 'the candidate'",
    "one_question": "is one question, ending with a question mark",
}
_YOU = re.compile(r"\byou(r|rs|rself)?\b", re.IGNORECASE)
_THIRD = re.compile(r"\bthe (candidate|interviewee|applicant)\b", re.IGNORECASE)


@dataclass
class Example:
    session_id: str
    synthetic: bool
    turn_index: int
    messages: list[dict[str, str]]
    quality: float
    rules: dict[str, bool] = field(default_factory=dict)
    source: str = "llm"  # "llm" | "template"
    prompt: dict[str, str] = field(default_factory=dict)  # question, answer, type: the comparison harness's prompt


def heard_answer(turn: Turn) -> str:
    """The answer as the engine heard it when it wrote the follow-up (the live transcript, if kept)."""
    return (turn.analysis.get("interview", {}).get("live_transcript") or turn.answer_text or "").strip()


def followup_rules(followup: str, question: str, answer: str, asked_before: list[str]) -> dict[str, bool]:
    lowered = followup.lower()
    return {
        "grounded": names_the_answer(followup, question, answer),
        "not_a_repeat": all(SequenceMatcher(None, lowered, q.lower()).ratio() < REPEAT_SIMILARITY
                            for q in asked_before),
        "second_person": bool(_YOU.search(followup)),
        "no_third_person": not _THIRD.search(followup),
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
        rules = followup_rules(turn.question, parent.question, answer,
                               [t.question for t in session.turns[:position] if t is not parent])
        source = meta.get("source") or "template"
        quality = sum(rules.values()) / len(rules) if source == "llm" else 0.0
        prompt = {"question": parent.question, "answer": answer, "type": meta.get("type") or "behavioural",
                  "role": session.role}
        examples.append(Example(session.id, session.synthetic, turn.index, messages, round(quality, 3), rules, source,
                                prompt))
    return examples


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


def export_followups(store: SessionStore, out: Path, *, min_quality: float = DEFAULT_MIN_QUALITY,
                     anonymise: bool = True) -> dict[str, Any]:
    """Write ``out`` (train), ``<out stem>.heldout.jsonl`` and ``<out stem>.card.json``; the card."""
    if not 0.0 <= min_quality <= 1.0:
        raise InputError(f"--min-quality must be between 0 and 1 (got {min_quality})")
    out = Path(out)
    if out.suffix != ".jsonl":
        raise InputError(f"the output must be a .jsonl file (got {out.name})")
    every = [e for summary in store.list() for e in followup_examples(store.get(summary.id))]
    kept, seen = [], set()
    for example in sorted(every, key=lambda e: (e.session_id, e.turn_index)):
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
    heldout_path = out.with_name(out.stem + ".heldout.jsonl")
    passing = sum(e.quality >= min_quality for e in every)
    card = {
        "task": "followup", "min_quality": min_quality, "anonymised": anonymise,
        "rules": FOLLOWUP_RULES, "quality": "share of the rules met; 0 for a rule-written probe",
        "counts": {"interactions": len(every), "llm_written": sum(e.source == "llm" for e in every),
                   "at_or_above_threshold": passing, "exported": len(kept), "duplicates_dropped": passing - len(kept),
                   "train": len(train), "held_out": len(test)},
        "quality_histogram": histogram([e.quality for e in every]),
        "sources": {"synthetic_sessions": len({e.session_id for e in kept if e.synthetic}),
                    "real_sessions": len({e.session_id for e in kept if not e.synthetic}),
                    "synthetic_examples": sum(e.synthetic for e in kept),
                    "real_examples": sum(not e.synthetic for e in kept)},
        "split": f"by session: held out when sha256(session id) % {HELD_OUT_EVERY} == 0",
        "files": {"train": _write(out, train), "held_out": _write(heldout_path, test),
                  "held_out_prompts": _write(out.with_name(out.stem + PROMPTS_SUFFIX), test, as_prompts=True)},
        "warnings": ([f"only {len(kept)} examples (fewer than {MIN_EXAMPLES}): too few to tune on; record more "
                      "sessions or run `workbench selftest` to make synthetic ones (best-of-N generation is not "
                      "built yet)"] if len(kept) < MIN_EXAMPLES else []),
    }
    card_path = out.with_name(out.stem + ".card.json")
    card["files"]["card"] = str(card_path)
    card_path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return card
