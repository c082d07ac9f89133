"""Decoding and bad input: every broken recording gives a clear InputError, never a traceback."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from workbench.errors import InputError
from workbench.media_limits import SAMPLE_RATE_HZ
from workbench.speech.audio import CHUNK_S, iter_chunks, load_audio, probe

ALSA_FRONT_CENTER = Path("/usr/share/sounds/alsa/Front_Center.wav")  # 48 kHz real voice


def _ffmpeg(*args: str) -> None:
    if shutil.which("ffmpeg") is None:
        pytest.fail("ffmpeg missing: run `make setup`")
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True, timeout=60)


def test_real_clip_decodes_to_16k_mono(real_speech_wav):
    samples = load_audio(real_speech_wav)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert abs(len(samples) / SAMPLE_RATE_HZ - 1.095) < 0.02  # soxi says 1.095 s
    assert 0.05 < np.max(np.abs(samples)) <= 1.0


def test_48k_clip_is_resampled():
    info = probe(ALSA_FRONT_CENTER)
    assert info.sample_rate_hz == 48_000 and info.duration_s == pytest.approx(1.428, abs=0.02)
    assert len(load_audio(ALSA_FRONT_CENTER)) / SAMPLE_RATE_HZ == pytest.approx(1.428, abs=0.03)


@pytest.mark.parametrize("suffix, codec", [(".webm", "libopus"), (".mp3", "libmp3lame"), (".ogg", "libvorbis")])
def test_browser_and_compressed_formats_decode(tmp_path, real_speech_wav, suffix, codec):
    out = tmp_path / f"answer{suffix}"
    _ffmpeg("-i", str(real_speech_wav), "-ac", "2", "-ar", "48000", "-c:a", codec, str(out))
    samples = load_audio(out)
    assert len(samples) / SAMPLE_RATE_HZ == pytest.approx(1.095, abs=0.1)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.webm"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        load_audio(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        probe(tmp_path / "nothing.wav")


def test_corrupt_file(tmp_path):
    path = tmp_path / "junk.wav"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 20_000, dtype=np.uint8).tobytes())
    with pytest.raises(InputError, match="corrupt"):
        load_audio(path)


def test_truncated_wav(tmp_path, real_speech_wav):
    path = tmp_path / "truncated.wav"
    path.write_bytes(real_speech_wav.read_bytes()[:1000])  # header and a few ms
    with pytest.raises(InputError, match="truncated"):
        load_audio(path)


def test_video_without_audio_track(tmp_path):
    path = tmp_path / "silent_video.mp4"
    _ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=5", "-t", "1", "-pix_fmt", "yuv420p", str(path))
    with pytest.raises(InputError, match="without an audio track"):
        probe(path)


def test_video_with_audio_track(tmp_path, real_speech_wav):
    path = tmp_path / "answer.mp4"
    _ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=5", "-i", str(real_speech_wav), "-shortest",
            "-pix_fmt", "yuv420p", "-c:a", "aac", str(path))
    info = probe(path)
    assert info.has_video and info.codec == "aac"
    assert len(load_audio(path)) > 0.8 * SAMPLE_RATE_HZ


def test_long_recording_is_chunked_with_bounded_chunks(tmp_path):
    """A one-hour recording streams in chunks of at most CHUNK_S (+ the cut search window)."""
    path = tmp_path / "hour.wav"
    rng = np.random.default_rng(1)
    with sf.SoundFile(path, "w", samplerate=8000, channels=1, subtype="PCM_16") as f:
        for _ in range(60):  # one minute at a time: the test itself stays small
            f.write((0.01 * rng.standard_normal(8000 * 60)).astype(np.float32))
    sizes, offsets = [], []
    for offset_s, chunk in iter_chunks(path):
        sizes.append(len(chunk))
        offsets.append(offset_s)
    assert sum(sizes) / SAMPLE_RATE_HZ == pytest.approx(3600, abs=1)
    assert max(sizes) <= (CHUNK_S + 8.0) * SAMPLE_RATE_HZ
    assert offsets == sorted(offsets) and offsets[0] == 0


def test_array_input_checked():
    with pytest.raises(InputError):
        load_audio(np.zeros(0, dtype=np.float32))
    with pytest.raises(InputError, match="NaN"):
        load_audio(np.array([0.0, np.nan], dtype=np.float32))
    stereo = np.zeros((2, 1600), dtype=np.float32)
    assert load_audio(stereo).shape == (1600,)
