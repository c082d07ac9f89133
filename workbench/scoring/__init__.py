"""Scoring and feedback: explainable per-answer components, an overall score with uncertainty,
LLM feedback that never sets the score, and an OET-style role-play rubric.

    from workbench.scoring import score_answer
    result = score_answer("Tell me about a conflict in your team.", answer_text, llm_feedback=False)
    result.overall, result.uncertainty, result.band, result.components["structure"]

A stored session is scored turn by turn by ``workbench.stages.run_scoring``.
"""
from workbench.scoring.api import AnswerScores, score_answer


def score_roleplay(transcript_turns, card):  # noqa: ANN001, ANN201 - typed in rubric_oet
    """OET-style rubric for a clinical role-play (see ``workbench.scoring.rubric_oet``)."""
    from workbench.scoring.rubric_oet import score_roleplay as _score

    return _score(transcript_turns, card)


__all__ = ["AnswerScores", "score_answer", "score_roleplay"]
