"""A filler test set built at run time: scripted "um"/"uh" placed at known times in synthetic
speech from the packaged neural voice (piper, registry ``piper-joe-medium``) and espeak-ng.

Nothing is written to the repository; clips live in memory (16 kHz mono float32). Synthetic voices
are fine for measuring whether fillers are found at the right time; they are no stand-in for the
accuracy on human speech (eval-speech measures that on real recordings).
"""
from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from workbench.config import DEFAULT_SEED
from workbench.errors import WorkbenchError
from workbench.media_limits import SAMPLE_RATE_HZ
from workbench.speech.audio import load_audio

TRIM_TOP_DB = 40.0  # ours: a synthesized piece starts/ends where it is within 40 dB of its peak
GAP_RANGE_S = (0.15, 0.45)  # ours: silence around each filler, like a hesitation
FILLER_WORDS = ("Um.", "Uh.")  # what the voices are asked to say; both voices pronounce them as vowels
WORD_GAP_S = 0.05  # ours: the silence between two synthesized runs of words, too short to be a pause
MATCH_TOLERANCE_S = 0.8  # ours: Whisper alone dates fillers 0.5-0.7 s late here; a find within 0.8 s counts
# Answer-like fragments (ours); each clip joins three with a filler between some of them.
FRAGMENTS = (
    "I worked on the payments team for three years",
    "and we rebuilt the billing system from scratch",
    "the hardest part was migrating the old data",
    "my manager asked me to lead the project",
    "we shipped it two weeks ahead of schedule",
    "I learned to write the tests first",
    "the customers noticed the difference right away",
    "we measured the error rate every morning",
    "I would approach it differently today",
    "our team grew from four to nine people",
    "we had to cut some features to ship on time",
    "the result was a faster and simpler service",
)


@dataclass
class FillerClip:
    name: str
    voice: str  # "piper" | "espeak-ng"
    samples: np.ndarray  # 16 kHz mono float32
    text: str  # what was said, fillers included
    fillers: list[tuple[float, float, str]] = field(default_factory=list)  # (start_s, end_s, word)
    pauses: list[tuple[float, float]] = field(default_factory=list)  # (start_s, end_s) of inserted silences
    sound_span_s: tuple[float, float] = (0.0, 0.0)  # first sound's start, last sound's end

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE_HZ


def _trim(samples: np.ndarray) -> np.ndarray:
    import librosa

    trimmed, _ = librosa.effects.trim(samples, top_db=TRIM_TOP_DB)
    return trimmed


def _piper(text: str) -> np.ndarray:
    import librosa

    from workbench.models import registry

    voice = registry.load("piper-joe-medium")
    audio = np.concatenate([chunk.audio_float_array for chunk in voice.synthesize(text)])
    return librosa.resample(audio.astype(np.float32), orig_sr=voice.config.sample_rate, target_sr=SAMPLE_RATE_HZ)


def _espeak(text: str) -> np.ndarray:
    if shutil.which("espeak-ng") is None:
        raise WorkbenchError("espeak-ng is not installed: run `make setup` (Debian package espeak-ng)")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "speech.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(out), text], check=True, timeout=60,
                       capture_output=True)
        return load_audio(out)


VOICES = {"piper": _piper, "espeak-ng": _espeak}


def make_clip(name: str, voice: str, pieces: list[str | float], rng: random.Random) -> FillerClip:
    """Join synthesized ``pieces`` (fragments and fillers; a number is a pause of that many seconds)
    with short silences; record the times of fillers, pauses and the first and last sound."""
    synth = VOICES[voice]
    parts: list[np.ndarray] = []
    fillers: list[tuple[float, float, str]] = []
    pauses: list[tuple[float, float]] = []
    position = 0
    first_sound_s: float | None = None
    last_sound_s = 0.0

    def add(samples: np.ndarray) -> None:
        nonlocal position
        parts.append(samples.astype(np.float32))
        position += len(samples)

    for piece in pieces:
        if isinstance(piece, (int, float)):
            start = position / SAMPLE_RATE_HZ
            add(np.zeros(int(float(piece) * SAMPLE_RATE_HZ), dtype=np.float32))
            pauses.append((round(start, 3), round(position / SAMPLE_RATE_HZ, 3)))
            continue
        audio = _trim(synth(piece))
        is_filler = piece in FILLER_WORDS
        gap = np.zeros(int(rng.uniform(*GAP_RANGE_S) * SAMPLE_RATE_HZ), dtype=np.float32)
        if is_filler:
            add(gap)
            fillers.append((round(position / SAMPLE_RATE_HZ, 3), round((position + len(audio)) / SAMPLE_RATE_HZ, 3),
                            piece.strip(".").lower()))
        if first_sound_s is None:
            first_sound_s = position / SAMPLE_RATE_HZ
        add(audio)
        last_sound_s = position / SAMPLE_RATE_HZ
        add(gap if is_filler else np.zeros(int(WORD_GAP_S * SAMPLE_RATE_HZ), dtype=np.float32))  # words flow on
    text = " ".join(p.strip(".") if p not in FILLER_WORDS else p.strip(".").lower() + ","
                    for p in pieces if isinstance(p, str))
    samples = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
    return FillerClip(name, voice, samples, text, fillers, pauses,
                      (round(first_sound_s or 0.0, 3), round(last_sound_s, 3)))


def build_filler_set(*, clips_per_voice: int = 6, fluent_per_voice: int = 1, seed: int = DEFAULT_SEED,
                     voices: tuple[str, ...] = ("piper", "espeak-ng")) -> list[FillerClip]:
    """Clips with 1-3 scripted fillers each, plus fluent clips (no filler) to count false alarms."""
    rng = random.Random(seed)
    clips: list[FillerClip] = []
    for voice in voices:
        for k in range(clips_per_voice + fluent_per_voice):
            fragments = rng.sample(FRAGMENTS, 3)
            pieces: list[str] = []
            with_fillers = k < clips_per_voice
            for i, fragment in enumerate(fragments):
                if with_fillers and (i > 0 and (rng.random() < 0.7 or i == 1)):
                    pieces.append(rng.choice(FILLER_WORDS))
                pieces.append(fragment)
            if with_fillers and rng.random() < 0.3:
                pieces.insert(0, rng.choice(FILLER_WORDS))
            kind = "fillers" if with_fillers else "fluent"
            clips.append(make_clip(f"{voice}-{kind}-{k:02d}", voice, pieces, rng))
    return clips


def match_fillers(truth: list[tuple[float, float, str]], found_starts_s: list[float],
                  tolerance_s: float = MATCH_TOLERANCE_S) -> tuple[int, int, int]:
    """Greedy one-to-one matching; returns ``(true_positives, false_positives, false_negatives)``."""
    unused = sorted(found_starts_s)
    hits = 0
    for start, end, _ in truth:
        candidates = [s for s in unused if start - tolerance_s <= s <= end + tolerance_s]
        if candidates:
            best = min(candidates, key=lambda s: abs(s - start))
            unused.remove(best)
            hits += 1
    return hits, len(unused), len(truth) - hits
