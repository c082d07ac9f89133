"""Figures of the report, drawn from stored analysis dicts and summaries (never from media).

Each function returns a ``matplotlib.figure.Figure`` (or None when there is nothing to draw); the
notebook shows it and nbconvert embeds it as a PNG in the HTML report. The timelines of one answer
are the stages' own (``workbench.speech.plots``, ``workbench.vision.plots``), not copies.

The figures are made through pyplot, not ``Figure()``: in a kernel, the inline backend that turns a
displayed figure into a PNG is set up with pyplot's first figure, and a bare ``Figure`` displayed before
that prints as ``<Figure size ...>`` text in the report.
"""
from __future__ import annotations

import copy
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from workbench.report.render import COMPONENT_LABELS
from workbench.session import Session, Turn, TurnState
from workbench.speech.plots import plot_timeline as plot_voice_timeline
from workbench.vision.plots import plot_timeline as plot_face_timeline
from workbench.vision.posture_plots import has_timeline, plot_posture_timeline

FIG_WIDTH_IN = 8.0  # inches
COMPONENT_CMAP = "RdYlGn"  # red (0) to green (100): the score scale of workbench.scoring
HIDDEN_WORD = "·"  # an anonymised report draws each word as this mark: timed words would re-identify


def voice_timeline(turn: Turn, *, anonymise: bool = False) -> Figure | None:
    """One answer's voice timeline (``speech.plots.plot_timeline`` on the stored analysis): words,
    pauses, fillers, pitch and loudness. ``anonymise`` hides the words. None without speech."""
    voice = turn.analysis.get("voice")
    if not voice or not voice["speech_detected"]:
        return None
    if anonymise:
        voice = copy.deepcopy(voice)
        for word in voice["transcript"]["words"]:
            word["text"] = HIDDEN_WORD
    return plot_voice_timeline(voice, title=f"Answer {turn.index + 1}: voice over time "
                                             "(blue: pauses, orange: fillers, green: words)")


def face_timeline(turn: Turn) -> Figure | None:
    """One answer's face timeline (``vision.plots.plot_timeline`` on the stored series); None without one."""
    face = turn.analysis.get("face")
    if not face or not face.get("series", {}).get("t_s"):
        return None  # no video, or a stored result without a series (no usable frame)
    return plot_face_timeline(face, title=f"Answer {turn.index + 1}: face over time")


def posture_timeline(turn: Turn) -> Figure | None:
    """One answer's posture timeline (``vision.posture_plots``) against its baseline; None when posture
    was not measured."""
    posture = turn.analysis.get("posture")
    if not has_timeline(posture):
        return None
    return plot_posture_timeline(posture, title=f"Answer {turn.index + 1}: posture over time (against your baseline)")


def session_timeline(session: Session, summary: dict[str, Any]) -> Figure | None:
    """The whole session: each answer's duration (bars, left axis) and score (dots, right axis)."""
    turns = summary["turns"]
    if not turns:
        return None
    labels = [f"A{t['index'] + 1}" for t in turns]
    durations = [t["answer_duration_s"] or 0.0 for t in turns]
    fig = plt.figure(figsize=(FIG_WIDTH_IN, 2.6))
    ax = fig.subplots()
    ax.bar(labels, durations, color="#9ecae1")
    ax.set_ylabel("answer length (s)")
    scored = [(label, t["overall_score"]) for label, t in zip(labels, turns, strict=True)
              if t["overall_score"] is not None]
    if scored:
        right = ax.twinx()
        right.plot([s[0] for s in scored], [s[1] for s in scored], "o-", color="#d6604d")
        errors = [t.get("overall_uncertainty") for t in turns if t.get("overall_score") is not None]
        if all(e is not None for e in errors):
            right.errorbar([s[0] for s in scored], [s[1] for s in scored], yerr=errors, fmt="none",
                           ecolor="#d6604d", capsize=3)
        right.set_ylabel("score")
    # a question asked at the end and left unanswered has a bar label but is not an answer
    answered = sum(t["state"] in (TurnState.ANSWERED.value, TurnState.ANALYSED.value) for t in turns)
    ax.set_title(f"Session timeline ({len(turns)} questions, {answered} answered)", fontsize=10)
    fig.tight_layout()
    return fig


def candidate_sessions(store: Any, session: Session) -> list[Session]:
    """All stored sessions of the same candidate (same non-empty label), oldest first."""
    if not session.candidate:
        return [session]
    found = []
    for item in store.list():
        other = store.get(item.id) if item.id != session.id else session
        if other.candidate == session.candidate:
            found.append(other)
    return sorted(found, key=lambda s: (s.created_at, s.id))


def trend_figure(summaries: list[dict[str, Any]]) -> Figure | None:
    """Progress across a candidate's sessions: overall score and mean criterion scores per session."""
    if len(summaries) < 2:
        return None
    x = list(range(1, len(summaries) + 1))
    fig = plt.figure(figsize=(FIG_WIDTH_IN, 2.8))
    left, right = fig.subplots(1, 2)
    overall = [s.get("overall_score") for s in summaries]
    left.plot([i for i, v in zip(x, overall, strict=True) if v is not None],
              [v for v in overall if v is not None], "o-")
    left.set_title("overall score", fontsize=9)
    names = sorted({n for s in summaries for n in s.get("components_mean", {})})
    for name in names:
        ys = [s.get("components_mean", {}).get(name) for s in summaries]
        right.plot([i for i, v in zip(x, ys, strict=True) if v is not None], [v for v in ys if v is not None], "o-",
                   label=name.replace("_", " "), lw=1)
    right.set_title("criteria", fontsize=9)
    if names:
        right.legend(fontsize=6, loc="best")
    for ax in (left, right):
        ax.set_xlabel("session")
        ax.set_xticks(x)
    fig.tight_layout()
    return fig


def component_chart(summary: dict[str, Any]) -> Figure | None:
    """Scores of each criterion (rows) in each answer (columns), 0-100, with the number written in."""
    turns = [t for t in summary["turns"] if t["components"]]
    names = sorted({n for t in turns for n in t["components"]})
    if not turns or not names:
        return None
    grid = np.array([[t["components"].get(n, np.nan) for t in turns] for n in names], dtype=float)
    fig = plt.figure(figsize=(min(FIG_WIDTH_IN, 2.4 + 0.9 * len(turns)), 0.45 * len(names) + 1.0))
    ax = fig.subplots()
    ax.imshow(grid, cmap=COMPONENT_CMAP, vmin=0, vmax=100, aspect="auto")
    for (row, col), value in np.ndenumerate(grid):
        if np.isfinite(value):
            ax.text(col, row, f"{value:.0f}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(turns)), [f"answer {t['index'] + 1}" for t in turns], fontsize=8)
    ax.set_yticks(range(len(names)), [COMPONENT_LABELS.get(n, n) for n in names], fontsize=8)
    ax.set_title("Score of each criterion (0-100)", fontsize=10)
    fig.tight_layout()
    return fig
