"""Input validation for every entry point: media files recognised by content, text answers, names.

    info = check_media_file(path, kind="audio")   # -> MediaInfo, or InputError with a clear message
    text = check_text_answer(raw_text)            # normalised, bounded text, or InputError
    check_session_name(name)                      # refuses path traversal

A file's type comes from its first bytes (magic numbers), never from its extension, and is then
confirmed by opening it with PyAV (audio/video) or Pillow (images), which also gives duration
and resolution to check against the limits of ``workbench.media_limits``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from workbench.errors import InputError
from workbench.media_limits import (
    MAX_FRAME_HEIGHT_PX, MAX_FRAME_WIDTH_PX, MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MAX_MEDIA_BYTES, MAX_MEDIA_DURATION_S,
    MIN_MEDIA_DURATION_S,
)
from workbench.session import check_session_id

MAX_ANSWER_CHARS = 20_000  # ours: 15 min of speech at 150 words/min is about 13,000 characters
SNIFF_BYTES = 64

KINDS = ("audio", "video", "image", "any")
# (offset, magic, container, media family); families: "av" (audio and/or video), "image"
_MAGIC: tuple[tuple[int, bytes, str, str], ...] = (
    (0, b"\x1a\x45\xdf\xa3", "matroska/webm", "av"),
    (0, b"OggS", "ogg", "av"),
    (0, b"fLaC", "flac", "av"),
    (0, b"ID3", "mp3", "av"),
    (4, b"ftyp", "mp4/mov", "av"),
    (0, b"\x89PNG\r\n\x1a\n", "png", "image"),
    (0, b"\xff\xd8\xff", "jpeg", "image"),
    (0, b"GIF87a", "gif", "image"),
    (0, b"GIF89a", "gif", "image"),
    (0, b"BM", "bmp", "image"),
)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# bidirectional overrides/isolates and zero-width characters: they hide or reorder text ("trojan source")
_INVISIBLE_CHARS = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t]{2,}")


@dataclass(frozen=True)
class MediaInfo:
    path: str
    kind: str  # "audio" | "video" | "image"
    container: str  # from the magic bytes, e.g. "wav", "matroska/webm", "png"
    size_bytes: int
    duration_s: float | None  # None for images
    width_px: int | None  # None for audio
    height_px: int | None
    has_audio: bool
    has_video: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def sniff_container(head: bytes) -> tuple[str, str] | None:
    """(container, family) from a file's first bytes, or None if it is no media we know."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav", "av"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", "image"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi", "av"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
        return "mp3", "av"  # an MPEG audio frame header without an ID3 tag
    for offset, magic, container, family in _MAGIC:
        if head[offset:offset + len(magic)] == magic:
            return container, family
    return None


def check_media_file(path: str | Path, *, kind: str = "any") -> MediaInfo:
    """Check that ``path`` is a readable media file of ``kind`` within the limits.

    kind: "audio" (needs an audio stream), "video" (needs a video stream), "image" (a still image;
    a video is not accepted), or "any". Raises ``InputError`` naming the problem otherwise.
    """
    if kind not in KINDS:
        raise InputError(f"unknown media kind {kind!r}; use one of {', '.join(KINDS)}")
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path}: the file is empty (nothing was recorded)")
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    sniffed = sniff_container(head)
    if sniffed is None:
        raise InputError(f"{path}: not an audio, video or image file we can read "
                         "(checked its content, not its name); use wav, webm, ogg, mp3, mp4, png or jpeg")
    container, family = sniffed
    if family == "image":
        if kind in ("audio", "video"):
            raise InputError(f"{path}: is a {container} image, but {kind} is needed")
        return _check_image(path, container, size)
    if kind == "image":
        raise InputError(f"{path}: is a {container} recording, but a still image is needed")
    if size > MAX_MEDIA_BYTES:
        raise InputError(f"{path}: {size / 1e6:.0f} MB is over the {MAX_MEDIA_BYTES / 1e6:.0f} MB limit; "
                         "split the recording")
    return _check_av(path, container, size, kind)


def _check_av(path: Path, container: str, size: int, kind: str) -> MediaInfo:
    import av

    try:
        with av.open(str(path), mode="r") as media:
            audio = [s for s in media.streams if s.type == "audio"]
            video = [s for s in media.streams if s.type == "video"]
            duration_s = _duration_s(media, audio + video)
            width = video[0].codec_context.width if video else None
            height = video[0].codec_context.height if video else None
            if (audio or video) and duration_s is None:
                duration_s = _decode_duration_s(media, (audio or video)[0])
    except (av.error.FFmpegError, OSError, ValueError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: the {container} file is corrupt or truncated and cannot be decoded "
                         f"({type(error).__name__})") from error
    if not audio and not video:
        raise InputError(f"{path}: the file holds no audio or video stream")
    if kind == "audio" and not audio:
        raise InputError(f"{path}: has no sound track; an audio recording is needed")
    if kind == "video" and not video:
        raise InputError(f"{path}: has no picture; a video (or use an image) is needed")
    if duration_s is None or duration_s < MIN_MEDIA_DURATION_S:
        raise InputError(f"{path}: the recording is empty or shorter than {MIN_MEDIA_DURATION_S} s")
    if duration_s > MAX_MEDIA_DURATION_S:
        raise InputError(f"{path}: {duration_s / 60:.0f} min is over the "
                         f"{MAX_MEDIA_DURATION_S / 60:.0f} min limit; split the recording")
    if width and height:
        _check_resolution(path, width, height)
    return MediaInfo(str(path), "video" if video and kind != "audio" else "audio", container, size,
                     round(duration_s, 3), width, height, bool(audio), bool(video))


def _duration_s(media: Any, streams: list[Any]) -> float | None:
    if media.duration is not None and media.duration > 0:
        return media.duration / 1_000_000  # av.time_base: microseconds
    for stream in streams:
        if stream.duration is not None and stream.time_base is not None and stream.duration > 0:
            return float(stream.duration * stream.time_base)
    return None


def _decode_duration_s(media: Any, stream: Any, max_packets: int = 200_000) -> float | None:
    """Duration from packet timestamps, for containers without one in the header (recorder webm)."""
    end = None
    for count, packet in enumerate(media.demux(stream)):
        if packet.pts is not None and packet.time_base is not None:
            end = float((packet.pts + (packet.duration or 0)) * packet.time_base)
        if count >= max_packets:
            break
    return end


def _check_resolution(path: Path, width: int, height: int) -> None:
    if width > MAX_FRAME_WIDTH_PX or height > MAX_FRAME_HEIGHT_PX or width * height > MAX_IMAGE_PIXELS:
        raise InputError(f"{path}: {width}x{height} pixels is over the "
                         f"{MAX_FRAME_WIDTH_PX}x{MAX_FRAME_HEIGHT_PX} limit; scale it down")


def _check_image(path: Path, container: str, size: int) -> MediaInfo:
    from PIL import Image, UnidentifiedImageError

    if size > MAX_IMAGE_BYTES:
        raise InputError(f"{path}: {size / 1e6:.0f} MB is over the {MAX_IMAGE_BYTES / 1e6:.0f} MB image limit")
    try:
        with Image.open(path) as image:
            width, height = image.size  # from the header: cheap, before any pixel is decoded
            _check_resolution(path, width, height)
            image.verify()
    except Image.DecompressionBombError as error:
        raise InputError(f"{path}: the image declares too many pixels (over {MAX_IMAGE_PIXELS:,}); "
                         "scale it down") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise InputError(f"{path}: the {container} image is corrupt or truncated ({type(error).__name__})") from error
    return MediaInfo(str(path), "image", container, size, None, width, height, False, True)


def check_text_answer(text: object, *, max_chars: int = MAX_ANSWER_CHARS, allow_empty: bool = False) -> str:
    """A typed answer, normalised: NFC, no control or invisible direction characters, no runs of
    blank lines or spaces, trimmed. Raises ``InputError`` if it is not text, empty, or too long."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError("the answer is not valid UTF-8 text") from error
    if not isinstance(text, str):
        raise InputError(f"the answer must be text, got {type(text).__name__}")
    if len(text) > 4 * max_chars:  # refuse before normalising megabytes
        raise InputError(f"the answer is {len(text):,} characters, over the {max_chars:,} limit")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _INVISIBLE_CHARS.sub("", _CONTROL_CHARS.sub("", text))
    text = _MANY_BLANK_LINES.sub("\n\n", _SPACES.sub(" ", text)).strip()
    if len(text) > max_chars:
        raise InputError(f"the answer is {len(text):,} characters, over the {max_chars:,} limit; shorten it")
    if not text and not allow_empty:
        raise InputError("the answer is empty")
    return text


def check_session_name(name: object) -> str:
    """A session id or name safe to use as a folder name (no path traversal); else ``InputError``."""
    return check_session_id(name)  # type: ignore[arg-type]
