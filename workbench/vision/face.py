"""Facial analysis of a still image or a video: per-frame results and per-answer aggregates.

    from workbench.vision import analyse_image, analyse_video
    analysis = analyse_video("answer.webm", fps=10.0)
    analysis.summary.eye_contact_ratio; analysis.frames[0].yaw_deg; analysis.to_json()

Frames are decoded and analysed in memory, one at a time; none is written to disk unless
``thumbnails_dir`` is given (annotated JPEGs, opt-in).
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from workbench.errors import InputError
from workbench.media_limits import MAX_MEDIA_DURATION_S
from workbench.vision import aggregate, quality, video
from workbench.vision.expression import EXPRESSION_LABELS, ExpressionClassifier, rgb_to_grey
from workbench.vision.frames import EXPRESSION_ID, LANDMARKER_ID, FaceAnalysis, FrameResult
from workbench.vision.gaze import BLINK_SCORE, SMILE_SCORE, blink_score, gaze, smile_score
from workbench.vision.landmarks import FaceTracker, Observation
from workbench.vision.pose import head_pose
from workbench.vision.thumbnails import write_thumbnail

EXPRESSIVE_PREFIXES = ("brow", "cheek", "jaw", "mouth", "nose")  # blendshapes of expression, not gaze/blink
THUMBNAIL_INTERVAL_S = 10.0  # ours: at most one annotated thumbnail per 10 s of video
MAX_THUMBNAILS = 12  # ours
KEPT_FRAME_SIDE_PX = 160  # keep_frames=True keeps frames this small, in memory only
MAX_KEPT_FRAMES = 300  # ours: bounds memory (~23 MB) for keep_frames=True


def _models():
    from workbench.models import registry

    return registry.load(LANDMARKER_ID), ExpressionClassifier(registry.load(EXPRESSION_ID))


def frame_result(t_s: float, rgb: np.ndarray, observation: Observation | None,
                 classifier: ExpressionClassifier) -> FrameResult:
    """Turn the tracker's observation of one RGB frame into a FrameResult (quality flags included)."""
    if observation is None:
        return FrameResult(t_s=t_s, flags=[quality.FLAG_NO_FACE])
    grey = rgb_to_grey(rgb)
    pose = head_pose(observation.matrix)
    looking = gaze(observation.points_px, observation.blendshapes, pose)
    crop = quality.face_crop(grey, observation.box)
    bright, sharp = quality.brightness(crop), quality.sharpness(crop)
    expressions = classifier.probabilities(grey, observation.box) or {k: float("nan") for k in EXPRESSION_LABELS}
    blink, smile = blink_score(observation.blendshapes), smile_score(observation.blendshapes)
    flags = quality.flags_for(
        face_height_px=observation.box[3], brightness_value=bright, sharpness_value=sharp,
        detection_confidence=observation.detection_confidence, yaw_deg=pose.yaw_deg,
        n_faces=observation.n_faces, partly_outside=observation.partly_outside,
    )
    expressive = np.array([v for k, v in observation.blendshapes.items() if k.startswith(EXPRESSIVE_PREFIXES)],
                          dtype=np.float32)
    return FrameResult(
        t_s=t_s, face_present=True, n_faces=observation.n_faces,
        yaw_deg=pose.yaw_deg, pitch_deg=pose.pitch_deg, roll_deg=pose.roll_deg,
        gaze_yaw_deg=looking.gaze_yaw_deg, gaze_pitch_deg=looking.gaze_pitch_deg, eye_contact=looking.eye_contact,
        blink=blink >= BLINK_SCORE, blink_score=blink, smile=smile >= SMILE_SCORE, smile_score=smile,
        expressions=expressions, dominant_expression=max(expressions, key=expressions.get),
        detection_confidence=observation.detection_confidence, face_box_px=observation.box,
        face_height_px=observation.box[3], brightness=bright, sharpness=sharp, flags=flags,
        expressive_blendshapes=expressive,
    )


def analyse_image(image: str | Path | np.ndarray, *, thumbnails_dir: str | Path | None = None) -> FaceAnalysis:
    """Analyse one still: a file path or an RGB (or grey) array. One FrameResult at t_s = 0."""
    rgb, source = video.load_still(image)
    landmarker, classifier = _models()
    with FaceTracker(landmarker, "image") as tracker:
        result = frame_result(0.0, rgb, tracker.observe(rgb), classifier)
    analysis = FaceAnalysis(source=source, kind="image", sampling_fps=None, frames=[result],
                            summary=aggregate.summarise([result], sampling_fps=None),
                            series=aggregate.series([result]), width_px=rgb.shape[1], height_px=rgb.shape[0])
    if not result.face_present:
        analysis.warnings.append("no face found in the image")
    if thumbnails_dir is not None and result.face_present:
        analysis.thumbnails.append(write_thumbnail(rgb, result, Path(thumbnails_dir), "frame_0000"))
    return analysis


def analyse_video(
    path: str | Path,
    *,
    fps: float = video.DEFAULT_FPS,
    progress: bool | Callable[[float], None] = False,
    keep_frames: bool = False,
    thumbnails_dir: str | Path | None = None,
    max_duration_s: float = MAX_MEDIA_DURATION_S,
    series_points: int = aggregate.MAX_SERIES_POINTS,
    on_frame: Callable[[float, np.ndarray], Any] | None = None,
) -> FaceAnalysis:
    """Analyse a video (webm, mp4, avi, ...) sampled at ``fps`` frames per second.

    Still-image paths are passed to ``analyse_image``. ``progress=True`` prints the analysed time to
    stderr; a callable receives it in seconds. ``keep_frames=True`` keeps small copies of the frames
    in memory (``analysis.kept_frames``) for notebooks; ``thumbnails_dir`` writes annotated JPEGs.
    ``analysis.series`` is a timeline of at most ``series_points`` points. ``on_frame(t_s, rgb)`` is
    called with every decoded frame (one decode for the face and another stage, e.g. posture).
    """
    if video.is_image_path(path):
        return analyse_image(path, thumbnails_dir=thumbnails_dir)
    info = video.probe(path)
    landmarker, classifier = _models()
    frames: list[FrameResult] = []
    analysis = FaceAnalysis(source=str(path), kind="video", sampling_fps=fps, frames=frames,
                            summary=aggregate.summarise([], sampling_fps=fps),
                            width_px=info.width_px, height_px=info.height_px)
    next_thumb_s = 0.0
    with FaceTracker(landmarker, "video") as tracker:
        for t_s, rgb in video.iter_video_frames(path, fps=fps, max_duration_s=max_duration_s, info=info):
            result = frame_result(t_s, rgb, tracker.observe(rgb, int(round(t_s * 1000))), classifier)
            frames.append(result)
            if on_frame is not None:
                on_frame(t_s, rgb)
            if keep_frames and len(analysis.kept_frames) < MAX_KEPT_FRAMES:
                analysis.kept_frames.append((t_s, video.downscale(rgb, KEPT_FRAME_SIDE_PX).copy()))
            if thumbnails_dir is not None and result.face_present and t_s >= next_thumb_s \
                    and len(analysis.thumbnails) < MAX_THUMBNAILS:
                analysis.thumbnails.append(write_thumbnail(rgb, result, Path(thumbnails_dir), f"t_{t_s:08.2f}s"))
                next_thumb_s = t_s + THUMBNAIL_INTERVAL_S
            if progress and len(frames) % 50 == 0:
                progress(t_s) if callable(progress) else print(f"\rface: {t_s:.0f} s analysed", end="", file=sys.stderr)
    if progress is True:
        print(file=sys.stderr)
    if not frames:
        raise InputError(f"{Path(path).name}: no video frame could be decoded (empty or corrupt video)")
    analysis.warnings.extend(info.warnings)
    if not any(f.face_present for f in frames):
        analysis.warnings.append("no face found in any frame")
    elif not any(f.usable for f in frames):
        analysis.warnings.append("a face was found, but no frame passed the quality checks: see summary.quality")
    analysis.summary = aggregate.summarise(frames, sampling_fps=fps)
    analysis.series = aggregate.series(frames, series_points)
    return analysis
