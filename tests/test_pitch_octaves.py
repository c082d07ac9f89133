"""Octave errors in the pitch track are repaired before statistics and plots (issue 19 item 4):
real voices (LibriVox and the bundled sample session), errors inserted at known frames, real glides kept."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from workbench.speech.prosody import HOP_S, ProsodyTrack, pitch_summary, repair_octave_jumps, track_chunk
from workbench.validation import fixtures as fx

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample_session"
MEDIAN_SHIFT_MAX = 0.02  # the issue: medians stay within 2 %
JUMP_RATIO = 2 ** (11 / 12)  # a voiced frame 11 semitones or more above the median: a harmonic jump
# (an octave error reads near 2x the true pitch, which itself moves a few semitones around the median)


@pytest.fixture(scope="module")
def real_tracks() -> dict[str, ProsodyTrack]:
    clips = {c.name: c.path for c in fx.librivox_clips()}
    clips |= {p.name: p for p in sorted(SAMPLE_DIR.glob("answer*.webm"))}
    return {name: track_chunk(fx.load(path)) for name, path in clips.items()}


def _jumps(pitch_hz: np.ndarray) -> int:
    return int(np.sum(pitch_hz > JUMP_RATIO * np.nanmedian(pitch_hz)))


def test_real_voices_lose_their_jumps_and_keep_their_medians(real_tracks):
    before = {name: _jumps(t.pitch_hz) for name, t in real_tracks.items()}
    assert sum(before.values()) >= 20  # the sample and LibriVox do have harmonic jumps today
    for name, track in real_tracks.items():
        repaired = track.with_octaves_repaired()
        assert _jumps(repaired.pitch_hz) == 0, name
        old, new = pitch_summary(track), pitch_summary(repaired)
        assert abs(new["pitch_median_hz"] / old["pitch_median_hz"] - 1) <= MEDIAN_SHIFT_MAX, name
        assert new["pitch_variability_semitones"] <= old["pitch_variability_semitones"], name
        assert repaired.pitch_frames_repaired >= (1 if before[name] else 0), name
    # the sample's first answer: a ~87 Hz voice read at 300+ Hz for a few frames inflated its variation
    sample = real_tracks["answer1.webm"]
    assert pitch_summary(sample)["pitch_variability_semitones"] - pitch_summary(
        sample.with_octaves_repaired())["pitch_variability_semitones"] > 1.0


@pytest.mark.parametrize("factor", [2.0, 3.0, 0.5])
def test_inserted_errors_are_folded_back(real_tracks, factor):
    clean, changed = repair_octave_jumps(real_tracks["0930"].pitch_hz)  # a clip with no jump of its own
    assert changed == 0
    spoiled = clean.copy()
    voiced = np.flatnonzero(np.isfinite(clean))
    starts = voiced[[40, 120, 200]]
    inserted = []
    for start in starts:
        run = np.arange(start, start + 6)
        run = run[np.isfinite(clean[run])]
        spoiled[run] *= factor
        inserted.extend(run.tolist())
    repaired, count = repair_octave_jumps(spoiled)
    assert count == len(inserted)
    np.testing.assert_allclose(repaired[inserted], clean[inserted], rtol=1e-9)
    untouched = np.setdiff1d(voiced, inserted)
    np.testing.assert_array_equal(repaired[untouched], clean[untouched])


def test_a_real_glide_is_left_alone():
    n = int(0.6 / HOP_S)
    steady = np.full(n, 100.0)
    glide = 100.0 * 2 ** (np.linspace(0, 14, n) / 12)  # a fast 14-semitone rise, as in an excited question
    pitch = np.concatenate([steady, glide, steady])
    repaired, count = repair_octave_jumps(pitch)
    assert count == 0
    np.testing.assert_array_equal(repaired, pitch)


def test_a_stretch_no_factor_explains_is_dropped_not_kept():
    pitch = np.full(200, 100.0)
    pitch[100:104] = 100.0 * 2 ** (16 / 12)  # 16 semitones up: between the 2nd and 3rd harmonic
    repaired, count = repair_octave_jumps(pitch)
    assert count == 4 and np.isnan(repaired[100:104]).all()
    assert np.isfinite(repaired[:100]).all() and np.isfinite(repaired[104:]).all()
