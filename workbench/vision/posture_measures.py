"""Posture and gesture measures of one answer, each relative to the person's own baseline.

Absolute posture from a webcam is not trustworthy (on ``skimage.data.astronaut()`` BlazePose puts an
upright person's shoulders a few degrees off level, and camera placement changes everything), so
every posture measure here is a change against the same person's baseline: the median of their first
``BASELINE_WINDOW_S`` seconds of usable frames, or, if that is too short, the median of the answer
(or, for a session, the median of the whole session, see ``session_baseline``).

No norm for these measures in interviews is known to us from a source, so none carries a verdict:
the number and its timeline only. Flagged frames are left out of every aggregate; with fewer than
``MIN_USABLE_FRAMES`` usable frames a measure is "not measured" (``None`` plus a reason), never a
default value. Lengths are in shoulder widths (sw), so the numbers do not depend on the resolution.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from workbench.vision.posture_frames import PostureFrame

BASELINE_WINDOW_S = 5.0  # ours: the first seconds of an answer, before the person has settled or tired
MIN_BASELINE_FRAMES = 5  # ours: fewer usable frames in the window -> the answer's median is the baseline
MIN_USABLE_FRAMES = 10  # ours: 2 s at the face stage's posture rate (vision.camera, 5 fps); fewer: "not measured"
HEAD_STILL_SW_PER_S = 0.15  # ours: the nose moves less than this (shoulder widths per second): head still
GESTURE_MIN_SPEED_SW_PER_S = 0.5  # ours: a wrist moving at least this fast in the gesture zone gestures
MAX_PAIR_GAP_PERIODS = 2.5  # ours: frames further apart (sampling periods) are not compared for motion
CHANGE_TILT_DEG = 5.0  # ours: a sustained shoulder-tilt change this large is a posture change
CHANGE_WIDTH_FRACTION = 0.08  # ours: ... or a shoulder-width change of 8 % (leaning in or back)
CHANGE_HEAD_SW = 0.1  # ours: ... or the head rising or sinking by a tenth of a shoulder width
CHANGE_SMOOTH_S = 1.0  # ours: rolling-median window for the posture state
CHANGE_MIN_HOLD_S = 1.0  # ours: a departure must last this long to count as a change

BASELINE_FIRST_SECONDS = f"first_{BASELINE_WINDOW_S:g}_s"  # the kinds of Baseline.kind
BASELINE_ANSWER_MEDIAN = "answer_median"
BASELINE_SESSION_MEDIAN = "session_median"
MEASURE_KEYS = (
    "shoulder_tilt_change_deg", "shoulder_tilt_change_p95_abs_deg", "lean_shoulder_width_change_pct",
    "slouch_head_drop_pct", "fidget_energy", "body_motion_energy", "gesturing_ratio", "hand_to_face_touches",
    "hand_to_face_ratio", "crossed_arms_ratio", "posture_change_events", "longest_steady_posture_s",
)
NOT_ENOUGH_FRAMES = "not measured: fewer than {n} usable frames (see quality)"
STILL_IMAGE = "not measured: a still image has no baseline to change from"
NO_NORM = "no norm known from a source: number and timeline only"


@dataclass(frozen=True)
class Baseline:
    """The person's own reference posture (medians over usable frames)."""

    kind: str  # BASELINE_FIRST_SECONDS | BASELINE_ANSWER_MEDIAN | BASELINE_SESSION_MEDIAN
    frames: int
    shoulder_tilt_deg: float
    shoulder_width_px: float
    head_height_sw: float | None


def median_or_none(values: Sequence[float | None]) -> float | None:
    kept = [v for v in values if v is not None and np.isfinite(v)]
    return float(np.median(kept)) if kept else None


def baseline_of(frames: Sequence["PostureFrame"], kind: str) -> Baseline | None:
    used = [f for f in frames if f.usable]
    if not used:
        return None
    return Baseline(
        kind=kind, frames=len(used),
        shoulder_tilt_deg=median_or_none([f.shoulder_tilt_deg for f in used]),
        shoulder_width_px=median_or_none([f.shoulder_width_px for f in used]),
        head_height_sw=median_or_none([f.head_height_sw for f in used]),
    )


def answer_baseline(frames: Sequence["PostureFrame"]) -> Baseline | None:
    """Median of the first ``BASELINE_WINDOW_S`` seconds of usable frames, else of the whole answer."""
    used = [f for f in frames if f.usable]
    if not used:
        return None
    start = used[0].t_s
    window = [f for f in used if f.t_s - start <= BASELINE_WINDOW_S]
    if len(window) >= MIN_BASELINE_FRAMES:
        return baseline_of(window, BASELINE_FIRST_SECONDS)
    return baseline_of(used, BASELINE_ANSWER_MEDIAN)


def session_baseline(answers: Sequence[Sequence["PostureFrame"]]) -> Baseline | None:
    """Median over every usable frame of a session's answers: one reference for the whole session."""
    return baseline_of([f for frames in answers for f in frames], BASELINE_SESSION_MEDIAN)


def tilt_changes_deg(frames: Sequence["PostureFrame"], baseline: Baseline) -> list[float]:
    """Shoulder tilt change per usable frame: tilt minus the baseline's tilt, degrees (sign as tilt)."""
    return [f.shoulder_tilt_deg - baseline.shoulder_tilt_deg for f in frames if f.usable]


def lean_changes_pct(frames: Sequence["PostureFrame"], baseline: Baseline) -> list[float]:
    """Lean per usable frame: shoulder-width change against the baseline, percent. Positive: wider
    shoulders in the image, i.e. the person leans (or moves) towards the camera; negative: away."""
    return [100.0 * (f.shoulder_width_px / baseline.shoulder_width_px - 1.0) for f in frames if f.usable]


def head_drops_pct(frames: Sequence["PostureFrame"], baseline: Baseline) -> list[float]:
    """Slouch per usable frame: how much the head's height above the shoulder line (perpendicular to
    it, in shoulder widths) dropped against the baseline, percent of the baseline height. Positive:
    the head sank towards the shoulders (slouching or craning forward); negative: sitting up taller."""
    if not baseline.head_height_sw:
        return []
    return [100.0 * (baseline.head_height_sw - f.head_height_sw) / baseline.head_height_sw
            for f in frames if f.usable and f.head_height_sw is not None]


def fidget_energy(frames: Sequence["PostureFrame"]) -> float | None:
    """Fidgeting: mean squared speed of the wrists and shoulders (shoulder widths per second, squared)
    over the usable frame pairs in which the head is still (nose slower than ``HEAD_STILL_SW_PER_S``).
    Near zero for a still person; restless hands or shoulders raise it. None with no such pair."""
    speeds = [f.hands_speed_sw_per_s for f in frames
              if f.usable and f.hands_speed_sw_per_s is not None and f.head_speed_sw_per_s is not None
              and f.head_speed_sw_per_s < HEAD_STILL_SW_PER_S]
    return float(np.mean(np.square(speeds))) if speeds else None


def body_motion_energy(frames: Sequence["PostureFrame"]) -> float | None:
    """Whole upper-body motion: mean squared speed of every seen point, head included ((sw/s)^2)."""
    speeds = [f.body_speed_sw_per_s for f in frames if f.usable and f.body_speed_sw_per_s is not None]
    return float(np.mean(np.square(speeds))) if speeds else None


def gesturing_ratio(frames: Sequence["PostureFrame"]) -> float | None:
    """Share of usable frames with a wrist seen in the gesture zone (above half a shoulder width below
    the shoulder line) and moving at least ``GESTURE_MIN_SPEED_SW_PER_S``."""
    used = [f for f in frames if f.usable and f.wrist_speed_sw_per_s is not None]
    if not used:
        return None
    return sum(1 for f in used if f.wrists_in_gesture_zone and f.wrist_speed_sw_per_s >= GESTURE_MIN_SPEED_SW_PER_S
               ) / len(used)


def _runs(flags: Sequence[bool]) -> list[int]:
    """Lengths of the runs of True."""
    runs, current = [], 0
    for flag in flags:
        if flag:
            current += 1
        elif current:
            runs.append(current)
            current = 0
    return runs + ([current] if current else [])


def hand_to_face(frames: Sequence["PostureFrame"]) -> tuple[int | None, float | None]:
    """Hand-to-face touches: (number of separate touches, share of frames touching), over usable
    frames with a wrist seen; a touch is a run of frames with a wrist within 0.35 sw of the nose or an ear."""
    seen = [f for f in frames if f.usable and f.hand_on_face is not None]
    if not seen:
        return None, None
    flags = [bool(f.hand_on_face) for f in seen]
    return len(_runs(flags)), sum(flags) / len(flags)


def crossed_arms_ratio(frames: Sequence["PostureFrame"]) -> float | None:
    """Share of usable frames, with both wrists seen, in which the arms are crossed (each wrist past the
    body's midline on the other arm's side, below the shoulder line)."""
    seen = [f for f in frames if f.usable and f.arms_crossed is not None]
    return sum(1 for f in seen if f.arms_crossed) / len(seen) if seen else None


def posture_changes(frames: Sequence["PostureFrame"], baseline: Baseline) -> tuple[int, float, list[float]]:
    """Posture-change events: the rolling-median posture (tilt, shoulder width, head height over
    ``CHANGE_SMOOTH_S``) leaves the current reference by more than ``CHANGE_TILT_DEG``,
    ``CHANGE_WIDTH_FRACTION`` or ``CHANGE_HEAD_SW`` for at least ``CHANGE_MIN_HOLD_S``; the new posture
    becomes the reference. Returns (count, longest steady stretch in seconds, event times in seconds)."""
    used = [f for f in frames if f.usable]
    if not used:
        return 0, 0.0, []
    times = np.array([f.t_s for f in used])
    state = np.array([[f.shoulder_tilt_deg, f.shoulder_width_px,
                       np.nan if f.head_height_sw is None else f.head_height_sw] for f in used])
    reference = np.array([baseline.shoulder_tilt_deg, baseline.shoulder_width_px,
                          np.nan if baseline.head_height_sw is None else baseline.head_height_sw])
    events: list[float] = []
    departed_at: float | None = None
    for t in times:
        window = state[(times > t - CHANGE_SMOOTH_S) & (times <= t)]
        smooth = np.nanmedian(window, axis=0) if np.isfinite(window).any(axis=0).all() else window[-1]
        moved = (abs(smooth[0] - reference[0]) > CHANGE_TILT_DEG
                 or abs(smooth[1] / reference[1] - 1.0) > CHANGE_WIDTH_FRACTION
                 or (np.isfinite(smooth[2]) and np.isfinite(reference[2])
                     and abs(smooth[2] - reference[2]) > CHANGE_HEAD_SW))
        if not moved:
            departed_at = None
            continue
        departed_at = t if departed_at is None else departed_at
        if t - departed_at >= CHANGE_MIN_HOLD_S:
            # a trailing median crosses half a window after the change itself
            events.append(max(float(times[0]), float(departed_at) - CHANGE_SMOOTH_S / 2))
            reference = smooth
            departed_at = None
    bounds = [float(times[0]), *events, float(times[-1])]
    longest = max(b - a for a, b in zip(bounds[:-1], bounds[1:], strict=True))
    return len(events), float(longest), events


def _stat(values: list[float], pct: float | None = None) -> float | None:
    if not values:
        return None
    return float(np.percentile(values, pct)) if pct is not None else float(np.median(values))


def summarise(frames: Sequence["PostureFrame"], *, sampling_fps: float | None,
              baseline: Baseline | None = None) -> dict[str, Any]:
    """Per-answer measures (JSON-ready). ``baseline`` defaults to the answer's own (see module doc)."""
    from workbench.vision.posture_quality import quality_counts

    used = [f for f in frames if f.usable]
    summary: dict[str, Any] = {
        "frames_total": len(frames), "frames_used": len(used), "sampling_fps": sampling_fps,
        "duration_s": round(frames[-1].t_s - frames[0].t_s, 3) if len(frames) > 1 else 0.0,
        "person_visible_ratio": (sum(f.person_present for f in frames) / len(frames)) if frames else None,
        "hips_visible_ratio": (sum(f.hips_visible for f in used) / len(used)) if used else None,
        "quality": quality_counts(frames), "norm": NO_NORM,
        # absolute values depend on the camera (and BlazePose tilts level shoulders by a few degrees):
        # shown for a still image and for reference, never judged
        "absolute_shoulder_tilt_deg": median_or_none([f.shoulder_tilt_deg for f in used]),
        "absolute_head_height_sw": median_or_none([f.head_height_sw for f in used]),
    }
    keys = MEASURE_KEYS
    reason = None
    if sampling_fps is None:
        reason = STILL_IMAGE
    elif len(used) < MIN_USABLE_FRAMES:
        reason = NOT_ENOUGH_FRAMES.format(n=MIN_USABLE_FRAMES)
    baseline = baseline or (answer_baseline(frames) if reason is None else None)
    if reason is None and baseline is None:
        reason = NOT_ENOUGH_FRAMES.format(n=MIN_USABLE_FRAMES)
    summary["measured"] = reason is None
    summary["not_measured_reason"] = reason
    summary["baseline"] = asdict(baseline) if baseline else None
    if reason is not None:
        return summary | dict.fromkeys(keys)
    tilts = tilt_changes_deg(frames, baseline)
    touches, touch_ratio = hand_to_face(frames)
    changes, longest, _ = posture_changes(frames, baseline)
    return summary | {
        "shoulder_tilt_change_deg": _stat(tilts),
        "shoulder_tilt_change_p95_abs_deg": _stat([abs(t) for t in tilts], 95),
        "lean_shoulder_width_change_pct": _stat(lean_changes_pct(frames, baseline)),
        "slouch_head_drop_pct": _stat(head_drops_pct(frames, baseline)),
        "fidget_energy": fidget_energy(frames),
        "body_motion_energy": body_motion_energy(frames),
        "gesturing_ratio": gesturing_ratio(frames),
        "hand_to_face_touches": touches,
        "hand_to_face_ratio": touch_ratio,
        "crossed_arms_ratio": crossed_arms_ratio(frames),
        "posture_change_events": changes,
        "longest_steady_posture_s": longest,
    }
