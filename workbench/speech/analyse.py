"""One pass over a recording, chunk by chunk: transcript, prosody and voice metrics (a pure stage: it
never reads or writes the store; ``workbench.stages.run_voice`` walks a stored session)."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from workbench.errors import InputError
from workbench.models import registry
from workbench.models.catalog import default_model_id, get_spec
from workbench.media_limits import SAMPLE_RATE_HZ
from workbench.speech.audio import CHUNK_S, iter_chunks, probe
from workbench.speech.prosody import ProsodyTrack, track_chunk
from workbench.speech.stt import Transcript, Word, transcribe_chunk
from workbench.speech.voice import VoiceMetrics, compute_metrics

CURVE_STEP_S = 0.1  # ours: pitch/loudness curves are stored at 10 Hz (enough for a timeline plot)
# Session summary: measures averaged over answers, weighted by speaking time.
SUMMARY_MEASURES = (
    "words_per_minute", "articulation_rate_wpm", "pause_ratio", "fillers_per_100_words",
    "pitch_median_hz", "pitch_variability_semitones", "loudness_mean_db", "loudness_variability_db", "monotony",
)


@dataclass
class VoiceAnalysis:
    transcript: Transcript
    metrics: VoiceMetrics
    track: ProsodyTrack  # 10 ms frames (not in ``to_json``; ``curves`` holds a 10 Hz copy)
    source: str
    analyse_s: float  # wall time of the whole analysis, seconds
    stored_curves: dict[str, list] | None = None  # the 10 Hz curves of a stored analysis (``from_json``)

    def curves(self) -> dict[str, list]:
        """Pitch and loudness at ``CURVE_STEP_S`` (medians of each step) for plots and reports."""
        if self.stored_curves is not None:
            return self.stored_curves
        step = max(1, int(round(CURVE_STEP_S / 0.01)))
        n = (self.track.times_s.size // step) * step
        if n == 0:
            return {"times_s": [], "pitch_hz": [], "loudness_db": []}
        with np.errstate(all="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                pitch = np.nanmedian(self.track.pitch_hz[:n].reshape(-1, step), axis=1)
        loud = self.track.loudness_db[:n].reshape(-1, step).mean(axis=1)
        return {
            "times_s": [round(float(t), 2) for t in self.track.times_s[:n:step]],
            "pitch_hz": [None if not np.isfinite(p) else round(float(p), 1) for p in pitch],
            "loudness_db": [round(float(v), 1) for v in loud],
        }

    def to_json(self, *, include_curves: bool = False) -> dict[str, Any]:
        data = {
            "source": self.source,
            "analyse_s": round(self.analyse_s, 3),
            "transcript": self.transcript.to_json(),
            **self.metrics.to_json(),
        }
        if include_curves:
            data["curves"] = self.curves()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VoiceAnalysis:
        """The analysis of ``to_json``: transcript and metrics, and the 10 Hz curves when they were included
        (the 10 ms prosody track is not stored, so ``track`` comes back empty)."""
        return cls(transcript=Transcript.from_json(data["transcript"]), metrics=VoiceMetrics.from_json(data),
                   track=ProsodyTrack.empty(), source=data.get("source", ""),
                   analyse_s=float(data.get("analyse_s", 0.0)), stored_curves=data.get("curves"))


def analyse_voice(
    path: str | Path | np.ndarray, *, model_id: str | None = None, beam_size: int = 5, language: str | None = "en",
    context: str = "conversation", progress: bool = False, chunk_s: float = CHUNK_S,
    domain_prompt: str | None = None,
) -> VoiceAnalysis:
    """Transcribe a recording and measure its voice, in one pass of bounded chunks.

    ``path`` is any recording FFmpeg reads (or a 16 kHz mono array). Silence or noise gives an
    honest empty result: ``speech_detected`` False, no rates. Bad files raise ``InputError``.
    ``domain_prompt``: see ``speech.stt.transcribe_chunk`` (the voice stage passes the question's).
    """
    model_id = model_id or default_model_id("stt")
    if get_spec(model_id).task != "stt":
        raise InputError(f"model {model_id!r} is not a speech-to-text model")
    if language is None and model_id.endswith(".en"):
        language = "en"
    model = registry.load(model_id)
    total_s = None if isinstance(path, np.ndarray) else probe(path).duration_s
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=round(total_s, 1) if total_s else None, unit="s", desc="voice analysis")
    started = time.perf_counter()
    words: list[Word] = []
    track = ProsodyTrack.empty()
    duration_s, transcribe_s = 0.0, 0.0
    detected, detected_probability = language or "en", None
    try:
        for offset_s, samples in iter_chunks(path, chunk_s=chunk_s):
            t = time.perf_counter()
            chunk_words, chunk_language, probability = transcribe_chunk(
                model, samples, offset_s=offset_s, beam_size=beam_size, language=language,
                domain_prompt=domain_prompt,
            )
            transcribe_s += time.perf_counter() - t
            if language is None and probability is not None:
                detected, detected_probability, language = chunk_language, probability, chunk_language
            words.extend(chunk_words)
            track = track.extend(track_chunk(samples, offset_s=offset_s))
            duration_s = offset_s + len(samples) / SAMPLE_RATE_HZ
            if bar is not None:
                bar.update(round(len(samples) / SAMPLE_RATE_HZ, 1))
    finally:
        if bar is not None:
            bar.close()
    transcript = Transcript(
        words=words, duration_s=duration_s, language=detected, model_id=model_id, beam_size=beam_size,
        language_probability=detected_probability, transcribe_s=transcribe_s, domain_prompt=domain_prompt,
    )
    track = track.with_octaves_repaired()  # before any statistic or plot reads the pitch
    metrics = compute_metrics(words, track, duration_s=duration_s, context=context)
    source = "<array>" if isinstance(path, np.ndarray) else str(path)
    return VoiceAnalysis(transcript, metrics, track, source, time.perf_counter() - started)


def _weighted_mean(values: list[tuple[float | None, float]]) -> float | None:
    pairs = [(v, w) for v, w in values if v is not None and w > 0]
    if not pairs:
        return None
    total = sum(w for _, w in pairs)
    return round(sum(v * w for v, w in pairs) / total, 3)


def summarise(per_answer: list[dict[str, Any]]) -> dict[str, Any]:
    """Aggregate voice results of several answers (means weighted by speaking time, totals summed)."""
    spoken = [a for a in per_answer if a.get("speech_detected")]
    summary: dict[str, Any] = {
        "answers_analysed": len(per_answer),
        "answers_with_speech": len(spoken),
        "speaking_time_s": round(sum(a["speaking_time_s"] for a in spoken), 3),
        "word_count": sum(a["word_count"] for a in spoken),
        "filler_count": sum(a["filler_count"] for a in spoken),
        "pause_count": sum(a["pause_count"] for a in spoken),
        "pause_longest_s": max((a["pause_longest_s"] or 0.0 for a in spoken), default=None),
    }
    for measure in SUMMARY_MEASURES:
        summary[measure] = _weighted_mean([(a.get(measure), a["speaking_time_s"]) for a in spoken])
    return summary
