"""Public-domain demo media made on the fly from ``skimage.data.astronaut()``: transformed stills and
short videos, for tests, the notebook's default run and the bench. Nothing here is committed media.

The geometric transforms have known effects on the measures: mirroring flips the sign of yaw and
roll, an in-plane rotation by +a degrees adds about a to roll, a perspective "turn" gives yaw.
"""
from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

CODECS = {".mp4": "libx264", ".webm": "libvpx-vp9", ".avi": "mjpeg", ".mkv": "libx264"}
VIRTUAL_FOCAL_PX = 600.0  # ours: focal length of the virtual camera used by ``turn``


def astronaut() -> np.ndarray:
    """skimage's astronaut photo (Eileen Collins, NASA, public domain): RGB uint8, 512x512."""
    from skimage import data

    return data.astronaut()


def mirror(rgb: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(rgb[:, ::-1])


def rotate(rgb: np.ndarray, angle_deg: float) -> np.ndarray:
    """In-plane rotation by ``angle_deg`` counter-clockwise about the centre (edges replicated)."""
    height, width = rgb.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle_deg, 1.0)
    return cv2.warpAffine(rgb, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)


def turn(rgb: np.ndarray, angle_deg: float) -> np.ndarray:
    """Perspective view of the photo as a plane turned about the vertical axis by ``angle_deg``."""
    height, width = rgb.shape[:2]
    a = np.radians(angle_deg)
    k = np.array([[VIRTUAL_FOCAL_PX, 0, width / 2], [0, VIRTUAL_FOCAL_PX, height / 2], [0, 0, 1]])
    r = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])
    return cv2.warpPerspective(rgb, k @ r @ np.linalg.inv(k), (width, height), borderMode=cv2.BORDER_REPLICATE)


def darken(rgb: np.ndarray, factor: float = 0.12) -> np.ndarray:
    return (rgb.astype(np.float32) * factor).astype(np.uint8)


def blur(rgb: np.ndarray, sigma_px: float = 2.5) -> np.ndarray:
    return cv2.GaussianBlur(rgb, (0, 0), sigma_px)


def on_canvas(rgb: np.ndarray, width: int = 640, height: int = 480) -> np.ndarray:
    """Centre the image on a grey canvas of the given size (cropping if it is larger)."""
    canvas = np.full((height, width, 3), 127, dtype=np.uint8)
    h, w = min(height, rgb.shape[0]), min(width, rgb.shape[1])
    y, x = (height - h) // 2, (width - w) // 2
    sy, sx = (rgb.shape[0] - h) // 2, (rgb.shape[1] - w) // 2
    canvas[y:y + h, x:x + w] = rgb[sy:sy + h, sx:sx + w]
    return canvas


def write_video(path: str | Path, frames: Iterable[np.ndarray], *, fps: float = 25.0,
                times_s: Iterable[float] | None = None) -> Path:
    """Encode RGB frames with PyAV (codec from the suffix). ``times_s`` gives variable frame times."""
    import av

    path = Path(path)
    frames = iter(frames)
    first = next(frames)
    height, width = first.shape[:2]
    time_base = Fraction(1, 1000)
    times = iter(times_s) if times_s is not None else None
    with av.open(str(path), mode="w") as container:
        codec = CODECS.get(path.suffix.lower(), "mpeg4")
        stream = container.add_stream(codec, rate=Fraction(fps).limit_denominator(1000))
        stream.width, stream.height = width // 2 * 2, height // 2 * 2
        stream.pix_fmt = "yuvj420p" if stream.codec_context.name == "mjpeg" else "yuv420p"
        if times is not None:
            stream.time_base = time_base
        for rgb in _chain(first, frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb[:stream.height, :stream.width]), format="rgb24")
            if times is not None:
                frame.pts = int(round(next(times) * 1000))
                frame.time_base = time_base
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def _chain(first: np.ndarray, rest) -> Iterable[np.ndarray]:
    yield first
    yield from rest
