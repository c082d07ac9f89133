"""The face stage over a stored session: face and posture (``vision.camera.analyse_camera``, one decode)
on each answer recorded with a picture; it fills ``turn.analysis["face"]`` and ``turn.analysis["posture"]``.

    from workbench.stages.face import run_face
    run = run_face("my-session", store=store, fps=10.0)      # -> StageRun (turns, skipped, summary)
    run.summary["posture"]                                    # the session's posture (one baseline)
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.errors import InputError
from workbench.session import Session, Turn
from workbench.stages.runner import Stage, StageRun, run_stage
from workbench.store import SessionStore
from workbench.vision import aggregate, posture, video
from workbench.vision.camera import CameraAnalysis, analyse_camera

SESSION_SERIES_POINTS = 300  # ours: per turn, enough for a report timeline, small in the store
FACE_ROW_KEYS = ("duration_s", "face_visible_ratio", "eye_contact_ratio", "yaw_sd_deg", "looking_away_events",
                 "blinks_per_min", "smile_ratio", "dominant_expression", "frames_used")
POSTURE_ROW_KEYS = ("lean_shoulder_width_change_pct", "slouch_head_drop_pct", "fidget_energy", "gesturing_ratio",
                    "posture_change_events")
FACE_KEY, POSTURE_KEY = "face", "posture"  # the turn.analysis keys this stage fills


def face_stage(*, fps: float = video.DEFAULT_FPS, progress: bool = False,
               with_posture: bool = True) -> Stage[CameraAnalysis]:
    """Face and posture measures of each answer recorded with a picture; audio-only answers are skipped."""
    def analyse(session: Session, turn: Turn, path: Path | None) -> CameraAnalysis:
        if not video.has_video_stream(path):
            raise InputError("no video stream (audio-only answer)")
        result = analyse_camera(path, fps=fps, progress=progress, series_points=SESSION_SERIES_POINTS,
                                posture=with_posture)
        result.face.source = turn.answer_media  # the stored name, not the deleted temporary copy
        if result.posture is not None:
            result.posture.source = turn.answer_media
        return result

    def record(stored: Turn, result: CameraAnalysis) -> None:
        stored.analysis[FACE_KEY] = result.face.to_json(include_series=True)
        if with_posture:
            stored.analysis[POSTURE_KEY] = result.posture_json(include_series=True)

    def row(result: CameraAnalysis) -> dict[str, Any]:
        measures = result.posture.summary if result.posture is not None else {}
        return {k: getattr(result.face.summary, k) for k in FACE_ROW_KEYS} | (
            {k: measures.get(k) for k in POSTURE_ROW_KEYS} if with_posture else {})

    def pooled(results: list[CameraAnalysis]) -> dict[str, Any] | None:
        frames = [f for r in results for f in r.face.frames]
        if not frames:
            return None
        summary = aggregate.summarise(frames, sampling_fps=results[0].face.sampling_fps).to_json()
        measured = [r.posture for r in results if r.posture is not None]
        if with_posture:
            summary[POSTURE_KEY] = posture.summarise_session(measured) if measured else None
        return summary

    return Stage(name=FACE_KEY, needs_media=True, analyse=analyse, record=record, row=row, summarise=pooled)


def run_face(session_id: str, *, store: SessionStore, fps: float = video.DEFAULT_FPS,
             progress: bool = False, with_posture: bool = True) -> StageRun:
    """The face stage over a stored session (``turn.analysis["face"]`` and ``["posture"]``); the summary
    pools every face frame and holds the session's posture under ``"posture"``."""
    return run_stage(face_stage(fps=fps, progress=progress, with_posture=with_posture), session_id,
                     store=store, progress=progress)
