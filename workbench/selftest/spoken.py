"""A scripted answer spoken: the packaged neural voice (piper) or espeak-ng, with the persona's
fillers and pauses at known times (``speech.synth_fillers.make_clip``), as the WAV bytes a recorder
would send.

    spoken = speak_answer(scripted, voice="piper", seed=7)
    spoken.wav_bytes, spoken.voice, spoken.truth.fillers[0]["start_s"], spoken.true_words_per_minute
"""
from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.errors import WorkbenchError
from workbench.interview.tts import wav_file
from workbench.media_limits import SAMPLE_RATE_HZ
from workbench.selftest.answers import Pause, ScriptedAnswer, Truth
from workbench.speech.synth_fillers import make_clip
from workbench.validation.fixtures import white_noise

STILL_FPS = 5  # ours: a still picture needs few frames; the face stage samples at most this many a second
STILL_VIDEO_BITRATE = "150k"  # ours: a still compresses to almost nothing
FFMPEG_TIMEOUT_S = 120  # ours: muxing a minute of audio with a still takes a second or two
ROOM_HISS_DBFS = -55.0  # ours: a quiet room under the silent answer (digital zero is no microphone's silence)


@dataclass
class SpokenAnswer:
    wav_bytes: bytes
    voice: str  # "piper" | "espeak-ng" | "none" (silence)
    duration_s: float
    truth: Truth  # with the fillers' and pauses' times filled in
    sound_span_s: tuple[float, float]  # first sound's start, last sound's end

    @property
    def true_words_per_minute(self) -> float | None:
        """Words per minute of the spoken span (the speech module's definition: first to last word)."""
        span = self.sound_span_s[1] - self.sound_span_s[0]
        return round(self.truth.word_count / span * 60.0, 1) if self.truth.word_count and span > 0 else None


def wav_bytes(samples: np.ndarray, sample_rate_hz: int = SAMPLE_RATE_HZ) -> bytes:
    """16-bit mono RIFF/WAVE bytes of float samples in [-1, 1]."""
    return wav_file((np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes(), sample_rate_hz)


def speak_answer(scripted: ScriptedAnswer, *, voice: str = "piper", seed: int = 0) -> SpokenAnswer:
    """Speak ``scripted`` with ``voice``; piper falling over falls back to espeak-ng (the voice used is kept)."""
    truth = scripted.truth
    if scripted.silence_s is not None:
        hiss = white_noise(scripted.silence_s, level_dbfs=ROOM_HISS_DBFS, seed=seed)
        return SpokenAnswer(wav_bytes(hiss), "none", scripted.silence_s, truth, (0.0, 0.0))
    pieces = [p.seconds if isinstance(p, Pause) else p for p in scripted.pieces]
    try:
        clip = make_clip("answer", voice, pieces, random.Random(seed))
    except Exception as error:  # noqa: BLE001 - a missing or broken piper: the second voice still speaks
        if voice != "piper":
            raise WorkbenchError(f"the {voice} voice failed: {error}") from error
        voice = "espeak-ng"
        clip = make_clip("answer", voice, pieces, random.Random(seed))
    for known, (start, end, _) in zip(truth.fillers, clip.fillers, strict=True):
        known.update(start_s=start, end_s=end)
    for known, (start, end) in zip(truth.pauses, clip.pauses, strict=True):
        known.update(start_s=start, end_s=end)
    return SpokenAnswer(wav_bytes(clip.samples), voice, round(clip.duration_s, 3), truth, clip.sound_span_s)


def with_still_video(wav: bytes) -> bytes:
    """``wav`` with a video track of a still, real face (the public-domain astronaut on a 640x480 canvas),
    as the WebM bytes the browser recorder sends; the face stage then has a face in every frame."""
    from PIL import Image

    from workbench.vision.demo import astronaut, on_canvas

    exe = shutil.which("ffmpeg")
    if exe is None:
        raise WorkbenchError("ffmpeg is not installed: run `make setup` (Debian package ffmpeg)")
    with tempfile.TemporaryDirectory() as folder:
        still, audio, out = Path(folder) / "face.png", Path(folder) / "answer.wav", Path(folder) / "answer.webm"
        Image.fromarray(on_canvas(astronaut())).save(still)
        audio.write_bytes(wav)
        subprocess.run([exe, "-y", "-loglevel", "error", "-loop", "1", "-framerate", str(STILL_FPS), "-i", str(still),
                        "-i", str(audio), "-c:v", "libvpx", "-b:v", STILL_VIDEO_BITRATE, "-pix_fmt", "yuv420p",
                        "-c:a", "libopus", "-ac", "1", "-shortest", str(out)],
                       check=True, capture_output=True, timeout=FFMPEG_TIMEOUT_S)
        return out.read_bytes()
