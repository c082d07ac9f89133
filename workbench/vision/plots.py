"""Timelines of a facial analysis and (opt-in) annotated thumbnails."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from workbench.vision.expression import EXPRESSION_LABELS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from workbench.vision.face import FaceAnalysis, FrameResult

EXPRESSION_COLOURS = {  # fixed, so every report reads the same
    "angry": "#d62728", "disgust": "#8c564b", "fear": "#9467bd", "happy": "#2ca02c",
    "sad": "#1f77b4", "surprise": "#ff7f0e", "neutral": "#c7c7c7",
}


def _series_of(analysis: "FaceAnalysis | dict[str, Any]") -> dict[str, list]:
    if isinstance(analysis, dict):
        if "series" not in analysis:
            raise ValueError("this analysis dict has no 'series' (use analyse_video or turn.analysis['face'])")
        return analysis["series"]
    return analysis.series()


def _floats(values: list) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def plot_timeline(analysis: "FaceAnalysis | dict[str, Any]", *, title: str | None = None) -> "Figure":
    """Three stacked panels over time: eye contact, yaw/pitch (degrees), expression probabilities.

    ``analysis`` is a FaceAnalysis or a stored ``turn.analysis["face"]`` dict (with ``series``).
    Gaps are frames without a usable face.
    """
    from matplotlib.figure import Figure

    series = _series_of(analysis)
    t = _floats(series["t_s"])
    figure = Figure(figsize=(10, 6.5), constrained_layout=True)
    eye, pose, expr = figure.subplots(3, 1, sharex=True, gridspec_kw={"height_ratios": [1, 1.3, 1.5]})
    eye.fill_between(t, _floats(series["eye_contact"]), step="post", alpha=0.5, color="#2ca02c", label="eye contact")
    eye.plot(t, _floats(series["face_present"]), drawstyle="steps-post", color="k", lw=0.8, label="face visible")
    eye.set_ylim(-0.05, 1.05)
    eye.set_ylabel("fraction")
    eye.legend(loc="upper right", fontsize="small")
    pose.plot(t, _floats(series["yaw_deg"]), label="yaw (deg, + = image right)")
    pose.plot(t, _floats(series["pitch_deg"]), label="pitch (deg, + = up)")
    pose.axhline(0, color="grey", lw=0.5)
    pose.set_ylabel("degrees")
    pose.legend(loc="upper right", fontsize="small")
    stacks = [np.nan_to_num(_floats(series[f"p_{label}"])) for label in EXPRESSION_LABELS]
    expr.stackplot(t, *stacks, labels=EXPRESSION_LABELS, colors=[EXPRESSION_COLOURS[k] for k in EXPRESSION_LABELS],
                   step="post")
    expr.set_ylim(0, 1)
    expr.set_ylabel("expression p")
    expr.set_xlabel("time (s)")
    expr.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    if title:
        figure.suptitle(title)
    return figure


def annotate_frame(rgb: np.ndarray, result: "FrameResult") -> np.ndarray:
    """A copy of the frame with the followed face's box and its measures written on it."""
    image = np.ascontiguousarray(rgb.copy())
    if not result.face_present or result.face_box_px is None:
        cv2.putText(image, "no face", (10, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 0, 0), 2)
        return image
    x, y, w, h = result.face_box_px
    colour = (0, 200, 0) if result.usable else (255, 140, 0)
    cv2.rectangle(image, (x, y), (x + w, y + h), colour, 2)
    lines = [
        f"t={result.t_s:.1f}s yaw={result.yaw_deg:+.0f} pitch={result.pitch_deg:+.0f} roll={result.roll_deg:+.0f}",
        f"eye contact={'yes' if result.eye_contact else 'no'} smile={result.smile_score:.2f}",
        f"{result.dominant_expression} {max(result.expressions.values()):.2f}",
    ]
    if result.flags:
        lines.append(",".join(result.flags))
    for i, line in enumerate(lines):
        cv2.putText(image, line, (8, 20 + 18 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.5, colour, 1, cv2.LINE_AA)
    return image


def write_thumbnail(rgb: np.ndarray, result: "FrameResult", folder: Path, stem: str) -> Path:
    """Write an annotated JPEG (opt-in only: it contains the face) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.jpg"
    cv2.imwrite(str(path), cv2.cvtColor(annotate_frame(rgb, result), cv2.COLOR_RGB2BGR))
    return path
