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
# When a spoken answer was probably not heard right (ours, measured with tiny.en greedy, as live intake
# runs it, on 14 real clips of Debian's pocketsphinx-testdata and alsa-utils, clean and with white noise
# at 0 and -5 dB SNR: clean transcripts of 5 words or more had a mean word probability of 0.82-0.97,
# noisy ones 0.36-0.64 with word error rates of 0.33-1.0; transcripts under 5 words scatter 0.13-0.80
# whether right or wrong, so length alone decides there). Chosen on those clips; not checked on others.
SHORT_ANSWER_WORDS = 5  # fewer words than this: "I only caught ..."
LOW_CONFIDENCE = 0.70  # mean word probability under this: "I only caught ..."
HEARD = "heard"  # turn.analysis["interview"]["heard"]: {"words", "confidence", "caught_only"} of a spoken answer


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
    confidence: float | None = None  # mean word probability of a spoken answer's transcript
    caught_only: bool = False  # a spoken answer probably not heard right: offer to answer again

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


def caught_only(text: str, confidence: float | None) -> bool:
    """Whether a spoken answer's transcript is too short or too unsure to trust (see the constants)."""
    return bool(text.strip()) and (len(text.split()) < SHORT_ANSWER_WORDS
                                   or (confidence is not None and confidence < LOW_CONFIDENCE))


def misheard(turn: Turn) -> bool:
    """Whether ``turn`` holds a spoken answer that was probably not heard right (no follow-up is
    written on it: it would probe words the candidate may not have said)."""
    return bool(turn.analysis.get("interview", {}).get(HEARD, {}).get("caught_only"))


def answer_feedback(turn: Turn, *, recorded: bool, transcribed_s: float | None = None,
                    warnings: list[str] | None = None, confidence: float | None = None) -> AnswerFeedback:
    """The feedback on ``turn``'s answer (its ``answer_text`` is the transcript or the typed text).

    recorded: the answer was a recording (an empty transcript then means nothing was heard).
    transcribed_s: how much of the recording was transcribed. warnings: intake's, shown first.
    confidence: the transcript's mean word probability (a spoken answer)."""
    spoken = turn.answer_text or ""
    warnings = list(warnings or [])
    unsure = recorded and caught_only(spoken, confidence)
    if unsure:
        warnings.insert(0, f"I only caught: \u201c{spoken}\u201d. If that is not what you said, answer again.")
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
        injection_detected=injected, confidence=confidence, caught_only=unsure,
    )
