"""Facial analysis of every answered turn of a stored session (``turn.analysis["face"]``)."""
from __future__ import annotations

import sys
from typing import Any

from workbench.errors import InputError
from workbench.session import TurnState
from workbench.vision import aggregate, video
from workbench.vision.face import FaceAnalysis, analyse_video

SESSION_SERIES_POINTS = 300  # ours: per turn, enough for a report timeline


def _session_summary(analyses: dict[int, FaceAnalysis]) -> dict[str, Any]:
    frames = [f for a in analyses.values() for f in a.frames]
    if not frames:
        return {}
    fps = next(iter(analyses.values())).sampling_fps
    return aggregate.summarise(frames, sampling_fps=fps)


def analyse_session(session_id: str, *, store=None, fps: float = video.DEFAULT_FPS, progress: bool = True) -> dict[str, Any]:
    """Analyse the video of each answered turn and save ``turn.analysis["face"]`` in the store.

    Turns without media, with audio-only media or with unreadable media are listed as skipped with a
    reason (nothing raised). Returns ``{"session_id", "turns": [...], "skipped": [...], "summary"}``,
    where ``summary`` pools the frames of all analysed turns.
    """
    from workbench.store import SessionStore

    store = store or SessionStore()
    session = store.get(session_id)
    done: dict[int, FaceAnalysis] = {}
    rows, skipped = [], []
    for turn in session.turns:
        if turn.state not in (TurnState.ANSWERED, TurnState.ANALYSED) or not turn.answer_media:
            continue
        if turn.answer_media not in store.list_media(session_id):
            skipped.append({"turn": turn.index, "reason": "media file missing (deleted after analysis?)"})
            continue
        if progress:
            print(f"face: turn {turn.index} ({turn.answer_media})", file=sys.stderr)
        try:
            with store.media_file(session_id, turn.answer_media) as path:  # decrypted copy, deleted after
                if not video.has_video_stream(path):
                    skipped.append({"turn": turn.index, "reason": "no video stream (audio-only answer)"})
                    continue
                analysis = analyse_video(path, fps=fps, progress=progress)
        except InputError as error:
            skipped.append({"turn": turn.index, "reason": str(error)})
            continue
        done[turn.index] = analysis
        face = {**analysis.to_json(), "series": analysis.series(SESSION_SERIES_POINTS)}
        face.pop("source", None)  # the path may name a person; the turn knows its media
        store.update_turn(session_id, turn.index, lambda stored, face=face: stored.analysis.update(face=face))
        rows.append({"turn": turn.index, "question": turn.question, **{
            k: analysis.summary[k] for k in (
                "duration_s", "face_visible_ratio", "eye_contact_ratio", "yaw_sd_deg",
                "looking_away_events", "blinks_per_min", "smile_ratio", "dominant_expression", "frames_used")
        }})
    return {"session_id": session_id, "turns": rows, "skipped": skipped, "summary": _session_summary(done)}
