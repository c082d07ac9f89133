"""Aggregates of a frame series: only usable frames (face, no excluding quality flag) count.

Every ratio says what it is a ratio of: ``face_visible_ratio`` is over all sampled frames, the
others over ``frames_used``. A figure that cannot be computed (no usable frame, a single still) is None.
"""
from __future__ import annotations


import numpy as np

from workbench.vision.expression import EXPRESSION_LABELS
from workbench.vision.frames import FaceSummary, FrameResult
from workbench.vision.quality import ALL_FLAGS

LOOKING_AWAY_MIN_S = 1.0  # ours: a glance shorter than this is not an event (coaches speak of "seconds")
MAX_SERIES_POINTS = 600  # ours: a timeline this dense is smooth at report size, and small in the store


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), digits)


def _mean_sd(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    array = np.asarray(values, dtype=np.float64)
    return _round(array.mean(), 2), _round(array.std(ddof=1), 2) if len(array) > 1 else None


def _looking_away(frames: list[FrameResult], period_s: float) -> tuple[int, float, float]:
    """(events, longest_s, total_s) of runs away from the camera lasting >= LOOKING_AWAY_MIN_S.

    Away = a usable frame without eye contact, or a frame with no face at all. Frames whose face is
    flagged (dark, blurred, ...) are unknown: they neither extend nor end a run.
    """
    runs: list[float] = []
    start: float | None = None
    last: float | None = None
    for frame in frames:
        if frame.face_present and not frame.usable:
            continue
        away = (not frame.face_present) or frame.eye_contact is False
        if away:
            start = frame.t_s if start is None else start
            last = frame.t_s
        elif start is not None:
            runs.append(last - start + period_s)
            start = None
    if start is not None:
        runs.append(last - start + period_s)
    long_runs = [r for r in runs if r >= LOOKING_AWAY_MIN_S - 1e-9]
    return len(long_runs), (max(long_runs) if long_runs else 0.0), float(sum(long_runs))


def _blinks(used: list[FrameResult]) -> int:
    """Closed-eye onsets: a usable frame with eyes closed after one with eyes open."""
    count, previous = 0, None
    for frame in used:
        if previous is False and frame.blink:
            count += 1
        previous = frame.blink
    return count


def summarise(frames: list[FrameResult], *, sampling_fps: float | None) -> FaceSummary:
    """The per-answer aggregates of a frame series (see the module docstring)."""
    total = len(frames)
    with_face = [f for f in frames if f.face_present]
    used = [f for f in frames if f.usable]
    period_s = 1.0 / sampling_fps if sampling_fps else 0.0
    is_video = sampling_fps is not None and total > 1
    yaw_mean, yaw_sd = _mean_sd([f.yaw_deg for f in used])
    pitch_mean, pitch_sd = _mean_sd([f.pitch_deg for f in used])
    roll_mean, roll_sd = _mean_sd([f.roll_deg for f in used])
    distribution = None
    if used:
        probabilities = np.array([[f.expressions[k] for k in EXPRESSION_LABELS] for f in used])
        distribution = {k: _round(v) for k, v in zip(EXPRESSION_LABELS, probabilities.mean(axis=0), strict=True)}
    expressiveness = None
    if len(used) > 1:
        shapes = np.stack([f.expressive_blendshapes for f in used])
        expressiveness = _round(shapes.std(axis=0, ddof=1).mean(), 4)
    used_minutes = len(used) * period_s / 60.0
    blinks = _blinks(used) if is_video else None
    events, longest_s, away_total_s = _looking_away(frames, period_s) if is_video else (None, None, None)
    quality = {flag: sum(flag in f.flags for f in frames) for flag in ALL_FLAGS}
    quality.update(frames_used=len(used), frames_total=total)
    return FaceSummary(
        frames_total=total,
        frames_with_face=len(with_face),
        frames_used=len(used),
        duration_s=_round(total * period_s, 2) if is_video else None,
        sampling_fps=sampling_fps,
        face_visible_ratio=_round(len(with_face) / total) if total else None,
        eye_contact_ratio=_round(np.mean([f.eye_contact for f in used])) if used else None,
        yaw_mean_deg=yaw_mean, yaw_sd_deg=yaw_sd,
        pitch_mean_deg=pitch_mean, pitch_sd_deg=pitch_sd,
        roll_mean_deg=roll_mean, roll_sd_deg=roll_sd,
        looking_away_events=events,
        looking_away_longest_s=_round(longest_s, 2),
        looking_away_total_s=_round(away_total_s, 2),
        blinks=blinks,
        blinks_per_min=_round(blinks / used_minutes, 1) if blinks is not None and used_minutes > 0 else None,
        smile_ratio=_round(np.mean([f.smile for f in used])) if used else None,
        smile_score_mean=_round(np.mean([f.smile_score for f in used])) if used else None,
        expression_distribution=distribution,
        dominant_expression=max(distribution, key=distribution.get) if distribution else None,
        expressiveness=expressiveness,
        quality=quality,
    )


def series(frames: list[FrameResult], max_points: int = MAX_SERIES_POINTS) -> dict[str, list]:
    """A timeline for plots: bin means of the per-frame values (None where a bin has no usable frame)."""
    if not frames:
        return {"t_s": []}
    bins = np.array_split(np.arange(len(frames)), min(max_points, len(frames)))
    out: dict[str, list] = {k: [] for k in (
        "t_s", "face_present", "usable", "eye_contact", "yaw_deg", "pitch_deg", "roll_deg", "smile_score",
        "blink_score", *(f"p_{label}" for label in EXPRESSION_LABELS))}
    for index in bins:
        chunk = [frames[i] for i in index]
        usable = [f for f in chunk if f.usable]
        out["t_s"].append(_round(chunk[0].t_s, 2))
        out["face_present"].append(_round(np.mean([f.face_present for f in chunk])))
        out["usable"].append(_round(len(usable) / len(chunk)))

        def mean_of(getter, frames_=usable):
            return _round(np.mean([getter(f) for f in frames_])) if frames_ else None

        out["eye_contact"].append(mean_of(lambda f: float(f.eye_contact)))
        for key in ("yaw_deg", "pitch_deg", "roll_deg", "smile_score", "blink_score"):
            out[key].append(mean_of(lambda f, k=key: getattr(f, k)))
        for label in EXPRESSION_LABELS:
            out[f"p_{label}"].append(mean_of(lambda f, k=label: f.expressions[k]))
    return out
