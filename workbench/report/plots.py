"""Figures of the report, drawn from stored analysis dicts and summaries (never from media).

Each function returns a matplotlib ``Figure`` (or None when there is nothing to draw); the
notebook shows it and nbconvert embeds it as a PNG in the HTML report.
"""
from __future__ import annotations

from typing import Any

from workbench.report.summary import series_of
from workbench.session import Session, Turn

MAX_TIMELINE_PANELS = 4  # ours: more panels per answer stop being readable on a page
TIME_SUFFIXES = ("t_s", "time_s", "times_s", "start_s", "timestamp_s")  # x axes a stage may store
# Series worth plotting first when a stage stores many (ours: what a student can act on).
PREFERRED_SERIES = ("pitch", "loudness", "energy", "words_per_minute", "eye_contact", "yaw_deg",
                    "pitch_deg", "smile", "expression", "visible")
NOT_TIMELINES = {"words", "segments", "fillers", "pauses", "start", "end", "probability"}  # events, not series
FIG_WIDTH_IN = 8.0  # inches
SERIES_MIN_POINTS_PLOT = 2  # ours: a line needs two points
PANEL_HEIGHT_IN = 1.6  # inches


def _split_time(series: dict[str, list[float]]) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Separate time axes from values: keys ending in a time suffix are x axes for their siblings."""
    times = {k: v for k, v in series.items() if k.rsplit(".", 1)[-1] in TIME_SUFFIXES}
    values = {k: v for k, v in series.items() if k not in times}
    return times, values


def _pick(values: dict[str, list[float]]) -> list[str]:
    values = {k: v for k, v in values.items() if not set(k.split(".")) & NOT_TIMELINES}
    ranked = sorted(values, key=lambda k: (
        next((i for i, p in enumerate(PREFERRED_SERIES) if p in k), len(PREFERRED_SERIES)), k))
    return ranked[:MAX_TIMELINE_PANELS]


def turn_timelines(turn: Turn, *, stage: str) -> Any:
    """Timelines of one answer's ``voice`` or ``face`` analysis, one panel per measure."""
    import matplotlib.pyplot as plt

    analysis = turn.analysis.get(stage) or {}
    times, values = _split_time(series_of(analysis))
    names = _pick(values)
    if not names:
        return None
    fig, axes = plt.subplots(len(names), 1, figsize=(FIG_WIDTH_IN, PANEL_HEIGHT_IN * len(names)),
                             sharex=False, squeeze=False)
    for ax, name in zip(axes[:, 0], names):
        parent = name.rsplit(".", 1)[0] if "." in name else ""
        x = next((t for k, t in times.items() if k.rsplit(".", 1)[0] == parent and len(t) == len(values[name])), None)
        ax.plot(x if x is not None else range(len(values[name])), values[name], lw=1)
        ax.set_ylabel(name.rsplit(".", 1)[-1].replace("_", " "), fontsize=8)
        ax.set_xlabel("time (s)" if x is not None else "sample", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.suptitle(f"Answer {turn.index + 1}: {stage} over time", fontsize=10)
    fig.tight_layout()
    return fig


def session_timeline(session: Session, summary: dict[str, Any]) -> Any:
    """The whole session: each answer's duration (bars, left axis) and score (dots, right axis)."""
    import matplotlib.pyplot as plt

    turns = summary.get("turns", [])
    if not turns:
        return None
    labels = [f"A{t['index'] + 1}" for t in turns]
    durations = [t.get("answer_duration_s") or 0.0 for t in turns]
    fig, ax = plt.subplots(figsize=(FIG_WIDTH_IN, 2.6))
    ax.bar(labels, durations, color="#9ecae1")
    ax.set_ylabel("answer length (s)")
    scored = [(label, t["overall_score"]) for label, t in zip(labels, turns) if t.get("overall_score") is not None]
    if scored:
        right = ax.twinx()
        right.plot([s[0] for s in scored], [s[1] for s in scored], "o-", color="#d6604d")
        errors = [t.get("overall_uncertainty") for t in turns if t.get("overall_score") is not None]
        if all(e is not None for e in errors):
            right.errorbar([s[0] for s in scored], [s[1] for s in scored], yerr=errors, fmt="none",
                           ecolor="#d6604d", capsize=3)
        right.set_ylabel("score")
    ax.set_title(f"Session timeline ({len(turns)} answers)", fontsize=10)
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


def trend_figure(summaries: list[dict[str, Any]]) -> Any:
    """Progress across a candidate's sessions: overall score and mean criterion scores per session."""
    import matplotlib.pyplot as plt

    if len(summaries) < 2:
        return None
    x = list(range(1, len(summaries) + 1))
    fig, (left, right) = plt.subplots(1, 2, figsize=(FIG_WIDTH_IN, 2.8))
    overall = [s.get("overall_score") for s in summaries]
    left.plot([i for i, v in zip(x, overall) if v is not None], [v for v in overall if v is not None], "o-")
    left.set_title("overall score", fontsize=9)
    names = sorted({n for s in summaries for n in s.get("components_mean", {})})
    for name in names:
        ys = [s.get("components_mean", {}).get(name) for s in summaries]
        right.plot([i for i, v in zip(x, ys) if v is not None], [v for v in ys if v is not None], "o-",
                   label=name.replace("_", " "), lw=1)
    right.set_title("criteria", fontsize=9)
    if names:
        right.legend(fontsize=6, loc="best")
    for ax in (left, right):
        ax.set_xlabel("session")
        ax.set_xticks(x)
    fig.tight_layout()
    return fig


# Face panels: (series key, label, y limits). Fixed limits (ours: +-30 deg covers a normal head turn)
FACE_PANELS = (("eye_contact", "eye contact (0-1)", (-0.05, 1.05)), ("yaw_deg", "head turn (°)", (-30.0, 30.0)),
               ("smile_score", "smile (0-1)", (-0.05, 1.05)))
COMPONENT_CMAP = "RdYlGn"  # red (0) to green (100): the score scale of workbench.scoring


def component_chart(summary: dict[str, Any]) -> Any:
    """Scores of each criterion (rows) in each answer (columns), 0-100, with the number written in."""
    import matplotlib.pyplot as plt
    import numpy as np

    from workbench.report.render import COMPONENT_LABELS

    turns = [t for t in summary.get("turns", []) if t.get("components")]
    names = sorted({n for t in turns for n in t["components"]})
    if not turns or not names:
        return None
    grid = np.array([[t["components"].get(n, np.nan) for t in turns] for n in names], dtype=float)
    fig, ax = plt.subplots(figsize=(min(FIG_WIDTH_IN, 2.4 + 0.9 * len(turns)), 0.45 * len(names) + 1.0))
    ax.imshow(grid, cmap=COMPONENT_CMAP, vmin=0, vmax=100, aspect="auto")
    for (row, col), value in np.ndenumerate(grid):
        if np.isfinite(value):
            ax.text(col, row, f"{value:.0f}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(turns)), [f"answer {t['index'] + 1}" for t in turns], fontsize=8)
    ax.set_yticks(range(len(names)), [COMPONENT_LABELS.get(n, n) for n in names], fontsize=8)
    ax.set_title("Score of each criterion (0-100)", fontsize=10)
    fig.tight_layout()
    return fig


def _floats(values: list[Any]) -> list[float]:
    return [float("nan") if v is None else float(v) for v in values]


def voice_timeline(turn: Turn) -> Any:
    """One answer's pitch and loudness over time, pauses shaded and fillers marked (stored curves)."""
    import matplotlib.pyplot as plt

    voice = turn.analysis.get("voice") or {}
    curves = voice.get("curves") or {}
    times = curves.get("times_s") or []
    if len(times) < SERIES_MIN_POINTS_PLOT:
        return None
    fig, (pitch_ax, loud_ax) = plt.subplots(2, 1, figsize=(FIG_WIDTH_IN, 2 * PANEL_HEIGHT_IN), sharex=True)
    pitch_ax.plot(times, _floats(curves.get("pitch_hz") or [None] * len(times)), lw=1, color="#1f77b4")
    pitch_ax.set_ylabel("pitch (Hz)", fontsize=8)
    loud_ax.plot(times, _floats(curves.get("loudness_db") or [None] * len(times)), lw=1, color="#555555")
    loud_ax.set_ylabel("loudness (dB)", fontsize=8)
    for ax in (pitch_ax, loud_ax):
        for pause in voice.get("pauses") or []:
            ax.axvspan(pause["start_s"], pause["end_s"], color="#8250df", alpha=0.12, lw=0)
        for filler in voice.get("fillers") or []:
            ax.axvline(filler.get("start_s", 0.0), color="#d4a72c", lw=1)
        ax.tick_params(labelsize=7)
    loud_ax.set_xlabel("time (s); shaded: pauses, yellow lines: fillers", fontsize=8)
    fig.suptitle(f"Answer {turn.index + 1}: voice over time", fontsize=10)
    fig.tight_layout()
    return fig


def face_timeline(turn: Turn) -> Any:
    """One answer's eye contact, head turn (yaw) and smile over time (stored face series)."""
    import matplotlib.pyplot as plt

    series = (turn.analysis.get("face") or {}).get("series") or {}
    times = series.get("t_s") or []
    if len(times) < SERIES_MIN_POINTS_PLOT:
        return None
    panels = [(k, label, limits) for k, label, limits in FACE_PANELS if series.get(k)]
    if not panels:
        return None
    fig, axes = plt.subplots(len(panels), 1, figsize=(FIG_WIDTH_IN, PANEL_HEIGHT_IN * len(panels)),
                             sharex=True, squeeze=False)
    for ax, (key, label, limits) in zip(axes[:, 0], panels):
        values = _floats(series[key])
        ax.plot(times, values, lw=1)
        ax.set_ylabel(label, fontsize=8)
        low, high = limits
        finite = [v for v in values if v == v]
        if finite:  # fixed scales, so a still face does not look like a shaking one
            low, high = min(low, min(finite)), max(high, max(finite))
        ax.set_ylim(low, high)
        ax.tick_params(labelsize=7)
    axes[-1, 0].set_xlabel("time (s); gaps: no usable face", fontsize=8)
    fig.suptitle(f"Answer {turn.index + 1}: face over time", fontsize=10)
    fig.tight_layout()
    return fig
