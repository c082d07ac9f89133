"""Speech-to-text with word timings: faster-whisper through the model registry.

Silero VAD (inside faster-whisper) skips non-speech, ``condition_on_previous_text=False`` avoids the
dropped sentences seen on long audio (MODELS.md), and a no-speech guard drops what Whisper invents on
silence. A prompt full of fillers, decoded over the sounding gaps between words only, keeps the
"um"/"uh" that Whisper otherwise drops. Decoding is deterministic (temperature 0, no sampling
fallback), and words whose time span is silent are dropped as invented.
"""
from __future__ import annotations

import time
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from workbench.errors import InputError
from workbench.models import registry
from workbench.models.catalog import default_model_id, get_spec
from workbench.media_limits import SAMPLE_RATE_HZ
from workbench.speech.audio import CHUNK_S, iter_chunks, probe
from workbench.speech.lexicon import is_filled_pause
from workbench.speech.prosody import HOP_S, loudness_db, silence_threshold_db

# A prompt written in the verbatim style makes Whisper transcribe fillers too (a known trick, see
# openai/whisper discussion #1174); eval-speech measures its effect on WER and filler recall.
FILLER_PROMPT = "Um, uh, so, er, I mean, um, uh."
NO_SPEECH_PROB_MAX = 0.6  # Whisper's own no_speech_threshold (openai/whisper transcribe.py)
AVG_LOGPROB_MIN = -1.0  # Whisper's own logprob_threshold: with the above, a segment is silence
NO_SPEECH_PROB_HARD_MAX = 0.9  # ours: above this a segment is dropped whatever its log-probability
DIGITAL_SILENCE_PEAK = 1e-3  # ours: a chunk whose peak is under -60 dBFS holds no speech; skip it
TRAILING_WORD_PROB_MAX = 0.15  # ours: a segment's last word this unlikely and this short is invented
TRAILING_WORD_MAX_S = 0.12  # ours: ("Thanks.", "here." seen after real speech with the filler prompt)
# A domain prompt makes Whisper close answers with words nobody said ("Thank you very much.", "We'll see
# you next time."): on the read-speech clips the run starts with a word it barely believes (p 0.001-0.18)
# and holds a word squeezed into no time (0-20 ms), where real words have sound under them.
INVENTED_RUN_MAX_WORDS = 5  # ours: the closing phrases seen were 2-5 words
INVENTED_ONSET_PROB_MAX = 0.2  # ours
SQUEEZED_WORD_MAX_S = 0.02  # ours: one step of Whisper's 20 ms timestamps
TIMESTAMP_EPS_S = 1e-6  # word times are sums of 20 ms steps in floating point: 2.82 - 2.8 is not exactly 0.02
FILLER_PASS_BEAM_SIZE = 1  # ours: the filler pass is greedy, to keep its cost low
FILLER_MERGE_S = 0.5  # ours: a filler within 0.5 s of one already transcribed is the same one
# The filler pass costs a second encoder pass (greedy decoding is not cheaper: the encoder dominates), so
# it only sees the stretches where the plain pass left a gap that could hold a dropped "um"/"uh":
FILLER_GAP_MIN_S = 0.3  # ours: a filled pause lasts 200 ms or more (Shriberg 1994), plus word-edge slack
FILLER_REGION_PAD_S = 0.4  # ours: each gap is decoded with 0.4 s of its neighbouring words for context
FILLER_REGION_SEPARATOR_S = 0.6  # ours: digital silence between stretches, above VAD_MIN_SILENCE_MS
FILLER_REGIONS_MAX_FRACTION = 0.9  # ours: when padded gaps cover more of the chunk, decode the whole chunk
# Only gaps that hold sound are decoded (and their fillers kept): with the prompt, Whisper writes "uh" into
# the silent pauses between fluent sentences (5 invented on 10 synthetic clips without this rule).
FILLER_IN_GAP_SLACK_S = 0.5  # ours: a found filler's times may sit this far outside its gap (word-time drift)
FILLER_GAP_SOUNDING_MIN_S = 0.15  # ours: most of a 200 ms filled pause (Shriberg 1994) is above the threshold
# One temperature, no fallback: faster-whisper's default (0.0, 0.2, ... 1.0) re-decodes a failed window
# by unseeded sampling, so the same clip gave 22 words in one process and 18 in another (validation).
DECODE_TEMPERATURE = 0.0
# Whisper's word times drift: on 0870 at 1.25x the last word "them" was placed just after the last sounding
# frame. A word is dropped as invented only if no sound lies within this slack of its time span.
WORD_SOUND_SLACK_S = 0.25  # ours
VAD_MIN_SILENCE_MS = 500  # ours: Silero VAD splits speech at silences of 0.5 s (its default is 2 s)
# With no temperature fallback, a window that ends in a short noisy tail can loop ("see you in the next
# video" again and again) up to Whisper's 448-token limit; such segments are dropped as silence, but
# the loop cost 40% of the decoding time of 60 s of real speech (tiny.en, beam 5: 6.5 s -> 5.0 s with the
# cap). A 30 s window at 300 words/min is about 150 words, some 200 tokens with timestamps.
MAX_NEW_TOKENS_PER_WINDOW = 224  # ours
# Such a loop is not always dropped as silence: on a piper clip of 7.6 s (bench.eval_domain_prompt) the last
# 0.24 s became "Thanks for watching guys, I'll see you next time, see you next time, ..." (no-speech
# probability 0.51, log-probability -0.35, every word squeezed into 0-40 ms), in the report's transcript.
# Whisper's own test of a failed, repetitive decode is a compression ratio over 2.4; it would decode again
# at a higher temperature, which we do not (DECODE_TEMPERATURE), so the loop is cut out instead:
COMPRESSION_RATIO_MAX = 2.4  # openai/whisper transcribe.py compression_ratio_threshold
# The same clip synthesised again closed with "Thanks for watching guys, I'll see you next time." (9 words
# in 0.08 s, no loop): no one says more than ``MAX_WORDS_PER_S`` words a second, so such a segment was not said.
MAX_WORDS_PER_S = 12.0  # ours: fast speech is about 4-6 words a second (300-350 words a minute at most)
MIN_WORDS_FOR_RATE_TEST = 3  # ours: one or two words can be squeezed by timestamp rounding alone


@dataclass(frozen=True)
class Word:
    text: str  # as Whisper wrote it, with punctuation, no leading space
    start_s: float
    end_s: float
    probability: float


@dataclass
class Transcript:
    words: list[Word]
    duration_s: float  # of the whole recording
    language: str
    model_id: str
    beam_size: int
    language_probability: float | None = None  # only when the language was detected
    keep_fillers: bool = True
    transcribe_s: float = 0.0  # wall time of the transcription, seconds
    notes: list[str] = field(default_factory=list)
    domain_prompt: str | None = None  # Whisper's initial prompt (speech.domain), None without one

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def speech_detected(self) -> bool:
        return bool(self.words)

    @property
    def real_time_factor(self) -> float | None:
        """Transcription time over audio duration (below 1 is faster than real time)."""
        return self.transcribe_s / self.duration_s if self.duration_s > 0 else None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "language": self.language,
            "language_probability": self.language_probability,
            "model_id": self.model_id,
            "beam_size": self.beam_size,
            "keep_fillers": self.keep_fillers,
            "domain_prompt": self.domain_prompt,
            "duration_s": round(self.duration_s, 3),
            "speech_detected": self.speech_detected,
            "word_count": len(self.words),
            "transcribe_s": round(self.transcribe_s, 3),
            "real_time_factor": None if self.real_time_factor is None else round(self.real_time_factor, 4),
            "notes": list(self.notes),
            "words": [
                {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(w).items()} for w in self.words
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Transcript":
        return cls(
            words=[Word(**w) for w in data.get("words", [])], duration_s=float(data["duration_s"]),
            language=data.get("language", "en"), model_id=data.get("model_id", ""),
            beam_size=int(data.get("beam_size", 5)), language_probability=data.get("language_probability"),
            keep_fillers=bool(data.get("keep_fillers", True)), transcribe_s=float(data.get("transcribe_s", 0.0)),
            notes=list(data.get("notes", [])), domain_prompt=data.get("domain_prompt"),
        )


def _is_english_only(model_id: str) -> bool:
    return model_id.endswith(".en")


def _segment_is_silence(segment: Any) -> bool:
    if segment.no_speech_prob > NO_SPEECH_PROB_HARD_MAX:
        return True
    return segment.no_speech_prob > NO_SPEECH_PROB_MAX and segment.avg_logprob < AVG_LOGPROB_MIN


def _invented_tail(word: Any) -> bool:
    """Whisper's habit of closing a segment with a short, improbable word that nobody said."""
    return word.probability < TRAILING_WORD_PROB_MAX and (word.end - word.start) <= TRAILING_WORD_MAX_S


def _squeezed(word: Any) -> bool:
    """A word Whisper placed in one timestamp step or less: no time to say it."""
    return (word.end - word.start) <= SQUEEZED_WORD_MAX_S + TIMESTAMP_EPS_S


def _invented_closing_start(words: list[Any], *, after_speech: bool) -> int:
    """Where a closing phrase Whisper invented under a domain prompt starts in a segment's words (their
    count when there is none): within the last ``INVENTED_RUN_MAX_WORDS``, the first word with probability
    under ``INVENTED_ONSET_PROB_MAX`` from which on some word is squeezed into no time. The whole segment
    can be such a phrase only ``after_speech`` (an earlier segment of the chunk held words)."""
    first = 0 if after_speech else 1
    for start in range(max(first, len(words) - INVENTED_RUN_MAX_WORDS), len(words)):
        run = words[start:]
        if words[start].probability < INVENTED_ONSET_PROB_MAX and any(
                _squeezed(w) for w in run):
            return start
    return len(words)


def compression_ratio(text: str) -> float:
    """Whisper's measure of repetition: the text's UTF-8 length over its zlib-compressed length."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def _loop_start(words: list[Any]) -> int:
    """Where a repetition loop starts in a segment's words (their count when the segment is no loop): a
    segment whose own text compresses like a loop (``COMPRESSION_RATIO_MAX``) keeps its words up to the first
    one squeezed into no time, the words of a loop having no sound under them; with none squeezed, none."""
    if compression_ratio(" ".join(w.word.strip() for w in words)) <= COMPRESSION_RATIO_MAX:
        return len(words)
    return next((i for i, w in enumerate(words) if _squeezed(w)), 0)


def _too_fast_to_be_said(words: list[Any], start_s: float, end_s: float) -> bool:
    """A segment of ``MIN_WORDS_FOR_RATE_TEST`` or more words packed faster than ``MAX_WORDS_PER_S``."""
    return len(words) >= MIN_WORDS_FOR_RATE_TEST and len(words) > MAX_WORDS_PER_S * max(end_s - start_s, 0.0)


def _decode(model: Any, samples: np.ndarray, *, offset_s: float, beam_size: int, language: str | None,
            prompt: str | None, cut_invented_closings: bool = False) -> tuple[list[Word], Any]:
    segments, info = model.transcribe(
        samples, language=language, beam_size=beam_size, word_timestamps=True,
        vad_filter=True, vad_parameters={"min_silence_duration_ms": VAD_MIN_SILENCE_MS},
        condition_on_previous_text=False, initial_prompt=prompt, temperature=DECODE_TEMPERATURE,
        max_new_tokens=MAX_NEW_TOKENS_PER_WINDOW,
    )
    words: list[Word] = []
    for segment in segments:
        if _segment_is_silence(segment):
            continue
        seg_words = [w for w in (segment.words or []) if w.word.strip()]
        seg_words = seg_words[:_loop_start(seg_words)]
        if _too_fast_to_be_said(seg_words, segment.start, segment.end):
            continue
        while seg_words and _invented_tail(seg_words[-1]):
            seg_words.pop()
        if cut_invented_closings:
            seg_words = seg_words[:_invented_closing_start(seg_words, after_speech=bool(words))]
        for w in seg_words:
            words.append(Word(w.word.strip(), round(float(offset_s + w.start), 3), round(float(offset_s + w.end), 3),
                              round(float(w.probability), 4)))
    return words, info


def drop_words_in_silence(words: list[Word], samples: np.ndarray, *, offset_s: float = 0.0) -> list[Word]:
    """Words whose whole time span, widened by ``WORD_SOUND_SLACK_S``, is silent (every 10 ms frame under
    the recording's silence threshold, ``prosody.silence_threshold_db``) were not said: Whisper invents closing phrases
    ("Thank you for watching") over room-noise tails. ``samples`` is the 16 kHz chunk the word
    times (shifted by ``offset_s`` seconds) refer to."""
    loud = loudness_db(samples)
    if loud.size == 0 or not words:
        return words
    threshold = silence_threshold_db(loud)
    kept = []
    for w in words:
        lo = max(0, int((w.start_s - offset_s - WORD_SOUND_SLACK_S) / HOP_S))
        hi = min(loud.size, max(lo + 1, int(np.ceil((w.end_s - offset_s + WORD_SOUND_SLACK_S) / HOP_S))))
        if lo < loud.size and float(np.max(loud[lo:hi])) >= threshold:
            kept.append(w)
    return kept


def word_gaps(words: list[Word], duration_s: float, *, offset_s: float = 0.0) -> list[tuple[float, float]]:
    """Gaps (chunk-relative seconds) of at least ``FILLER_GAP_MIN_S`` between words, and before the
    first / after the last word of a chunk of ``duration_s`` seconds starting at ``offset_s``."""
    edges = [0.0] + [t - offset_s for w in words for t in (w.start_s, w.end_s)] + [duration_s]
    return [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= FILLER_GAP_MIN_S]


def sounding_gaps(samples: np.ndarray, gaps: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The ``gaps`` (chunk-relative seconds) holding at least ``FILLER_GAP_SOUNDING_MIN_S`` of sound
    above the chunk's silence threshold: only these can hold a filled pause the plain pass dropped."""
    loud = loudness_db(samples)
    if loud.size == 0:
        return []
    threshold = silence_threshold_db(loud)
    return [(a, b) for a, b in gaps
            if np.count_nonzero(loud[int(a / HOP_S): int(b / HOP_S)] >= threshold) * HOP_S >= FILLER_GAP_SOUNDING_MIN_S]


def filler_regions(gaps: list[tuple[float, float]], duration_s: float) -> list[tuple[float, float]]:
    """The ``gaps`` padded by ``FILLER_REGION_PAD_S`` (context for the decoder), clipped to the chunk, merged."""
    regions: list[tuple[float, float]] = []
    for gap_start, gap_end in gaps:
        start, end = max(0.0, gap_start - FILLER_REGION_PAD_S), min(duration_s, gap_end + FILLER_REGION_PAD_S)
        if regions and start <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(regions[-1][1], end))
        else:
            regions.append((start, end))
    return regions


def _filler_pass(model: Any, samples: np.ndarray, words: list[Word], *, offset_s: float, language: str) -> list[Word]:
    """The verbatim (filler-prompt) pass over the sounding gaps between words only, joined by digital
    silence into one array (one call: every call pays a whole 30 s encoder window); times mapped back."""
    duration_s = len(samples) / SAMPLE_RATE_HZ
    gaps = sounding_gaps(samples, word_gaps(words, duration_s, offset_s=offset_s))
    regions = filler_regions(gaps, duration_s)
    if not regions:
        return []
    if sum(b - a for a, b in regions) > FILLER_REGIONS_MAX_FRACTION * duration_s:
        return _decode(model, samples, offset_s=offset_s, beam_size=FILLER_PASS_BEAM_SIZE, language=language,
                       prompt=FILLER_PROMPT)[0]
    separator = np.zeros(int(FILLER_REGION_SEPARATOR_S * SAMPLE_RATE_HZ), dtype=np.float32)
    pieces, placed, cursor_s = [], [], 0.0  # placed: (start in joined audio, start in chunk, length), seconds
    for start_s, end_s in regions:
        piece = samples[int(start_s * SAMPLE_RATE_HZ): int(end_s * SAMPLE_RATE_HZ)]
        placed.append((cursor_s, start_s, len(piece) / SAMPLE_RATE_HZ))
        pieces += [piece, separator]
        cursor_s += (len(piece) + len(separator)) / SAMPLE_RATE_HZ
    verbatim, _ = _decode(model, np.concatenate(pieces), offset_s=0.0, beam_size=FILLER_PASS_BEAM_SIZE,
                          language=language, prompt=FILLER_PROMPT)
    mapped = []
    for w in verbatim:
        if not is_filled_pause(w.text):
            continue
        for joined_s, chunk_s, length_s in placed:
            if joined_s <= w.start_s < joined_s + length_s:
                start_s, end_s = w.start_s - joined_s + chunk_s, min(w.end_s, joined_s + length_s) - joined_s + chunk_s
                # kept only near a sounding gap: the padding around it holds the neighbouring words
                if any(a - FILLER_IN_GAP_SLACK_S <= end_s and start_s <= b + FILLER_IN_GAP_SLACK_S for a, b in gaps):
                    mapped.append(Word(w.text, round(start_s + offset_s, 3), round(end_s + offset_s, 3), w.probability))
                break
    return mapped


def merge_fillers(words: list[Word], verbatim: list[Word]) -> list[Word]:
    """Insert the filled pauses of the verbatim pass into the plain transcript where it has none."""
    merged = list(words)
    for filler in (w for w in verbatim if is_filled_pause(w.text)):
        if any(is_filled_pause(w.text) and abs(w.start_s - filler.start_s) < FILLER_MERGE_S for w in merged):
            continue
        merged.append(filler)
    merged.sort(key=lambda w: (w.start_s, w.end_s))
    return merged


def transcribe_chunk(
    model: Any, samples: np.ndarray, *, offset_s: float = 0.0, beam_size: int = 5,
    language: str | None = "en", keep_fillers: bool = True, domain_prompt: str | None = None,
) -> tuple[list[Word], str, float | None]:
    """Transcribe one 16 kHz mono chunk; word times are shifted by ``offset_s`` seconds.

    ``domain_prompt`` (``speech.domain.domain_prompt``: the question and its topic words) is Whisper's
    ``initial_prompt`` for the main pass, so the words of the field are heard as such.

    With ``keep_fillers``, a second greedy pass with ``FILLER_PROMPT`` over the gaps between words
    (``filler_regions``) finds the "um"/"uh" that the plain pass drops; only its filled pauses are merged
    (the prompt makes Whisper invent closing words such as "thank you" on short clips, so its other words
    are not trusted).
    Returns ``(words, language, language_probability)``.
    """
    if samples.size == 0 or float(np.max(np.abs(samples))) < DIGITAL_SILENCE_PEAK:
        return [], language or "en", None
    words, info = _decode(model, samples, offset_s=offset_s, beam_size=beam_size, language=language,
                          prompt=domain_prompt, cut_invented_closings=domain_prompt is not None)
    if keep_fillers and words:
        words = merge_fillers(words, _filler_pass(model, samples, words, offset_s=offset_s, language=info.language))
    words = drop_words_in_silence(words, samples, offset_s=offset_s)
    detected_probability = None if language else float(info.language_probability)
    return words, info.language, detected_probability


def transcribe(
    path_or_array: str | Path | np.ndarray,
    *,
    model_id: str | None = None,
    beam_size: int = 5,
    language: str | None = "en",
    keep_fillers: bool = True,
    progress: bool = False,
    chunk_s: float = CHUNK_S,
    domain_prompt: str | None = None,
) -> Transcript:
    """Transcribe a recording (any container, rate, channels) or a 16 kHz mono float32 array.

    ``language=None`` detects the language (multilingual models only; an English-only model such
    as ``whisper-tiny.en`` then transcribes as English and says so in ``notes``). Long recordings
    are processed in chunks of ``chunk_s`` seconds with bounded memory; ``progress`` shows a bar.
    Silence or noise gives a transcript with no words (``speech_detected`` False), never invented text.
    """
    model_id = model_id or default_model_id("stt")
    if get_spec(model_id).task != "stt":
        raise InputError(f"model {model_id!r} is not a speech-to-text model")
    if beam_size < 1 or beam_size > 20:
        raise InputError(f"beam_size must be between 1 and 20, got {beam_size}")
    notes: list[str] = []
    if language is None and _is_english_only(model_id):
        notes.append(f"{model_id} is English-only: language detection is not possible, transcribed as English")
        language = "en"
    model = registry.load(model_id)
    if isinstance(path_or_array, np.ndarray):
        total_s = len(path_or_array) / SAMPLE_RATE_HZ if path_or_array.ndim == 1 else None
    else:
        total_s = probe(path_or_array).duration_s
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=round(total_s or 0, 1) or None, unit="s", desc=f"transcribing ({model_id})")
    started = time.perf_counter()
    words: list[Word] = []
    detected, detected_probability = language or "en", None
    duration_s = 0.0
    try:
        for offset_s, samples in iter_chunks(path_or_array, chunk_s=chunk_s):
            chunk_words, chunk_language, chunk_probability = transcribe_chunk(
                model, samples, offset_s=offset_s, beam_size=beam_size, language=language, keep_fillers=keep_fillers,
                domain_prompt=domain_prompt,
            )
            words.extend(chunk_words)
            if language is None and chunk_probability is not None and detected_probability is None:
                detected, detected_probability = chunk_language, chunk_probability
                language = detected  # keep one language across chunks
            duration_s = offset_s + len(samples) / SAMPLE_RATE_HZ
            if bar is not None:
                bar.update(round(len(samples) / SAMPLE_RATE_HZ, 1))
    finally:
        if bar is not None:
            bar.close()
    return Transcript(
        words=words, duration_s=duration_s, language=detected, model_id=model_id, beam_size=beam_size,
        language_probability=detected_probability, keep_fillers=keep_fillers,
        transcribe_s=time.perf_counter() - started, notes=notes, domain_prompt=domain_prompt,
    )
