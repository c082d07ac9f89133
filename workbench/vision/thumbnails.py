"""Annotated thumbnails of analysed frames, written to disk only when asked for (they show the face)."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from workbench.vision.frames import FrameResult


def annotate_frame(rgb: np.ndarray, result: FrameResult) -> np.ndarray:
    """A copy of the frame with the followed face's box and its measures written on it."""
    image = np.ascontiguousarray(rgb.copy())
    if not result.face_present or result.face_box_px is None:
        cv2.putText(image, "no face", (10, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 0, 0), 2)
        return image
    x, y, w, h = result.face_box_px
    colour = (0, 200, 0) if result.usable else (255, 140, 0)
    cv2.rectangle(image, (x, y), (x + w, y + h), colour, 2)
    lines = [
        f"t={result.t_s:.1f}s yaw={result.yaw_deg:+.0f} pitch={result.pitch_deg:+.0f} roll={result.roll_deg:+.0f}",
        f"eye contact={'yes' if result.eye_contact else 'no'} smile={result.smile_score:.2f}",
        f"{result.dominant_expression} {max(result.expressions.values()):.2f}",
    ]
    if result.flags:
        lines.append(",".join(result.flags))
    for i, line in enumerate(lines):
        cv2.putText(image, line, (8, 20 + 18 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.5, colour, 1, cv2.LINE_AA)
    return image


def write_thumbnail(rgb: np.ndarray, result: FrameResult, folder: Path, stem: str) -> Path:
    """Write an annotated JPEG (opt-in only: it contains the face) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.jpg"
    cv2.imwrite(str(path), cv2.cvtColor(annotate_frame(rgb, result), cv2.COLOR_RGB2BGR))
    return path
