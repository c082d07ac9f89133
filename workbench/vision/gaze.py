"""Eye contact, blinks and smile from landmarks and blendshapes: transparent, per frame.

Eye contact = the estimated gaze (head pose + eye-in-head rotation) points at the camera within a
tolerance cone. Eye-in-head rotation:

- horizontal from the iris position between the eye corners (landmarks 468-477 are the irises),
  turned into an angle with a spherical-eyeball model: offset = r_eye * sin(angle);
- vertical from the eyeLookUp/eyeLookDown blendshapes (iris height is hidden by the eyelids).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from workbench.vision.pose import HeadPose

EYEBALL_RADIUS_MM = 12.0  # adult eyeball ~24 mm across (Bekerman et al. 2014, J Ophthalmol)
EYE_HALF_WIDTH_MM = 15.0  # palpebral fissure ~30 mm wide (anthropometric norms, Farkas 1994)
EYE_LOOK_FULL_SCALE_DEG = 25.0  # ours: blendshape 1.0 ~ a strong vertical eye rotation
EYE_CONTACT_YAW_DEG = 12.0  # ours: half-width of the "looking at the camera" cone, horizontal
EYE_CONTACT_PITCH_DEG = 18.0  # ours: wider vertically (webcams sit above the screen one looks at)
BLINK_SCORE = 0.5  # ours: mean eyeBlinkLeft/Right above this = eyes closed in this frame
SMILE_SCORE = 0.5  # ours: mean mouthSmileLeft/Right above this = smiling in this frame

# mediapipe face mesh indices: corners of the two eyes and the two iris centres
EYE_CORNERS = ((33, 133), (362, 263))
IRIS_CENTRES = (468, 473)


@dataclass(frozen=True)
class Gaze:
    eye_yaw_deg: float  # eye-in-head, horizontal (> 0 towards the image's right)
    eye_pitch_deg: float  # eye-in-head, vertical (> 0 up)
    gaze_yaw_deg: float  # head + eye, relative to the direction of the camera
    gaze_pitch_deg: float
    eye_contact: bool


def _iris_yaw_deg(points_px: np.ndarray) -> float:
    """Mean horizontal eye rotation of both eyes from iris offsets, degrees (> 0 image right)."""
    angles = []
    for (a, b), iris in zip(EYE_CORNERS, IRIS_CENTRES, strict=True):
        corner_a, corner_b = points_px[a, :2], points_px[b, :2]
        left, right = (corner_a, corner_b) if corner_a[0] <= corner_b[0] else (corner_b, corner_a)
        axis = right - left
        half_width = float(np.linalg.norm(axis)) / 2.0
        if half_width < 1e-6:
            continue
        centre = (left + right) / 2.0
        offset = float(np.dot(points_px[iris, :2] - centre, axis / (2 * half_width))) / half_width
        ratio = offset * EYE_HALF_WIDTH_MM / EYEBALL_RADIUS_MM
        angles.append(math.degrees(math.asin(max(-1.0, min(1.0, ratio)))))
    return float(np.mean(angles)) if angles else 0.0


def gaze(points_px: np.ndarray, blendshapes: dict[str, float], pose: HeadPose) -> Gaze:
    """Gaze and eye contact from 478 landmarks in pixels (N, 3), blendshape scores and head pose."""
    eye_yaw = _iris_yaw_deg(points_px)
    up = (blendshapes.get("eyeLookUpLeft", 0.0) + blendshapes.get("eyeLookUpRight", 0.0)) / 2
    down = (blendshapes.get("eyeLookDownLeft", 0.0) + blendshapes.get("eyeLookDownRight", 0.0)) / 2
    eye_pitch = (up - down) * EYE_LOOK_FULL_SCALE_DEG
    gaze_yaw = pose.yaw_deg + eye_yaw - pose.camera_yaw_deg
    gaze_pitch = pose.pitch_deg + eye_pitch - pose.camera_pitch_deg
    contact = abs(gaze_yaw) <= EYE_CONTACT_YAW_DEG and abs(gaze_pitch) <= EYE_CONTACT_PITCH_DEG
    return Gaze(eye_yaw, eye_pitch, gaze_yaw, gaze_pitch, contact)


def blink_score(blendshapes: dict[str, float]) -> float:
    """How closed the eyes are, 0..1 (mean of eyeBlinkLeft and eyeBlinkRight)."""
    return (blendshapes.get("eyeBlinkLeft", 0.0) + blendshapes.get("eyeBlinkRight", 0.0)) / 2


def smile_score(blendshapes: dict[str, float]) -> float:
    """How much the mouth corners are raised, 0..1 (mean of mouthSmileLeft and mouthSmileRight)."""
    return (blendshapes.get("mouthSmileLeft", 0.0) + blendshapes.get("mouthSmileRight", 0.0)) / 2
