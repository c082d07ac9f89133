"""Transcription and voice measures on real recordings, with tolerant assertions."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from workbench.media_limits import SAMPLE_RATE_HZ
from workbench.speech import analyse_voice, transcribe
from workbench.speech.audio import load_audio
from workbench.speech.textnorm import normalise, word_error_rate

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")  # Debian pocketsphinx-testdata, real read speech
READ_CLIP = LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0920.wav"
READ_REFERENCE = "had he married a more a amiable woman he might have been made still more respectable than he was"
NOISE_CLIP = Path("/usr/share/sounds/alsa/Noise.wav")  # alsa-utils: noise, no words


@pytest.fixture(scope="module")
def read_analysis():
    return analyse_voice(READ_CLIP)


def test_transcript_has_word_timings(real_speech_wav):
    result = transcribe(real_speech_wav, beam_size=1)
    assert normalise(result.text) == "ten of clubs"  # cards.transcription for 001
    starts = [w.start_s for w in result.words]
    assert starts == sorted(starts)
    assert all(0 <= w.start_s <= w.end_s <= result.duration_s + 0.05 for w in result.words)
    assert all(0 < w.probability <= 1 for w in result.words)
    data = result.to_json()
    assert {"text", "words", "duration_s", "language", "real_time_factor"} <= data.keys()
    assert {"text", "start_s", "end_s", "probability"} == set(data["words"][0])
    json.dumps(data)


def test_read_speech_metrics(read_analysis):
    data = read_analysis.to_json()
    json.dumps(data)
    assert data["speech_detected"]
    assert word_error_rate([READ_REFERENCE], [data["transcript"]["text"]])["wer"] <= 0.2
    assert 15 <= data["word_count"] <= 21  # 19 words in the reference
    # 18-19 words over about 5.8 s of speaking: 150-230 wpm; a careful reader, tolerant bounds
    assert 140 <= data["words_per_minute"] <= 240
    assert data["articulation_rate_wpm"] >= data["words_per_minute"]
    assert 80 <= data["pitch_median_hz"] <= 160  # an adult male reader
    assert 0.5 <= data["pitch_variability_semitones"] <= 8
    assert -45 <= data["loudness_mean_db"] <= -5
    assert 0 <= data["monotony"] <= 1
    assert 0 <= data["pause_ratio"] < 0.5
    for key in ("words_per_minute", "fillers_per_100_words", "pitch_variability_semitones", "pause_ratio"):
        band = data["bands"][key]
        assert band["band"] in {"low", "in", "high"} and band["source"]


def test_read_speech_has_no_invented_fillers(read_analysis):
    assert read_analysis.metrics.filler_count == 0


def test_curves_for_plot(read_analysis):
    import matplotlib

    matplotlib.use("Agg")
    from workbench.speech.plots import plot_timeline

    curves = read_analysis.curves()
    assert len(curves["times_s"]) == pytest.approx(read_analysis.transcript.duration_s * 10, abs=2)
    assert sum(p is not None for p in curves["pitch_hz"]) > 10
    fig = plot_timeline(read_analysis.to_json(include_curves=True))
    assert fig.axes and fig.axes[0].get_xlim()[1] == pytest.approx(read_analysis.transcript.duration_s, abs=0.1)


def test_noise_gives_honest_empty_result():
    result = analyse_voice(NOISE_CLIP).to_json()
    assert result["speech_detected"] is False
    assert result["words_per_minute"] is None and result["fillers_per_100_words"] is None
    assert result["transcript"]["words"] == []


def test_digital_silence_invents_nothing():
    silence = np.zeros(5 * SAMPLE_RATE_HZ, dtype=np.float32)
    result = analyse_voice(silence)
    assert not result.transcript.speech_detected and result.metrics.words_per_minute is None


def test_phone_audio_8k(tmp_path):
    """8 kHz telephone-band audio (sox resample of a real clip) still transcribes."""
    phone = tmp_path / "phone.wav"
    subprocess.run(["sox", str(READ_CLIP), "-r", "8000", str(phone)], check=True, timeout=60)
    result = transcribe(phone)
    assert word_error_rate([READ_REFERENCE], [result.text])["wer"] <= 0.35


def test_language_detection_note_on_english_only_model(real_speech_wav):
    result = transcribe(real_speech_wav, language=None, beam_size=1)
    assert result.language == "en" and result.notes


@pytest.mark.slow
def test_non_english_speech_is_detected(tmp_path):
    """espeak-ng speaking French: whisper-base detects it (tiny.en would only say it is English-only)."""
    path = tmp_path / "fr.wav"
    subprocess.run(["espeak-ng", "-v", "fr", "-w", str(path),
                    "Bonjour, je travaille dans une petite entreprise depuis trois ans."], check=True, timeout=60)
    result = transcribe(path, model_id="whisper-base", language=None, beam_size=1)
    assert result.language == "fr" and result.language_probability > 0.5
    assert load_audio(path).size > 0
