"""The face stage over a stored session: ``vision.analyse_video`` on each answer recorded with a picture.

    from workbench.stages.face import run_face
    run = run_face("my-session", store=store, fps=10.0)      # -> StageRun (turns, skipped, summary)
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.errors import InputError
from workbench.session import Session, Turn
from workbench.stages.runner import Stage, StageRun, run_stage
from workbench.store import SessionStore
from workbench.vision import aggregate, video
from workbench.vision.face import analyse_video
from workbench.vision.frames import FaceAnalysis

SESSION_SERIES_POINTS = 300  # ours: per turn, enough for a report timeline, small in the store
FACE_ROW_KEYS = ("duration_s", "face_visible_ratio", "eye_contact_ratio", "yaw_sd_deg", "looking_away_events",
                 "blinks_per_min", "smile_ratio", "dominant_expression", "frames_used")


def face_stage(*, fps: float = video.DEFAULT_FPS, progress: bool = False) -> Stage[FaceAnalysis]:
    """Face measures of each answer recorded with a picture; audio-only answers are skipped."""
    def analyse(session: Session, turn: Turn, path: Path | None) -> FaceAnalysis:
        if not video.has_video_stream(path):
            raise InputError("no video stream (audio-only answer)")
        analysis = analyse_video(path, fps=fps, progress=progress, series_points=SESSION_SERIES_POINTS)
        analysis.source = turn.answer_media  # the stored name, not the deleted temporary copy
        return analysis

    def pooled(analyses: list[FaceAnalysis]) -> dict[str, Any] | None:
        frames = [f for a in analyses for f in a.frames]
        return aggregate.summarise(frames, sampling_fps=analyses[0].sampling_fps).to_json() if frames else None

    return Stage(
        name="face", needs_media=True, analyse=analyse,
        record=lambda stored, analysis: stored.analysis.update(face=analysis.to_json(include_series=True)),
        row=lambda analysis: {k: getattr(analysis.summary, k) for k in FACE_ROW_KEYS}, summarise=pooled,
    )


def run_face(session_id: str, *, store: SessionStore, fps: float = video.DEFAULT_FPS,
             progress: bool = False) -> StageRun:
    """The face stage over a stored session (``turn.analysis["face"]``); the summary pools every frame."""
    return run_stage(face_stage(fps=fps, progress=progress), session_id, store=store, progress=progress)
