"""Fit the relevance anchors and the gate on the calibration split of the validity set (issue 14).

Every calibration answer is scored once (components, raw relevance cosines); then a grid of anchors
(``relevance.OFF_TOPIC_RAW``, ``ON_TOPIC_RAW``, ``OTHER_QUESTION_MARGIN``, ``WORK_STORY_MIN_COS``) and gate options
(``overall.OFF_TOPIC_GATE``, ``STRUCTURED_SPECIFIC_MIN``, ``RELEVANCE_GATE_FLOOR``, ``UNCERTAIN_GATE``)
is searched for the fewest
strong answers below "developing" without the uncertainty flag, then the most triples ordered
strong > weak > off-topic, then the widest median margin. The test split is never read. The chosen values are
copied by hand into the two modules (named constants), so scoring never depends on this script.

Run: ``python -m workbench.scoring.fit_relevance`` (a few minutes; prints the best settings as JSON).

Result (2026-12-02, 52 calibration questions, 19 of 45 outside-bank intents derived): off_raw 0.28, on_raw 0.33,
other-question margin 0.35, work-story cosine 0.25, off-topic gate 0.2, structured+specific 30, gate floor 0.8,
uncertain gate 0.9: 86.5% of calibration triples in order, no strong answer sunk without the flag. Putting
the order first instead gave 90.4% with 4 strong answers sunk. On the test split (``python -m
workbench.scoring.validity``): 73.6% in order (95% interval 61-85%, 53 triples of 50 questions) against 77.4%
(65-89%) for the scorer before issue 14 on the same triples; idiomatic 60% vs 47%; strong answers below
"developing" without the flag 1 vs 4; injected never above the clean twin; fairness spread 2.3 points.
Again (2026-12-07) with all 45 intents derived: the same grid point wins (86.5% of calibration triples, none
sunk); test split 75.5% (63.5-86.5%), idiomatic 60%, plain 60%, bank 92%, given 87%. The 95% target is not
met: low-relevance off-topic stories are structured and specific too, so the "uncertain" answers include
off-topic ones, and a vague answer that repeats an idiomatic question's words ("I always go above and
beyond") gets full relevance while the specific story that answers it does not.
"""
from __future__ import annotations

import itertools
import json
import statistics
from typing import Any

from workbench.scoring.validity import STRONG_FLOOR_BAND_POINTS, seeded_intent_cache
from workbench.scoring.validity_set import load_items

GRID = {  # ours: ranges around the values seen on the calibration split (a first, wider grid chose
    # off_topic_gate 0.2 among 0.2/0.35/0.5 and other_margin_max among 0.05-0.20 or off)
    "off_raw": [0.24, 0.28, 0.32, 0.36, 0.40],
    "on_raw_gap": [0.05],
    "other_margin_max": [0.2, 0.25, 0.3, 0.35, 9.0],
    "work_min": [0.2, 0.23, 0.25, 0.28, 0.3, 9.0],
    "off_topic_gate": [0.2],
    "structured_min": [30.0, 40.0, 50.0],
    "gate_floor": [0.8],
    "uncertain_gate": [0.6, 0.7, 0.8, 0.9, 1.0],
}
FITTED_LABELS = ("strong", "weak", "off_topic")


def features(items: list[dict], intent_cache=None) -> list[dict[str, Any]]:
    """For each calibration answer: the components other than relevance, flags, word count and the raw
    relevance inputs (``raw``, ``focus_share``, ``other_question_margin``)."""
    from workbench.scoring.api import score_answer

    cache = intent_cache or seeded_intent_cache()
    rows = []
    for item in items:
        for label in FITTED_LABELS:
            result = score_answer(item["question"], item["answers"][label], concepts=item["concepts"],
                                  llm_feedback=False, intent_cache=cache)
            rel = result.components["relevance"]["details"]
            rows.append({"id": item["id"], "label": label, "flags": [f for f in result.flags
                                                                     if f not in ("off_topic", "uncertain_relevance")],
                         "word_count": result.details["word_count"],
                         "components": {k: v for k, v in result.components.items() if k != "relevance"},
                         "raw": rel.get("raw_cos") or 0.0, "focus": rel.get("focus_share", 1.0),
                         "margin": rel.get("other_question_margin") or 0.0, "work": rel.get("work_cos") or 0.0})
    return rows


def evaluate(rows: list[dict], params: dict[str, float]) -> dict[str, Any]:
    """Overall scores of ``rows`` under ``params``: triples in order, strong floor misses, median margin."""
    from workbench.scoring.overall import combine
    from workbench.scoring.relevance import relevance_from

    scores: dict[str, dict[str, float]] = {}
    flagged: dict[str, bool] = {}
    for row in rows:
        relevance, off_topic = relevance_from(row["raw"], row["focus"], row["margin"], row["work"],
                                              off_raw=params["off_raw"],
                                              on_raw=params["off_raw"] + params["on_raw_gap"],
                                              other_margin_max=params["other_margin_max"], work_min=params["work_min"])
        components = dict(row["components"], relevance={"score": relevance, "details": {"off_topic": off_topic}})
        combined = combine(components, flags=row["flags"], word_count=row["word_count"],
                           off_topic_gate=params["off_topic_gate"], structured_min=params["structured_min"],
                           gate_floor=params["gate_floor"], uncertain_gate=params["uncertain_gate"])
        scores.setdefault(row["id"], {})[row["label"]] = combined["overall"]
        if row["label"] == "strong":
            flagged[row["id"]] = "uncertain_relevance" in combined["flags"]
    in_order = [s["strong"] > s["weak"] > s["off_topic"] for s in scores.values()]
    floor_misses = sum(s["strong"] < STRONG_FLOOR_BAND_POINTS and not flagged[i] for i, s in scores.items())
    margin = statistics.median(min(s["strong"] - s["weak"], s["weak"] - s["off_topic"]) for s in scores.values())
    return {"in_order_share": sum(in_order) / len(in_order), "strong_floor_misses": floor_misses,
            "median_margin": margin}


def fit(rows: list[dict]) -> dict[str, Any]:
    """The grid point with the fewest strong answers sunk below "developing" without the flag (the harm the
    issue names first), then the most triples in order, then the widest median margin, on ``rows``."""
    best, best_key = None, None
    names = list(GRID)
    for values in itertools.product(*(GRID[n] for n in names)):
        params = dict(zip(names, values, strict=True))
        result = evaluate(rows, params)
        key = (-result["strong_floor_misses"], result["in_order_share"], result["median_margin"])
        if best_key is None or key > best_key:
            best, best_key = dict(params, **result), key
    return best


if __name__ == "__main__":
    calibration = [i for i in load_items() if i["split"] == "calibration"]
    print(json.dumps(fit(features(calibration)), indent=2))
