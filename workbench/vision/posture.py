"""Posture and gestures of a still image or a video: per-frame pose and per-answer measures.

    from workbench.vision.posture import analyse_posture
    analysis = analyse_posture("answer.webm", fps=10.0)
    analysis.summary["shoulder_tilt_change_deg"]; analysis.frames[0].flags; analysis.to_json()

One decode for face and pose: the face stage's loop can feed the same decoded frames to a
``PostureStream`` (``stream.add(t_s, rgb)`` per frame, ``stream.finish()`` at the end), or any
iterable of ``(t_s, rgb)`` goes to ``analyse_posture_frames``. Frames are processed in memory, one at
a time; nothing is written unless ``thumbnails_dir`` is given (skeleton drawn, opt-in).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from workbench.errors import InputError
from workbench.media_limits import MAX_MEDIA_DURATION_S
from workbench.vision import posture_measures, posture_quality, video
from workbench.vision.body_landmarks import BodyObservation, PoseTracker
from workbench.vision.posture_frames import POSE_MODEL_ID, PostureAnalysis, PostureFrame
from workbench.vision.posture_geometry import geometry, motion_speed_sw_per_s

HEAD_POINTS = ("nose",)
HAND_AND_SHOULDER_POINTS = ("left_wrist", "right_wrist", "left_shoulder", "right_shoulder")
WRIST_POINTS = ("left_wrist", "right_wrist")
BODY_POINTS = ("nose", "left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
               "left_wrist", "right_wrist")
FACE_ONLY_WARNING_RATIO = 0.5  # ours: warn when over half the frames show a face but no shoulders
THUMBNAIL_INTERVAL_S = 10.0  # ours: at most one skeleton thumbnail per 10 s of video
MAX_THUMBNAILS = 12  # ours


def frame_result(t_s: float, observation: BodyObservation | None) -> PostureFrame:
    """The tracker's observation of one frame as a PostureFrame (flags included, no motion yet)."""
    if observation is None:
        return PostureFrame(t_s=t_s, flags=posture_quality.flags_for(None, None))
    shape = geometry(observation)
    frame = PostureFrame(
        t_s=t_s, person_present=True, n_people=observation.n_people,
        hips_visible=observation.has("left_hip", "right_hip"),
        points_px={name: (p.x_px, p.y_px) for name, p in observation.points.items()},
        flags=posture_quality.flags_for(observation, shape.shoulder_width_px if shape else None),
    )
    if shape is not None:
        frame.shoulder_width_px = shape.shoulder_width_px
        frame.shoulder_tilt_deg = shape.shoulder_tilt_deg
        frame.head_height_sw = shape.head_height_sw
        frame.wrists_in_gesture_zone = shape.wrists_in_gesture_zone
        frame.hand_on_face = shape.hand_on_face
        frame.arms_crossed = shape.arms_crossed
    return frame


class PostureStream:
    """Pose on frames as they are decoded (VIDEO mode). ``with PostureStream(fps=10) as stream:``
    then ``stream.add(t_s, rgb)`` per frame and ``analysis = stream.finish()``."""

    def __init__(self, *, fps: float | None, source: str = "frames", kind: str = "frames",
                 thumbnails_dir: str | Path | None = None, model=None) -> None:
        if model is None:
            from workbench.models import registry

            model = registry.load(POSE_MODEL_ID)
        self._tracker = PoseTracker(model, "video" if fps else "image")
        self._fps = fps
        self._thumbnails_dir = Path(thumbnails_dir) if thumbnails_dir is not None else None
        self._next_thumb_s = 0.0
        self._previous: tuple[PostureFrame, BodyObservation] | None = None
        self.analysis = PostureAnalysis(source=source, kind=kind, sampling_fps=fps, frames=[], summary={})

    def __enter__(self) -> "PostureStream":
        self._tracker.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._tracker.__exit__(*exc)

    def add(self, t_s: float, rgb: np.ndarray) -> PostureFrame:
        observation = self._tracker.observe(rgb, int(round(t_s * 1000)))
        frame = frame_result(t_s, observation)
        if self.analysis.width_px is None:
            self.analysis.height_px, self.analysis.width_px = rgb.shape[:2]
        if frame.usable and observation is not None:
            self._add_motion(frame, observation)
            self._previous = (frame, observation)
        self.analysis.frames.append(frame)
        if self._thumbnails_dir is not None and frame.person_present and t_s >= self._next_thumb_s \
                and len(self.analysis.thumbnails) < MAX_THUMBNAILS:
            from workbench.vision.posture_thumbnails import write_skeleton_thumbnail

            self.analysis.thumbnails.append(write_skeleton_thumbnail(rgb, frame, self._thumbnails_dir, t_s))
            self._next_thumb_s = t_s + THUMBNAIL_INTERVAL_S
        return frame

    def _add_motion(self, frame: PostureFrame, observation: BodyObservation) -> None:
        if self._previous is None or not self._fps:
            return
        before, seen_before = self._previous
        dt_s = frame.t_s - before.t_s
        if dt_s > posture_measures.MAX_PAIR_GAP_PERIODS / self._fps:
            return  # the person left the view or frames were flagged: no motion across the gap
        scale = (frame.shoulder_width_px + before.shoulder_width_px) / 2
        frame.head_speed_sw_per_s = motion_speed_sw_per_s(seen_before, observation, HEAD_POINTS, scale, dt_s)
        frame.hands_speed_sw_per_s = motion_speed_sw_per_s(
            seen_before, observation, HAND_AND_SHOULDER_POINTS, scale, dt_s)
        frame.wrist_speed_sw_per_s = motion_speed_sw_per_s(seen_before, observation, WRIST_POINTS, scale, dt_s)
        frame.body_speed_sw_per_s = motion_speed_sw_per_s(seen_before, observation, BODY_POINTS, scale, dt_s)

    def finish(self, *, baseline: posture_measures.Baseline | None = None) -> PostureAnalysis:
        analysis = self.analysis
        analysis.summary = posture_measures.summarise(analysis.frames, sampling_fps=self._fps, baseline=baseline)
        analysis.warnings.extend(warnings_for(analysis.frames))
        return analysis


def warnings_for(frames: Sequence[PostureFrame]) -> list[str]:
    """Plain-language warnings about what the camera saw."""
    if not frames:
        return []
    found = [f for f in frames if f.person_present]
    if not found:
        return ["no person found in any frame: posture not measured"]
    warnings = []
    face_only = sum(1 for f in found if "nose" in f.points_px and posture_quality.FLAG_NOT_IN_FRAME in f.flags)
    if face_only / len(frames) > FACE_ONLY_WARNING_RATIO:
        warnings.append("mostly only the face is in view: sit further from the camera so both shoulders show")
    if any(posture_quality.FLAG_SEVERAL_PEOPLE in f.flags for f in found):
        warnings.append("several people in view: the one nearest the camera (widest shoulders) is measured")
    if not any(f.usable for f in frames):
        warnings.append("a person was found, but no frame passed the quality checks: see summary.quality")
    return warnings


def analyse_posture_frames(frames: Iterable[tuple[float, np.ndarray]], *, fps: float | None,
                           source: str = "frames", thumbnails_dir: str | Path | None = None) -> PostureAnalysis:
    """Pose and measures of decoded ``(t_s, rgb)`` frames sampled at ``fps`` (e.g. the face stage's)."""
    with PostureStream(fps=fps, source=source, thumbnails_dir=thumbnails_dir) as stream:
        for t_s, rgb in frames:
            stream.add(t_s, rgb)
        if not stream.analysis.frames:
            raise InputError(f"{source}: no frame to analyse")
        return stream.finish()


def analyse_posture_image(image: str | Path | np.ndarray, *,
                          thumbnails_dir: str | Path | None = None) -> PostureAnalysis:
    """One still (a path or an RGB/grey array): the frame's geometry; change measures need a video."""
    rgb, source = video.load_still(image)
    analysis = analyse_posture_frames([(0.0, rgb)], fps=None, source=source, thumbnails_dir=thumbnails_dir)
    analysis.kind = "image"
    return analysis


def analyse_posture(path: str | Path, *, fps: float = video.DEFAULT_FPS,
                    thumbnails_dir: str | Path | None = None,
                    max_duration_s: float = MAX_MEDIA_DURATION_S) -> PostureAnalysis:
    """A video (webm, mp4, ...) sampled at ``fps`` frames per second, or a still image path."""
    if video.is_image_path(path):
        return analyse_posture_image(path, thumbnails_dir=thumbnails_dir)
    info = video.probe(path)
    frames = video.iter_video_frames(path, fps=fps, max_duration_s=max_duration_s, info=info)
    try:
        analysis = analyse_posture_frames(frames, fps=fps, source=str(path), thumbnails_dir=thumbnails_dir)
    except InputError:
        raise InputError(f"{Path(path).name}: no video frame could be decoded (empty or corrupt video)") from None
    analysis.kind = "video"
    analysis.warnings = info.warnings + analysis.warnings
    return analysis


def summarise_session(answers: Sequence[PostureAnalysis]) -> dict[str, Any]:
    """Session view: one baseline (the median over every usable frame of the session), each answer's
    measures against it (so answers compare with each other), and the median of each measure over the
    answers that were measured."""
    baseline = posture_measures.session_baseline([a.frames for a in answers])
    per_answer = [posture_measures.summarise(a.frames, sampling_fps=a.sampling_fps, baseline=baseline)
                  for a in answers]
    measured = [s for s in per_answer if s["measured"]]
    session = {key: posture_measures.median_or_none([s[key] for s in measured])
               for key in posture_measures.MEASURE_KEYS}
    return {"baseline": asdict(baseline) if baseline else None, "answers": per_answer,
            "answers_measured": len(measured), "session_median": session}
