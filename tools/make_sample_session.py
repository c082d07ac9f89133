"""Regenerate the bundled, SYNTHETIC sample session in data/sample_session/ deterministically.

Audio: the answers spoken by the packaged piper voice (registry ``piper-joe-medium``), with noise
switched off so every run gives the same samples; answer 2 has fillers and a 1.5 s pause.
Video: ~10 fps frames cropped from ``skimage.data.astronaut()`` (public domain) with a slight,
slow drift and zoom, muxed with the audio into WebM (VP8 + Opus) by ffmpeg with bit-exact flags.

    .venv/bin/python tools/make_sample_session.py [--out data/sample_session]
"""
from __future__ import annotations

import argparse
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from workbench.config import DATA_DIR_BUNDLED

FPS = 10  # frames per second of the synthetic video (the issue asks for ~10 fps)
FRAME_SIZE_PX = 320  # square frames: small files, face still ~150 px wide for the landmarker
CROP_PX = 360  # crop of the 512x512 astronaut around the face before resizing
FACE_CENTRE_ROW_COL = (190, 250)  # ours: centre of the crop in the astronaut image (face and shoulders)
DRIFT_PX = 6  # slight motion: the crop drifts this many pixels in a slow sine
PAUSE_S = 1.5  # the silent pause inserted in answer 2
VIDEO_BITRATE = "150k"
AUDIO_BITRATE = "24k"

ANSWERS = [  # (file, sentences); "<pause>" inserts PAUSE_S of silence
    ("answer1.webm", [
        "In my last job our checkout service started timing out for about five percent of users.",
        "I looked at the logs and the database metrics and found a query without an index.",
        "I added the index, wrote a regression test, and the error rate went back to zero within an hour.",
    ]),
    ("answer2.webm", [
        "Um, so, we had a disagreement in a code review about error handling.",
        "<pause>",
        "Uh, we talked it through and, you know, we kind of agreed on a compromise.",
    ]),
    ("answer3.webm", [
        "I would start by estimating the traffic: about a hundred million redirects a day is roughly "
        "twelve hundred per second.",
        "I would store the short keys in a key value store and put a cache in front, because reads dominate.",
    ]),
]


def _speak(voice, sentence: str) -> tuple[np.ndarray, int]:
    from piper import SynthesisConfig

    config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)  # no sampling noise: deterministic
    chunks = list(voice.synthesize(sentence, syn_config=config))
    rate = chunks[0].sample_rate
    return np.concatenate([np.frombuffer(c.audio_int16_bytes, dtype=np.int16) for c in chunks]), rate


def make_audio(voice, sentences: list[str], path: Path) -> float:
    """Write a mono 16-bit WAV of the sentences; returns its duration in seconds."""
    pieces, rate = [], 22050
    for sentence in sentences:
        if sentence == "<pause>":
            pieces.append(np.zeros(int(PAUSE_S * rate), dtype=np.int16))
            continue
        samples, rate = _speak(voice, sentence)
        pieces.append(samples)
        pieces.append(np.zeros(int(0.25 * rate), dtype=np.int16))  # breath between sentences
    audio = np.concatenate(pieces)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(audio.tobytes())
    return len(audio) / rate


def make_frames(duration_s: float, folder: Path) -> None:
    """PNG frames of the astronaut with a slight drift and zoom."""
    from skimage import data, transform
    from skimage.io import imsave

    image = data.astronaut()
    n = int(np.ceil(duration_s * FPS))
    for i in range(n):
        phase = 2 * np.pi * i / (4 * FPS)  # a 4-second sway
        row = int(FACE_CENTRE_ROW_COL[0] + DRIFT_PX * np.sin(phase))
        col = int(FACE_CENTRE_ROW_COL[1] + DRIFT_PX * np.cos(phase))
        half = CROP_PX // 2 - int(DRIFT_PX * (1 + np.sin(phase / 2)) / 2)
        crop = image[max(0, row - half): row + half, max(0, col - half): col + half]
        frame = transform.resize(crop, (FRAME_SIZE_PX, FRAME_SIZE_PX), anti_aliasing=True)
        imsave(folder / f"frame{i:05d}.png", (frame * 255).astype(np.uint8), check_contrast=False)


def mux(frames: Path, wav: Path, out: Path) -> None:
    cmd = [
        "ffmpeg", "-y", "-loglevel", "error", "-threads", "1",
        "-framerate", str(FPS), "-i", str(frames / "frame%05d.png"), "-i", str(wav),
        "-c:v", "libvpx", "-b:v", VIDEO_BITRATE, "-pix_fmt", "yuv420p", "-threads", "1",
        "-c:a", "libopus", "-b:a", AUDIO_BITRATE, "-ac", "1",
        "-shortest", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
        "-map_metadata", "-1", str(out),
    ]
    subprocess.run(cmd, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR_BUNDLED / "sample_session")
    args = parser.parse_args(argv)
    from workbench.models import registry

    voice = registry.load("piper-joe-medium")
    args.out.mkdir(parents=True, exist_ok=True)
    for name, sentences in ANSWERS:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            duration_s = make_audio(voice, sentences, tmp / "answer.wav")
            make_frames(duration_s, tmp)
            mux(tmp, tmp / "answer.wav", args.out / name)
        print(f"{args.out / name}: {duration_s:.1f} s, {(args.out / name).stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
