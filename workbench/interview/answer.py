"""A spoken or typed answer, turned into the light feedback shown right after it.

The recording itself is decoded and transcribed by ``workbench.interview.intake`` (through
``workbench.speech``); this module only counts what the candidate sees: words, pace, fillers, warnings.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from workbench.errors import InputError
from workbench.injection import is_injection
from workbench.media_limits import MAX_MEDIA_BYTES
from workbench.privacy.inputs import MAX_ANSWER_CHARS
from workbench.session import Turn
from workbench.speech.lexicon import text_fillers
from workbench.speech.rates import words_per_minute

SUFFIX_PATTERN = re.compile(r"^\.[a-z0-9]{1,5}$")


@dataclass
class AnswerFeedback:
    """What the candidate sees right after answering."""

    turn_index: int
    transcript: str
    words: int
    duration_s: float | None
    words_per_minute: float | None
    filler_count: int
    fillers: list[str] = field(default_factory=list)
    media_file: str | None = None  # stored inside the session's media folder
    transcribed_s: float | None = None  # how much of the recording was transcribed live
    warnings: list[str] = field(default_factory=list)  # shown to the user: empty, too long, hostile...
    injection_detected: bool = False

    def to_json(self) -> dict:
        return asdict(self)


def check_submission(*, text: str, media: bytes) -> None:
    """Refuse, before anything is stored, an answer with nothing in it or a recording too large to keep."""
    if not media and not text:
        raise InputError("empty answer: record or type an answer, or skip the question")
    if len(media) > MAX_MEDIA_BYTES:
        raise InputError(f"recording too large ({len(media) / 2**20:.0f} MiB, at most "
                         f"{MAX_MEDIA_BYTES / 2**20:.0f} MiB)")


def check_suffix(suffix: str) -> str:
    suffix = (suffix or "").lower()
    if not suffix.startswith("."):
        suffix = "." + suffix
    if not SUFFIX_PATTERN.match(suffix):
        raise InputError(f"invalid media suffix {suffix!r}: use e.g. .webm, .wav, .mp4")
    return suffix


def answer_feedback(turn: Turn, *, recorded: bool, transcribed_s: float | None = None,
                    warnings: list[str] | None = None) -> AnswerFeedback:
    """The feedback on ``turn``'s answer (its ``answer_text`` is the transcript or the typed text).

    recorded: the answer was a recording (an empty transcript then means nothing was heard).
    transcribed_s: how much of the recording was transcribed. warnings: intake's, shown first."""
    spoken = turn.answer_text or ""
    warnings = list(warnings or [])
    if len(spoken) > MAX_ANSWER_CHARS:
        warnings.append(f"very long answer ({len(spoken)} characters): only the start is used for follow-ups")
    if recorded and not spoken:
        warnings.append("no speech was heard in the recording: check the microphone, or type the answer")
    injected = is_injection(spoken)
    if injected:
        warnings.append("the answer contains instructions to the interviewer; they were kept as part of "
                        "the answer and not followed")
    fillers = text_fillers(spoken)
    return AnswerFeedback(
        turn_index=turn.index, transcript=spoken, words=len(spoken.split()), duration_s=turn.answer_duration_s,
        words_per_minute=words_per_minute(len(spoken.split()), turn.answer_duration_s), filler_count=len(fillers),
        fillers=fillers, media_file=turn.answer_media, transcribed_s=transcribed_s, warnings=warnings,
        injection_detected=injected,
    )
