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

import logging
import threading
import time
from collections.abc import Callable

import numpy as np

from workbench.interview import answer as answers
from workbench.interview import intake
from workbench.interview.followup import FollowUp, find_gaps
from workbench.interview.nextturn import FollowUpWriter
from workbench.session import Session, Turn
from workbench.media_limits import SAMPLE_RATE_HZ
from workbench.speech.audio import decode_prefix, quietest_cut

log = logging.getLogger(__name__)

STEP_S = 2.0  # ours: how often the worker looks at the growing recording (one browser chunk is 1 s)
MIN_STRETCH_S = 6.0  # ours: shorter stretches give Whisper too little context and cost more per second
MAX_STRETCH_S = 28.0  # ours: one stretch stays inside Whisper's 30 s window when catching up
GUARD_S = 1.0  # ours: the newest second may end inside a word (and in an unfinished WebM cluster)
CUT_SEARCH_S = 2.5  # ours: the cut is the quietest frame in the last 2.5 s before the guard


def quiet_cut(audio: np.ndarray, start_s: float, end_s: float) -> float:
    """The time (s) of the quietest 50 ms frame in ``[max(start_s, end_s - CUT_SEARCH_S), end_s]``
    (speech's quiet-point search, the one that cuts long recordings into chunks)."""
    end = int(end_s * SAMPLE_RATE_HZ)
    search_s = max(0.0, min(CUT_SEARCH_S, end_s - start_s))
    return quietest_cut(audio[:end], end, search_s=search_s) / SAMPLE_RATE_HZ


class LiveTranscriber:
    """Incremental transcript of one answer being recorded (see the module docstring)."""

    def __init__(self, *, model_id: str | None = None, on_text: Callable[[str], None] | None = None,
                 step_s: float = STEP_S, domain_prompt: str | None = None) -> None:
        """``domain_prompt``: the question's words for Whisper (``intake.domain_prompt_for``), every stretch."""
        self.model_id = model_id
        self.domain_prompt = domain_prompt
        self.on_text = on_text
        self.step_s = step_s
        self._chunks: list[bytes] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._texts: list[str] = []
        self.word_probabilities: list[float] = []  # of every word transcribed so far, in order
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
        return decode_prefix(data) if data else None

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
        available_s = min(len(audio) / SAMPLE_RATE_HZ, intake.MAX_LIVE_TRANSCRIBE_S)
        if available_s - GUARD_S - self.done_s < MIN_STRETCH_S or self._stop.is_set():
            return
        cut_s = quiet_cut(audio, self.done_s + MIN_STRETCH_S, min(available_s - GUARD_S, self.done_s + MAX_STRETCH_S))
        rate = SAMPLE_RATE_HZ
        heard = intake.transcribe_heard(audio[int(self.done_s * rate): int(cut_s * rate)], model_id=self.model_id,
                                        domain_prompt=self.domain_prompt)
        self._texts.append(heard.text)
        self.word_probabilities.extend(heard.word_probabilities)
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
        rate = SAMPLE_RATE_HZ
        if self.done_s * rate > len(audio) or self.error:
            self._texts, self.word_probabilities, self.done_s = [], [], 0.0  # another recording, or a failure
        tail = audio[int(self.done_s * rate):]
        heard = (intake.transcribe_heard(tail, model_id=self.model_id, domain_prompt=self.domain_prompt)
                 if len(tail) else intake.HeardText(""))
        self._texts.append(heard.text)
        self.word_probabilities.extend(heard.word_probabilities)
        return self.text.strip()

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
    """The answer being recorded, as the engine's collaborator: chunks in, a transcript that keeps up
    with the candidate, and a follow-up written while they speak (by ``writer``, for the same gap).

    One answer at a time, keyed by (session id, turn index); a new key drops the old one."""

    def __init__(self, writer: FollowUpWriter, *, stt_id: str | None = None, enabled: bool = True) -> None:
        self.writer = writer
        self.stt_id = stt_id
        self.enabled = enabled  # off: nothing happens while recording; Stop transcribes everything
        self.transcriber: LiveTranscriber | None = None  # the answer being transcribed while recorded
        self._key: tuple[str, int] | None = None  # (session id, turn index) of ``transcriber``
        self._speculators: dict[tuple[str, int], Speculator] = {}
        self._written: dict[tuple[str, int], tuple[FollowUp, int]] = {}  # (follow-up, answer characters seen)

    def speculate(self, session: Session, turn: Turn, text: str) -> None:
        """Write ahead for the answer heard so far (what the live worker does after each stretch)."""
        made = self.writer.speculate(session, turn, text)
        if made is not None:
            self._written[(session.id, turn.index)] = (made, len(text[: answers.MAX_ANSWER_CHARS]))

    def begin(self, session: Session, turn: Turn) -> None:
        """Recording started: fill llama.cpp's prompt cache with the follow-up prompt's fixed start."""
        if self.writer.will_probe(session, turn):
            threading.Thread(target=self._speculate_quietly, args=(session, turn, ""), daemon=True,
                             name="prime-followup-prompt").start()

    def _speculate_quietly(self, session: Session, turn: Turn, text: str) -> None:
        try:
            self.speculate(session, turn, text)
        except Exception as error:  # noqa: BLE001 - priming only saves time; the follow-up itself falls back
            log.warning("priming the follow-up prompt failed: %s", error)

    def written_followup(self, session: Session, turn: Turn, answer: str,
                         timeout_s: float | None = None) -> tuple[FollowUp, int] | None:
        """The follow-up written while the candidate spoke and the characters of the answer it saw, if the
        final answer's first gap is the one it probes (waits up to ``timeout_s`` for one being written)."""
        speculator = self._speculators.pop((session.id, turn.index), None)
        if speculator is not None:
            speculator.drain(timeout_s)
        found = self._written.pop((session.id, turn.index), None)
        if found is None:
            return None
        qtype = turn.analysis.get("interview", {}).get("type", "behavioural")
        gaps = find_gaps(answer, question_type=qtype)
        return found if gaps and gaps[0].kind == found[0].gap else None

    def feed(self, session: Session, turn: Turn, chunk: bytes) -> None:
        """The next piece of ``turn``'s answer being recorded (cheap: the work happens in the background)."""
        if not self.enabled or not chunk:
            return
        key = (session.id, turn.index)
        if self._key != key:
            self.discard()
            on_text = None
            if self.writer.will_probe(session, turn):
                speculator = Speculator(lambda text, s=session, t=turn: self.speculate(s, t, text))
                self._speculators[key] = speculator
                on_text = speculator.submit
            self.transcriber = LiveTranscriber(model_id=self.stt_id, on_text=on_text,
                                               domain_prompt=intake.domain_prompt_for(turn))
            self._key = key
        self.transcriber.feed(chunk)

    def discard(self) -> None:
        """Forget the answer being transcribed live (the recorder restarted, or the answer was typed)."""
        live, key, self.transcriber, self._key = self.transcriber, self._key, None, None
        speculator = self._speculators.pop(key, None) if key else None
        self._written.pop(key, None)
        for stop in [s for s in (live and live.stop, speculator and speculator.drain) if s]:
            threading.Thread(target=stop, daemon=True, name="live-answer-stop").start()

    def take(self, session: Session, turn: Turn) -> LiveTranscriber | None:
        """The transcriber that followed ``turn``'s recording (now the caller's to finish), or None."""
        if self._key == (session.id, turn.index):
            live, self.transcriber, self._key = self.transcriber, None, None
            return live
        self.discard()
        return None

