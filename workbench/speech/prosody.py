"""Frame-level prosody: pitch (F0) and loudness every 10 ms, and the summaries a coach uses.

Pitch comes from Praat's autocorrelation method (Boersma 1993) through parselmouth: on this machine
it ran about 150x faster than ``librosa.yin`` and 500x faster than ``librosa.pyin`` on 60 s of speech,
which is what makes a 10-minute analysis fit in a minute. Loudness is librosa's RMS in dB.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.media_limits import SAMPLE_RATE_HZ

HOP_S = 0.01  # s, 10 ms frames: the usual rate for prosodic tracks
PITCH_FLOOR_HZ = 60.0  # Praat's recommended range for adult voices (Praat manual, "Sound: To Pitch...")
PITCH_CEILING_HZ = 500.0  # idem, high enough for most female and child voices
RMS_FRAME_S = 0.025  # s, 25 ms analysis window (common speech-processing frame)
DB_FLOOR = -100.0  # dBFS assigned to digital silence (log of zero)
SILENCE_BELOW_PEAK_DB = 25.0  # De Jong & Wempe (2009): silence is 25 dB below the 0.99 quantile of intensity
# Room noise can sit at that threshold (LibriVox: about 28 dB under the peaks), which split a 0.48 s pause
# into runs shorter than the pause cut-off. So the threshold is also at least the noise floor plus a margin:
NOISE_FLOOR_QUANTILE = 0.10  # ours: the room-noise level is the 10th percentile of the frame loudness
NOISE_FLOOR_MARGIN_DB = 6.0  # ours: 25 ms RMS of steady noise varies by about +/-2-3 dB; 6 dB clears it
MIN_SPEECH_OVER_THRESHOLD_DB = 15.0  # ours: the noise rule never puts the threshold within 15 dB of the peaks
MIN_VOICED_FRAMES = 20  # ours: fewer than 0.2 s of voicing gives no pitch statistics
# Octave (and other harmonic) errors: Praat now and then locks onto the 2nd-4th harmonic (or the
# sub-harmonic) for a few frames, often at a voicing onset; on the sample's ~87 Hz voice it read
# 300-480 Hz. ``repair_octave_jumps`` folds such stretches back, or drops them when no factor fits.
OCTAVE_LOCAL_WINDOW_S = 1.0  # ours: the local median runs over this much voiced speech
OCTAVE_JUMP_MIN_ST = 9.0  # ours: a stretch this far from the local median is a candidate error
OCTAVE_STEP_ST = 5.0  # ours: neighbouring frames further apart than this start a new stretch (real F0 glides)
OCTAVE_MAX_STRETCH_S = 0.3  # ours: "a few frames"; longer stretches are speech, not an error
OCTAVE_FIT_ST = 3.0  # ours: after folding by a factor the stretch must lie this close to the local median
OCTAVE_FACTORS = (2.0, 3.0, 4.0, 0.5, 1 / 3)  # harmonics and sub-harmonics tried, in this order


@dataclass
class ProsodyTrack:
    """10 ms frames of one recording: ``times_s``, ``pitch_hz`` (NaN when unvoiced), ``loudness_db``
    (RMS, dBFS). All three arrays have shape ``(n_frames,)``."""

    times_s: np.ndarray
    pitch_hz: np.ndarray
    loudness_db: np.ndarray
    pitch_frames_repaired: int = 0  # frames ``with_octaves_repaired`` folded back or dropped

    @classmethod
    def empty(cls) -> "ProsodyTrack":
        return cls(np.zeros(0), np.zeros(0), np.zeros(0))

    def extend(self, other: "ProsodyTrack") -> "ProsodyTrack":
        return ProsodyTrack(
            np.concatenate([self.times_s, other.times_s]),
            np.concatenate([self.pitch_hz, other.pitch_hz]),
            np.concatenate([self.loudness_db, other.loudness_db]),
            self.pitch_frames_repaired + other.pitch_frames_repaired,
        )

    def with_octaves_repaired(self) -> "ProsodyTrack":
        """This track with its pitch's harmonic errors repaired (``repair_octave_jumps``)."""
        pitch, changed = repair_octave_jumps(self.pitch_hz)
        return ProsodyTrack(self.times_s, pitch, self.loudness_db, self.pitch_frames_repaired + changed)

    def silence_threshold_db(self) -> float:
        """Loudness below which a frame is silent; see ``silence_threshold_db``."""
        return silence_threshold_db(self.loudness_db)


def silence_threshold_db(loudness_db: np.ndarray) -> float:
    """Loudness (dBFS) below which a frame is silent, relative to this recording, so gain does not move it.

    ``max(peak - 25 dB, noise floor + 6 dB)`` (De Jong & Wempe 2009, plus the noise rule), where the
    peak is the 0.99 quantile of ``loudness_db`` (shape ``(n_frames,)``) and the noise rule is capped at
    ``peak - MIN_SPEECH_OVER_THRESHOLD_DB``.
    """
    if loudness_db.size == 0:
        return DB_FLOOR
    peak_db = float(np.quantile(loudness_db, 0.99))
    noise_db = float(np.quantile(loudness_db, NOISE_FLOOR_QUANTILE)) + NOISE_FLOOR_MARGIN_DB
    return max(peak_db - SILENCE_BELOW_PEAK_DB, min(noise_db, peak_db - MIN_SPEECH_OVER_THRESHOLD_DB))


def loudness_db(samples: np.ndarray) -> np.ndarray:
    """RMS loudness (dBFS) every ``HOP_S`` of a 16 kHz mono chunk, shape ``(len(samples) // hop,)``."""
    import librosa

    hop = int(HOP_S * SAMPLE_RATE_HZ)
    n_frames = max(0, len(samples) // hop)
    if n_frames == 0:
        return np.zeros(0)
    rms = librosa.feature.rms(y=samples, frame_length=int(RMS_FRAME_S * SAMPLE_RATE_HZ), hop_length=hop, center=True)[0]
    return np.maximum(20 * np.log10(np.maximum(rms, 1e-12)), DB_FLOOR)[:n_frames]


def track_chunk(samples: np.ndarray, *, offset_s: float = 0.0) -> ProsodyTrack:
    """Pitch and loudness frames of a 16 kHz mono chunk, times shifted by ``offset_s`` seconds."""
    import parselmouth

    hop = int(HOP_S * SAMPLE_RATE_HZ)
    n_frames = max(0, len(samples) // hop)
    if n_frames == 0:
        return ProsodyTrack.empty()
    loudness = loudness_db(samples)
    times_s = offset_s + np.arange(n_frames) * HOP_S
    pitch_hz = np.full(n_frames, np.nan)
    if len(samples) >= 3 / PITCH_FLOOR_HZ * SAMPLE_RATE_HZ:  # Praat needs three periods of the floor
        sound = parselmouth.Sound(samples.astype(np.float64), SAMPLE_RATE_HZ)
        pitch = sound.to_pitch(time_step=HOP_S, pitch_floor=PITCH_FLOOR_HZ, pitch_ceiling=PITCH_CEILING_HZ)
        f0 = pitch.selected_array["frequency"]
        index = np.clip(np.round((pitch.xs() - HOP_S / 2) / HOP_S).astype(int), 0, n_frames - 1)
        pitch_hz[index] = np.where(f0 > 0, f0, np.nan)
    return ProsodyTrack(times_s, pitch_hz, loudness)


def semitones(hz: np.ndarray, reference_hz: float) -> np.ndarray:
    """Frequencies in semitones relative to ``reference_hz``."""
    return 12.0 * np.log2(hz / reference_hz)


def _stretches(pitch_hz: np.ndarray) -> list[np.ndarray]:
    """Index runs of voiced frames with no gap and no step larger than ``OCTAVE_STEP_ST``."""
    voiced = np.flatnonzero(np.isfinite(pitch_hz))
    if voiced.size == 0:
        return []
    steps = np.abs(np.diff(semitones(pitch_hz[voiced], 1.0)))
    breaks = np.flatnonzero((np.diff(voiced) > 1) | (steps > OCTAVE_STEP_ST)) + 1
    return np.split(voiced, breaks)


def repair_octave_jumps(pitch_hz: np.ndarray) -> tuple[np.ndarray, int]:
    """``pitch_hz`` (NaN unvoiced) with harmonic errors repaired, and how many frames were changed.

    A stretch (see ``_stretches``) of at most ``OCTAVE_MAX_STRETCH_S`` whose median lies at least
    ``OCTAVE_JUMP_MIN_ST`` semitones from the local median (the median of the voiced frames within
    ``OCTAVE_LOCAL_WINDOW_S`` of voiced speech around it) is an error; each of its frames that far off
    is divided by the first factor of ``OCTAVE_FACTORS`` that brings it within ``OCTAVE_FIT_ST`` of that
    median, or dropped (NaN) when none does. Real intonation moves in glides, so it forms long stretches
    and is left alone.
    """
    import pandas as pd

    repaired = pitch_hz.astype(float, copy=True)
    voiced = np.flatnonzero(np.isfinite(repaired))
    if voiced.size < MIN_VOICED_FRAMES:
        return repaired, 0
    st = semitones(repaired[voiced], 1.0)
    window = max(3, int(round(OCTAVE_LOCAL_WINDOW_S / HOP_S)) | 1)
    local = np.full(repaired.shape, np.nan)
    # a centred window cut short at the ends (a padded one would repeat a final error 50 times)
    local[voiced] = pd.Series(st).rolling(window, center=True, min_periods=1).median().to_numpy()
    changed = 0
    for stretch in _stretches(pitch_hz):
        offsets = semitones(repaired[stretch], 1.0) - local[stretch]
        if len(stretch) * HOP_S > OCTAVE_MAX_STRETCH_S or abs(float(np.median(offsets))) < OCTAVE_JUMP_MIN_ST:
            continue
        for index, offset in zip(stretch, offsets, strict=True):  # frame by frame: a glide back stays
            if abs(offset) < OCTAVE_JUMP_MIN_ST:
                continue
            fits = [k for k in OCTAVE_FACTORS if abs(offset - semitones(k, 1.0)) <= OCTAVE_FIT_ST]
            repaired[index] = repaired[index] / fits[0] if fits else np.nan
            changed += 1
    return repaired, changed


def pitch_summary(track: ProsodyTrack) -> dict[str, float | None]:
    """Median (Hz), range (5th-95th percentile, semitones) and variability (SD, semitones) of F0."""
    voiced = track.pitch_hz[np.isfinite(track.pitch_hz)]
    if voiced.size < MIN_VOICED_FRAMES:
        return {"pitch_median_hz": None, "pitch_range_semitones": None, "pitch_variability_semitones": None}
    median = float(np.median(voiced))
    st = semitones(voiced, median)
    low, high = np.percentile(st, [5, 95])  # ours: percentiles so octave errors do not set the range
    return {
        "pitch_median_hz": round(median, 1),
        "pitch_range_semitones": round(float(high - low), 2),
        "pitch_variability_semitones": round(float(np.std(st)), 2),
    }


def loudness_summary(track: ProsodyTrack) -> dict[str, float | None]:
    """Mean and SD (dB) of loudness over the frames that are not silent."""
    if track.loudness_db.size == 0:
        return {"loudness_mean_db": None, "loudness_variability_db": None}
    sounding = track.loudness_db[track.loudness_db > track.silence_threshold_db()]
    if sounding.size < MIN_VOICED_FRAMES:
        return {"loudness_mean_db": None, "loudness_variability_db": None}
    return {
        "loudness_mean_db": round(float(np.mean(sounding)), 2),
        "loudness_variability_db": round(float(np.std(sounding)), 2),
    }
