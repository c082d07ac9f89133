"""Words Whisper writes that nobody said, at the end of an answer (issue 19, truer transcripts): a
repetition loop and a closing phrase packed into a fraction of a second, on two real syntheses of the
packaged piper voice where whisper-tiny.en wrote them (tests/data/README.md). The real model, the real
transcribe path (chunks, filler pass, silence checks)."""
from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf

from workbench.speech.stt import COMPRESSION_RATIO_MAX, compression_ratio, transcribe

DATA = Path(__file__).parent / "data"
READ = ("First I would run explain to see the query plan, check whether the index is still used, and look at "
        "data growth, locks and stale statistics.")


@pytest.mark.parametrize("clip", ["piper_loop_tail.flac", "piper_invented_closing.flac"])
def test_the_transcript_ends_with_what_was_read(clip):
    samples, rate = sf.read(DATA / clip, dtype="float32")
    assert rate == 16_000
    text = transcribe(samples, model_id="whisper-tiny.en").text
    assert "see you" not in text.lower() and "watching" not in text.lower(), text
    assert text.rstrip(".").endswith("statistics"), text
    assert "query plan" in text and "index" in text  # the answer itself is kept


def test_compression_ratio_tells_a_loop_from_an_answer():
    assert compression_ratio(READ) < COMPRESSION_RATIO_MAX
    assert compression_ratio("see you next time, " * 12) > COMPRESSION_RATIO_MAX
    assert compression_ratio("") == 0.0
