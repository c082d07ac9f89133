"""The numbers of a report, built from the stored session alone (never from media, which may be
discarded once features are extracted). One pure function, used by the pipeline for
``summary.json`` and by ``90_report`` for its tables, so the page and the JSON cannot disagree.

The stage modules (speech, vision, scoring) own the shape of their analysis dicts; this module reads
their keys as the stages write them (``AnswerScores.to_json``, ``VoiceAnalysis.to_json``,
``FaceAnalysis.to_json``) and flattens every numeric leaf into ``numbers``. Only asked questions are
counted and shown: a question still in the plan (``TurnState.PLANNED``) was never put to the candidate.
"""
from __future__ import annotations

import math
from typing import Any

from workbench.report.measures import face_rows, posture_rows, voice_rows
from workbench.report.overview import asked_turns, strengths_and_improvements
from workbench.scoring.api import session_overview
from workbench.session import Session

STAGE_KEYS = ("voice", "face", "posture", "scores")  # where each stage stores its result in ``turn.analysis``
# Wall-clock timings the stages record about themselves: measurements of this machine's load, not
# results, so they are left out of ``numbers`` (which two deterministic runs must reproduce).
TIMING_LEAVES = frozenset({"analyse_s", "transcribe_s", "real_time_factor", "elapsed_s", "latency_s", "wall_s"})
NUMBER_DIGITS = 6  # ours: rounding for JSON; enough for scores and seconds, hides float noise


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return round(float(value), NUMBER_DIGITS)


def flatten_numbers(value: Any, prefix: str = "") -> dict[str, float]:
    """Every finite numeric leaf of a JSON-like value as ``{"a.b.0.c": number}``."""
    found: dict[str, float] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            found.update(flatten_numbers(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            found.update(flatten_numbers(item, f"{prefix}.{i}" if prefix else str(i)))
    else:
        number = _number(value)
        if number is not None:
            found[prefix] = number
    return found


def scalars(value: Any) -> dict[str, float]:
    """The top-level and nested scalar numbers of a dict, leaving out lists (timelines)."""
    found: dict[str, float] = {}
    if not isinstance(value, dict):
        return found
    for key, item in value.items():
        if isinstance(item, dict):
            found.update({f"{key}.{k}": v for k, v in scalars(item).items()})
        else:
            number = _number(item)
            if number is not None:
                found[str(key)] = number
    return found


def overall_of(scores: dict[str, Any]) -> tuple[float | None, float | None]:
    """(score, uncertainty) of one answer's stored ``AnswerScores.to_json()`` (None, None if unscored)."""
    if not scores:
        return None, None
    return _number(scores["overall"]), _number(scores["uncertainty"])


def components_of(scores: dict[str, Any]) -> dict[str, float]:
    """Per-criterion scores (relevance, structure, ...) of one answer's stored scores."""
    return {name: float(component["score"]) for name, component in (scores or {}).get("components", {}).items()}


def build_summary(session: Session) -> dict[str, Any]:
    """The report's numbers for one session: overview, one entry per answer, ``numbers`` (every
    numeric leaf, what the determinism check compares) and strengths/improvements."""
    turns = []
    scored_rows: list[dict[str, float]] = []  # what scoring's session_overview reads
    component_values: dict[str, list[float]] = {}
    numbers: dict[str, float] = {}
    asked = asked_turns(session)
    for turn in asked:
        analysis = turn.analysis or {}
        scores = analysis.get("scores") or {}
        overall, uncertainty = overall_of(scores)
        if overall is not None:
            scored_rows.append({"overall": overall, "uncertainty": uncertainty})
        components = components_of(scores)
        for name, value in components.items():
            component_values.setdefault(name, []).append(value)
        for key in STAGE_KEYS:
            numbers.update({f"turn{turn.index}.{key}.{k}": v
                            for k, v in flatten_numbers(analysis.get(key) or {}).items()
                            if k.rsplit(".", 1)[-1] not in TIMING_LEAVES})
        turns.append({
            "index": turn.index,
            "question": turn.question,
            "state": turn.state.value,
            "answer_words": len((turn.answer_text or "").split()),
            "answer_duration_s": _number(turn.answer_duration_s),
            "overall_score": overall,
            "overall_uncertainty": uncertainty,
            "components": components,
            "voice": scalars(analysis.get("voice") or {}),
            "face": scalars(analysis.get("face") or {}),
            "posture": scalars(analysis.get("posture") or {}),
            "voice_table": [row.to_json() for row in voice_rows(analysis.get("voice") or {})],
            "face_table": [row.to_json() for row in face_rows(analysis.get("face") or {})],
            "posture_table": [row.to_json() for row in posture_rows(analysis.get("posture") or {})],
            "stages_present": [k for k in STAGE_KEYS if analysis.get(k)],
        })
    # The session's score and uncertainty are the scoring stage's own (scores.json, notebook 40).
    overview = session_overview(scored_rows)
    ranked = sorted(((sum(v) / len(v), name) for name, v in component_values.items()), reverse=True)
    result = {
        "session_id": session.id,
        "candidate": session.candidate,
        "role": session.role,
        "level": session.level,
        "created_at": session.created_at,
        "synthetic": session.synthetic,
        "answers": len(asked),  # questions asked (planned but unasked ones are left out)
        "overall_score": overview["overall_mean"],
        "overall_uncertainty": overview["overall_uncertainty"],
        "components_mean": {name: round(score, NUMBER_DIGITS) for score, name in ranked},
        "turns": turns,
        "numbers": numbers,
    }
    result["band"] = overview["band"]
    result.update(strengths_and_improvements(session, result))  # "strengths", "improvements": sentences
    return result
