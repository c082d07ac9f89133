"""A spoken or typed answer, turned into the light feedback shown right after it.

Transcription goes through ``workbench.speech.transcribe`` when that module is installed and
falls back to faster-whisper through the registry otherwise (same model, same offline weights).
Only the first ``MAX_LIVE_TRANSCRIBE_S`` seconds are transcribed live; the full recording is kept
and the report's voice analysis covers all of it.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from workbench.errors import InputError

SAMPLE_RATE_HZ = 16_000  # Whisper's input rate
MAX_LIVE_TRANSCRIBE_S = 180.0  # ours: 3 minutes is a long interview answer; beyond it, transcribe in the report
MAX_ANSWER_S = 20 * 60  # ours: beyond 20 minutes a recording is a mistake (left running); stored, flagged
MAX_MEDIA_BYTES = 500 * 1024 * 1024  # ours: ~20 min of 720p webm; bigger uploads are refused before storing
MAX_ANSWER_CHARS = 20_000  # ours: ~3,000 words, far beyond any spoken answer; kept, but flagged
LIVE_BEAM_SIZE = 1  # ours: greedy decoding halves live transcription time; the report uses beam 5
MIN_WORDS_FOR_PACE = 5  # ours: fewer words give no meaningful words-per-minute
FILLERS = re.compile(
    r"\b(um+|uh+|erm+|er|ah+|hmm+|mm+|you know|i mean|kind of|sort of|basically|like)\b", re.IGNORECASE
)  # common English fillers (Clark & Fox Tree 2002 for um/uh; the rest are ours); Whisper drops many um/uh
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


def count_fillers(text: str) -> list[str]:
    """Fillers in a transcript, in order (lower case)."""
    return [m.group(0).lower() for m in FILLERS.finditer(text or "")]


def words_per_minute(text: str, duration_s: float | None) -> float | None:
    """Words per minute over the whole answer, or None when too short to say."""
    words = len((text or "").split())
    if not duration_s or duration_s <= 0 or words < MIN_WORDS_FOR_PACE:
        return None
    return round(words / duration_s * 60.0, 1)


def check_suffix(suffix: str) -> str:
    suffix = (suffix or "").lower()
    if not suffix.startswith("."):
        suffix = "." + suffix
    if not SUFFIX_PATTERN.match(suffix):
        raise InputError(f"invalid media suffix {suffix!r}: use e.g. .webm, .wav, .mp4")
    return suffix


def decode(path: Path):
    """Decode any recording (webm/opus, wav, mp4, ...) to 16 kHz mono float32 samples."""
    from faster_whisper.audio import decode_audio

    try:
        audio = decode_audio(str(path), sampling_rate=SAMPLE_RATE_HZ)
    except Exception as error:  # noqa: BLE001 - PyAV raises many kinds for corrupt input
        raise InputError(f"cannot decode the recording {Path(path).name}: {type(error).__name__}: {error}") from error
    return audio


def transcribe_samples(audio, *, model_id: str | None = None) -> str:
    """Transcript text of 16 kHz mono samples (the speech module if present, else faster-whisper)."""
    if len(audio) == 0:
        return ""
    try:
        from workbench import speech  # built in parallel by the speech engineer
        transcribe = getattr(speech, "transcribe", None)
    except ImportError:
        transcribe = None
    if transcribe is not None:
        # keep_fillers=False skips the speech module's second (filler) pass: live feedback must be fast;
        # the report's voice analysis counts um/uh properly (Whisper drops many of them here).
        return transcribe(audio, model_id=model_id, beam_size=LIVE_BEAM_SIZE, keep_fillers=False).text.strip()
    from workbench.models import registry

    model = registry.load(model_id) if model_id else registry.load_default("stt")
    segments, _ = model.transcribe(
        audio, language="en", beam_size=LIVE_BEAM_SIZE, vad_filter=True, condition_on_previous_text=False,
    )
    return " ".join(s.text.strip() for s in segments).strip()
