"""The numbers of a report, built from the stored session alone (never from media, which may be
discarded once features are extracted). One pure function, used by the pipeline for
``summary.json`` and by ``90_report`` for its tables, so the page and the JSON cannot disagree.

The stage modules (speech, vision, scoring) own the shape of their analysis dicts; this module only
reads them tolerantly: it looks for well-known keys and flattens every numeric leaf into ``numbers``.
"""
from __future__ import annotations

import math
from typing import Any, Iterable

from workbench.report.measures import face_rows, voice_rows
from workbench.report.overview import session_band, strengths_and_improvements
from workbench.session import Session

STAGE_KEYS = ("voice", "face", "scores")  # where each stage stores its result in ``turn.analysis``
OVERALL_KEYS = ("overall", "overall_score", "score")  # names the scoring stage may use for the total
UNCERTAINTY_KEYS = ("uncertainty", "overall_uncertainty", "ci_half_width", "stderr", "std")
SERIES_MIN_POINTS = 2  # ours: a list of at least two numbers is a timeline, not a scalar
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


def find_key(value: Any, names: Iterable[str]) -> Any:
    """The first value stored under one of ``names``, searching dicts breadth-first."""
    names = tuple(names)
    queue = [value]
    while queue:
        current = queue.pop(0)
        if isinstance(current, dict):
            for name in names:
                if name in current and current[name] is not None:
                    return current[name]
            queue.extend(v for v in current.values() if isinstance(v, dict))
    return None


def overall_of(scores: dict[str, Any]) -> tuple[float | None, float | None]:
    """(score, uncertainty) of one answer's scores dict, whatever its exact nesting."""
    overall = find_key(scores, OVERALL_KEYS)
    uncertainty = None
    if isinstance(overall, dict):
        uncertainty = find_key(overall, UNCERTAINTY_KEYS)
        overall = find_key(overall, ("value", "score", "mean"))
    if uncertainty is None:
        uncertainty = find_key(scores, UNCERTAINTY_KEYS)
    return _number(overall), _number(uncertainty) if not isinstance(uncertainty, dict) else None


def components_of(scores: dict[str, Any]) -> dict[str, float]:
    """Per-criterion scores (relevance, structure, ...): ``components``/``criteria`` sub-dicts,
    each either a number or a dict with a ``score``."""
    block = find_key(scores, ("components", "criteria", "subscores"))
    found: dict[str, float] = {}
    if isinstance(block, dict):
        for name, item in block.items():
            number = _number(item.get("score") if isinstance(item, dict) else item)
            if number is not None:
                found[str(name)] = number
    return found


def series_of(analysis: dict[str, Any]) -> dict[str, list[float]]:
    """Timelines in a stage's dict: lists of at least two numbers (e.g. ``pitch_hz``), or lists of
    dicts whose numeric fields are gathered per field (``frames: [{"t_s":..,"yaw_deg":..}]``)."""
    found: dict[str, list[float]] = {}

    def walk(value: Any, prefix: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{prefix}.{key}" if prefix else str(key))
        elif isinstance(value, list) and len(value) >= SERIES_MIN_POINTS:
            if all(_number(v) is not None for v in value):
                found[prefix] = [float(v) for v in value]
            elif all(isinstance(v, dict) for v in value):
                fields = {k for v in value for k in v if _number(v[k]) is not None}
                for field in sorted(fields):
                    points = [_number(v.get(field)) for v in value]
                    if all(p is not None for p in points):
                        found[f"{prefix}.{field}"] = points  # type: ignore[assignment]

    walk(analysis, "")
    return found


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), NUMBER_DIGITS) if values else None


def build_summary(session: Session) -> dict[str, Any]:
    """The report's numbers for one session: overview, one entry per answer, ``numbers`` (every
    numeric leaf, what the determinism check compares) and strengths/improvements."""
    turns = []
    overall_scores: list[float] = []
    uncertainties: list[float] = []
    component_values: dict[str, list[float]] = {}
    numbers: dict[str, float] = {}
    for turn in session.turns:
        analysis = turn.analysis or {}
        scores = analysis.get("scores") or {}
        overall, uncertainty = overall_of(scores) if isinstance(scores, dict) else (None, None)
        if overall is not None:
            overall_scores.append(overall)
        if uncertainty is not None:
            uncertainties.append(uncertainty)
        components = components_of(scores) if isinstance(scores, dict) else {}
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
            "voice_table": [row.to_json() for row in voice_rows(analysis.get("voice") or {})],
            "face_table": [row.to_json() for row in face_rows(analysis.get("face") or {})],
            "stages_present": [k for k in STAGE_KEYS if analysis.get(k)],
        })
    # Uncertainty of the mean of n answers, each with its own half-width: sqrt(sum u^2) / n.
    session_uncertainty = (
        round(math.sqrt(sum(u * u for u in uncertainties)) / len(uncertainties), NUMBER_DIGITS)
        if uncertainties else None
    )
    ranked = sorted(((sum(v) / len(v), name) for name, v in component_values.items()), reverse=True)
    result = {
        "session_id": session.id,
        "candidate": session.candidate,
        "role": session.role,
        "level": session.level,
        "created_at": session.created_at,
        "synthetic": session.synthetic,
        "answers": len(session.turns),
        "overall_score": _mean(overall_scores),
        "overall_uncertainty": session_uncertainty,
        "components_mean": {name: round(score, NUMBER_DIGITS) for score, name in ranked},
        "turns": turns,
        "numbers": numbers,
    }
    result["band"] = session_band(result["overall_score"])
    result.update(strengths_and_improvements(session, result))  # "strengths", "improvements": sentences
    return result
