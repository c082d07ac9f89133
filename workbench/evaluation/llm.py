"""LLM comparison: question generation, follow-ups and written feedback, through the project's own code.

Per item (a question and an answer): ``workbench.interview.generate.generate_question`` writes a new question
for the item's role (the item's question counts as already asked, so copying it is a repeat), the guard
checks it; ``workbench.interview.followup.make_followup`` probes the answer's first gap; the feedback prompt of
``workbench.scoring.feedback`` (same messages, schema and token limit) asks for strengths and improvements
with quotes. Every call goes through a recorder that times it and counts its tokens.
With ``judge_seeds`` > 0 the model also rates the answer 1-5 that many times, sampled with different seeds
(``JUDGE_TEMPERATURE``), and the spread of its ratings is reported.
"""
from __future__ import annotations

import contextlib
import json
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from workbench.errors import InputError
from workbench.evaluation.core import HIGHER, LOWER, Dataset, Item, ItemResult, Measure
from workbench.evaluation.prompt_sets import VALIDITY_SET, read_jsonl, validity_items
from workbench.llm import ChatLLM
from workbench.scoring.feedback import addresses_candidate

MODEL_TASK = "llm"
DEFAULT_LEVEL = "mid"  # ours: the validity set has no level; mid is the bank's middle level
DEFAULT_ROLE = "software engineer"  # ours: a question that names no bundled role is asked for this one
FOLLOWUP_LABEL = "weak"  # the validity answer the follow-up probes: weak answers have gaps to probe
FEEDBACK_LABEL = "strong"  # the validity answer the feedback quotes: strong answers have the most to quote
FILE_TYPES = {"behavioural.yaml": "behavioural", "technical.yaml": "technical", "roles.yaml": "situational"}
JUDGE_TEMPERATURE = 0.7  # ours: at temperature 0 every seed gives the same rating; sampling shows the spread
MEASURES = (
    Measure("guard_pass_share", "ratio", HIGHER, "generated questions and follow-ups the guard accepted "
            "(one question, '?', no repeat, on topic, safe), over all of the model's attempts"),
    Measure("grounding_share", "mean", HIGHER, "accepted follow-ups that name a content word of the answer "
            "that the question does not have"),
    Measure("repeat_share", "ratio", LOWER, "attempts the guard rejected as repeating a question already asked"),
    Measure("json_valid_share", "mean", HIGHER, "feedback replies that are one JSON object"),
    Measure("verified_quote_share", "ratio", HIGHER, "feedback quotes that occur in the answer "
            "(workbench.scoring.feedback.quote_occurs)"),
    Measure("second_person_share", "ratio", HIGHER, "feedback points that address the candidate as 'you' and "
            "never as 'the candidate'"),
    Measure("latency_p50_s", "p50", LOWER, "median wall time of one call"),
    Measure("latency_p90_s", "p90", LOWER, "90th percentile wall time of one call"),
    Measure("tokens_per_s", "ratio", HIGHER, "generated tokens over the calls' wall time (prompt evaluation "
            "included)"),
    Measure("judge_rating_1_to_5", "mean", HIGHER, "the model's own 1-5 rating of the answer, mean over seeds "
            "(only with judge seeds)"),
    Measure("judge_rating_sd_1_to_5", "mean", LOWER, "spread (population SD) of the ratings over seeds, per "
            "item (only with two or more judge seeds)"),
)
SHOWN_OUTPUT = ("generated_question", "followup")  # what the side-by-side view shows
PRIMARY_MEASURE = "guard_pass_share"
SPEED_MEASURE = "latency_p50_s"


def _role_of(question: str) -> str:
    from workbench.interview.bank import ROLES

    lowered = question.lower()
    return next((role for role in ROLES if role in lowered), DEFAULT_ROLE)


def _validity_payload(item: dict[str, Any]) -> dict[str, Any]:
    return {"question": item["question"], "answer": item["answers"][FOLLOWUP_LABEL],
            "feedback_answer": item["answers"][FEEDBACK_LABEL], "role": _role_of(item["question"]),
            "level": DEFAULT_LEVEL, "type": FILE_TYPES.get(item.get("file", ""), "behavioural")}


def _jsonl_payload(record: dict[str, Any]) -> dict[str, Any]:
    from workbench.interview.bank import LEVELS, TYPES, normalise_role

    level, qtype = record.get("level", DEFAULT_LEVEL), record.get("type", "behavioural")
    if level not in LEVELS or qtype not in TYPES:
        raise InputError(f"prompt {record['id']}: level must be one of {LEVELS} and type one of {TYPES}")
    return {"question": record["question"], "answer": record["answer"], "feedback_answer": record["answer"],
            "role": normalise_role(record.get("role") or _role_of(record["question"])), "level": level,
            "type": qtype}


def load_dataset(*, audio: str | None = None, prompts: str | None = None, name: str | None = None,
                 limit: int | None = None) -> Dataset:
    """The validity set's questions (default) or a user JSONL (``prompts``)."""
    if audio:
        raise InputError("--audio is for the stt task; llm takes --prompts FILE or --set validity")
    if name and name != VALIDITY_SET:
        raise InputError(f"unknown prompt set {name!r}; bundled: {VALIDITY_SET} (or --prompts FILE)")
    if prompts:
        records, sha = read_jsonl(prompts, required=("question", "answer"))
        items = [Item(r["id"], _jsonl_payload(r)) for r in records]
        dataset = Dataset(str(prompts), items, sha)
    else:
        raw, sha = validity_items()
        dataset = Dataset(VALIDITY_SET, [Item(r["id"], _validity_payload(r)) for r in raw], sha)
    if limit:
        dataset.items = dataset.items[:limit]
    return dataset


@dataclass
class Call:
    purpose: str
    latency_s: float
    completion_tokens: int
    text: str


class RecordingLLM:
    """Forwards ``chat`` to a loaded model and records each call's wall time, tokens and reply."""

    def __init__(self, llm: ChatLLM) -> None:
        self._llm = llm
        self.model_id = llm.model_id
        self.calls: list[Call] = []
        self.purpose = ""

    def chat(self, messages: Any, **options: Any) -> Any:
        started = time.perf_counter()
        try:
            result = self._llm.chat(messages, **options)
        except Exception:  # noqa: BLE001 - recorded as a call that produced nothing, then raised on
            self.calls.append(Call(self.purpose, time.perf_counter() - started, 0, ""))
            raise
        self.calls.append(Call(self.purpose, time.perf_counter() - started, int(result.completion_tokens),
                               result.text or ""))
        return result


def _feedback_points(reply: str) -> tuple[bool, list[tuple[str, str | None]]]:
    """Whether the reply is one JSON object, and its (point, quote) pairs."""
    try:
        data = json.loads(reply)
    except (json.JSONDecodeError, TypeError):
        return False, []
    if not isinstance(data, dict):
        return False, []
    points = []
    for key in ("strengths", "improvements"):
        for entry in data.get(key) or []:
            if isinstance(entry, dict) and isinstance(entry.get("point"), str):
                quote = entry.get("quote")
                points.append((entry["point"], quote if isinstance(quote, str) and quote.strip() else None))
    return True, points


def _rating(reply: str) -> int | None:
    try:
        value = json.loads(reply).get("rating_1_to_5")
    except (json.JSONDecodeError, TypeError, AttributeError):
        return None
    return value if isinstance(value, int) and 1 <= value <= 5 else None


def _evaluate(llm: Any, item: Item, seed: int, judge_seeds: int) -> ItemResult:
    from workbench.interview.followup import make_followup
    from workbench.interview.generate import generate_question
    from workbench.interview.guard import names_the_answer
    from workbench.scoring.feedback import FEEDBACK_MAX_TOKENS, SCHEMA, build_messages, quote_occurs

    p = item.payload
    recorder = RecordingLLM(llm)
    recorder.purpose = "question"
    generated = generate_question(p["role"], p["level"], p["type"], llm=recorder, asked=[p["question"]], seed=seed)
    generation_calls = len(recorder.calls)
    recorder.purpose = "followup"
    followup = make_followup(p["question"], p["answer"], question_type=p["type"], llm=recorder, seed=seed)
    followup_calls = len(recorder.calls) - generation_calls
    accepted = (generated.source == "llm") + bool(followup and followup.source == "llm")
    repeats = sum(reason.startswith("repeats") for reason in generated.rejected)
    if followup and followup.rejected:
        repeats += followup.rejected.startswith("repeats")
    recorder.purpose = "feedback"
    messages = build_messages(p["question"], p["feedback_answer"], p["role"])
    reply = recorder.chat(messages, max_tokens=FEEDBACK_MAX_TOKENS, temperature=0.0, seed=seed,
                          json_schema=SCHEMA).text
    is_json, points = _feedback_points(reply)
    quotes = [q for _, q in points if q]
    addressed = sum(addresses_candidate(pt) for pt, _ in points)
    work_calls = list(recorder.calls)
    recorder.purpose = "judge"
    ratings = [r for r in (_rating(recorder.chat(messages, max_tokens=FEEDBACK_MAX_TOKENS,
                                                 temperature=JUDGE_TEMPERATURE, seed=seed + 1 + k,
                                                 json_schema=SCHEMA).text) for k in range(judge_seeds)) if r]
    attempts = generation_calls + followup_calls
    parts: dict[str, Any] = {
        "guard_pass_share": (accepted, attempts) if attempts else None,
        "repeat_share": (repeats, attempts) if attempts else None,
        "grounding_share": (float(names_the_answer(followup.text, p["question"], p["answer"]))
                            if followup and followup.source == "llm" else None),
        "json_valid_share": float(is_json),
        "verified_quote_share": (sum(quote_occurs(q, p["feedback_answer"]) for q in quotes), len(quotes)),
        "second_person_share": (addressed, len(points)),
        "latency_p50_s": [c.latency_s for c in work_calls], "latency_p90_s": [c.latency_s for c in work_calls],
        "tokens_per_s": (sum(c.completion_tokens for c in work_calls), sum(c.latency_s for c in work_calls)),
        "judge_rating_1_to_5": statistics.mean(ratings) if ratings else None,
        "judge_rating_sd_1_to_5": statistics.pstdev(ratings) if len(ratings) > 1 else None,
    }
    output = {"question": p["question"], "generated_question": generated.text,
              "generated_source": generated.source, "generated_rejected": list(generated.rejected),
              "followup": followup.text if followup else None, "followup_source": followup.source if followup else None,
              "feedback_reply": reply, "judge_ratings": ratings}
    return ItemResult(parts=parts, output=output, inference_s=sum(c.latency_s for c in recorder.calls))


@contextlib.contextmanager
def evaluator(model_id: str, model: Any, *, progress: bool = False, judge_seeds: int = 0) -> Iterator[Any]:
    """``evaluate(item, seed)`` for one loaded chat model."""
    yield lambda item, seed: _evaluate(model, item, seed, judge_seeds)
