"""Face and posture of one recording on one decode: what the face stage runs on each answer.

    from workbench.vision.camera import analyse_camera
    result = analyse_camera("answer.webm", fps=10.0)
    result.face.summary.eye_contact_ratio; result.posture.summary["lean_shoulder_width_change_pct"]

Every decoded frame goes to the face models; every ``posture_stride(fps)``-th of the same frames goes
to BlazePose (posture changes over seconds, so half the face rate is enough and halves pose's cost),
which runs in a thread of its own beside the face models.
When the pose model is not installed the face results still come, with ``posture`` None and the
reason in ``posture_unavailable``.
"""
from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from workbench.errors import ModelCorruptError, ModelNotInstalledError
from workbench.media_limits import MAX_MEDIA_DURATION_S
from workbench.vision import aggregate, video
from workbench.vision.face import analyse_image, analyse_video
from workbench.vision.frames import FaceAnalysis
from workbench.vision.posture import PostureStream, analyse_posture_image
from workbench.vision.posture_frames import PostureAnalysis

POSTURE_MAX_FPS = 5.0  # ours: posture and gestures are read at most this often (every 2nd frame at 10 fps)


def posture_stride(fps: float) -> int:
    """Every how many face frames one goes to pose, so that pose runs at most ``POSTURE_MAX_FPS``."""
    return max(1, math.ceil(fps / POSTURE_MAX_FPS - 1e-9))


@dataclass
class CameraAnalysis:
    """One recording's face analysis and, when the pose model loads, its posture analysis."""

    face: FaceAnalysis
    posture: PostureAnalysis | None
    posture_unavailable: str | None = None  # why posture is None (the pose model is not installed)

    def posture_json(self, *, include_series: bool = False) -> dict[str, Any]:
        """What the store keeps under ``turn.analysis["posture"]``; a not-measured summary with the
        reason when the pose model was missing (never default values)."""
        if self.posture is None:
            return {"source": self.face.source, "kind": self.face.kind, "warnings": [self.posture_unavailable],
                    "summary": {"measured": False, "not_measured_reason": self.posture_unavailable}}
        return self.posture.to_json(include_series=include_series)


def analyse_camera(path: str | Path, *, fps: float = video.DEFAULT_FPS, progress: bool = False,
                   series_points: int = aggregate.MAX_SERIES_POINTS, posture: bool = True,
                   thumbnails_dir: str | Path | None = None,
                   max_duration_s: float = MAX_MEDIA_DURATION_S) -> CameraAnalysis:
    """Face (every sampled frame) and posture (every ``posture_stride(fps)``-th) of a video, one decode.
    ``thumbnails_dir`` (opt-in) receives annotated face JPEGs and skeleton JPEGs."""
    face_only = {"fps": fps, "progress": progress, "series_points": series_points, "max_duration_s": max_duration_s,
                 "thumbnails_dir": thumbnails_dir}
    if not posture:
        return CameraAnalysis(analyse_video(path, **face_only), None, "posture not requested")
    if video.is_image_path(path):
        face = analyse_image(path, thumbnails_dir=thumbnails_dir)
        try:
            return CameraAnalysis(face, analyse_posture_image(path, thumbnails_dir=thumbnails_dir))
        except (ModelNotInstalledError, ModelCorruptError) as error:
            return CameraAnalysis(face, None, f"posture not measured: {error}")
    stride = posture_stride(fps)
    try:
        stream = PostureStream(fps=fps / stride, source=str(path), kind="video", thumbnails_dir=thumbnails_dir)
    except (ModelNotInstalledError, ModelCorruptError) as error:
        return CameraAnalysis(analyse_video(path, **face_only), None, f"posture not measured: {error}")
    seen, pending = 0, None

    def feed(t_s: float, rgb: np.ndarray) -> None:
        nonlocal seen, pending
        if seen % stride == 0:
            if pending is not None:
                pending.result()  # one frame in flight: memory stays bounded, frames stay in order
            pending = pose_thread.submit(stream.add, t_s, rgb.copy())
        seen += 1

    # pose runs in its own thread beside the face models (mediapipe releases the GIL while it infers):
    # on this 2-core machine face + pose went from 16.4 to 23.8 frames per second (bench area posture)
    with stream, ThreadPoolExecutor(max_workers=1, thread_name_prefix="pose") as pose_thread:
        face = analyse_video(path, **face_only, on_frame=feed)
        if pending is not None:
            pending.result()
        result = stream.finish()
    result.width_px, result.height_px = face.width_px, face.height_px
    result.warnings = [w for w in face.warnings if w not in result.warnings and "face" not in w] + result.warnings
    return CameraAnalysis(face, result)
