"""The interviewer: question banks, generation and follow-ups with the local LLM (guarded), the
interviewer's voice, clinical role-plays, and the session engine.

    from workbench.interview.engine import InterviewEngine, InterviewConfig
"""
from workbench.interview.engine import InterviewConfig, InterviewEngine

__all__ = ["InterviewConfig", "InterviewEngine"]
