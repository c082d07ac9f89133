"""Head pose (yaw, pitch, roll in degrees) from mediapipe's facial transformation matrix.

The matrix maps mediapipe's canonical face model into camera space (x to the image's right,
y up, z towards the viewer; the face looks along +z of its model). Conventions used everywhere:

- ``yaw_deg`` > 0: the face turns towards the image's right (the person's left on an unmirrored camera);
- ``pitch_deg`` > 0: the face tilts up;
- ``roll_deg`` > 0: the head tilts counter-clockwise as seen in the image.

Mirroring the image flips the sign of yaw and roll; rotating the image by +a degrees
(counter-clockwise) adds about a to roll.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class HeadPose:
    yaw_deg: float
    pitch_deg: float
    roll_deg: float
    camera_yaw_deg: float  # direction from the face to the camera, same convention as yaw
    camera_pitch_deg: float  # ... and as pitch (0, 0 when the face is on the optical axis)


def head_pose(matrix: np.ndarray) -> HeadPose:
    """Head pose from a 4x4 facial transformation matrix (rotation + translation in cm)."""
    m = np.asarray(matrix, dtype=np.float64).reshape(4, 4)
    rotation = m[:3, :3]
    forward = rotation[:, 2]  # where the nose points, camera space
    yaw = math.degrees(math.atan2(forward[0], forward[2]))
    pitch = math.degrees(math.atan2(forward[1], math.hypot(forward[0], forward[2])))
    roll = math.degrees(math.atan2(rotation[1, 0], rotation[0, 0]))
    to_camera = -m[:3, 3]  # the face sits at the translation; the camera at the origin
    camera_yaw = math.degrees(math.atan2(to_camera[0], to_camera[2])) if to_camera[2] > 0 else 0.0
    camera_pitch = (
        math.degrees(math.atan2(to_camera[1], math.hypot(to_camera[0], to_camera[2]))) if to_camera[2] > 0 else 0.0
    )
    return HeadPose(yaw, pitch, roll, camera_yaw, camera_pitch)
