"""The interviewer: question banks, generation and follow-ups with the local LLM (guarded), the
interviewer's voice, clinical role-plays, and the session engine.

    from workbench.interview.engine import InterviewEngine, InterviewConfig

The package imports nothing itself, so its modules import each other without a cycle through it.
"""
