"""Validation media, built at run time from real recordings and images no one here wrote, and
the perturbations the checks apply to them. Nothing here is written to the repository.

Real data (Debian packages and scikit-image, see MODELS.md):

- ``pocketsphinx-testdata``: five LibriVox sentences (3-7 s, read English, with a reference
  transcript) and five "cards" clips (1-3 s, a reader naming playing cards), 16 kHz, BSD-2;
- ``alsa-utils``: a real voice naming each loudspeaker (``Front_Center.wav``...);
- ``skimage.data.astronaut()``: a real, smiling face (public domain).

A ``Context`` caches what the checks of one run share: models stay loaded in the registry, clips
are decoded once and each (clip, perturbation, model) analysis is computed once.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from workbench.config import DEFAULT_SEED
from workbench.errors import InputError
from workbench.media_limits import SAMPLE_RATE_HZ

POCKETSPHINX_DIR = Path("/usr/share/pocketsphinx/test/data")  # Debian pocketsphinx-testdata
LIBRIVOX_DIR = POCKETSPHINX_DIR / "librivox"
CARDS_DIR = POCKETSPHINX_DIR / "cards"
ALSA_DIR = Path("/usr/share/sounds/alsa")  # Debian alsa-utils
ALSA_VOICES = ("Front_Center", "Front_Left", "Rear_Right")  # ours: three of the nine names, one voice
STRETCH_N_FFT = 512  # ours: 32 ms phase-vocoder frames; librosa's default 2048 (128 ms at 16 kHz) smears speech
STRETCH_HOP = 128  # ours: 8 ms, a quarter of the frame
NOISE_LEVEL_DBFS = -30.0  # ours: RMS of the white-noise clip, a quiet room's hiss made loud
PAUSE_CUT_MARGIN_S = 0.3  # ours: a cut for an inserted pause stays this far from any existing pause
CUT_FRAME_S = 0.01  # s, 10 ms: resolution of the quiet-point search at a word boundary
JOIN_GAP_S = 0.6  # ours: a pause between two joined sentences, well above the 250 ms pause cut-off
NOISE_FLOOR_QUANTILE = 0.1  # ours: a recording's room-noise level is the 10th percentile of its 25 ms frame RMS


@dataclass(frozen=True)
class ReferenceClip:
    """A real recording with its reference transcript (lower case, no punctuation)."""

    name: str
    path: Path
    transcript: str
    corpus: str  # "librivox" | "cards" | "alsa"

    @property
    def reference_words(self) -> int:
        return len(self.transcript.split())


def _parse_transcription(path: Path, corpus: str, folder: Path) -> list[ReferenceClip]:
    """Sphinx transcription lines: ``<s> words </s> (file_id)``."""
    clips = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*(?:<s>)?\s*(.*?)\s*(?:</s>)?\s*\(([^)]+)\)\s*$", line)
        if not match:
            continue
        words, file_id = match.groups()
        wav = folder / f"{file_id}.wav"
        if wav.is_file():
            clips.append(ReferenceClip(file_id.split("-")[-1] if corpus == "librivox" else file_id, wav,
                                       " ".join(words.lower().split()), corpus))
    return clips


def _require(path: Path, package: str) -> None:
    if not path.exists():
        raise InputError(f"{path} is missing: install the Debian package {package} (`make setup`)")


def librivox_clips() -> list[ReferenceClip]:
    """The five LibriVox sentences of pocketsphinx-testdata, in file order."""
    _require(LIBRIVOX_DIR / "transcription", "pocketsphinx-testdata")
    return _parse_transcription(LIBRIVOX_DIR / "transcription", "librivox", LIBRIVOX_DIR)


def cards_clips() -> list[ReferenceClip]:
    """The five short "cards" clips of pocketsphinx-testdata."""
    _require(CARDS_DIR / "cards.transcription", "pocketsphinx-testdata")
    return _parse_transcription(CARDS_DIR / "cards.transcription", "cards", CARDS_DIR)


def alsa_clips() -> list[ReferenceClip]:
    """alsa-utils voice clips; the transcript is the file name ("front center")."""
    _require(ALSA_DIR / "Front_Center.wav", "alsa-utils")
    return [ReferenceClip(name, ALSA_DIR / f"{name}.wav", name.replace("_", " ").lower(), "alsa")
            for name in ALSA_VOICES if (ALSA_DIR / f"{name}.wav").is_file()]


def load(path: Path) -> np.ndarray:
    """A recording as 16 kHz mono float32 (through the speech module's decoder)."""
    from workbench.speech.audio import load_audio

    return load_audio(path)


# --- audio perturbations ------------------------------------------------------------------

def apply_gain(samples: np.ndarray, gain_db: float) -> np.ndarray:
    """``samples`` scaled by ``gain_db`` decibels, clipped to [-1, 1] as a recorder would."""
    return np.clip(samples * 10 ** (gain_db / 20.0), -1.0, 1.0).astype(np.float32)


def digital_silence(duration_s: float) -> np.ndarray:
    """All-zero samples."""
    return np.zeros(int(duration_s * SAMPLE_RATE_HZ), dtype=np.float32)


def white_noise(duration_s: float, *, level_dbfs: float = NOISE_LEVEL_DBFS, seed: int = DEFAULT_SEED) -> np.ndarray:
    """Seeded Gaussian white noise with an RMS of ``level_dbfs``."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(int(duration_s * SAMPLE_RATE_HZ)) * 10 ** (level_dbfs / 20.0)
    return np.clip(noise, -1.0, 1.0).astype(np.float32)


def time_stretch(samples: np.ndarray, rate: float) -> np.ndarray:
    """The same speech ``rate`` times faster (rate 1.25) or slower (0.8), pitch kept
    (``librosa.effects.time_stretch``, phase vocoder with speech-sized frames)."""
    import librosa

    stretched = librosa.effects.time_stretch(samples, rate=rate, n_fft=STRETCH_N_FFT, hop_length=STRETCH_HOP)
    return stretched.astype(np.float32)


def noise_floor_dbfs(samples: np.ndarray) -> float:
    """The recording's room-noise level: the ``NOISE_FLOOR_QUANTILE`` of its 25 ms frame RMS, dBFS."""
    frame = int(0.025 * SAMPLE_RATE_HZ)
    n = len(samples) // frame
    rms = np.sqrt((samples[: n * frame].reshape(n, frame).astype(np.float64) ** 2).mean(axis=1))
    return float(20 * np.log10(max(float(np.quantile(rms, NOISE_FLOOR_QUANTILE)), 1e-10)))


def join(clips: list[np.ndarray], *, gap_s: float = JOIN_GAP_S, seed: int = DEFAULT_SEED) -> np.ndarray:
    """Recordings one after the other with a ``gap_s`` pause between them, filled with white noise
    at the recordings' own room-noise level (so the pause is as quiet as the room, not digital zero)."""
    level = min(noise_floor_dbfs(c) for c in clips)
    parts: list[np.ndarray] = []
    for i, clip in enumerate(clips):
        if i:
            parts.append(white_noise(gap_s, level_dbfs=level, seed=seed + i))
        parts.append(clip.astype(np.float32))
    return np.concatenate(parts)


def pause_cut_point(samples: np.ndarray, word_times_s: list[tuple[float, float]],
                    pauses_s: list[tuple[float, float]]) -> float:
    """Where to insert a pause: the quietest 10 ms at a boundary between two inner words, at least
    ``PAUSE_CUT_MARGIN_S`` from any pause already measured (else the new pause would merge with it).

    ``word_times_s``: (start, end) of each transcribed word; ``pauses_s``: (start, end) of measured pauses.
    Returns the time in seconds. Raises ``InputError`` when no boundary qualifies.
    """
    frame = int(CUT_FRAME_S * SAMPLE_RATE_HZ)
    best: tuple[float, float] | None = None
    for (_, end_a), (start_b, _) in zip(word_times_s[1:-2], word_times_s[2:-1], strict=True):
        lo_s, hi_s = min(end_a, start_b) - 0.03, max(end_a, start_b) + 0.03
        if any(p_lo - PAUSE_CUT_MARGIN_S < hi_s and lo_s < p_hi + PAUSE_CUT_MARGIN_S for p_lo, p_hi in pauses_s):
            continue
        lo, hi = int(lo_s * SAMPLE_RATE_HZ), int(hi_s * SAMPLE_RATE_HZ)
        window = samples[max(0, lo):min(len(samples), hi)]
        n = len(window) // frame
        if n == 0:
            continue
        energy = (window[: n * frame].reshape(n, frame) ** 2).mean(axis=1)
        k = int(np.argmin(energy))
        candidate = (float(energy[k]), (max(0, lo) + k * frame + frame // 2) / SAMPLE_RATE_HZ)
        if best is None or candidate[0] < best[0]:
            best = candidate
    if best is None:
        raise InputError("no word boundary away from existing pauses: the clip is too short for a pause check")
    return round(best[1], 3)


def insert_silence(samples: np.ndarray, at_s: float, duration_s: float = 1.0) -> np.ndarray:
    """``duration_s`` of digital silence inserted at ``at_s`` seconds."""
    cut = int(round(at_s * SAMPLE_RATE_HZ))
    return np.concatenate([samples[:cut], digital_silence(duration_s), samples[cut:]]).astype(np.float32)


# --- image perturbations (the vision module's own demo transforms) --------------------------

def astronaut() -> np.ndarray:
    """skimage's astronaut photo (Eileen Collins, NASA, public domain), RGB uint8 512x512."""
    from workbench.vision.demo import astronaut as _astronaut

    return _astronaut()


def image_transforms() -> dict[str, Callable[..., np.ndarray]]:
    """mirror, rotate(angle_deg), turn(angle_deg), darken(factor), blur(sigma_px)."""
    from workbench.vision import demo

    return {"mirror": demo.mirror, "rotate": demo.rotate, "turn": demo.turn, "darken": demo.darken, "blur": demo.blur}


# --- the shared cache of one run ----------------------------------------------------------

@dataclass
class Context:
    """What the checks of one run share. ``fast`` selects the short subset of clips and levels;
    ``stt_model_id`` is the speech model of the perturbation checks."""

    fast: bool = False
    stt_model_id: str = "whisper-tiny.en"
    seed: int = DEFAULT_SEED
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    def cached(self, key: Any, make: Callable[[], Any]) -> Any:
        """``make()`` once per key for this run."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def samples(self, clip: ReferenceClip) -> np.ndarray:
        return self.cached(("samples", clip.path), lambda: load(clip.path))

    def voice(self, key: str, samples: Callable[[], np.ndarray], *, model_id: str | None = None) -> Any:
        """The speech module's ``analyse_voice`` of the samples ``samples()`` builds, cached under ``key``."""
        from workbench.speech import analyse_voice

        model_id = model_id or self.stt_model_id
        return self.cached(("voice", key, model_id), lambda: analyse_voice(samples(), model_id=model_id))

    def face(self, key: str, rgb: Callable[[], np.ndarray]) -> Any:
        """The vision module's ``analyse_image`` of the frame ``rgb()`` builds, cached under ``key``."""
        from workbench.vision import analyse_image

        return self.cached(("face", key), lambda: analyse_image(rgb()))
