"""Tables for the voice notebook and reports (kept out of the notebook: notebooks hold no defs)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

BUNDLED_CLIPS = (  # real human speech installed by Debian packages (see Makefile APT_PACKAGES)
    Path("/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav"),
    Path("/usr/share/pocketsphinx/test/data/cards/005.wav"),
    Path("/usr/share/sounds/alsa/Front_Center.wav"),
)
TABLE_MEASURES = (
    "duration_s", "word_count", "words_per_minute", "articulation_rate_wpm", "pause_count", "pause_longest_s",
    "pause_ratio", "filler_count", "fillers_per_100_words", "pitch_median_hz", "pitch_variability_semitones",
    "loudness_mean_db", "monotony",
)


def bundled_clip() -> Path:
    """The first real speech clip installed here, so the notebook always has something to analyse."""
    from workbench.errors import InputError

    for path in BUNDLED_CLIPS:
        if path.is_file():
            return path
    raise InputError("no bundled speech clip found: run `make setup` (pocketsphinx-testdata, alsa-utils)")


def answers_table(analyses: dict[str, dict[str, Any]]):
    """One row per answer, one column per measure (a pandas DataFrame)."""
    import pandas as pd

    rows = {name: {m: voice.get(m) for m in TABLE_MEASURES} for name, voice in analyses.items()}
    return pd.DataFrame.from_dict(rows, orient="index")


def norms_table(voice: dict[str, Any]):
    """Each banded measure: value, band (low/in/high), limits and source (a pandas DataFrame)."""
    import pandas as pd

    return pd.DataFrame.from_dict(voice.get("bands", {}), orient="index")


def latest_eval_table():
    """The WER/RTF table of the latest ``make eval-speech`` run (a DataFrame), or None if never run."""
    import json

    import pandas as pd

    from workbench.config import settings

    runs = sorted((settings().reports_dir / "eval-speech").glob("*/results.json"))
    if not runs:
        return None
    results = json.loads(runs[-1].read_text())
    columns = ("model_id", "beam_size", "keep_fillers", "wer", "substitutions", "deletions", "insertions",
               "times_real_time")
    return pd.DataFrame([{c: r.get(c) for c in columns} for r in results["wer"]])
