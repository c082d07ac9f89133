"""Per-frame geometry of the upper body, in image coordinates (x to the right, y down, pixels).

Every length is divided by the frame's shoulder width, so the numbers do not depend on the
camera's resolution or on how far away the person sits (except the shoulder width itself, which is
what "lean" measures). Signs:

- ``shoulder_tilt_deg`` > 0: the shoulder line rises towards the image's right (counter-clockwise,
  as seen in the image, like the face's roll). Taken between the shoulder on the image's left and the
  one on its right, so a left/right label swap cannot flip it; mirroring the image flips its sign and
  rotating the image by +a degrees (counter-clockwise) adds a.
- ``head_height_sw``: how far the nose sits above the shoulder line, measured perpendicular to that
  line, in shoulder widths. Slouching (the head sinking towards or forward of the shoulders) lowers it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from workbench.vision.body_landmarks import BodyObservation

TOUCH_DISTANCE_SW = 0.35  # ours: a wrist within 0.35 shoulder widths of the nose or an ear touches the face
GESTURE_ZONE_BELOW_SHOULDERS_SW = 0.5  # ours: a wrist above this line (half a shoulder width under the
# shoulders, about the chest) is in the space where a webcam sees gestures


@dataclass(frozen=True)
class FrameGeometry:
    shoulder_width_px: float
    shoulder_tilt_deg: float
    head_height_sw: float | None  # None when the nose is not seen
    wrists_in_gesture_zone: int  # 0, 1 or 2 wrists seen above the gesture line
    hand_on_face: bool | None  # None when no wrist is seen
    arms_crossed: bool | None  # None unless both wrists and both shoulders are seen


def shoulder_tilt_deg(a: np.ndarray, b: np.ndarray) -> float:
    """Angle of the shoulder line in degrees, counter-clockwise positive in the image (y down)."""
    left, right = (a, b) if a[0] <= b[0] else (b, a)
    return math.degrees(math.atan2(-(right[1] - left[1]), right[0] - left[0]))


def geometry(observation: BodyObservation) -> FrameGeometry | None:
    """The frame's geometry, or None when the two shoulders are not both seen."""
    if not observation.has("left_shoulder", "right_shoulder"):
        return None
    left_s, right_s = observation.xy("left_shoulder"), observation.xy("right_shoulder")
    line = right_s - left_s
    width = float(np.hypot(*line))
    if width <= 0:
        return None
    middle = (left_s + right_s) / 2
    normal = np.array([line[1], -line[0]]) / width  # perpendicular to the shoulder line
    if normal[1] > 0:
        normal = -normal  # pointing up the image (towards the head)
    head = None
    if observation.has("nose"):
        head = float(np.dot(observation.xy("nose") - middle, normal) / width)
    wrists = [name for name in ("left_wrist", "right_wrist") if observation.has(name)]
    in_zone = sum(
        1 for name in wrists
        if float(np.dot(observation.xy(name) - middle, normal) / width) > -GESTURE_ZONE_BELOW_SHOULDERS_SW
    )
    face_points = [observation.xy(n) for n in ("nose", "left_ear", "right_ear") if observation.has(n)]
    touch = None
    if wrists and face_points:
        touch = any(
            float(np.hypot(*(observation.xy(w) - p))) / width < TOUCH_DISTANCE_SW for w in wrists for p in face_points
        )
    crossed = None
    if len(wrists) == 2:
        crossed = _crossed(observation, middle, normal, width)
    return FrameGeometry(
        shoulder_width_px=width, shoulder_tilt_deg=shoulder_tilt_deg(left_s, right_s), head_height_sw=head,
        wrists_in_gesture_zone=in_zone, hand_on_face=touch, arms_crossed=crossed,
    )


def _crossed(observation: BodyObservation, middle: np.ndarray, normal: np.ndarray, width: float) -> bool:
    """Both wrists below the shoulder line and each past the body's midline, on the other arm's side."""
    along = np.array([-normal[1], normal[0]])  # along the shoulder line
    crossed = True
    for side in ("left", "right"):
        shoulder_side = float(np.dot(observation.xy(f"{side}_shoulder") - middle, along))
        wrist = observation.xy(f"{side}_wrist") - middle
        below = float(np.dot(wrist, normal)) < 0
        other_side = float(np.dot(wrist, along)) * shoulder_side < 0
        crossed = crossed and below and other_side
    return crossed


def motion_speed_sw_per_s(previous: BodyObservation, current: BodyObservation, names: tuple[str, ...],
                          shoulder_width_px: float, dt_s: float) -> float | None:
    """Root-mean-square speed of the named points seen in both frames, in shoulder widths per second."""
    common = [n for n in names if previous.has(n) and current.has(n)]
    if not common or dt_s <= 0 or shoulder_width_px <= 0:
        return None
    steps = [float(np.hypot(*(current.xy(n) - previous.xy(n)))) / shoulder_width_px for n in common]
    return float(np.sqrt(np.mean(np.square(steps)))) / dt_s
