"""The live interview app: the panels wired to the interview engine, and nothing more.

    from workbench.widgets import InterviewApp
    app = InterviewApp()            # the engine is built on Start, with the voice setting chosen there
    app                             # displays the consent panel, then the start panel

Every handler is a plain method, so tests drive the app with ``button.click()`` and by setting
widget state (``recorder.set_state(...)``), exactly as the browser does. Errors are shown in the
panel as one line the user can act on; nothing already stored is lost (the engine saves each turn).
"""
from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import ipywidgets as w

from workbench.config import settings
from workbench.errors import InputError, WorkbenchError
from workbench.interview import summary
from workbench.interview.engine import InterviewConfig, InterviewEngine
from workbench.privacy.consent import ConsentChoice, consent_notice, recording_allowed
from workbench.session import Session, TurnState
from workbench.store import SessionStore
from workbench.widgets.appserver import REPORTS_URL_ENV
from workbench.widgets.panels import ConsentPanel, QuestionView, StartPanel, SummaryPanel, render_feedback
from workbench.widgets.rating import RatingPanel
from workbench.widgets.recorder import DEFAULT_MAX_DURATION_S, Recording

log = logging.getLogger(__name__)
UNEXPECTED_HINT = "Your answers so far are saved: re-run the cell and press Resume."
WRITING_FOLLOWUP = "Writing a follow-up…"  # shown while the LLM writes one (at most the engine's budget)
CHOOSING_NEXT = "The interviewer is choosing the next question…"
CONSENT_FIRST = "first read what is recorded and agree, or continue text-only"
QUICK_SCORES_NOTE = ("Quick scores from your words alone; the full report adds your voice and face, its "
                     "transcript of the whole recording and written feedback, and its scores replace these.")
REPORT_SCORES_NOTE = "Scores from the full report (the same figures as in it)."


def _link_to(path: str) -> str:
    """A link to the report: under the app server's reports route in ``workbench app`` (which names it in
    the kernel's environment); else one JupyterLab opens, relative to the notebook's folder."""
    route = os.environ.get(REPORTS_URL_ENV)
    if route:
        try:
            return route + quote(Path(path).resolve().relative_to(settings().reports_dir.resolve()).as_posix())
        except ValueError:  # not under the served folder: the link below
            pass
    relative = os.path.relpath(path, os.getcwd())
    return relative if not relative.startswith(os.pardir + os.sep + os.pardir) else "file://" + path


def _guarded(show_error: Callable[["InterviewApp"], Callable[[str], None]]):
    """Run a handler; turn any error into one visible line instead of a traceback in the log."""

    def decorate(handler):
        @functools.wraps(handler)
        def wrapper(self: "InterviewApp", *args: Any) -> None:
            try:
                handler(self, *args)
            except WorkbenchError as error:
                show_error(self)(str(error))
                self.errors.append(str(error))
            except Exception as error:  # noqa: BLE001 - the UI must stay usable; logged in full
                log.exception("interview app handler %s failed", handler.__name__)
                message = f"Something went wrong ({type(error).__name__}: {error}). {UNEXPECTED_HINT}"
                show_error(self)(message)
                self.errors.append(message)

        return wrapper

    return decorate


class InterviewApp(w.VBox):
    """Consent panel -> start panel -> one question at a time (spoken, answered by recording or typing, feedback
    under the next question) -> summary with the report command. Also resumes unfinished sessions.

    ``engine``: an ``InterviewEngine``, used as configured (its follow-up budget bounds the wait after
    each answer); None builds one on Start (``llm_id``, ``seed``, ``deterministic`` and the panel's
    voice setting are passed to it)."""

    def __init__(self, engine: InterviewEngine | None = None, *, store: SessionStore | None = None,
                 llm_id: str | None = None, seed: int | None = None, deterministic: bool = True,
                 role: str | None = None, level: str = "mid", n_questions: int | None = None, voice: bool = True,
                 camera: bool = False, class_label: str = "",
                 max_duration_s: float = DEFAULT_MAX_DURATION_S, warm_up: bool = False, rate: bool = False) -> None:
        self.engine = engine
        self.store = store or (engine.store if engine is not None else SessionStore())
        self._engine_options = {"llm_id": llm_id, "seed": seed, "deterministic": deterministic}
        start_kwargs: dict[str, Any] = {"level": level, "voice": voice, "camera": camera, "class_label": class_label}
        if role:
            start_kwargs["role"] = role
        if n_questions:
            start_kwargs["n_questions"] = n_questions
        self.consent_panel = ConsentPanel(consent_notice())
        self.consent: ConsentChoice | None = None  # the candidate's choice on the consent panel
        self.start_panel = StartPanel(**start_kwargs)
        self.question_view = QuestionView(max_duration_s=max_duration_s)
        self.summary_panel = SummaryPanel()
        # for educators: rate the model's follow-ups and feedback at the end (tuning.ratings); off for candidates
        self.rating_panel = RatingPanel(self.store) if rate else None
        if self.rating_panel is not None:
            self.summary_panel.children = (*self.summary_panel.children, self.rating_panel)
        self.session: Session | None = None
        self.options: dict[str, Any] = {}
        self.feedback: dict[int, dict[str, Any]] = {}  # turn index -> feedback shown for it
        self.timings: list[dict[str, float]] = []  # per answer: seconds from answer in to next question shown
        self.errors: list[str] = []  # every message shown to the user, for tests and logs
        self.finished: dict[str, Any] | None = None

        self.consent_panel.agree.on_click(self.on_consent_agree)
        self.consent_panel.text_only.on_click(self.on_consent_text_only)
        self.start_panel.start.on_click(self.on_start)
        self.start_panel.resume.on_click(self.on_resume)
        self.question_view.submit_typed.on_click(self.on_submit_typed)
        self.question_view.finish.on_click(self.on_finish)
        self.question_view.recorder.on_recording(self.on_recording)
        self.question_view.recorder.on_state(self.on_recorder_state)
        self.question_view.recorder.on_msg(self.on_recorder_message)
        self.summary_panel.restart.on_click(self.on_restart)
        self.summary_panel.write_report.on_click(self.on_write_report)
        self.question_view.answer_again.on_click(self.on_answer_again)
        self.question_view.keep_answer.on_click(self.on_keep_answer)
        self._scoring_thread: threading.Thread | None = None
        self._report_thread: threading.Thread | None = None
        self.report: Any = None  # the ReportResult of the last "Write the full report"
        self._summary_turns: list[int] = []  # turn index of each summary row
        self._caught_received = 0.0  # when the answer now shown as "I only caught ..." came in
        super().__init__([self.consent_panel])
        self.refresh_resumable()
        self._warm_thread: threading.Thread | None = None
        if warm_up:
            self.warm_up_in_background(voice)

    def warm_up_in_background(self, voice: bool = True) -> None:
        """Load the LLM and the voice while the candidate fills in the start panel."""
        engine = self._ensure_engine(voice)
        self._warm_thread = threading.Thread(target=engine.warm_up, daemon=True, name="interview-warm-up")
        self._warm_thread.start()

    # --- screens ------------------------------------------------------------------------------
    @property
    def screen(self) -> str:
        """"consent", "start", "question" or "summary": what is on screen."""
        shown = self.children[0] if self.children else None
        return {id(self.consent_panel): "consent", id(self.start_panel): "start", id(self.question_view): "question",
                id(self.summary_panel): "summary"}.get(id(shown), "consent")

    @property
    def recording(self) -> bool:
        """Whether answers may be recorded now: the candidate agreed, and the session allows it."""
        allowed = self.consent == ConsentChoice.RECORD
        return allowed and (self.session is None or recording_allowed(self.session.settings))

    def _show(self, panel: w.Widget) -> None:
        self.children = [panel]

    def refresh_resumable(self) -> None:
        """List stored sessions that still have unanswered turns (e.g. after a kernel restart)."""
        try:
            summaries = self.store.list()
        except WorkbenchError as error:
            self.start_panel.show_error(str(error))
            return
        unfinished = [
            (f"{s.created_at[:16]} · {s.role} ({s.level}) · {s.answered}/{s.turns} answered", s.id)
            for s in reversed(summaries) if not s.synthetic and s.answered < s.turns and not self._ended(s.id)
        ]
        self.start_panel.set_resumable(unfinished)

    def _ended(self, session_id: str) -> bool:
        """Whether the session was closed with End interview (its unasked questions are not "unfinished")."""
        return summary.ended(self.store.get(session_id))

    # --- engine -------------------------------------------------------------------------------
    def _ensure_engine(self, voice: bool) -> InterviewEngine:
        if self.engine is None:
            options = {k: v for k, v in self._engine_options.items() if v is not None}
            self.engine = InterviewEngine(self.store, voice=voice, **options)
        else:
            self.engine.voice = voice
        return self.engine

    def _ask_current(self, *, shown_after: float | None = None) -> None:
        """Put the session's current question on screen (with its audio when the voice is on)."""
        turn = self.engine.current_question(self.session)
        if turn is None:
            self._finish()
            return
        spoken_s = 0.0
        audio = None
        if self.options.get("voice", True):
            started = time.perf_counter()
            audio = self.engine.speak(turn)
            spoken_s = time.perf_counter() - started
        planned = max(len(self.session.turns), int(self.options.get("n_questions") or 0))
        self.question_view.show_question(
            text=turn.question, number=turn.index + 1, planned=planned, kind=turn.kind, audio_wav=audio,
            think_time_s=int(self.options.get("think_time_s") or 0),
            camera=self.recording and bool(self.options.get("camera")), recording=self.recording,
        )
        self._show(self.question_view)
        if shown_after is not None:
            self.timings[-1].update(speak_s=spoken_s, answer_to_question_s=time.perf_counter() - shown_after)

    # --- handlers -----------------------------------------------------------------------------
    def on_consent_agree(self, _button: Any = None) -> None:
        """I agree: recording allowed (the microphone, the camera when turned on)."""
        self._consented(ConsentChoice.RECORD)

    def on_consent_text_only(self, _button: Any = None) -> None:
        """Continue text-only: nothing is recorded; the recorder is never shown."""
        self._consented(ConsentChoice.TEXT_ONLY)

    def _consented(self, choice: ConsentChoice) -> None:
        self.consent = choice
        self.start_panel.set_recording_allowed(choice == ConsentChoice.RECORD)
        self._show(self.start_panel)

    @_guarded(lambda self: self.start_panel.show_error)
    def on_start(self, _button: Any = None) -> None:
        """Start button: validate the settings, start a session, ask the first question."""
        if self.consent is None:
            raise InputError(CONSENT_FIRST)
        values = self.start_panel.values()
        if not values["role"]:
            raise InputError("choose or type a role")
        if not values["types"]:
            raise InputError("pick at least one question type in the question mix")
        self.start_panel.set_busy(True, "Preparing the first question (the first start loads the models)…")
        try:
            engine = self._ensure_engine(values["voice"])
            self.session = engine.start(InterviewConfig(
                role=values["role"], level=values["level"], types=values["types"],
                n_questions=values["n_questions"], job_description=values["job_description"],
                think_time_s=values["think_time_s"], mode="interview", roleplay_id=None,
                candidate=values["candidate"], class_label=values["class_label"],
                camera=values["camera"] and self.consent == ConsentChoice.RECORD, consent=self.consent.value,
            ))
            self.options = values
            self.feedback.clear()
            self.finished = None
            self._ask_current()
        finally:
            self.start_panel.set_busy(False)

    @_guarded(lambda self: self.start_panel.show_error)
    def on_resume(self, _button: Any = None) -> None:
        """Resume button: reopen the chosen unfinished session at its first unanswered turn."""
        if self.consent is None:
            raise InputError(CONSENT_FIRST)
        session_id = self.start_panel.resume_choice.value
        if not session_id:
            raise InputError("no unfinished session selected")
        values = self.start_panel.values()
        engine = self._ensure_engine(values["voice"])
        self.session = engine.resume(session_id)
        stored = self.session.settings.get("config", {}) or {}
        self.options = {**values, **{k: v for k, v in stored.items() if k in values and k not in ("voice", "camera")}}
        self.feedback.clear()
        self.finished = None
        self._ask_current()

    def on_recorder_state(self, state: str) -> None:
        """The browser started recording: mark the turn as being answered (stored). Permission
        refused: say so where the candidate looks, and point to the typed answer."""
        if state == "denied":
            message = self.question_view.recorder.error or "the microphone could not be used"
            typing_hint = "" if "type your answer" in message else " (your typed answer works just as well)"
            self.question_view.show_error(message + typing_hint)
            self.errors.append(message)
            return
        if state == "recording" and self.session is not None and self.engine is not None:
            try:
                self.engine.begin_answer(self.session)
            except WorkbenchError as error:
                self.question_view.show_error(str(error))

    def on_recorder_message(self, _widget: Any, content: Any, buffers: list) -> None:
        """Each streamed chunk also goes to the engine, which transcribes while the candidate speaks."""
        if self.session is None or self.engine is None or not isinstance(content, dict):
            return
        try:
            if content.get("kind") == "start":
                self.engine.discard_live()
            elif content.get("kind") == "chunk" and buffers:
                self.engine.feed_audio(self.session, bytes(buffers[0]))
        except WorkbenchError as error:  # live transcription is a speed-up: Stop still transcribes all
            log.warning("live transcription: %s", error)

    @_guarded(lambda self: self.question_view.show_error)
    def on_recording(self, recording: Recording) -> None:
        """A finished recording arrived from the browser: transcribe it, then the next question."""
        note = "Transcribing your answer…"
        if recording.stopped_at_max:
            note = f"The maximum length ({self.question_view.recorder.max_duration_s:.0f} s) was reached. " + note
        self.question_view.show_working(note)
        self._answer(media_bytes=recording.data, media_suffix=recording.suffix, duration_s=recording.duration_s or None)

    @_guarded(lambda self: self.question_view.show_error)
    def on_submit_typed(self, _button: Any = None) -> None:
        """Submit typed answer button."""
        text = self.question_view.typed.value.strip()
        if not text:
            raise InputError("the answer is empty: type something, or press Record and speak")
        self.question_view.show_working("Saving your answer…")
        self._answer(text=text)

    def _answer(self, **answer: Any) -> None:
        if self.session is None:
            raise InputError("start an interview first")
        received = time.perf_counter()
        current = self.engine.current_question(self.session)
        if current is None:
            raise InputError("the interview is over: there is no question to answer")
        turn_index = current.index
        feedback = self.engine.submit_answer(self.session, **answer)
        submitted = time.perf_counter()
        notes = feedback.warnings[1:] if feedback.caught_only else feedback.warnings  # the first is shown apart
        shown = {"transcript": feedback.transcript, "words_per_minute": feedback.words_per_minute,
                 "filler_count": feedback.filler_count, "notes": tuple(notes)}
        self.feedback[turn_index] = shown
        self.question_view.show_feedback(**shown)
        self.timings.append({"submit_s": submitted - received})
        if feedback.caught_only:  # probably misheard: the candidate decides before anything moves on
            self.question_view.show_caught_only(feedback.warnings[0])
            self._caught_received = received
            return
        self._go_on(received)

    def _go_on(self, received: float) -> None:
        """After an answer: a follow-up or the next question (the wait shown), or the summary."""
        self.question_view.show_working(WRITING_FOLLOWUP if self.engine.will_write_followup(self.session)
                                        else CHOOSING_NEXT)
        started_next = time.perf_counter()
        upcoming = self.engine.next_question(self.session)
        self.timings[-1]["next_question_s"] = time.perf_counter() - started_next
        if upcoming is None:
            self._finish()
            self.timings[-1]["answer_to_question_s"] = time.perf_counter() - received
        else:
            self._ask_current(shown_after=received)

    @_guarded(lambda self: self.question_view.show_error)
    def on_answer_again(self, _button: Any = None) -> None:
        """Answer again (after "I only caught ..."): the same question, the earlier take kept in the turn."""
        turn = self.engine.answer_again(self.session)
        self.feedback.pop(turn.index, None)
        self.timings.pop()
        self._ask_current()

    @_guarded(lambda self: self.question_view.show_error)
    def on_keep_answer(self, _button: Any = None) -> None:
        """Keep it and go on: the answer stays as heard; no follow-up is written on it."""
        self.question_view.hide_caught_only()
        self._go_on(self._caught_received)

    @_guarded(lambda self: self.question_view.show_error)
    def on_finish(self, _button: Any = None) -> None:
        """End interview button: stop early and show the summary (answered turns are kept)."""
        if self.session is None:
            raise InputError("no interview in progress: press Start first")
        self._finish()

    def _finish(self) -> None:
        self.finished = self.engine.finish(self.session)
        command = self.finished["report_command"]
        rows, self._summary_turns = [], []
        for turn in self.session.turns:
            if turn.state not in (TurnState.ANSWERED, TurnState.ANALYSED) and turn.index not in self.feedback:
                continue
            shown = self.feedback.get(turn.index, {})
            rows.append({
                "question": turn.question,
                "transcript": shown.get("transcript", turn.answer_text),
                "words_per_minute": shown.get("words_per_minute"),
                "filler_count": shown.get("filler_count"),
            })
            self._summary_turns.append(turn.index)
        last = self.feedback[max(self.feedback)] if self.feedback else None
        self.summary_panel.show(rows, command, last_feedback_html=render_feedback(**last) if last else "")
        if self.rating_panel is not None:
            self.rating_panel.show(self.session.id)
        self._show(self.summary_panel)
        if rows:
            self._scoring_thread = threading.Thread(target=self._quick_scores, args=(self.session,), daemon=True,
                                                    name="summary-scores")
            self._scoring_thread.start()

    def _quick_scores(self, session: Session) -> None:
        """Each answer's score from its words (no LLM, no voice or face yet), shown until the report's."""
        from workbench.scoring.api import score_answer

        scores = {}
        try:
            for row, index in enumerate(self._summary_turns):
                turn = session.turns[index]
                result = score_answer(turn.question, turn.answer_text or "", concepts=turn.concepts or None,
                                      role=session.role, llm_feedback=False)
                scores[row] = {"overall": result.overall, "uncertainty": result.uncertainty, "band": result.band}
                self.summary_panel.set_scores(scores, source=QUICK_SCORES_NOTE)
        except WorkbenchError as error:
            self.summary_panel.set_scores(scores, source=f"Scores could not be computed here: {error}")

    @_guarded(lambda self: self.summary_panel.set_report_failed)
    def on_write_report(self, _button: Any = None) -> None:
        """Write the full report button: the report pipeline in the background, its progress shown,
        then the report's own scores in the table and a link to the report."""
        if self.session is None:
            raise InputError("no interview to report on")
        if self._report_thread is not None and self._report_thread.is_alive():
            return
        self.summary_panel.write_report.disabled = True
        self.summary_panel.set_report_progress(0, 1, "Starting the report…")
        self._report_thread = threading.Thread(target=self._write_report, args=(self.session.id,), daemon=True,
                                               name="summary-report")
        self._report_thread.start()

    def _write_report(self, session_id: str) -> None:
        from workbench.report.pipeline import PROGRESS_MESSAGES, report_session
        from workbench.scoring.api import AnswerScores

        step, steps = 0, PROGRESS_MESSAGES  # a stage the report reuses says nothing: done fills the bar

        def progress(message: str) -> None:
            nonlocal step
            step += 1
            self.summary_panel.set_report_progress(step, steps, f"Working on the {message.split(': ', 1)[-1]}…")

        try:
            if self._scoring_thread is not None:
                self._scoring_thread.join()
            self.report = report_session(session_id, progress=progress)
        except WorkbenchError as error:
            self.summary_panel.set_report_failed(f"The report could not be written: {error}")
            self.errors.append(str(error))
            return
        except Exception as error:  # noqa: BLE001 - a background thread's failure must reach the panel
            log.exception("report from the summary failed")
            self.summary_panel.set_report_failed(f"The report could not be written ({type(error).__name__}: {error})")
            self.errors.append(str(error))
            return
        stored = self.store.get(session_id)
        scores = {}
        for row, index in enumerate(self._summary_turns):
            data = stored.turns[index].analysis.get("scores")
            if data:
                result = AnswerScores.from_json(data)
                scores[row] = {"overall": result.overall, "uncertainty": result.uncertainty, "band": result.band}
        self.summary_panel.set_scores(scores, source=REPORT_SCORES_NOTE)
        if self.rating_panel is not None:  # the report wrote the feedback: it can be rated now
            self.rating_panel.show(session_id)
        html_path = str(self.report.html_path)
        self.summary_panel.set_report_done(_link_to(html_path), html_path)

    def on_restart(self, _button: Any = None) -> None:
        """New interview button: back to the consent panel, as consent is given per session (another
        student may sit down); the engine and its models stay loaded."""
        self.session = None
        self.consent = None
        self.refresh_resumable()
        self._show(self.consent_panel)

