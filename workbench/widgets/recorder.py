"""The answer recorder: an anywidget that records the microphone (and optionally the camera)
in the browser with MediaRecorder and hands the bytes to Python.

    recorder = Recorder(camera=False, max_duration_s=180)
    recorder.on_recording(lambda rec: print(rec.suffix, len(rec.data), rec.duration_s))
    recorder                                   # shows Record/Stop, the elapsed time, a maximum

The front-end code is ``recorder.js``, inlined as ``_esm`` so nothing is fetched from a CDN.
Tests (and the browser, through the comm) deliver a recording by setting state:
``recorder.set_state({"value": memoryview(data), "mime_type": "audio/webm", "recording_count": 1})``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from workbench.errors import InputError

DEFAULT_MAX_DURATION_S = 180.0  # ours: 3 minutes is a long spoken interview answer
MAX_DURATION_LIMIT_S = 20 * 60.0  # ours: the recorder refuses a maximum above 20 minutes
MAX_RECORDING_BYTES = 200 * 1024 * 1024  # ours: 20 min of webm video at ~1.3 Mbit/s fits; beyond is refused

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
        self.observe(self._delivered, names="recording_count")
        self.observe(self._state_changed, names="state")

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

    def last_recording(self) -> Recording:
        """The latest recording; raises InputError if it is empty or too large."""
        data = self.value
        if not data:
            raise InputError("the recording is empty: check the microphone, or type your answer")
        if len(data) > MAX_RECORDING_BYTES:
            raise InputError(
                f"the recording is {len(data) / 1e6:.0f} MB, above the {MAX_RECORDING_BYTES / 1e6:.0f} MB limit: "
                "record a shorter answer"
            )
        return Recording(
            data=data,
            mime_type=self.mime_type or "audio/webm",
            duration_s=float(self.duration_s),
            has_video=self.mime_type.startswith("video/"),
            stopped_at_max=bool(self.stopped_at_max),
        )

    def _delivered(self, change: dict) -> None:
        if change["new"] <= change["old"]:
            return
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
