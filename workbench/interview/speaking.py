"""The questions in the interviewer's voice: synthesised once per text, the next one ahead of time.

    voice = QuestionVoice()
    voice.prefetch(["Why this role?"])     # in the background while the candidate answers
    wav, took_s = voice.speak("Why this role?")   # 0 s when it was prefetched
"""
from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from workbench.errors import WorkbenchError
from workbench.interview import tts


class QuestionVoice:
    """WAV bytes of each question, by text (kept for the engine's lifetime: a session has a few dozen)."""

    def __init__(self) -> None:
        self._audio: dict[str, bytes] = {}

    def speak(self, text: str) -> tuple[bytes, float]:
        """The question as WAV bytes, and the seconds spent synthesising it now (0 when ready)."""
        if text in self._audio:
            return self._audio[text], 0.0
        started = time.perf_counter()
        self._audio[text] = tts.synthesize(text).wav_bytes
        return self._audio[text], time.perf_counter() - started

    def prefetch(self, texts: Sequence[str]) -> None:
        """Synthesise ``texts`` not yet spoken in a background thread (a failure just leaves them for later)."""
        todo = [t for t in texts if t not in self._audio]
        if not todo:
            return

        def work() -> None:
            for text in todo:
                try:
                    self._audio[text] = tts.synthesize(text).wav_bytes
                except WorkbenchError:
                    pass  # speak() tries again, and says why if it fails there

        # non-daemon: onnxruntime aborts if a daemon thread is killed inside it at exit
        threading.Thread(target=work, daemon=False, name="prefetch-question-audio").start()
