"""Running a mediapipe Tasks landmarker (face or pose) on one frame, shared by the face and posture trackers."""
from __future__ import annotations

from typing import Any

import numpy as np


def as_image(mp: Any, rgb: np.ndarray) -> Any:
    """An RGB uint8 frame as a mediapipe ``Image``."""
    return mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))


def detect(landmarker: Any, image: Any, *, mode: str, t_ms: int, last_ms: int) -> tuple[Any, int]:
    """The landmarker's result for ``image`` (from ``as_image``), and the timestamp (ms) it was given.

    In ``"video"`` mode mediapipe needs strictly increasing timestamps: ``t_ms`` is raised to ``last_ms + 1``
    when it is not; in ``"image"`` mode timestamps are not used and ``last_ms`` comes back unchanged."""
    if mode != "video":
        return landmarker.detect(image), last_ms
    t_ms = max(int(t_ms), last_ms + 1)
    return landmarker.detect_for_video(image, t_ms), t_ms
