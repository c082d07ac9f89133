"""The interviewer's voice: piper's packaged neural voice (registry ``piper-joe-medium``), with
Debian's espeak-ng as the fallback. Returns WAV bytes a widget can play as they are.

    speech = synthesize("Tell me about yourself.")
    speech.wav_bytes, speech.sample_rate_hz, speech.engine   # engine: "piper" | "espeak-ng"
"""
from __future__ import annotations

import io
import shutil
import subprocess
import wave
from dataclasses import dataclass

from workbench.errors import InputError, WorkbenchError

TTS_MODEL_ID = "piper-joe-medium"
MAX_TTS_CHARS = 1000  # ours: a question or a patient's line; longer text is a mistake, not speech
ESPEAK_TIMEOUT_S = 30  # ours: espeak-ng speaks 1000 characters in well under a second
ESPEAK_WORDS_PER_MINUTE = 165  # ours: close to conversational pace (espeak-ng's default is 175)


@dataclass(frozen=True)
class Speech:
    wav_bytes: bytes  # a complete RIFF/WAVE file, 16-bit mono PCM
    sample_rate_hz: int
    engine: str  # "piper" | "espeak-ng"
    duration_s: float


def wav_file(pcm: bytes, sample_rate_hz: int) -> bytes:
    """A complete RIFF/WAVE file holding 16-bit mono ``pcm``."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate_hz)
        out.writeframes(pcm)
    return buffer.getvalue()


def _piper(text: str) -> Speech:
    from workbench.models import registry

    voice = registry.load(TTS_MODEL_ID)
    chunks = list(voice.synthesize(text))
    if not chunks:
        raise WorkbenchError("piper produced no audio")
    rate = int(chunks[0].sample_rate)
    pcm = b"".join(c.audio_int16_bytes for c in chunks)
    return Speech(wav_file(pcm, rate), rate, "piper", len(pcm) / 2 / rate)


def _espeak(text: str) -> Speech:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise WorkbenchError("no voice available: piper failed and espeak-ng is not installed (apt install espeak-ng)")
    done = subprocess.run([exe, "--stdout", "-s", str(ESPEAK_WORDS_PER_MINUTE), "--", text],
                          capture_output=True, timeout=ESPEAK_TIMEOUT_S, check=False)
    if done.returncode != 0 or not done.stdout:
        raise WorkbenchError(f"espeak-ng failed: {done.stderr.decode(errors='replace').strip()[:200]}")
    with wave.open(io.BytesIO(done.stdout), "rb") as wav:
        rate, frames = wav.getframerate(), wav.readframes(wav.getnframes())
    return Speech(wav_file(frames, rate), rate, "espeak-ng", len(frames) / 2 / rate)


def synthesize(text: str, *, engine: str = "auto") -> Speech:
    """Speak ``text``. engine: "auto" (piper, espeak-ng if piper fails), "piper" or "espeak-ng"."""
    text = " ".join((text or "").split())
    if not text:
        raise InputError("nothing to say: the text is empty")
    if len(text) > MAX_TTS_CHARS:
        raise InputError(f"text too long to speak ({len(text)} characters, at most {MAX_TTS_CHARS})")
    if engine == "espeak-ng":
        return _espeak(text)
    if engine not in ("auto", "piper"):
        raise InputError(f"unknown voice engine {engine!r}; use auto, piper or espeak-ng")
    try:
        return _piper(text)
    except Exception:  # noqa: BLE001 - piper missing or broken: the robotic voice still speaks
        if engine == "piper":
            raise
        return _espeak(text)
