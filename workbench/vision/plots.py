"""The timeline of a facial analysis (the annotated thumbnails are ``workbench.vision.thumbnails``)."""
from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from workbench.vision.expression import EXPRESSION_LABELS
from workbench.vision.frames import FaceAnalysis

EXPRESSION_COLOURS = {  # fixed, so every report reads the same
    "angry": "#d62728", "disgust": "#8c564b", "fear": "#9467bd", "happy": "#2ca02c",
    "sad": "#1f77b4", "surprise": "#ff7f0e", "neutral": "#c7c7c7",
}


def _series_of(analysis: FaceAnalysis | dict[str, Any]) -> dict[str, list]:
    series = analysis.get("series") if isinstance(analysis, dict) else analysis.series
    if not series:
        raise ValueError("this analysis has no 'series' (use analyse_video or turn.analysis['face'])")
    return series


def floats_or_nan(values: list) -> np.ndarray:
    """A stored series as floats, None (no usable frame) as NaN, so the line breaks there."""
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def plot_timeline(analysis: FaceAnalysis | dict[str, Any], *, title: str | None = None) -> Figure:
    """Three stacked panels over time: eye contact, yaw/pitch (degrees), expression probabilities.

    ``analysis`` is a FaceAnalysis or a stored ``turn.analysis["face"]`` dict (with ``series``).
    Gaps are frames without a usable face.
    """
    series = _series_of(analysis)
    t = floats_or_nan(series["t_s"])
    figure = Figure(figsize=(10, 6.5), constrained_layout=True)
    eye, pose, expr = figure.subplots(3, 1, sharex=True, gridspec_kw={"height_ratios": [1, 1.3, 1.5]})
    eye.fill_between(t, floats_or_nan(series["eye_contact"]), step="post", alpha=0.5, color="#2ca02c",
                     label="eye contact")
    eye.plot(t, floats_or_nan(series["face_present"]), drawstyle="steps-post", color="k", lw=0.8, label="face visible")
    eye.set_ylim(-0.05, 1.05)
    eye.set_ylabel("fraction")
    eye.legend(loc="upper right", fontsize="small")
    pose.plot(t, floats_or_nan(series["yaw_deg"]), label="yaw (deg, + = image right)")
    pose.plot(t, floats_or_nan(series["pitch_deg"]), label="pitch (deg, + = up)")
    pose.axhline(0, color="grey", lw=0.5)
    pose.set_ylabel("degrees")
    pose.legend(loc="upper right", fontsize="small")
    stacks = [np.nan_to_num(floats_or_nan(series[f"p_{label}"])) for label in EXPRESSION_LABELS]
    expr.stackplot(t, *stacks, labels=EXPRESSION_LABELS, colors=[EXPRESSION_COLOURS[k] for k in EXPRESSION_LABELS],
                   step="post")
    expr.set_ylim(0, 1)
    expr.set_ylabel("expression p")
    expr.set_xlabel("time (s)")
    expr.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    if title:
        figure.suptitle(title)
    return figure
