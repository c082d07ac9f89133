"""Per-frame quality flags: a flagged frame is kept in the series but left out of every aggregate.

Measures are taken on the face box only (not the whole frame), so a bright window behind a dark
face still flags the face.
"""
from __future__ import annotations

import cv2
import numpy as np

MIN_FACE_HEIGHT_PX = 48  # ours, from fer: its detector ignores faces under 50 px; the CNN sees 64 px
MIN_FACE_BRIGHTNESS = 50.0  # ours: mean grey (0-255) of the face box; below it landmarks and fer degrade
# ours, calibrated: sharp astronaut face 0.08, Gaussian blur sigma 1.5 px 0.005, 2.5 px 0.003 (sharpness =
# variance of the Laplacian (Pech-Pacheco et al. 2000) / variance of the grey levels, so light does not matter)
MIN_FACE_SHARPNESS = 0.005
MIN_DETECTION_CONFIDENCE = 0.7  # ours: BlazeFace score; mediapipe's own acceptance threshold is 0.5
MAX_ABS_YAW_DEG = 45.0  # ours: beyond it the frontal landmark model and fer are unreliable
SHARPNESS_FACE_SIZE_PX = 128  # face box resized to this before the Laplacian, so scores compare

FLAG_NO_FACE = "no_face"
FLAG_TOO_SMALL = "face_too_small"
FLAG_TOO_DARK = "too_dark"
FLAG_BLURRED = "blurred"
FLAG_LOW_CONFIDENCE = "low_confidence"
FLAG_MULTIPLE_FACES = "multiple_faces"  # informative: the largest, most central face is followed
FLAG_EXTREME_POSE = "extreme_pose"
FLAG_PARTLY_OUTSIDE = "face_partly_outside"
EXCLUDING_FLAGS = (FLAG_TOO_SMALL, FLAG_TOO_DARK, FLAG_BLURRED, FLAG_LOW_CONFIDENCE, FLAG_EXTREME_POSE)
ALL_FLAGS = (FLAG_NO_FACE, *EXCLUDING_FLAGS, FLAG_MULTIPLE_FACES, FLAG_PARTLY_OUTSIDE)


def face_crop(grey: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x, y, w, h = box
    height, width = grey.shape[:2]
    return grey[max(0, y):min(height, y + h), max(0, x):min(width, x + w)]


def brightness(crop: np.ndarray) -> float:
    """Mean grey level 0-255 of the face crop."""
    return float(crop.mean()) if crop.size else 0.0


def sharpness(crop: np.ndarray) -> float:
    """Contrast-normalised focus measure of the face crop rescaled to ``SHARPNESS_FACE_SIZE_PX``:
    variance of its Laplacian divided by the variance of its grey levels (0 for a flat crop)."""
    if crop.size == 0:
        return 0.0
    side = SHARPNESS_FACE_SIZE_PX
    resized = cv2.resize(crop, (side, side), interpolation=cv2.INTER_AREA).astype(np.float64)
    contrast = resized.var()
    return float(cv2.Laplacian(resized, cv2.CV_64F).var() / contrast) if contrast > 1e-6 else 0.0


def flags_for(
    *,
    face_height_px: float,
    brightness_value: float,
    sharpness_value: float,
    detection_confidence: float | None,
    yaw_deg: float,
    n_faces: int,
    partly_outside: bool,
) -> list[str]:
    """The quality flags of one frame with a face (see the module constants for thresholds)."""
    flags = []
    if face_height_px < MIN_FACE_HEIGHT_PX:
        flags.append(FLAG_TOO_SMALL)
    if brightness_value < MIN_FACE_BRIGHTNESS:
        flags.append(FLAG_TOO_DARK)
    if sharpness_value < MIN_FACE_SHARPNESS:
        flags.append(FLAG_BLURRED)
    if detection_confidence is None or detection_confidence < MIN_DETECTION_CONFIDENCE:
        flags.append(FLAG_LOW_CONFIDENCE)
    if abs(yaw_deg) > MAX_ABS_YAW_DEG:
        flags.append(FLAG_EXTREME_POSE)
    if n_faces > 1:
        flags.append(FLAG_MULTIPLE_FACES)
    if partly_outside:
        flags.append(FLAG_PARTLY_OUTSIDE)
    return flags


def is_usable(flags: list[str]) -> bool:
    """A frame counts in aggregates when it has a face and none of the excluding flags."""
    return FLAG_NO_FACE not in flags and not any(f in EXCLUDING_FLAGS for f in flags)
