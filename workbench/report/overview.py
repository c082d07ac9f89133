"""The overview a student reads first: the three main strengths and the three main things to
improve, in plain sentences, drawn from the scoring components, the voice and face verdicts and,
where it exists, the written feedback of the scoring stage.
"""
from __future__ import annotations

from typing import Any

from workbench.report.measures import MeasureRow, face_rows, voice_rows
from workbench.session import Session, Turn, TurnState

TOP_N = 3  # the issue asks for "the three main strengths and improvements"
STRENGTH_MIN_SCORE = 60.0  # scoring.overall's "good" band starts at 60: below it a criterion needs work
MAJORITY = 0.5  # ours: a voice or face verdict is a pattern when it holds in more than half the answers
# What each scoring component means, in the student's words (component names from workbench.scoring.api).
COMPONENT_WORDS = {
    "relevance": ("your answers stayed on the question asked", "answer the question that was asked, and stay on it"),
    "coverage": ("you covered the points a good answer needs", "cover more of the points the question is after"),
    "structure": ("your answers had a clear situation-task-action-result structure",
                  "tell each story as situation, task, action, result"),
    "specificity": ("you gave concrete details: what you did, with figures",
                    "give concrete details: what you yourself did, with a figure for the result"),
    "communication": ("your sentences were clear and well formed", "use shorter, complete sentences"),
    "delivery": ("you looked at the camera and your face was engaged",
                 "look at the camera more, as you would at a person"),
}
PLAIN_VERDICT = {"low": "below", "high": "above", "fair": "below"}


def asked_turns(session: Session) -> list[Turn]:
    """The turns whose question was put to the candidate: a planned, never-asked question is left out."""
    return [turn for turn in session.turns if turn.state != TurnState.PLANNED]


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _feedback_points(session: Session, key: str) -> list[tuple[float, str]]:
    """(answer score, "In answer N: point") from the scoring stage's written (LLM) feedback."""
    found = []
    for turn in asked_turns(session):
        scores = turn.analysis.get("scores") or {}
        feedback = scores.get("feedback")
        if not feedback or feedback["source"] == "rules":
            continue  # rule feedback restates the components, which are already used below
        for item in feedback[key]:
            point = item["point"]
            if point.strip():
                found.append((float(scores["overall"]), f"In answer {turn.index + 1}: {point.strip().rstrip('.')}"))
    return found


def _first_reason(session: Session, name: str) -> str | None:
    """The reason the scoring stage gave for the lowest score of component ``name``."""
    lowest: tuple[float, str] | None = None
    for turn in asked_turns(session):
        component = ((turn.analysis.get("scores") or {}).get("components") or {}).get(name)
        reasons = component["reasons"] if component else []
        if reasons:
            if lowest is None or component["score"] < lowest[0]:
                lowest = (float(component["score"]), str(reasons[0]))
    return lowest[1] if lowest else None


def _pattern_rows(session: Session, *, face: bool = True) -> list[tuple[str, str, int, int, str]]:
    """(measure, verdict, answers with that verdict, answers measured, norm) for every voice (and
    ``face``) measure whose verdict is the same outside the band in most answers."""
    per_measure: dict[str, list[MeasureRow]] = {}
    for turn in asked_turns(session):
        rows = voice_rows(turn.analysis.get("voice") or {})
        if face:
            rows += face_rows(turn.analysis.get("face") or {})
        for row in rows:
            if row.verdict is not None:
                per_measure.setdefault(row.measure, []).append(row)
    patterns = []
    for measure, rows in per_measure.items():
        for verdict in ("high", "low", "fair"):
            count = sum(r.verdict == verdict for r in rows)
            if count and count / len(rows) > MAJORITY:
                patterns.append((measure, verdict, count, len(rows), rows[0].norm))
    return patterns


def strengths_and_improvements(session: Session, summary: dict[str, Any]) -> dict[str, list[str]]:
    """Up to ``TOP_N`` strengths and ``TOP_N`` improvements as plain sentences.

    Strengths: the best scoring components (at least ``STRENGTH_MIN_SCORE``), then the written
    feedback's strengths. Improvements: the weakest components with the scoring stage's reason,
    voice and face measures outside their band in most answers, then the written feedback.
    """
    means = summary.get("components_mean") or {}
    ranked = sorted(means.items(), key=lambda item: item[1], reverse=True)
    strengths = [
        _sentence(f"{COMPONENT_WORDS[name][0]} (average {score:.0f}/100)")
        for name, score in ranked if score >= STRENGTH_MIN_SCORE and name in COMPONENT_WORDS
    ][:TOP_N]
    strengths += [_sentence(p) for _, p in sorted(_feedback_points(session, "strengths"), reverse=True)]
    improvements, named = [], set()
    for name, score in reversed(ranked):
        if score >= STRENGTH_MIN_SCORE or name not in COMPONENT_WORDS:
            continue
        named.add(name)
        reason = _first_reason(session, name)
        improvements.append(_sentence(f"{COMPONENT_WORDS[name][1]} (average {score:.0f}/100"
                                      + (f"; {reason})" if reason else ")")))
        if len(improvements) >= TOP_N - 1:
            break  # leave room for one voice or face pattern
    # the delivery component already speaks for the face measures when it is named
    for measure, verdict, count, total, norm in _pattern_rows(session, face="delivery" not in named):
        where = "in your answer" if total == 1 else f"in {count} of {total} answers"
        improvements.append(_sentence(f"{measure}: {PLAIN_VERDICT[verdict]} the norm ({norm}) {where}"))
    improvements += [_sentence(p) for _, p in sorted(_feedback_points(session, "improvements"))]
    return {"strengths": _unique(strengths)[:TOP_N], "improvements": _unique(improvements)[:TOP_N]}


def _unique(items: list[str]) -> list[str]:
    seen, out = set(), []
    for item in items:
        if item and item.lower() not in seen:
            seen.add(item.lower())
            out.append(item)
    return out
