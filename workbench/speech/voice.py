"""The measures a speaking coach gives, from a transcript and a prosody track: speaking and
articulation rate, pauses, fillers and disfluencies, pitch, loudness and monotony, with bands."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

from workbench.speech import fillers as fl
from workbench.speech.norms import classify_all
from workbench.speech.lexicon import is_filled_pause
from workbench.speech.prosody import HOP_S, ProsodyTrack, loudness_summary, pitch_summary
from workbench.speech.rates import words_per_minute
from workbench.speech.stt import Word

PAUSE_MIN_S = 0.25  # De Jong & Bosker (2013): 250 ms is the silent-pause cut-off that best predicts fluency
MONOTONY_REFERENCE_SEMITONES = 4.0  # ours: a pitch SD of 4 semitones or more counts as fully lively (0)


@dataclass(frozen=True)
class Pause:
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass
class VoiceMetrics:
    speech_detected: bool
    duration_s: float  # whole recording
    speaking_time_s: float  # first word start to last word end
    word_count: int  # lexical words (filled pauses excluded)
    words_per_minute: float | None
    articulation_rate_wpm: float | None  # words per minute of phonation time (silent pauses excluded)
    pause_count: int
    pause_mean_s: float | None
    pause_longest_s: float | None
    pause_ratio: float | None  # silent-pause time / speaking time
    filler_count: int
    fillers_per_100_words: float | None
    repetition_count: int
    restart_count: int
    pitch_median_hz: float | None
    pitch_range_semitones: float | None
    pitch_variability_semitones: float | None
    loudness_mean_db: float | None
    loudness_variability_db: float | None
    monotony: float | None  # 0 lively .. 1 flat, from the pitch variability
    pitch_frames_repaired: int = 0  # 10 ms frames whose octave error was repaired (speech.prosody)
    fillers: list[dict[str, Any]] = field(default_factory=list)
    disfluencies: list[dict[str, Any]] = field(default_factory=list)
    pauses: list[dict[str, float]] = field(default_factory=list)
    bands: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VoiceMetrics:
        """The metrics of ``to_json`` (other keys, such as a voice analysis's transcript, are ignored)."""
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


def silent_pauses(words: list[Word], track: ProsodyTrack, *, min_pause_s: float = PAUSE_MIN_S) -> list[Pause]:
    """Silent stretches of at least ``min_pause_s`` between the first and the last word.

    Silence is loudness under the recording's threshold (De Jong & Wempe 2009), so a pause is found
    even where Whisper stretched a word's end time over it; filled pauses are not silent.
    """
    if len(words) < 2 or track.times_s.size == 0:
        return []
    t0 = float(track.times_s[0])
    lo = max(0, int((words[0].start_s - t0) / HOP_S))
    hi = min(track.times_s.size, int((words[-1].end_s - t0) / HOP_S))
    silent = track.loudness_db[lo:hi] < track.silence_threshold_db()
    sounding = np.flatnonzero(~silent)
    if sounding.size == 0:
        return []
    # Whisper's first/last word times can include leading/trailing silence: start at the sound.
    lo, hi = lo + int(sounding[0]), lo + int(sounding[-1]) + 1
    silent = silent[sounding[0]: sounding[-1] + 1]
    min_frames = int(round(min_pause_s / HOP_S))
    return [
        Pause(round(t0 + (lo + a) * HOP_S, 3), round(t0 + (lo + b) * HOP_S, 3))
        for a, b in fl.true_runs(silent) if b - a >= min_frames
    ]


def compute_metrics(
    words: list[Word], track: ProsodyTrack, *, duration_s: float, context: str = "conversation",
    acoustic_fillers: bool = True,
) -> VoiceMetrics:
    """Every voice measure of one answer. ``words`` are the transcript's, ``track`` its prosody."""
    lexical = fl.lexical_fillers(words)
    found = fl.fuse_fillers(lexical, fl.acoustic_filled_pauses(words, track)) if acoustic_fillers else lexical
    disfluent = fl.disfluencies(words)
    norms = [fl.normalise_word(w.text) for w in words]
    content_words = [w for w, norm in zip(words, norms, strict=True) if norm and not is_filled_pause(norm)]
    speaking_time_s = (words[-1].end_s - words[0].start_s) if words else 0.0
    pauses = silent_pauses(words, track)
    pause_time_s = sum(p.duration_s for p in pauses)
    durations = [p.duration_s for p in pauses]
    n = len(content_words)
    values: dict[str, Any] = {
        "words_per_minute": words_per_minute(n, speaking_time_s),
        "articulation_rate_wpm": words_per_minute(n, speaking_time_s - pause_time_s),
        "pause_count": len(pauses),
        "pause_mean_s": round(float(np.mean(durations)), 3) if durations else (0.0 if words else None),
        "pause_longest_s": round(max(durations), 3) if durations else (0.0 if words else None),
        "pause_ratio": round(pause_time_s / speaking_time_s, 3) if speaking_time_s > 0 else None,
        "fillers_per_100_words": round(len(found) / n * 100.0, 2) if n else None,
    }
    values |= pitch_summary(track) if words else pitch_summary(ProsodyTrack.empty())
    values |= loudness_summary(track)
    sd = values["pitch_variability_semitones"]
    values["monotony"] = None if sd is None else round(float(np.clip(1 - sd / MONOTONY_REFERENCE_SEMITONES, 0, 1)), 3)
    values["pitch_frames_repaired"] = track.pitch_frames_repaired
    return VoiceMetrics(
        speech_detected=bool(words), duration_s=round(duration_s, 3), speaking_time_s=round(speaking_time_s, 3),
        word_count=n, filler_count=len(found),
        repetition_count=sum(d.kind == "repetition" for d in disfluent),
        restart_count=sum(d.kind == "restart" for d in disfluent),
        fillers=fl.to_json(found), disfluencies=fl.to_json(disfluent),
        pauses=[{"start_s": p.start_s, "end_s": p.end_s, "duration_s": round(p.duration_s, 3)} for p in pauses],
        bands=classify_all(values, context) if words else {},
        **values,
    )
