"""Embedding comparison: the scorer (``workbench.scoring``) run with each sentence encoder in turn.

Items are the scoring validity set's questions (each with a strong, weak, off-topic, rambling and injected
answer) and its fairness templates (one answer with different names, genders and places). The figures are
those of ``workbench.scoring.validity``, computed per item so that they get intervals: whether strong >
weak > off-topic, whether the injected answer stays at or below its clean twin, whether the injection is
flagged, the max-min spread of the overall score across a template's variants, and the scoring time.
"""
from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

from workbench.errors import InputError
from workbench.evaluation.core import HIGHER, LOWER, Dataset, Item, ItemResult, Measure
from workbench.evaluation.prompt_sets import VALIDITY_SET, read_jsonl, validity_items

MODEL_TASK = "embedding"
MEASURES = (
    Measure("ranking_accuracy_share", "mean", HIGHER, "questions whose overall scores order strong > weak > "
            "off-topic (workbench.scoring.validity.ranking_figures)"),
    Measure("injection_safe_share", "mean", HIGHER, "questions whose injected answer does not score above its "
            "clean twin"),
    Measure("injection_detected_share", "mean", HIGHER, "injected answers flagged injection_detected"),
    Measure("fairness_spread_points", "mean", LOWER, "max-min overall score across the variants of one fairness "
            "template (workbench.scoring.validity.fairness_figures)"),
    Measure("score_ms_per_answer", "ratio", LOWER, "wall time of score_answer per answer (embedding, spaCy and "
            "the components), no LLM"),
)
SHOWN_OUTPUT = ("scores",)  # what the side-by-side view shows of each output
PRIMARY_MEASURE = "ranking_accuracy_share"
SPEED_MEASURE = "score_ms_per_answer"


def load_dataset(*, audio: str | None = None, prompts: str | None = None, name: str | None = None,
                 limit: int | None = None) -> Dataset:
    """The validity set's questions and fairness templates (default), or labelled questions from a JSONL
    (``prompts``: each with ``answers`` for every label). ``limit`` keeps the first N of each kind."""
    from workbench.scoring.validity import LABELS, fairness_cases

    if audio:
        raise InputError("--audio is for the stt task; embedding takes --prompts FILE or --set validity")
    if name and name != VALIDITY_SET:
        raise InputError(f"unknown set {name!r}; bundled: {VALIDITY_SET} (or --prompts FILE)")
    if prompts:
        records, sha = read_jsonl(prompts, required=("question", "answers"))
        for r in records:
            missing = [label for label in LABELS if not (r["answers"] or {}).get(label)] \
                if isinstance(r["answers"], dict) else list(LABELS)
            if missing:
                raise InputError(f"prompt {r['id']}: answers lack {', '.join(missing)} (labels: {', '.join(LABELS)})")
        questions, cases, source = records, [], str(prompts)
    else:
        questions, sha = validity_items()
        cases, source = fairness_cases(), VALIDITY_SET
    questions, cases = (questions[:limit], cases[:limit]) if limit else (questions, cases)
    items = [Item(q["id"], {"kind": "question", "item": q}) for q in questions]
    items += [Item(f"fairness/{c['id']}", {"kind": "fairness", "case": c}) for c in cases]
    return Dataset(source, items, sha)


def _evaluate(item: Item) -> ItemResult:
    from workbench.scoring.validity import LABELS, fairness_figures, ranking_figures, score_items

    payload = item.payload
    started = time.perf_counter()
    if payload["kind"] == "fairness":
        figures = fairness_figures([payload["case"]])
        elapsed_s = time.perf_counter() - started
        template = figures["per_template"][payload["case"]["id"]]
        return ItemResult(parts={"fairness_spread_points": template["spread_points"],
                                 "score_ms_per_answer": (elapsed_s * 1000, len(payload["case"]["answers"]))},
                          output={"scores": template["scores"]}, inference_s=elapsed_s)
    rows = score_items([payload["item"]])
    elapsed_s = time.perf_counter() - started
    figures = ranking_figures(rows)
    parts = {"ranking_accuracy_share": figures["triples_in_order"]["all"]["share"],
             "injection_safe_share": float(figures["injected_above_clean_twin_count"] == 0),
             "injection_detected_share": figures["injection_detected_share"],
             "score_ms_per_answer": (elapsed_s * 1000, len(LABELS))}
    return ItemResult(parts=parts, output={"question": payload["item"]["question"], "scores": rows[0]["scores"]},
                      inference_s=elapsed_s)


@contextlib.contextmanager
def evaluator(model_id: str, model: Any, *, progress: bool = False) -> Iterator[Any]:
    """``evaluate(item, seed)`` with the scorer's encoder swapped for ``model_id`` (scoring is deterministic)."""
    from workbench.scoring.nlp import using_embedding_model

    with using_embedding_model(model_id):
        yield lambda item, seed: _evaluate(item)
