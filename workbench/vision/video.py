"""Decode stills and videos into RGB frames, in memory, at a fixed sampling rate.

Frames are streamed one at a time (never the whole video), downscaled so that the longer side is at
most ``MAX_SIDE_PX``, and turned upright using the stream's rotation metadata. Nothing is written
to disk. Bad files become ``InputError`` with a message that says what to do.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from workbench.errors import InputError
from workbench.media_limits import MAX_IMAGE_PIXELS, MAX_MEDIA_DURATION_S

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}
MAX_SIDE_PX = 960  # ours: keeps a webcam face large enough for the landmarker, bounds 4K memory
DEFAULT_FPS = 10.0  # frames per second sampled from a video (the default)
MAX_FPS = 60.0  # ours: above this, sampling would only repeat frames of a webcam stream
SAMPLING_TOLERANCE = 0.25  # ours, fraction of the sampling period: absorbs pts rounded to the container's ms


@dataclass
class VideoInfo:
    """What the container says about the video stream (before decoding)."""

    path: str
    codec: str | None = None
    width_px: int | None = None
    height_px: int | None = None
    duration_s: float | None = None
    average_fps: float | None = None
    rotation_deg: int = 0
    warnings: list[str] = field(default_factory=list)  # filled while decoding: truncation, decode errors


def _upright(rgb: np.ndarray, rotation_deg: int) -> np.ndarray:
    k = int(round(rotation_deg / 90.0)) % 4
    return np.ascontiguousarray(np.rot90(rgb, k=k)) if k else rgb


def _scaled_size(width: int, height: int, max_side_px: int) -> tuple[int, int]:
    scale = min(1.0, max_side_px / max(width, height))
    return max(2, int(round(width * scale)) // 2 * 2), max(2, int(round(height * scale)) // 2 * 2)


def to_rgb(image: np.ndarray) -> np.ndarray:
    """Any grey, RGB or RGBA uint8/float array -> contiguous RGB uint8 of shape (H, W, 3)."""
    array = np.asarray(image)
    if array.size == 0 or array.ndim not in (2, 3):
        raise InputError(f"an image must be a non-empty HxW or HxWxC array, got shape {array.shape}")
    if array.dtype != np.uint8:
        if np.issubdtype(array.dtype, np.floating) and array.max(initial=0) <= 1.0:
            array = array * 255.0
        array = np.clip(array, 0, 255).astype(np.uint8)
    if array.ndim == 2:
        array = np.stack([array] * 3, axis=-1)
    elif array.shape[2] == 1:
        array = np.repeat(array, 3, axis=2)
    elif array.shape[2] == 4:
        array = array[:, :, :3]
    elif array.shape[2] != 3:
        raise InputError(f"an image needs 1, 3 or 4 channels, got {array.shape[2]}")
    return np.ascontiguousarray(array)


def is_image_path(path: str | Path) -> bool:
    return Path(path).suffix.lower() in IMAGE_SUFFIXES


def read_image(path: str | Path, *, max_side_px: int = MAX_SIDE_PX) -> np.ndarray:
    """Read a still image file as RGB uint8, downscaled to ``max_side_px`` on its longer side."""
    file = _existing(path)
    raw = np.fromfile(file, dtype=np.uint8)
    header = cv2.imdecode(raw, cv2.IMREAD_REDUCED_GRAYSCALE_8) if raw.size else None
    if header is not None and header.size * 64 > MAX_IMAGE_PIXELS:
        raise InputError(f"{file.name} is larger than {MAX_IMAGE_PIXELS:,} pixels; resize it first")
    bgr = cv2.imdecode(raw, cv2.IMREAD_COLOR) if raw.size else None
    if bgr is None:
        raise InputError(f"{file.name} is not a readable image (empty or corrupt file?)")
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    return downscale(rgb, max_side_px)


def downscale(rgb: np.ndarray, max_side_px: int = MAX_SIDE_PX) -> np.ndarray:
    """Shrink (never enlarge) so that the longer side is at most ``max_side_px``."""
    height, width = rgb.shape[:2]
    if max(height, width) <= max_side_px:
        return rgb
    new_w, new_h = _scaled_size(width, height, max_side_px)
    return cv2.resize(rgb, (new_w, new_h), interpolation=cv2.INTER_AREA)


def load_still(image: str | Path | np.ndarray) -> tuple[np.ndarray, str]:
    """One still for a stage: an image file (checked, read, downscaled) or an RGB/grey array (converted,
    downscaled). Returns the RGB uint8 frame and its source label (the path, or "array")."""
    if isinstance(image, (str, Path)):
        if not is_image_path(image):
            raise InputError(f"{Path(image).name}: not an image file ({', '.join(sorted(IMAGE_SUFFIXES))})")
        return read_image(image), str(image)
    return downscale(to_rgb(image)), "array"


def _existing(path: str | Path) -> Path:
    file = Path(path).expanduser()
    if not file.is_file():
        raise InputError(f"no such file: {file}")
    if file.stat().st_size == 0:
        raise InputError(f"{file.name} is empty (0 bytes)")
    return file


def _open(path: Path):
    import av

    try:
        return av.open(str(path), mode="r")
    except (av.error.FFmpegError, OSError, ValueError) as error:
        raise InputError(f"{path.name} is not a readable video or image ({error}); is the file complete?") from error


def has_video_stream(path: str | Path) -> bool:
    """True when ``path`` is a still image or a media file with a video stream."""
    file = Path(path)
    if is_image_path(file):
        return file.is_file()
    try:
        container = _open(_existing(file))
    except InputError:
        return False
    with container:
        return any(s.type == "video" for s in container.streams)


def probe(path: str | Path) -> VideoInfo:
    """Container metadata of the first video stream; raises InputError when there is none."""
    file = _existing(path)
    with _open(file) as container:
        stream = next((s for s in container.streams if s.type == "video"), None)
        if stream is None:
            raise InputError(f"{file.name} has no video stream (audio only?)")
        duration = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration:
            duration = container.duration / 1_000_000
        rate = float(stream.average_rate) if stream.average_rate else None
        return VideoInfo(
            path=str(file), codec=stream.codec_context.name, width_px=stream.codec_context.width or None,
            height_px=stream.codec_context.height or None, duration_s=duration, average_fps=rate,
        )


def iter_video_frames(
    path: str | Path,
    *,
    fps: float = DEFAULT_FPS,
    max_side_px: int = MAX_SIDE_PX,
    max_duration_s: float = MAX_MEDIA_DURATION_S,
    info: VideoInfo | None = None,
) -> Iterator[tuple[float, np.ndarray]]:
    """Yield ``(t_s, rgb)`` sampled at ``fps`` frames per second from the first video stream.

    Timestamps come from the frames' own presentation times, so variable-frame-rate recordings
    (browser webm) are sampled by time, not by frame count. Only sampled frames are converted to
    RGB; the longer side is at most ``max_side_px``. A decoding error mid-stream ends the iteration
    with a warning in ``info.warnings`` (partial result) instead of an exception.
    """
    import av

    if not 0 < fps <= MAX_FPS:
        raise InputError(f"--fps must be between 0 and {MAX_FPS:g} frames per second, got {fps}")
    file = _existing(path)
    info = info if info is not None else VideoInfo(path=str(file))
    period_s = 1.0 / fps
    tolerance_s = SAMPLING_TOLERANCE * period_s
    next_t_s = 0.0
    first_t_s: float | None = None
    with _open(file) as container:
        stream = next((s for s in container.streams if s.type == "video"), None)
        if stream is None:
            raise InputError(f"{file.name} has no video stream (audio only?)")
        stream.thread_type = "AUTO"
        rate = float(stream.average_rate) if stream.average_rate else 30.0
        index = -1
        try:
            for frame in container.decode(stream):
                index += 1
                raw_t = frame.time if frame.time is not None else index / rate
                first_t_s = raw_t if first_t_s is None else first_t_s
                t_s = raw_t - first_t_s  # some muxers start at a non-zero pts
                if t_s > max_duration_s:
                    info.warnings.append(f"video longer than {max_duration_s:g} s: analysed the first part only")
                    break
                if t_s + tolerance_s < next_t_s:
                    continue
                while next_t_s <= t_s + tolerance_s:
                    next_t_s += period_s
                width, height = _scaled_size(frame.width, frame.height, max_side_px)
                rgb = frame.to_ndarray(format="rgb24", width=width, height=height)
                info.rotation_deg = int(getattr(frame, "rotation", 0) or 0)
                yield t_s, _upright(rgb, info.rotation_deg)
        except (av.error.FFmpegError, ValueError) as error:
            info.warnings.append(f"decoding stopped at frame {index} ({error}); results are partial")
