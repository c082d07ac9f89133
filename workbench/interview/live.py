"""Transcribe an answer while the candidate is still speaking, so that at Stop only the tail is left.

The recorder streams the growing WebM one chunk a second. ``LiveTranscriber.feed(chunk)`` only
appends bytes (it is called on the kernel's message thread); a background thread decodes the
growing recording every ``STEP_S`` seconds (a WebM prefix decodes fine: ~0.06 s for 15 s of
opus) and transcribes each completed stretch of at least ``MIN_STRETCH_S`` seconds, cut at the
quietest moment near its end so no word is split. ``finish(audio)`` stops the thread and
transcribes what is left of the full recording after the last cut.

``on_text(text_so_far)`` is called after each stretch: the engine uses it to fill llama.cpp's
prompt cache with the answer so far, so the follow-up's prompt is mostly evaluated before Stop.
"""
from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from workbench.interview import answer as answers
from workbench.interview import followup

if TYPE_CHECKING:
    from workbench.session import Session, Turn

log = logging.getLogger(__name__)

STEP_S = 2.0  # ours: how often the worker looks at the growing recording (one browser chunk is 1 s)
MIN_STRETCH_S = 6.0  # ours: shorter stretches give Whisper too little context and cost more per second
MAX_STRETCH_S = 28.0  # ours: one stretch stays inside Whisper's 30 s window when catching up
GUARD_S = 1.0  # ours: the newest second may end inside a word (and in an unfinished WebM cluster)
CUT_SEARCH_S = 2.5  # ours: the cut is the quietest frame in the last 2.5 s before the guard
FRAME_S = 0.05  # ours: 50 ms energy frames: shorter than a syllable, longer than a pitch period


def quiet_cut(audio: np.ndarray, start_s: float, end_s: float) -> float:
    """The time (s) of the quietest 50 ms frame in ``[max(start_s, end_s - CUT_SEARCH_S), end_s]``."""
    rate = answers.SAMPLE_RATE_HZ
    lo = int(max(start_s, end_s - CUT_SEARCH_S) * rate)
    hi = int(end_s * rate)
    frame = int(FRAME_S * rate)
    window = audio[lo:hi]
    count = len(window) // frame
    if count < 1:
        return end_s
    energy = (window[: count * frame].reshape(count, frame) ** 2).mean(axis=1)
    quietest = int(np.argmin(energy[::-1]))  # from the end: the latest of equally quiet frames
    index = count - 1 - quietest
    return (lo + index * frame + frame // 2) / rate


class LiveTranscriber:
    """Incremental transcript of one answer being recorded (see the module docstring)."""

    def __init__(self, *, model_id: str | None = None, on_text: Callable[[str], None] | None = None,
                 step_s: float = STEP_S) -> None:
        self.model_id = model_id
        self.on_text = on_text
        self.step_s = step_s
        self._chunks: list[bytes] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._texts: list[str] = []
        self.done_s = 0.0  # audio before this time is transcribed (in ``text``)
        self.stretches = 0
        self.busy_s = 0.0  # seconds spent decoding and transcribing in the background
        self.error: str | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="live-transcription")
        self._thread.start()

    @property
    def text(self) -> str:
        return " ".join(t for t in self._texts if t)

    @property
    def received_bytes(self) -> int:
        with self._lock:
            return sum(len(c) for c in self._chunks)

    def feed(self, chunk: bytes) -> None:
        """Append the next piece of the recording (cheap: the work happens in the background)."""
        if chunk:
            with self._lock:
                self._chunks.append(bytes(chunk))

    def _decode_so_far(self) -> np.ndarray | None:
        with self._lock:
            data = b"".join(self._chunks)
        if not data:
            return None
        from faster_whisper.audio import decode_audio

        try:
            return decode_audio(io.BytesIO(data), sampling_rate=answers.SAMPLE_RATE_HZ)
        except Exception:  # noqa: BLE001 - a prefix may not decode yet (header only); try again later
            return None

    def _run(self) -> None:
        while not self._stop.wait(self.step_s):
            try:
                self._step()
            except Exception as error:  # noqa: BLE001 - live help only: Stop transcribes everything left
                self.error = f"{type(error).__name__}: {error}"
                log.warning("live transcription stopped: %s", self.error)
                return

    def _step(self) -> None:
        started = time.perf_counter()
        audio = self._decode_so_far()
        if audio is None:
            return
        available_s = min(len(audio) / answers.SAMPLE_RATE_HZ, answers.MAX_LIVE_TRANSCRIBE_S)
        if available_s - GUARD_S - self.done_s < MIN_STRETCH_S or self._stop.is_set():
            return
        cut_s = quiet_cut(audio, self.done_s + MIN_STRETCH_S, min(available_s - GUARD_S, self.done_s + MAX_STRETCH_S))
        rate = answers.SAMPLE_RATE_HZ
        text = answers.transcribe_samples(audio[int(self.done_s * rate): int(cut_s * rate)], model_id=self.model_id)
        self._texts.append(text)
        self.done_s = cut_s
        self.stretches += 1
        self.busy_s += time.perf_counter() - started
        if self.on_text is not None and not self._stop.is_set():
            self.on_text(self.text)

    def stop(self) -> None:
        """Stop the background work (waits for a stretch being transcribed to finish)."""
        self._stop.set()
        self._thread.join()

    def finish(self, audio: np.ndarray) -> str:
        """The whole transcript: the stretches done live plus the rest of ``audio`` (the full
        recording, 16 kHz mono). Falls back to transcribing all of it if the live part does not fit."""
        self.stop()
        rate = answers.SAMPLE_RATE_HZ
        if self.done_s * rate > len(audio) or self.error:
            self._texts, self.done_s = [], 0.0  # a different recording, or the worker failed
        tail = audio[int(self.done_s * rate):]
        self._texts.append(answers.transcribe_samples(tail, model_id=self.model_id) if len(tail) else "")
        return self.text.strip()

def within(work: Callable[[], object], timeout_s: float):
    """``work()``'s result if it finishes within ``timeout_s`` seconds, else None (it runs on, unused)."""
    box: list = []
    worker = threading.Thread(target=lambda: box.append(work()), daemon=True, name="within-budget")
    worker.start()
    worker.join(max(0.0, timeout_s))
    return box[0] if box else None


class Speculator:
    """One background job at a time on the latest transcript: a newer text replaces a waiting one;
    ``drain()`` drops what has not started and waits for the job in flight (its result is the freshest)."""

    def __init__(self, work: Callable[[str], None]) -> None:
        self._work = work
        self._pending: str | None = None
        self._busy = False
        self._closed = False
        self._cv = threading.Condition()
        threading.Thread(target=self._run, daemon=True, name="speculative-follow-up").start()

    def submit(self, text: str) -> None:
        with self._cv:
            if not self._closed:
                self._pending = text
                self._cv.notify_all()

    def _run(self) -> None:
        while True:
            with self._cv:
                while self._pending is None and not self._closed:
                    self._cv.wait()
                if self._closed:
                    return
                text, self._pending, self._busy = self._pending, None, True
            try:
                self._work(text)
            except Exception as error:  # noqa: BLE001 - speculation only saves time
                log.warning("speculative follow-up failed: %s", error)
            finally:
                with self._cv:
                    self._busy = False
                    self._cv.notify_all()

    def drain(self, timeout_s: float | None = None) -> None:
        with self._cv:
            self._closed, self._pending = True, None
            self._cv.notify_all()
            self._cv.wait_for(lambda: not self._busy, timeout=timeout_s)


class LiveAnswers:
    """The engine's live path (mixed into ``InterviewEngine``): chunks in, transcript and a primed
    follow-up prompt out. Needs ``llm()``, ``stt_id``, ``temperature``, ``_will_probe`` and the
    ``_live``/``_live_key`` attributes."""

    _live: LiveTranscriber | None
    _live_key: tuple[str, int] | None
    _speculators: dict[tuple[str, int], Speculator]  # per (session id, turn index)
    _speculated: dict[tuple[str, int], tuple]  # (FollowUp, characters of the answer it saw)
    live_transcription: bool

    def _prime(self, session: "Session", turn: "Turn", text: str) -> None:
        """Cache the follow-up prompt for the answer so far, or, once the answer is long enough to
        have a real gap, write the follow-up itself (kept if the final answer has the same gap)."""
        if not self._will_probe(session, turn):
            return
        llm = self.llm()
        if llm is None:
            return
        text = text[: answers.MAX_ANSWER_CHARS]
        qtype = turn.analysis.get("interview", {}).get("type", "behavioural")
        gaps = followup.find_gaps(text, question_type=qtype) if text else []
        try:
            if not gaps or gaps[0].kind == "too_short":
                followup.prime(llm, turn.question, text, temperature=self.temperature)
                return
            made = followup.make_followup(turn.question, text, question_type=qtype, llm=llm,
                                          asked=[t.question for t in session.turns], seed=self.seed + turn.index,
                                          temperature=self.temperature)
            if made is not None and made.source == "llm":
                self._speculated[(session.id, turn.index)] = (made, len(text))
        except Exception:  # noqa: BLE001 - priming only saves time; the follow-up itself falls back
            pass

    def speculated_followup(self, session: "Session", turn: "Turn", answer: str, *, timeout_s: float | None = None):
        """The follow-up written while the candidate spoke, if the final answer's first gap is the one
        it probes (waits up to ``timeout_s`` for one still being written); else None."""
        speculator = self._speculators.pop((session.id, turn.index), None)
        if speculator is not None:
            speculator.drain(timeout_s)
        found = self._speculated.pop((session.id, turn.index), None)
        if found is None:
            return None
        made, seen_chars = found
        qtype = turn.analysis.get("interview", {}).get("type", "behavioural")
        gaps = followup.find_gaps(answer, question_type=qtype)
        if not gaps or gaps[0].kind != made.gap:
            return None
        return made, seen_chars

    def _prime_in_background(self, session: "Session", turn: "Turn", text: str) -> None:
        """Fill llama.cpp's prompt cache with the follow-up prompt's fixed start while the candidate speaks."""
        if self._will_probe(session, turn):
            threading.Thread(target=self._prime, args=(session, turn, text), daemon=True,
                             name="prime-followup-prompt").start()

    def feed_audio(self, session: "Session", chunk: bytes) -> None:
        """The next piece of the answer being recorded (the recorder streams one a second).

        The growing recording is transcribed in the background, stretch by stretch, and the
        follow-up prompt is cached as the transcript grows, so ``submit_answer`` with the whole
        recording only transcribes the last seconds. Cheap to call; safe to never call."""
        if not self.live_transcription or not chunk:
            return
        turn = session.next_turn()
        if turn is None:
            return
        key = (session.id, turn.index)
        if self._live_key != key:
            self._drop_live()
            on_text = None
            if self._will_probe(session, turn):
                speculator = Speculator(lambda text, s=session, t=turn: self._prime(s, t, text))
                self._speculators[key] = speculator
                on_text = speculator.submit
            self._live, self._live_key = LiveTranscriber(model_id=self.stt_id, on_text=on_text), key
        self._live.feed(chunk)

    def discard_live(self) -> None:
        """Forget the answer being transcribed live (the recorder restarted, or the answer was typed)."""
        self._drop_live()

    def _drop_live(self) -> None:
        live, key, self._live, self._live_key = self._live, self._live_key, None, None
        speculator = self._speculators.pop(key, None) if key else None
        self._speculated.pop(key, None)
        for stop in [s for s in (live and live.stop, speculator and speculator.drain) if s]:
            threading.Thread(target=stop, daemon=True, name="live-answer-stop").start()

    def _take_live(self, session: "Session", turn: "Turn") -> LiveTranscriber | None:
        if self._live_key == (session.id, turn.index):
            live, self._live, self._live_key = self._live, None, None
            return live
        self._drop_live()
        return None

