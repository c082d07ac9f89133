"""Fillers and disfluencies: lexical fillers from the transcript (with care for meaningful uses),
filled pauses found in the audio where Whisper wrote nothing, repetitions and restarts.

Whisper drops many "um"/"uh"; ``stt.FILLER_PROMPT`` recovers most, and ``acoustic_filled_pauses``
looks for the rest: a voiced, flat-pitched stretch inside a gap between words (Shriberg 1994 and
O'Shaughnessy 1992 describe filled pauses as sustained, low, flat-F0 vowels). eval-speech measures
recall and precision on recordings with fillers at known times.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from workbench.speech.lexicon import LIKE_MEANINGFUL_AFTER, SET_OFF_MARKERS, TWO_WORD_MARKERS, is_filled_pause
from workbench.speech.prosody import HOP_S, ProsodyTrack, semitones
from workbench.speech.stt import Word

# Doubled words that are grammatical ("had had", "that that").
GRAMMATICAL_DOUBLES = frozenset({"had", "that", "is", "do"})
PAUSE_BEFORE_MARKER_S = 0.25  # De Jong & Bosker (2013): 250 ms is the best silent-pause cut-off
REPETITION_MAX_GAP_S = 1.0  # ours: a repeat more than 1 s later is emphasis, not a disfluency
# Acoustic filled-pause detector (all ours, tuned on the synthetic filler set, checked on real speech).
FILLED_PAUSE_MIN_S = 0.20  # filled pauses last 200 ms or more (Shriberg 1994 reports ~200-700 ms)
FILLED_PAUSE_MAX_PITCH_SD_SEMITONES = 1.0  # flat F0
FILLED_PAUSE_EDGE_MARGIN_S = 0.10  # ignore the first/last 100 ms of a gap: Whisper's word times drift
FILLED_PAUSE_MERGE_S = 0.5  # an acoustic find within 0.5 s of a transcribed filler is the same one

_STRIP = re.compile(r"[^\w'-]+")


@dataclass(frozen=True)
class Filler:
    text: str  # the words, or "(filled pause)" for an acoustic find
    start_s: float
    end_s: float
    kind: str  # "filled_pause" | "discourse_marker" | "acoustic_filled_pause"


@dataclass(frozen=True)
class Disfluency:
    text: str
    start_s: float
    end_s: float
    kind: str  # "repetition" | "restart"


def normalise_word(text: str) -> str:
    return _STRIP.sub("", text.lower()).strip("-'")


def _set_off(words: list[Word], i: int, j: int) -> bool:
    """Are words i..j set off: a comma/stop after j, a comma or sentence end before i, or a pause before i?"""
    after = words[j].text.endswith((",", ".", "?", "!", "...", ";"))
    if i == 0:
        return after or j == len(words) - 1
    before_text = words[i - 1].text.endswith((",", ".", "?", "!", ";"))
    paused = words[i].start_s - words[i - 1].end_s >= PAUSE_BEFORE_MARKER_S
    return after or before_text or paused or is_filled_pause(normalise_word(words[i - 1].text))


def lexical_fillers(words: list[Word]) -> list[Filler]:
    """Fillers in the transcript: every filled pause, and discourse markers only when set off."""
    found: list[Filler] = []
    norms = [normalise_word(w.text) for w in words]
    skip_next = False
    for i, norm in enumerate(norms):
        if skip_next:
            skip_next = False
            continue
        w = words[i]
        if norm and is_filled_pause(norm):
            found.append(Filler(norm, w.start_s, w.end_s, "filled_pause"))
            continue
        if i + 1 < len(words) and (norm, norms[i + 1]) in TWO_WORD_MARKERS:
            if words[i + 1].text.endswith((",", ".", "?", "!")) or (i + 1 == len(words) - 1):
                found.append(Filler(f"{norm} {norms[i + 1]}", w.start_s, words[i + 1].end_s, "discourse_marker"))
                skip_next = True
            continue
        if norm in SET_OFF_MARKERS:
            if norm == "like" and i > 0 and norms[i - 1] in LIKE_MEANINGFUL_AFTER:
                continue
            if norm == "right":  # only the tag question "..., right?" or a sentence-initial "Right, ..."
                initial = i == 0 or words[i - 1].text.endswith((".", "?", "!"))
                if not (w.text.endswith("?") or (initial and w.text.endswith(","))):
                    continue
            if _set_off(words, i, i) and (w.text.endswith((",", "?") if norm == "right" else ",") or norm == "like"):
                found.append(Filler(norm, w.start_s, w.end_s, "discourse_marker"))
    return found


def disfluencies(words: list[Word]) -> list[Disfluency]:
    """Repetitions ("I I think") and restarts (a cut-off word Whisper writes with a hyphen: "wh-")."""
    found: list[Disfluency] = []
    norms = [normalise_word(w.text) for w in words]
    for i, w in enumerate(words):
        if w.text.rstrip(",.").endswith("-") and len(norms[i]) > 0:
            found.append(Disfluency(w.text, w.start_s, w.end_s, "restart"))
        if (
            i + 1 < len(words) and norms[i] and norms[i] == norms[i + 1] and norms[i] not in GRAMMATICAL_DOUBLES
            and not is_filled_pause(norms[i]) and words[i + 1].start_s - w.end_s <= REPETITION_MAX_GAP_S
        ):
            found.append(Disfluency(f"{w.text} {words[i + 1].text}", w.start_s, words[i + 1].end_s, "repetition"))
    return found


def _voiced_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) frame index pairs, end exclusive, of the True runs in ``mask``."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2], edges[1::2], strict=True))


def acoustic_filled_pauses(words: list[Word], track: ProsodyTrack, known: list[Filler]) -> list[Filler]:
    """Filled pauses in gaps between transcribed words: voiced, loud enough and flat in pitch for at
    least ``FILLED_PAUSE_MIN_S``, and not already transcribed as a filler nearby."""
    if len(words) < 2 or track.times_s.size == 0:
        return []
    threshold_db = track.silence_threshold_db()
    min_frames = int(round(FILLED_PAUSE_MIN_S / HOP_S))
    known_times = np.array([f.start_s for f in known]) if known else np.zeros(0)
    t0 = float(track.times_s[0])
    found: list[Filler] = []
    for previous, following in zip(words, words[1:], strict=False):  # each pair of neighbours
        start = previous.end_s + FILLED_PAUSE_EDGE_MARGIN_S
        end = following.start_s - FILLED_PAUSE_EDGE_MARGIN_S
        if end - start < FILLED_PAUSE_MIN_S:
            continue
        lo, hi = int((start - t0) / HOP_S), int((end - t0) / HOP_S)
        pitch = track.pitch_hz[lo:hi]
        loud = track.loudness_db[lo:hi] > threshold_db
        for a, b in _voiced_runs(np.isfinite(pitch) & loud):
            if b - a < min_frames:
                continue
            run = pitch[a:b]
            if float(np.std(semitones(run, float(np.median(run))))) > FILLED_PAUSE_MAX_PITCH_SD_SEMITONES:
                continue
            onset = t0 + (lo + a) * HOP_S
            if known_times.size and float(np.min(np.abs(known_times - onset))) < FILLED_PAUSE_MERGE_S:
                continue
            found.append(Filler("(filled pause)", round(float(onset), 3), round(float(t0 + (lo + b) * HOP_S), 3),
                               "acoustic_filled_pause"))
    return found


def to_json(items: list[Filler] | list[Disfluency]) -> list[dict[str, Any]]:
    return [asdict(item) for item in items]
