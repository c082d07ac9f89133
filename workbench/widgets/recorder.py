"""The answer recorder: an anywidget that records the microphone (and optionally the camera)
in the browser with MediaRecorder and hands the bytes to Python.

    recorder = Recorder(camera=False, max_duration_s=180)
    recorder.on_recording(lambda rec: print(rec.suffix, len(rec.data), rec.duration_s))
    recorder                                   # shows Record/Stop, the elapsed time, a maximum

The front-end code is ``recorder.js``, inlined as ``_esm`` so nothing is fetched from a CDN.
The browser streams the recording while it runs, one chunk a second, as custom messages
(``{"kind": "start"}``, ``{"kind": "chunk", "seq": n}`` + a binary buffer, ``{"kind": "done", ...}``):
each message stays below the Jupyter server's 10 MiB websocket limit, which a whole recording
in one trait would break after ~30 s of video. A small recording can also be delivered by state,
``recorder.set_state({"value": memoryview(data), "mime_type": "audio/webm", "recording_count": 1})``
(the browser sends binary as a ``memoryview``, which a plain ``traitlets.Bytes`` rejects silently,
hence the ``from_json`` converter).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from workbench.errors import InputError
from workbench.media_limits import MAX_LIVE_RECORDING_BYTES

DEFAULT_MAX_DURATION_S = 180.0  # ours: 3 minutes is a long spoken interview answer
MAX_DURATION_LIMIT_S = 20 * 60.0  # ours: the recorder refuses a maximum above 20 minutes

# MediaRecorder MIME type (without codecs) -> file suffix the decoders recognise.
SUFFIX_BY_MIME = {
    "audio/webm": ".webm",
    "video/webm": ".webm",
    "audio/ogg": ".ogg",
    "audio/mp4": ".mp4",
    "video/mp4": ".mp4",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
}


def _bytes_from_json(value: Any, widget: Any = None) -> bytes:  # noqa: ARG001 - ipywidgets signature
    """The browser sends a ``memoryview`` (a binary buffer); a plain ``traitlets.Bytes`` would
    reject it silently. Accept memoryview/bytearray/bytes and a list of ints; None is empty."""
    if value is None:
        return b""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, list):
        return bytes(value)
    raise InputError(f"the recorder sent {type(value).__name__}, expected binary audio")


@dataclass(frozen=True)
class Recording:
    data: bytes  # the encoded media as the browser recorded it (webm/opus usually)
    mime_type: str  # e.g. "audio/webm;codecs=opus"
    duration_s: float  # measured by the browser; 0.0 if unknown
    has_video: bool
    stopped_at_max: bool  # True when the maximum length stopped it, not the candidate

    @property
    def suffix(self) -> str:
        """A file suffix for the media (".webm", ".ogg", ...), from the MIME type."""
        base = self.mime_type.split(";", 1)[0].strip().lower()
        return SUFFIX_BY_MIME.get(base, ".webm")


class Recorder(anywidget.AnyWidget):
    """Record/Stop button, elapsed time against a maximum, a message line, an optional camera
    preview. ``state`` is "idle", "starting", "recording", "saving" or "denied" (permission refused:
    ``error`` then holds a message telling the user what to do)."""

    _esm = (Path(__file__).with_name("recorder.js")).read_text(encoding="utf-8")
    _css = """
    .wb-recorder { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5em; }
    .wb-recorder-message { flex-basis: 100%; font-size: 0.9em; }
    .wb-recorder-button[data-state="recording"] { background: #c62828; color: white; }
    """

    value = traitlets.Bytes(b"").tag(sync=True, from_json=_bytes_from_json, echo_update=False)
    mime_type = traitlets.Unicode("").tag(sync=True)
    recording_count = traitlets.Int(0).tag(sync=True)  # +1 per finished recording (observe this)
    duration_s = traitlets.Float(0.0).tag(sync=True)
    stopped_at_max = traitlets.Bool(False).tag(sync=True)
    state = traitlets.Unicode("idle").tag(sync=True)
    camera = traitlets.Bool(False).tag(sync=True)  # also record video
    max_duration_s = traitlets.Float(DEFAULT_MAX_DURATION_S).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)  # set by Python: hints, "transcribing..."
    error = traitlets.Unicode("").tag(sync=True)  # set by the browser: permission denied, no device

    def __init__(self, *, camera: bool = False, max_duration_s: float = DEFAULT_MAX_DURATION_S, **kwargs: Any) -> None:
        super().__init__(camera=camera, max_duration_s=max_duration_s, **kwargs)
        self._callbacks: list[Callable[[Recording], None]] = []
        self._state_callbacks: list[Callable[[str], None]] = []
        self._chunks: dict[int, bytes] = {}
        self._chunk_bytes = 0
        self._streamed: Recording | None = None  # the last recording assembled from chunks
        self._delivering_stream = False
        self.observe(self._delivered, names="recording_count")
        self.observe(self._state_changed, names="state")
        self.on_msg(self._on_message)

    @traitlets.validate("max_duration_s")
    def _check_max(self, proposal: dict) -> float:
        value = float(proposal["value"])
        if not 1.0 <= value <= MAX_DURATION_LIMIT_S:
            raise InputError(
                f"maximum recording length must be between 1 s and {MAX_DURATION_LIMIT_S:.0f} s, got {value:g} s"
            )
        return value

    def on_recording(self, callback: Callable[[Recording], None]) -> None:
        """Call ``callback(recording)`` each time the browser delivers a finished recording."""
        self._callbacks.append(callback)

    def on_state(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(state)`` when the recorder's state changes (e.g. "recording", "denied")."""
        self._state_callbacks.append(callback)

    def stop(self) -> None:
        """Ask the browser to stop recording (delivers what was recorded so far)."""
        self.send({"kind": "stop"})

    def last_recording(self) -> Recording:
        """The latest recording; raises InputError if it is empty or too large."""
        if self._streamed is not None:
            return self._streamed
        data = self.value
        if not data:
            raise InputError("the recording is empty: check the microphone, or type your answer")
        if len(data) > MAX_LIVE_RECORDING_BYTES:
            raise InputError(
                f"the recording is {len(data) / 1e6:.0f} MB, above the {MAX_LIVE_RECORDING_BYTES / 1e6:.0f} MB limit: "
                "record a shorter answer"
            )
        return Recording(
            data=data,
            mime_type=self.mime_type or "audio/webm",
            duration_s=float(self.duration_s),
            has_video=self.mime_type.startswith("video/"),
            stopped_at_max=bool(self.stopped_at_max),
        )

    def _on_message(self, _widget: Any, content: dict, buffers: list) -> None:
        kind = content.get("kind") if isinstance(content, dict) else None
        if kind == "start":
            self._chunks, self._chunk_bytes, self._streamed = {}, 0, None
        elif kind == "chunk" and buffers:
            if self._chunk_bytes > MAX_LIVE_RECORDING_BYTES:
                return  # already refused; the browser was told to stop
            data = _bytes_from_json(buffers[0])
            self._chunks[int(content.get("seq", len(self._chunks)))] = data
            self._chunk_bytes += len(data)
            if self._chunk_bytes > MAX_LIVE_RECORDING_BYTES:
                self.stop()
        elif kind == "done":
            self._finish_stream(content)

    def _finish_stream(self, content: dict) -> None:
        expected = int(content.get("chunks", len(self._chunks)))
        missing = [i for i in range(expected) if i not in self._chunks]
        data = b"".join(self._chunks[i] for i in sorted(self._chunks))
        self._chunks, size, self._chunk_bytes = {}, self._chunk_bytes, 0
        mime_type = str(content.get("mime_type") or "audio/webm")
        with self.hold_trait_notifications():
            self.mime_type = mime_type
            self.duration_s = float(content.get("duration_s") or 0.0)
            self.stopped_at_max = bool(content.get("stopped_at_max"))
            self.state = "idle"
        if missing:
            self._streamed = None
            self.error = f"{len(missing)} of {expected} pieces of the recording did not arrive: please record again"
            return
        if size > MAX_LIVE_RECORDING_BYTES:
            self._streamed = None
            self.error = (f"the recording passed the {MAX_LIVE_RECORDING_BYTES / 1e6:.0f} MB limit and was stopped: "
                          "record a shorter answer")
            return
        self._streamed = Recording(data=data, mime_type=mime_type, duration_s=self.duration_s,
                                   has_video=mime_type.startswith("video/"), stopped_at_max=self.stopped_at_max)
        if not data:
            self._streamed = None
            self.error = "the recording is empty: check the microphone, or type your answer"
            return
        self._delivering_stream = True
        try:
            self.recording_count += 1
        finally:
            self._delivering_stream = False

    def _delivered(self, change: dict) -> None:
        if change["new"] <= change["old"]:
            return
        if not self._delivering_stream:
            self._streamed = None  # delivered by state (``value``), not by chunks
        try:
            recording = self.last_recording()
        except InputError as error:  # shown under the button; nothing is passed on
            self.error = str(error)
            return
        self.error = ""
        for callback in self._callbacks:
            callback(recording)

    def _state_changed(self, change: dict) -> None:
        for callback in self._state_callbacks:
            callback(change["new"])
