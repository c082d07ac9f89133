"""The timeline of one answer: words, silent pauses, fillers, and the pitch and loudness curves."""
from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from workbench.speech.analyse import VoiceAnalysis

PAUSE_COLOUR = "#9ecae1"
FILLER_COLOUR = "#e6550d"
WORD_COLOUR = "#31a354"
MAX_WORD_LABELS = 120  # ours: beyond this the labels overlap; every word is still drawn as a bar


def _as_json(analysis: VoiceAnalysis | dict[str, Any]) -> dict[str, Any]:
    """A ``VoiceAnalysis`` as its ``to_json(include_curves=True)`` dict (the form stored in a turn)."""
    return analysis if isinstance(analysis, dict) else analysis.to_json(include_curves=True)


def plot_timeline(analysis: VoiceAnalysis | dict[str, Any], ax: Axes | None = None, *,
                  title: str | None = None) -> Figure:
    """Draw the answer's timeline and return the matplotlib ``Figure``.

    ``analysis``: a ``VoiceAnalysis`` or the dict stored in ``turn.analysis["voice"]``.
    ``ax``: an axes to draw words/pauses/fillers on (its figure gets a twin axis for pitch); by
    default a new 12x3.5 inch figure. Loudness (dBFS) is drawn on a second y axis.
    """
    data = _as_json(analysis)
    if ax is None:
        fig = Figure(figsize=(12, 3.5))
        ax = fig.subplots()
    else:
        fig = ax.figure
    words = data["transcript"]["words"]
    for pause in data.get("pauses", []):
        ax.axvspan(pause["start_s"], pause["end_s"], color=PAUSE_COLOUR, alpha=0.5, lw=0)
    for i, w in enumerate(words):
        ax.plot([w["start_s"], max(w["end_s"], w["start_s"] + 0.05)], [0.05, 0.05], color=WORD_COLOUR, lw=4,
                solid_capstyle="butt")
        if len(words) <= MAX_WORD_LABELS:
            ax.text(w["start_s"], 0.08 + 0.06 * (i % 3), w["text"], fontsize=7, rotation=0, va="bottom")
    for filler in data.get("fillers", []):
        ax.axvspan(filler["start_s"], max(filler["end_s"], filler["start_s"] + 0.15), color=FILLER_COLOUR,
                   alpha=0.6, lw=0)
        ax.text(filler["start_s"], 0.95, filler["text"], color=FILLER_COLOUR, fontsize=8, va="top")
    curves = data.get("curves") or {}
    times = np.asarray(curves.get("times_s", []), dtype=float)
    pitch_ax = ax.twinx()
    if times.size:
        pitch = np.array([np.nan if p is None else p for p in curves["pitch_hz"]], dtype=float)
        pitch_ax.plot(times, pitch, color="#756bb1", lw=1.2, label="pitch (Hz)")
        loud_ax = ax.twinx()
        loud_ax.spines["right"].set_position(("axes", 1.07))
        loud_ax.plot(times, curves["loudness_db"], color="#636363", lw=0.8, alpha=0.7, label="loudness (dBFS)")
        loud_ax.set_ylabel("loudness (dBFS)", fontsize=8)
    pitch_ax.set_ylabel("pitch (Hz)", fontsize=8, color="#756bb1")
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.set_xlim(0, max(data.get("duration_s") or 0.0, 0.1))
    ax.set_xlabel("time (s)")
    ax.set_title(title or (f"{data.get('word_count', 0)} words, {data.get('words_per_minute') or '-'} wpm, "
                           f"{data.get('filler_count', 0)} fillers, {data.get('pause_count', 0)} pauses "
                           "(blue: pauses, orange: fillers, green: words)"), fontsize=9)
    fig.tight_layout()
    return fig
