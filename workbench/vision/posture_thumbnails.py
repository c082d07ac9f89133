"""Opt-in skeleton thumbnails (the upper-body points the measures used, drawn on a small JPEG).
They show the person, so they are written only when a folder is given."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:
    from workbench.vision.posture_frames import PostureFrame

THUMBNAIL_SIDE_PX = 320  # longer side of a thumbnail
SKELETON_EDGES = (
    ("left_shoulder", "right_shoulder"), ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"), ("left_shoulder", "left_hip"),
    ("right_shoulder", "right_hip"), ("left_hip", "right_hip"), ("left_ear", "left_eye"), ("left_eye", "nose"),
    ("nose", "right_eye"), ("right_eye", "right_ear"),
)
USABLE_COLOUR = (40, 200, 40)  # BGR: measured frame
FLAGGED_COLOUR = (0, 140, 255)  # BGR: frame left out of the aggregates


def draw_skeleton(rgb: np.ndarray, frame: "PostureFrame") -> np.ndarray:
    """A BGR copy of the frame, scaled to ``THUMBNAIL_SIDE_PX``, with the gated points and bones."""
    height, width = rgb.shape[:2]
    scale = THUMBNAIL_SIDE_PX / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    image = cv2.resize(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), size)
    colour = USABLE_COLOUR if frame.usable else FLAGGED_COLOUR
    points = {name: (int(round(x * scale)), int(round(y * scale))) for name, (x, y) in frame.points_px.items()}
    for a, b in SKELETON_EDGES:
        if a in points and b in points:
            cv2.line(image, points[a], points[b], colour, 2, cv2.LINE_AA)
    for point in points.values():
        cv2.circle(image, point, 3, colour, -1, cv2.LINE_AA)
    label = f"tilt {frame.shoulder_tilt_deg:+.1f} deg" if frame.shoulder_tilt_deg is not None else "no shoulders"
    cv2.putText(image, f"{frame.t_s:.1f} s  {label}  {' '.join(frame.flags)}", (4, 14), cv2.FONT_HERSHEY_SIMPLEX,
                0.4, colour, 1, cv2.LINE_AA)
    return image


def write_skeleton_thumbnail(rgb: np.ndarray, frame: "PostureFrame", folder: Path, t_s: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"posture_t_{t_s:08.2f}s.jpg"
    cv2.imwrite(str(path), draw_skeleton(rgb, frame), [cv2.IMWRITE_JPEG_QUALITY, 85])
    return path
