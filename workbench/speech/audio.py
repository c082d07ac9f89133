"""Decoding any common recording (wav, mp3, webm/opus, mp4 with an audio track...) to 16 kHz mono
float32, streamed in bounded chunks so a one-hour recording never sits in memory whole.

Decoding goes through PyAV (FFmpeg's libraries, a faster-whisper dependency), which also probes the
container, so a video without an audio track or a corrupt file gets a clear ``InputError``.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from workbench.errors import InputError
from workbench.media_limits import MAX_MEDIA_BYTES, MAX_MEDIA_DURATION_S, MIN_MEDIA_DURATION_S, SAMPLE_RATE_HZ

CHUNK_S = 120.0  # ours: seconds of audio analysed at a time; bounds memory (about 8 MB per chunk)
CUT_SEARCH_S = 8.0  # ours: a chunk is cut at the quietest 50 ms within its last 8 s, not mid-word
CUT_FRAME_S = 0.05  # ours: resolution of the quiet-point search


@dataclass(frozen=True)
class AudioInfo:
    """What a probe of the container found (before decoding)."""

    path: str
    container: str
    codec: str
    sample_rate_hz: int
    channels: int
    duration_s: float | None  # from the container; None when it does not say (some webm)
    has_video: bool

    def to_json(self) -> dict:
        return self.__dict__.copy()


def _av_errors() -> tuple[type[BaseException], ...]:
    import av

    return (av.error.FFmpegError, ValueError, EOFError, OSError)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputError(f"audio file {path} does not exist")
    if not path.is_file():
        raise InputError(f"{path} is not a file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"audio file {path} is empty (0 bytes): record the answer again")
    if size > MAX_MEDIA_BYTES:
        raise InputError(f"audio file {path} is {size / 1e6:.0f} MB, over the {MAX_MEDIA_BYTES / 1e6:.0f} MB limit; "
                         "split the recording")


def probe(path: str | Path) -> AudioInfo:
    """Open the container and describe its first audio stream.

    Raises ``InputError`` for a missing, empty, corrupt or unreadable file, a file with no audio
    track (for example a silent screen recording) or one longer than ``MAX_MEDIA_DURATION_S``.
    """
    import av

    path = Path(path)
    _check_file(path)
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            audio = [s for s in container.streams if s.type == "audio"]
            has_video = any(s.type == "video" for s in container.streams)
            if not audio:
                kind = "a video" if has_video else "a file"
                raise InputError(f"{path.name} is {kind} without an audio track: nothing to transcribe")
            stream = audio[0]
            duration_s = None
            if container.duration:
                duration_s = container.duration / 1_000_000  # av.time_base is microseconds
            elif stream.duration and stream.time_base:
                duration_s = float(stream.duration * stream.time_base)
            info = AudioInfo(
                path=str(path), container=container.format.name, codec=stream.codec_context.name,
                sample_rate_hz=int(stream.codec_context.sample_rate or 0),
                channels=int(stream.codec_context.channels or 0), duration_s=duration_s, has_video=has_video,
            )
    except InputError:
        raise
    except _av_errors() as error:
        raise InputError(
            f"cannot read {path.name}: it is corrupt, truncated or not an audio/video file ({error})") from error
    if info.duration_s is not None and info.duration_s > MAX_MEDIA_DURATION_S:
        raise InputError(
            f"{path.name} lasts {info.duration_s / 3600:.1f} h; the limit is {MAX_MEDIA_DURATION_S / 3600:.0f} h: "
            "split it first"
        )
    return info


def _resampled_blocks(container: Any) -> Iterator[np.ndarray]:
    """16 kHz mono float32 blocks (a few ms each) of an open PyAV container's first audio stream."""
    import av

    stream = next((s for s in container.streams if s.type == "audio"), None)
    if stream is None:
        return
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE_HZ)
    for frame in container.decode(stream):
        frame.pts = None  # let the resampler ignore gaps in timestamps
        for out in resampler.resample(frame):
            yield out.to_ndarray().reshape(-1).astype(np.float32) / 32768.0
    for out in resampler.resample(None):  # flush
        yield out.to_ndarray().reshape(-1).astype(np.float32) / 32768.0


def _decode_blocks(path: Path) -> Iterator[np.ndarray]:
    """Decoded 16 kHz mono float32 blocks (a few ms each) of the first audio stream."""
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            yield from _resampled_blocks(container)
    except _av_errors() as error:
        raise InputError(f"cannot decode {path.name}: it is corrupt or truncated ({error})") from error


def decode_prefix(data: bytes) -> np.ndarray | None:
    """The decodable start of a recording still being made, held in memory (the WebM a browser streams
    a chunk a second): 16 kHz mono float32 of shape ``(n_samples,)``, or None while not one frame decodes.

    The unfinished tail (a cluster cut mid-way) is left out, not an error: it decodes once more bytes
    arrive. Nothing is written to disk (the recording is only stored encrypted).
    """
    import av

    blocks: list[np.ndarray] = []
    try:
        with av.open(io.BytesIO(data), metadata_errors="ignore") as container:
            blocks.extend(_resampled_blocks(container))
    except _av_errors():
        pass  # the unfinished tail, or a header that has not fully arrived: decoded on the next call
    return np.concatenate(blocks) if blocks else None


def quietest_cut(samples: np.ndarray, target: int, *, search_s: float = CUT_SEARCH_S) -> int:
    """Index near ``target`` (within ``search_s`` seconds before it) of the quietest 50 ms frame."""
    frame = int(CUT_FRAME_S * SAMPLE_RATE_HZ)
    start = max(0, target - int(search_s * SAMPLE_RATE_HZ))
    window = samples[start:target]
    n = len(window) // frame
    if n < 2:
        return target
    energy = (window[: n * frame].reshape(n, frame) ** 2).mean(axis=1)
    return start + int(np.argmin(energy)) * frame + frame // 2


def iter_chunks(source: str | Path | np.ndarray, *, chunk_s: float = CHUNK_S) -> Iterator[tuple[float, np.ndarray]]:
    """Yield ``(offset_s, samples)`` chunks of about ``chunk_s`` seconds, 16 kHz mono float32.

    ``source`` is a file path (any container FFmpeg reads) or an array already at 16 kHz mono.
    Chunks are cut at a quiet point so words are not split; memory stays at about two chunks.
    """
    limit = int(chunk_s * SAMPLE_RATE_HZ)
    if isinstance(source, np.ndarray):
        samples = _check_array(source)
        offset = 0
        while offset < len(samples):
            end = len(samples) if len(samples) - offset <= limit else quietest_cut(samples, offset + limit)
            yield offset / SAMPLE_RATE_HZ, samples[offset:end]
            offset = end
        return
    path = Path(source)
    probe(path)
    buffer: list[np.ndarray] = []
    buffered = 0
    offset = 0
    total = 0
    for block in _decode_blocks(path):
        buffer.append(block)
        buffered += len(block)
        total += len(block)
        if total > MAX_MEDIA_DURATION_S * SAMPLE_RATE_HZ:
            raise InputError(f"{path.name} is longer than {MAX_MEDIA_DURATION_S / 3600:.0f} h: split it first")
        if buffered >= limit + int(CUT_SEARCH_S * SAMPLE_RATE_HZ):
            joined = np.concatenate(buffer)
            cut = quietest_cut(joined, limit)
            yield offset / SAMPLE_RATE_HZ, joined[:cut]
            offset += cut
            buffer, buffered = [joined[cut:]], len(joined) - cut
    if total == 0:
        raise InputError(f"{path.name} holds no decodable audio (zero length or truncated before the first frame)")
    if total < MIN_MEDIA_DURATION_S * SAMPLE_RATE_HZ:
        raise InputError(f"{path.name} holds only {total / SAMPLE_RATE_HZ * 1000:.0f} ms of audio: truncated or empty")
    if buffered:
        yield offset / SAMPLE_RATE_HZ, np.concatenate(buffer)


def _check_array(samples: np.ndarray) -> np.ndarray:
    samples = np.asarray(samples)
    if samples.ndim == 2:  # (channels, n) or (n, channels): mix down
        samples = samples.mean(axis=0 if samples.shape[0] < samples.shape[1] else 1)
    if samples.ndim != 1 or samples.size == 0:
        raise InputError("audio array must be 1-D (or 2-D stereo) and non-empty, at 16 kHz")
    samples = samples.astype(np.float32, copy=False)
    if not np.all(np.isfinite(samples)):
        raise InputError("audio array holds NaN or infinite samples")
    return samples


def load_audio(source: str | Path | np.ndarray) -> np.ndarray:
    """The whole recording as 16 kHz mono float32 in [-1, 1] (shape ``(n_samples,)``).

    Use ``iter_chunks`` for long recordings; this one holds everything in memory.
    """
    if isinstance(source, np.ndarray):
        return _check_array(source)
    return np.concatenate([chunk for _, chunk in iter_chunks(source)])
