"""The scoring stage over a stored session: ``scoring.score_answer`` on each answered turn, and the
OET-style rubric of a role-play session.

    from workbench.stages.scoring import run_scoring
    run = run_scoring("my-session", store=store, llm_feedback=False)      # -> StageRun
"""
from __future__ import annotations

from pathlib import Path

from workbench.scoring.api import AnswerScores, score_answer, session_overview
from workbench.scoring.rubric_oet import score_roleplay
from workbench.session import Session, Turn
from workbench.speech.voice import VoiceMetrics
from workbench.stages.runner import Stage, StageRun, run_stage
from workbench.vision.frames import FaceAnalysis
from workbench.store import SessionStore


def scoring_stage(*, llm_feedback: bool = True, reuse_feedback: bool = True) -> Stage[AnswerScores]:
    """Scores of each answer, from its text and the voice and face results stored beside it.

    ``reuse_feedback``: an earlier run's LLM feedback written from the same inputs is kept instead of
    asking the LLM again (minutes per session on a laptop); False writes it afresh."""
    def analyse(session: Session, turn: Turn, path: Path | None) -> AnswerScores:
        # the voice and face stages store a VoiceAnalysis and a FaceAnalysis; scoring reads their measures
        voice, face = turn.analysis.get("voice"), turn.analysis.get("face")
        return score_answer(turn.question, turn.answer_text or "", concepts=turn.concepts or None,
                            role=session.role, voice=VoiceMetrics.from_json(voice) if voice else None,
                            face=FaceAnalysis.from_json(face).summary if face else None,
                            llm_feedback=llm_feedback,
                            stored_feedback=turn.analysis.get("scores", {}).get("feedback") if reuse_feedback else None)

    return Stage(
        name="scoring", needs_media=False, analyse=analyse,
        record=lambda stored, scores: stored.analysis.update(scores=scores.to_json()),
        row=lambda scores: {"overall": scores.overall, "uncertainty": scores.uncertainty, "band": scores.band,
                            "flags": scores.flags},
        summarise=lambda scores: session_overview([{"overall": s.overall, "uncertainty": s.uncertainty}
                                                   for s in scores]),
    )


def run_scoring(session_id: str, *, store: SessionStore, llm_feedback: bool = True,
                reuse_feedback: bool = True, progress: bool = False) -> StageRun:
    """The scoring stage over a stored session (``turn.analysis["scores"]``). A role-play session also
    gets the OET-style rubric, stored in ``session.settings["roleplay_scores"]`` and in the summary."""
    stage = scoring_stage(llm_feedback=llm_feedback, reuse_feedback=reuse_feedback)
    run = run_stage(stage, session_id, store=store, progress=progress)
    session = store.get(session_id)
    roleplay = None
    if session.mode == "roleplay" and session.settings.get("card"):
        transcript = [{"speaker": "candidate", "text": t.answer_text or ""} for t in session.turns]
        roleplay = score_roleplay(transcript, session.settings["card"])
        store.update_settings(session_id, lambda settings: settings.update(roleplay_scores=roleplay))
    run.summary = {**(run.summary or {}), "roleplay": roleplay}
    return run
