"""Intake: a recorded answer, already stored, decoded and transcribed for the feedback shown right after it.

Decoding and transcription are ``workbench.speech``'s (the same decoder and Whisper model the voice
analysis uses), run greedily and without the filler pass so the candidate is not kept waiting. Only the
first ``MAX_LIVE_TRANSCRIBE_S`` seconds are transcribed here; the report's voice analysis covers all of it.

    heard = transcribe_recording(store, session_id, "turn00.webm", model_id=None)
    heard.text, heard.duration_s, heard.warnings, heard.timings
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from workbench.errors import InputError
from workbench.interview.bank import load_bank
from workbench.media_limits import SAMPLE_RATE_HZ
from workbench.session import Turn
from workbench.speech import domain
from workbench.speech.audio import load_audio
from workbench.speech.stt import transcribe
from workbench.store import SessionStore

MAX_LIVE_TRANSCRIBE_S = 180.0  # ours: 3 minutes is a long interview answer; beyond it, transcribe in the report
MAX_ANSWER_S = 20 * 60  # ours: beyond 20 minutes a recording is a mistake (left running); stored, flagged
LIVE_BEAM_SIZE = 1  # ours: greedy decoding halves live transcription time; the report uses beam 5


class FollowedRecording(Protocol):
    """A transcriber that followed the recording while it was made (``live.LiveTranscriber``)."""

    done_s: float  # seconds from the start already transcribed
    stretches: int
    busy_s: float
    word_probabilities: list[float]  # Whisper's probability of each word of the transcript so far

    def finish(self, audio: np.ndarray) -> str: ...

    def stop(self) -> None: ...


@dataclass
class Heard:
    """What intake made of one recording."""

    text: str  # the transcript ("" when nothing could be decoded or heard)
    duration_s: float | None  # the recording's whole length; None when it could not be decoded
    transcribed_s: float | None  # how much of it was transcribed now (at most MAX_LIVE_TRANSCRIBE_S)
    warnings: list[str] = field(default_factory=list)  # shown to the candidate
    timings: dict[str, float] = field(default_factory=dict)  # seconds: decode_s, transcription_s, live figures
    word_probabilities: list[float] = field(default_factory=list)  # Whisper's, one per word of ``text``

    @property
    def confidence(self) -> float | None:
        """The mean word probability of the transcript (None when no word was heard)."""
        if not self.word_probabilities:
            return None
        return round(float(np.mean(self.word_probabilities)), 3)


@dataclass(frozen=True)
class HeardText:
    """A stretch's transcript and its words' probabilities."""

    text: str
    word_probabilities: tuple[float, ...] = ()


def decode_recording(path: Path) -> np.ndarray:
    """Any recording (webm/opus, wav, mp4, ...) as 16 kHz mono float32 samples, shape ``(n_samples,)``.

    Raises ``InputError`` saying that it cannot be decoded (and why) for a corrupt or empty file."""
    try:
        return load_audio(path)
    except InputError as error:
        raise InputError(f"cannot decode the recording ({error})") from error


def domain_prompt_for(turn: Turn) -> str | None:
    """Whisper's domain prompt for an answer to ``turn``: its question and, for a bank question, its
    concepts (``speech.domain``). The live path and the voice stage both hear an answer with it."""
    concepts: tuple[str, ...] = ()
    if turn.question_id:
        try:
            concepts = tuple(load_bank().get(turn.question_id).concepts)
        except InputError:  # a question id from another bank: the question alone
            pass
    return domain.domain_prompt(turn.question, concepts)


def transcribe_heard(audio: np.ndarray, *, model_id: str | None = None,
                     domain_prompt: str | None = None) -> HeardText:
    """Transcript of 16 kHz mono samples with its word probabilities, greedy and without the filler
    pass: live feedback must be fast; the report's voice analysis counts um/uh properly.
    ``domain_prompt``: the question's words for Whisper (``domain_prompt_for``)."""
    if len(audio) == 0:
        return HeardText("")
    result = transcribe(audio, model_id=model_id, beam_size=LIVE_BEAM_SIZE, keep_fillers=False,
                        domain_prompt=domain_prompt)
    return HeardText(result.text.strip(), tuple(float(w.probability) for w in result.words))


def transcribe_samples(audio: np.ndarray, *, model_id: str | None = None) -> str:
    """Transcript text of 16 kHz mono samples ("" for none); see ``transcribe_heard``."""
    return transcribe_heard(audio, model_id=model_id).text


def transcribe_recording(store: SessionStore, session_id: str, media_name: str, *, model_id: str | None = None,
                         live: FollowedRecording | None = None, domain_prompt: str | None = None) -> Heard:
    """Decode the stored recording ``media_name`` (a decrypted copy, deleted after) and transcribe it.

    live: the transcriber that followed the recording while it was made (with its own domain prompt); only
    the tail it has not transcribed yet is transcribed now. ``domain_prompt``: the question's words for
    Whisper when there is no live transcriber. A recording that cannot be decoded gives an empty transcript
    and a warning (the file stays in the session)."""
    started = time.perf_counter()
    try:
        with store.media_file(session_id, media_name) as path:
            audio = decode_recording(path)
    except InputError as error:
        if live is not None:
            live.stop()
        return Heard("", None, None, [f"{error}; the file is kept in the session"],
                     {"decode_s": time.perf_counter() - started})
    heard = Heard("", len(audio) / SAMPLE_RATE_HZ, None, timings={"decode_s": time.perf_counter() - started})
    if heard.duration_s > MAX_ANSWER_S:
        heard.warnings.append(f"recording is {heard.duration_s / 60:.0f} minutes long (limit {MAX_ANSWER_S // 60}); "
                              "it is kept, but check that the recorder was not left running")
    limit = int(MAX_LIVE_TRANSCRIBE_S * SAMPLE_RATE_HZ)
    if len(audio) > limit:
        heard.warnings.append(f"only the first {MAX_LIVE_TRANSCRIBE_S:.0f} s were transcribed now; "
                              "the report transcribes the whole recording")
        audio = audio[:limit]
    started = time.perf_counter()
    if live is not None:  # most of it was transcribed while the candidate spoke: only the tail is left
        heard.text = live.finish(audio)
        heard.word_probabilities = list(live.word_probabilities)
        heard.timings.update(live_transcribed_s=live.done_s, live_stretches=live.stretches,
                             live_background_s=live.busy_s)
    else:
        whole = transcribe_heard(audio, model_id=model_id, domain_prompt=domain_prompt)
        heard.text, heard.word_probabilities = whole.text, list(whole.word_probabilities)
    heard.timings["transcription_s"] = time.perf_counter() - started
    heard.transcribed_s = len(audio) / SAMPLE_RATE_HZ
    return heard
