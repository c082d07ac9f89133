"""The voice stage over a stored session: ``speech.analyse_voice`` on each recorded answer.

    from workbench.stages.voice import run_voice
    run = run_voice("my-session", store=store)      # -> StageRun (turns, skipped, summary)
"""
from __future__ import annotations

from pathlib import Path

from workbench.interview.intake import domain_prompt_for
from workbench.session import AnswerSource, Session, Turn
from workbench.speech.analyse import VoiceAnalysis, analyse_voice, summarise
from workbench.stages.runner import Stage, StageRun, run_stage
from workbench.store import SessionStore


def _record_voice(stored: Turn, analysis: VoiceAnalysis) -> None:
    """Store the analysis; a spoken answer's text becomes the full-recording transcript (the one the scores
    read and the report shows), the live one kept beside it as ``analysis["interview"]["live_transcript"]``."""
    stored.analysis["voice"] = analysis.to_json(include_curves=True)
    heard = analysis.transcript.text.strip() if analysis.transcript.speech_detected else ""
    kept_as_written = stored.answer_source in (AnswerSource.TYPED, AnswerSource.GIVEN) and stored.answer_text
    if heard and not kept_as_written:
        if stored.answer_text and stored.answer_text != heard:
            stored.analysis.setdefault("interview", {})["live_transcript"] = stored.answer_text
        stored.answer_text, stored.answer_source = heard, AnswerSource.SPOKEN
    if stored.answer_duration_s is None:
        stored.answer_duration_s = round(analysis.transcript.duration_s, 3)


def voice_stage(*, model_id: str | None = None, progress: bool = False,
                domain_prompts: bool = True) -> Stage[VoiceAnalysis]:
    """Transcript and voice measures of each recorded answer; a turn without text gets the transcript.
    ``domain_prompts``: Whisper hears each answer with its question's prompt
    (``interview.intake.domain_prompt_for``)."""
    def analyse(session: Session, turn: Turn, path: Path | None) -> VoiceAnalysis:
        prompt = domain_prompt_for(turn) if domain_prompts else None
        analysis = analyse_voice(path, model_id=model_id, progress=progress, domain_prompt=prompt)
        analysis.source = turn.answer_media  # the stored name, not the deleted temporary copy
        return analysis

    return Stage(
        name="voice", needs_media=True, analyse=analyse, record=_record_voice,
        row=lambda analysis: analysis.metrics.to_json(),
        summarise=lambda analyses: summarise([a.metrics.to_json() for a in analyses]),
    )


def run_voice(session_id: str, *, store: SessionStore, model_id: str | None = None,
              progress: bool = False) -> StageRun:
    """The voice stage over a stored session (``turn.analysis["voice"]``)."""
    return run_stage(voice_stage(model_id=model_id, progress=progress), session_id, store=store, progress=progress)
