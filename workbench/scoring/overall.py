"""The overall score 0-100: a weighted mean of the components, gated by relevance, with caps for
unusable input, a penalty for injected instructions, an uncertainty and a band.

The relevance gate flags instead of sinking (issue 14). Only an answer far from both the question and its
intent (``relevance.details.off_topic``) is pulled down hard (``OFF_TOPIC_GATE``). An answer with low
relevance but a clear structure and specific detail is not sunk: it is flagged ``uncertain_relevance``, its
other components count at ``UNCERTAIN_GATE`` and its interval widens (``UNCERTAIN_RELEVANCE_POINTS``), because
the scorer may simply not recognise how it answers an idiomatic question. Other low-relevance answers are scaled.

Every weight and threshold here is ours, fitted on the calibration split of the validity set
(``python -m workbench.scoring.fit_relevance``); the test split is never used; none comes from the LLM.
"""
from __future__ import annotations

import math

import numpy as np

WEIGHTS = {  # relative weights, normalised over the components present. Chosen by a grid search on
    # the calibration split of data/scoring_validity (ours); the held-out split was not used to pick them.
    # Relevance weighs little because it acts mainly as a gate (below).
    "relevance": 0.10,
    "coverage": 0.15,
    "structure": 0.15,
    "specificity": 0.15,
    "communication": 0.20,
    "delivery": 0.05,  # camera measures: shown, weighted lightly, switchable off
}
RELEVANCE_FULL_CREDIT = 50.0  # ours: at relevance >= 50 the other components count in full; below,
# they are scaled by relevance/50, so a polished answer to another question cannot score well
RELEVANCE_GATE_FLOOR = 0.8  # fitted: a low-relevance answer that is not off-topic keeps at least half
OFF_TOPIC_GATE = 0.2  # fitted: an off-topic answer's other components count at this share
STRUCTURED_SPECIFIC_MIN = 30.0  # fitted: mean of structure and specificity at which a low-relevance answer
# is "uncertain" rather than scaled down
UNCERTAIN_GATE = 0.9  # fitted: the share at which an uncertain answer's other components count
UNCERTAIN_RELEVANCE_POINTS = 12.0  # ours: added (in quadrature) to the uncertainty of an uncertain answer,
# about half a band: the relevance could be anywhere from low to full
UNCERTAIN_RELEVANCE_TEXT = (
    "The scorer is not sure this answer addresses what the question asks: it is well structured and "
    "specific, but its words are far from the question's. The score assumes it does answer the question, "
    "so its range is wider; check that it answers what was asked.")
OFF_TOPIC_TEXT = ("The answer seems to be about something else: it is far from both the question and what "
                  "the question is after, so its other qualities count for little.")
BLOCKED_CAP = 10.0  # ours: empty, non-English, code, emoji-only or filler-only answers score at most 10
TOO_SHORT_CAP = 30.0  # ours: under MIN_WORDS words an answer cannot be better than "needs work"
INJECTION_PENALTY = 15.0  # ours: points taken off when an answer addresses the grader
BANDS = ((80.0, "strong"), (60.0, "good"), (40.0, "developing"), (0.0, "needs work"))  # ours
LOWEST_BAND = BANDS[-1][1]
SHORT_EVIDENCE_WORDS = 60  # ours: below this, uncertainty grows (little text to judge)
SHORT_EVIDENCE_UNCERTAINTY = 8.0  # ours: points added at zero words, shrinking linearly to 0
MIN_UNCERTAINTY = 2.0  # ours: no score here is more precise than this


def band(score: float) -> str:
    """The band name for a 0-100 score (see ``BANDS``)."""
    return next(name for low, name in BANDS if score >= low)


def relevance_gate(components: dict[str, dict], *, off_topic_gate: float = OFF_TOPIC_GATE,
                   structured_min: float = STRUCTURED_SPECIFIC_MIN, gate_floor: float = RELEVANCE_GATE_FLOOR,
                   uncertain_gate: float = UNCERTAIN_GATE) -> tuple[float, str | None]:
    """The factor applied to the non-relevance components and the flag it raises
    (``off_topic``, ``uncertain_relevance`` or None). See the module docstring."""
    rel = components.get("relevance")
    if rel is None:
        return 1.0, None
    relevance = rel.get("score", 0.0)
    if rel.get("details", {}).get("off_topic"):
        return off_topic_gate, "off_topic"
    if relevance >= RELEVANCE_FULL_CREDIT:
        return 1.0, None
    shape = [components[k]["score"] for k in ("structure", "specificity") if k in components]
    if shape and sum(shape) / len(shape) >= structured_min:
        return uncertain_gate, "uncertain_relevance"
    return gate_floor + (1 - gate_floor) * relevance / RELEVANCE_FULL_CREDIT, None


def combine(components: dict[str, dict], *, flags: list[str], word_count: int,
            judge_spread: float = 0.0, **gate_options: float) -> dict:
    """Overall score, uncertainty (points, about one standard deviation) and band.

    ``components``: name -> component dict with ``score``; a component whose ``details.scored`` is
    False is shown but not counted. Weights of absent components are redistributed.
    ``judge_spread``: the standard deviation of repeated LLM judgements, if any (adds to uncertainty).
    ``gate_options``: ``relevance_gate``'s options (the fitting script varies them). The result's
    ``flags`` holds ``off_topic`` or ``uncertain_relevance`` when the gate raised one.
    """
    from workbench.scoring.guards import BLOCKING_FLAGS

    used = {k: v for k, v in components.items()
            if k in WEIGHTS and v is not None and v.get("details", {}).get("scored", True) is not False}
    total_weight = sum(WEIGHTS[k] for k in used)
    relevance = used.get("relevance", {}).get("score", 0.0)
    gate, gate_flag = relevance_gate(used, **gate_options)
    weights, raw = {}, 0.0
    for name, comp in used.items():
        weights[name] = WEIGHTS[name] / total_weight if total_weight else 0.0
        factor = 1.0 if name == "relevance" else gate
        raw += weights[name] * comp["score"] * factor
    notes = []
    if gate_flag == "off_topic":
        notes.append(OFF_TOPIC_TEXT)
    elif gate_flag == "uncertain_relevance":
        notes.append(UNCERTAIN_RELEVANCE_TEXT)
    elif gate < 1.0:
        notes.append(f"relevance {relevance:.0f} < {RELEVANCE_FULL_CREDIT:.0f}: other components scaled by {gate:.2f}")
    score = raw
    if set(flags) & BLOCKING_FLAGS:
        score = min(score, BLOCKED_CAP)
        notes.append(f"capped at {BLOCKED_CAP:.0f}: {', '.join(sorted(set(flags) & BLOCKING_FLAGS))}")
    if "too_short" in flags:
        score = min(score, TOO_SHORT_CAP)
        notes.append(f"capped at {TOO_SHORT_CAP:.0f}: too short")
    if "injection_detected" in flags:
        score = max(0.0, score - INJECTION_PENALTY)
        notes.append(f"-{INJECTION_PENALTY:.0f}: instructions to the grader")
    scores = np.array([c["score"] for c in used.values()], dtype=float)
    w = np.array([weights[k] for k in used], dtype=float)
    if len(scores) > 1:  # weighted spread of the components, as a standard error of the weighted mean
        mean = float(np.sum(w * scores))
        spread = math.sqrt(float(np.sum(w * (scores - mean) ** 2)) / len(scores))
    else:
        spread = 0.0
    short = SHORT_EVIDENCE_UNCERTAINTY * max(0.0, 1 - word_count / SHORT_EVIDENCE_WORDS)
    doubt = UNCERTAIN_RELEVANCE_POINTS if gate_flag == "uncertain_relevance" else 0.0
    uncertainty = max(MIN_UNCERTAINTY, math.sqrt(spread ** 2 + short ** 2 + judge_spread ** 2 + doubt ** 2))
    score = round(float(np.clip(score, 0, 100)), 1)
    uncertainty = round(uncertainty, 1)
    low, high = max(0.0, score - uncertainty), min(100.0, score + uncertainty)
    return {
        "overall": score,
        "uncertainty": uncertainty,
        "band": band(score),
        "band_range": sorted({band(low), band(score), band(high)}, key=[b for _, b in BANDS].index),
        "weights": {k: round(v, 4) for k, v in weights.items()},
        "relevance_gate": round(gate, 3),
        "flags": [gate_flag] if gate_flag else [],
        "notes": notes,
    }
