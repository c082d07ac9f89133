"""Speech-to-text comparison: word error rate, fillers, word timing and speed of each model.

Transcription is the project's own (``workbench.speech.stt.transcribe``, beam 5, filler-keeping pass), so
the figures are those a user of the workbench gets. WER normalises both sides with
``workbench.speech.textnorm`` and counts errors with jiwer; it is a corpus figure (errors over reference
words of all items), so long items weigh more, as in ``make eval-speech``.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from difflib import SequenceMatcher
from typing import Any

import numpy as np

from workbench.evaluation.core import HIGHER, LOWER, Dataset, Item, ItemResult, Measure
from workbench.evaluation.stt_data import DEFAULT_SET, bundled_dataset, folder_dataset

MODEL_TASK = "stt"
LONG_RECORDING_S = 300.0  # ours: from 5 minutes on, a recording gets its own progress bar
MEASURES = (
    Measure("word_error_rate", "ratio", LOWER, "word errors (substitutions + deletions + insertions) over reference "
            "words, both sides normalised (workbench.speech.textnorm)"),
    Measure("filler_recall_share", "ratio", HIGHER, "marked fillers found (within the filler-matching tolerance of "
            "workbench.speech.synth_fillers), where references mark fillers"),
    Measure("filler_precision_share", "ratio", HIGHER, "transcribed fillers that match a marked filler"),
    Measure("word_start_error_ms", "ratio", LOWER, "mean absolute start-time error of the words that match the "
            "reference, where references carry word times"),
    Measure("real_time_factor", "ratio", LOWER, "transcription time over audio duration (below 1 is faster "
            "than real time)"),
)
SHOWN_OUTPUT = ("text",)  # what the side-by-side view shows of each output
PRIMARY_MEASURE = "word_error_rate"
SPEED_MEASURE = "real_time_factor"


def load_dataset(*, audio: str | None = None, prompts: str | None = None, name: str | None = None,
                 limit: int | None = None) -> Dataset:
    """A folder of recordings (``audio``) or a bundled set (``name``, default ``real-speech``)."""
    from workbench.errors import InputError

    if prompts:
        raise InputError("--prompts is for the llm and embedding tasks; stt takes --audio DIR or --set NAME")
    if audio and name:
        raise InputError("give --audio DIR or --set NAME, not both")
    dataset = folder_dataset(audio) if audio else bundled_dataset(name or DEFAULT_SET)
    if limit:
        dataset.items = dataset.items[:limit]
    return dataset


def word_start_errors_ms(reference: list[dict[str, Any]], words: list[Any]) -> tuple[float, int]:
    """Sum of |start-time error| (ms) over the words the hypothesis shares with the reference (aligned by
    their normalised text), and how many there are."""
    from workbench.speech.textnorm import normalise

    ref = [(normalise(w["text"]), w["start_s"]) for w in reference]
    hyp = [(normalise(w.text), w.start_s) for w in words]
    ref, hyp = [r for r in ref if r[0]], [h for h in hyp if h[0]]
    matcher = SequenceMatcher(None, [r[0] for r in ref], [h[0] for h in hyp], autojunk=False)
    total_ms, matched = 0.0, 0
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            total_ms += abs(ref[block.a + k][1] - hyp[block.b + k][1]) * 1000.0
            matched += 1
    return total_ms, matched


def _duration_s(audio: Any) -> float:
    from workbench.media_limits import SAMPLE_RATE_HZ
    from workbench.speech.audio import probe

    return len(audio) / SAMPLE_RATE_HZ if isinstance(audio, np.ndarray) else probe(audio).duration_s


def _evaluate(model_id: str, item: Item, progress: bool) -> ItemResult:
    from workbench.speech.stt import transcribe
    from workbench.speech.synth_fillers import match_fillers
    from workbench.speech.lexicon import FILLED_PAUSES
    from workbench.speech.textnorm import normalise, word_error_rate

    payload = item.payload
    long = progress and _duration_s(payload["audio"]) >= LONG_RECORDING_S
    transcript = transcribe(payload["audio"], model_id=model_id, progress=long)
    counts = word_error_rate([payload["reference"]], [transcript.text])
    errors = counts["substitutions"] + counts["deletions"] + counts["insertions"]
    parts: dict[str, Any] = {"real_time_factor": (transcript.transcribe_s, transcript.duration_s)}
    if counts["reference_words"]:
        parts["word_error_rate"] = (errors, counts["reference_words"])
    if payload.get("fillers") is not None:
        found = [w.start_s for w in transcript.words if normalise(w.text, drop_fillers=False) in FILLED_PAUSES]
        hits, false_found, missed = match_fillers(payload["fillers"], found)
        parts["filler_recall_share"] = (hits, hits + missed)
        parts["filler_precision_share"] = (hits, hits + false_found)
    if payload.get("words"):
        parts["word_start_error_ms"] = word_start_errors_ms(payload["words"], transcript.words)
    output = {"text": transcript.text, "reference": payload["reference"],
              "duration_s": round(transcript.duration_s, 3), "word_errors": errors,
              "reference_words": counts["reference_words"]}
    return ItemResult(parts=parts, output=output, inference_s=transcript.transcribe_s)


@contextlib.contextmanager
def evaluator(model_id: str, model: Any, *, progress: bool = False) -> Iterator[Any]:
    """``evaluate(item, seed)`` for one loaded model (decoding is deterministic: the seed is not needed)."""
    yield lambda item, seed: _evaluate(model_id, item, progress)
