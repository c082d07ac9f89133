"""BlazePose per frame, upper body only, every point gated by visibility and presence.

``PoseTracker`` opens mediapipe's PoseLandmarker once per image or video (VIDEO mode tracks the
person between frames) and returns, per frame, the person it follows: with several people, the one
with the widest shoulders (nearest the camera). Only the upper-body points are kept, and only when
the model says the point is both visible (not occluded) and present (inside the frame) with enough
confidence and it lies inside the frame away from its border. Hips are kept under the same rule;
a point the model places inside the frame while it cannot be there (the astronaut's hips, below the
picture's lower edge, come back near the edge) is caught by the border margin and the presence gate.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.vision.mediapipe_run import as_image, detect

# BlazePose's 33 landmark indices (mediapipe pose_landmarker model card), upper body only.
UPPER_BODY_POINTS: dict[str, int] = {
    "nose": 0, "left_eye": 2, "right_eye": 5, "left_ear": 7, "right_ear": 8,
    "left_shoulder": 11, "right_shoulder": 12, "left_elbow": 13, "right_elbow": 14,
    "left_wrist": 15, "right_wrist": 16, "left_hip": 23, "right_hip": 24,
}
MIN_VISIBILITY = 0.5  # ours: mediapipe's own drawing utilities skip points below 0.5
MIN_PRESENCE = 0.5  # ours: same cut for "inside the frame"
EDGE_MARGIN_FRACTION = 0.01  # ours: a point this close to the border is taken as clipped (placed, not seen)
NUM_POSES = 3  # people the landmarker looks for. Above 1 (with one person in view) its detector runs on
# every frame. With 1 it tracks instead (about 1.5x faster here), but on 20 identical frames the tracked
# shoulder tilt then wandered over 5 deg (its region of interest feeds back): measured, so we keep 3.


@dataclass(frozen=True)
class BodyPoint:
    x_px: float
    y_px: float
    visibility: float
    presence: float


@dataclass
class BodyObservation:
    """The followed person in one frame: the gated upper-body points, plus what was rejected."""

    points: dict[str, BodyPoint]  # only points that passed every gate
    rejected: dict[str, str]  # point name -> why: "low_visibility" | "outside_frame" | "at_frame_edge"
    n_people: int
    width_px: int
    height_px: int

    def has(self, *names: str) -> bool:
        return all(name in self.points for name in names)

    def xy(self, name: str) -> np.ndarray:
        point = self.points[name]
        return np.array([point.x_px, point.y_px], dtype=np.float64)


def gate_points(landmarks, width_px: int, height_px: int) -> tuple[dict[str, BodyPoint], dict[str, str]]:
    """Keep the upper-body landmarks that are visible, present and inside the frame (normalised
    mediapipe landmarks in, pixel points out)."""
    kept: dict[str, BodyPoint] = {}
    rejected: dict[str, str] = {}
    margin = EDGE_MARGIN_FRACTION
    for name, index in UPPER_BODY_POINTS.items():
        landmark = landmarks[index]
        visibility = float(landmark.visibility or 0.0)
        presence = float(landmark.presence or 0.0)
        if not (0.0 <= landmark.x <= 1.0 and 0.0 <= landmark.y <= 1.0):
            rejected[name] = "outside_frame"
        elif presence < MIN_PRESENCE:
            rejected[name] = "outside_frame"  # the model's own "not in the image"
        elif visibility < MIN_VISIBILITY:
            rejected[name] = "low_visibility"
        elif min(landmark.x, landmark.y, 1.0 - landmark.x, 1.0 - landmark.y) < margin:
            rejected[name] = "at_frame_edge"
        else:
            kept[name] = BodyPoint(landmark.x * width_px, landmark.y * height_px, visibility, presence)
    return kept, rejected


def _shoulder_width_norm(landmarks) -> float:
    a, b = landmarks[UPPER_BODY_POINTS["left_shoulder"]], landmarks[UPPER_BODY_POINTS["right_shoulder"]]
    return float(np.hypot(a.x - b.x, a.y - b.y))


class PoseTracker:
    """Context manager: ``with PoseTracker(model, "video") as tracker: tracker.observe(rgb, t_ms)``."""

    def __init__(self, pose_model, running_mode: str = "video") -> None:
        self._model = pose_model
        self._mode = running_mode
        self._landmarker = None
        self._last_ms = -1

    def __enter__(self) -> "PoseTracker":
        import mediapipe as mp

        self._mp = mp
        self._landmarker = self._model.open(self._mode, num_poses=NUM_POSES)
        return self

    def __exit__(self, *exc) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
        self._landmarker = None

    def observe(self, rgb: np.ndarray, t_ms: int = 0) -> BodyObservation | None:
        """The followed person in an RGB uint8 frame, or None when no person is found."""
        image = as_image(self._mp, rgb)
        result, self._last_ms = detect(self._landmarker, image, mode=self._mode, t_ms=t_ms, last_ms=self._last_ms)
        if not result.pose_landmarks:
            return None
        height, width = rgb.shape[:2]
        chosen = max(result.pose_landmarks, key=_shoulder_width_norm)
        points, rejected = gate_points(chosen, width, height)
        return BodyObservation(points=points, rejected=rejected, n_people=len(result.pose_landmarks),
                               width_px=width, height_px=height)
