"""The timeline of a posture analysis: each measure's input against the person's own baseline."""
from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from workbench.vision.plots import floats_or_nan
from workbench.vision.posture_frames import PostureAnalysis
from workbench.vision.posture_measures import HEAD_STILL_SW_PER_S

PERCENT = 100.0


def _parts(analysis: PostureAnalysis | dict[str, Any]) -> tuple[dict[str, list], dict[str, Any]]:
    if isinstance(analysis, PostureAnalysis):
        return analysis.series(), analysis.summary
    series = analysis.get("series")
    if not series or not series.get("t_s"):
        raise ValueError("this analysis has no 'series' (use analyse_posture or turn.analysis['posture'])")
    return series, analysis.get("summary") or {}


def has_timeline(analysis: dict[str, Any] | None) -> bool:
    """A stored ``turn.analysis["posture"]`` that was measured and has a timeline to draw."""
    return bool(analysis and (analysis.get("summary") or {}).get("baseline")
                and (analysis.get("series") or {}).get("t_s"))


def plot_posture_timeline(analysis: PostureAnalysis | dict[str, Any], *, title: str | None = None) -> Figure:
    """Three stacked panels over time, all relative to the baseline in ``summary["baseline"]``:
    shoulder tilt change (degrees) and lean (shoulder-width change, %); head drop (slouch, %); hand and
    shoulder speed (shoulder widths per second) with hand-to-face frames shaded. Gaps are frames
    that did not pass the quality checks. ``analysis``: a PostureAnalysis or a stored
    ``turn.analysis["posture"]`` dict (with ``series``)."""
    series, summary = _parts(analysis)
    baseline = summary.get("baseline")
    if not baseline:
        raise ValueError("no baseline: posture was not measured for this recording (see summary)")
    t = floats_or_nan(series["t_s"])
    tilt = floats_or_nan(series["shoulder_tilt_deg"]) - baseline["shoulder_tilt_deg"]
    lean = PERCENT * (floats_or_nan(series["shoulder_width_px"]) / baseline["shoulder_width_px"] - 1.0)
    figure = Figure(figsize=(10, 6.0), constrained_layout=True)
    shape, head, hands = figure.subplots(3, 1, sharex=True)
    shape.plot(t, tilt, color="#1f77b4", label="shoulder tilt change (deg)")
    shape.plot(t, lean, color="#ff7f0e", label="lean: shoulder width change (%, + = towards camera)")
    shape.axhline(0, color="grey", lw=0.5)
    shape.legend(loc="upper right", fontsize="small")
    head_base = baseline.get("head_height_sw")
    if head_base:
        drop = PERCENT * (head_base - floats_or_nan(series["head_height_sw"])) / head_base
        head.plot(t, drop, color="#9467bd", label="head drop towards the shoulders (%, + = sinking)")
        head.axhline(0, color="grey", lw=0.5)
        head.legend(loc="upper right", fontsize="small")
    head.set_ylabel("%")
    hands.plot(t, floats_or_nan(series["hands_speed_sw_per_s"]), color="#2ca02c", lw=0.8,
               label="hands and shoulders speed (sw/s)")
    hands.axhline(HEAD_STILL_SW_PER_S, color="grey", lw=0.5, ls="--")
    touching = np.array([v is True for v in series["hand_on_face"]])
    if touching.any():
        top = np.nanmax(floats_or_nan(series["hands_speed_sw_per_s"]), initial=1.0)
        hands.fill_between(t, 0, top, where=touching, step="post", color="#d62728", alpha=0.25,
                           label="hand at the face")
    hands.set_ylabel("sw / s")
    hands.set_xlabel("time (s)")
    hands.legend(loc="upper right", fontsize="small")
    figure.suptitle(title or f"Posture against the baseline ({baseline['kind'].replace('_', ' ')})")
    return figure
