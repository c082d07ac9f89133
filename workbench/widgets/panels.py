"""The screens of a live interview, as plain ipywidgets: consent first, the start panel, the question
view (spoken question, recorder or typed answer, light feedback) and the final summary.

Panels only hold widgets and render values they are given; ``workbench.widgets.app`` wires them
to the interview engine. Every text shown is HTML-escaped (answers are user input).
"""
from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as w

from workbench.interview.bank import LEVELS, ROLES, TYPES
from workbench.privacy.consent import ConsentNotice
from workbench.widgets.recorder import DEFAULT_MAX_DURATION_S, Recorder

DEFAULT_TYPES = ("behavioural", "technical", "situational", "motivation")  # ours: a typical first-round mix
DEFAULT_N_QUESTIONS = 5  # ours: about 15 minutes of practice
MAX_N_QUESTIONS = 20  # ours: beyond this a practice session tires the candidate
DEFAULT_THINK_TIME_S = 10  # ours: a short pause to gather thoughts, as in many panel interviews
MAX_THINK_TIME_S = 120  # ours
TRANSCRIPT_PREVIEW_CHARS = 160  # ours: the summary table shows the start of each answer
WIDE = w.Layout(width="32em")


def _escape(text: Any) -> str:
    return html.escape("" if text is None else str(text))


def _inline_code(text: str) -> str:
    """Escape ``text`` and show its `backticked` parts as code."""
    parts = _escape(text).split("`")
    return "".join(f"<code>{part}</code>" if i % 2 else part for i, part in enumerate(parts))


class ConsentPanel(w.VBox):
    """Before anything is recorded: what is recorded, kept and for how long, where, how to delete it;
    the candidate agrees or continues text-only (``agree`` / ``text_only`` buttons)."""

    def __init__(self, notice: ConsentNotice) -> None:
        self.notice = notice
        items = "".join(f"<li>{_inline_code(line)}</li>" for line in notice.lines)
        self.text = w.HTML(f"<h3>Before you start</h3><ul class='wb-consent'>{items}</ul>")
        self.agree = w.Button(description="I agree: record my answers", button_style="primary", icon="check",
                              layout=w.Layout(width="auto"))
        self.agree.add_class("wb-consent-agree")
        self.text_only = w.Button(description="Continue text-only", icon="keyboard-o", layout=w.Layout(width="auto"))
        self.text_only.add_class("wb-consent-text-only")
        super().__init__([self.text, w.HBox([self.agree, self.text_only])])


class StartPanel(w.VBox):
    """Role, level, question mix, number of questions, job description, voice and camera on/off,
    think time; a Start button, and a Resume row for sessions a kernel restart interrupted."""

    def __init__(self, *, role: str = ROLES[0], level: str = "mid", n_questions: int = DEFAULT_N_QUESTIONS,
                 voice: bool = True, camera: bool = False, think_time_s: int = DEFAULT_THINK_TIME_S,
                 class_label: str = "") -> None:
        style = {"description_width": "11em"}
        self.role = w.Combobox(value=role, options=list(ROLES), description="Role", ensure_option=False,
                               placeholder="pick or type a role", style=style, layout=WIDE)
        self.level = w.Dropdown(options=list(LEVELS), value=level, description="Level", style=style)
        self.types = w.SelectMultiple(options=list(TYPES), value=[t for t in DEFAULT_TYPES if t in TYPES],
                                      description="Question mix", rows=len(TYPES), style=style)
        self.n_questions = w.IntSlider(value=n_questions, min=1, max=MAX_N_QUESTIONS,
                                       description="Questions", style=style)
        self.job_description = w.Textarea(placeholder="optional: paste a job description or CV to tailor questions",
                                          description="Job description", style=style,
                                          layout=w.Layout(width="40em", height="7em"))
        self.voice = w.Checkbox(value=voice, description="Interviewer voice", style=style)
        self.camera = w.Checkbox(value=camera, description="Record camera too", style=style)
        self.think_time_s = w.IntSlider(value=think_time_s, min=0, max=MAX_THINK_TIME_S, step=5,
                                        description="Think time (s)", style=style)
        self.candidate = w.Text(placeholder="optional: a nickname or number, not your name", description="Your label",
                                style=style, layout=WIDE)
        self.class_label = w.Text(value=class_label, placeholder="optional: the class or group", description="Class",
                                  style=style, layout=WIDE)
        self.recording_note = w.HTML()
        self.start = w.Button(description="Start interview", button_style="primary", icon="play")
        self.resume_choice = w.Dropdown(options=[], description="Unfinished", style=style, layout=WIDE)
        self.resume = w.Button(description="Resume", icon="redo")
        self.status = w.HTML()
        self._resume_row = w.HBox([self.resume_choice, self.resume])
        self._resume_row.layout.display = "none"
        super().__init__([
            w.HTML("<h3>Interview practice</h3>"),
            self.role, self.level, self.types, self.n_questions, self.job_description,
            w.HBox([self.voice, self.camera]), self.recording_note, self.think_time_s, self.candidate,
            self.class_label, self.start, self.status, self._resume_row,
        ])

    def set_recording_allowed(self, allowed: bool) -> None:
        """After the consent panel: with text-only the camera is off and cannot be turned on."""
        self.camera.disabled = not allowed
        if not allowed:
            self.camera.value = False
        note = "<i class='wb-text-only'>Text-only: nothing is recorded; you type your answers.</i>"
        self.recording_note.value = "" if allowed else note

    def values(self) -> dict[str, Any]:
        """The chosen settings: role, level, types, n_questions, job_description, voice, camera, think_time_s,
        candidate, class_label (None when empty)."""
        return {
            "role": self.role.value.strip(),
            "level": self.level.value,
            "types": tuple(self.types.value),
            "n_questions": int(self.n_questions.value),
            "job_description": self.job_description.value.strip() or None,
            "voice": bool(self.voice.value),
            "camera": bool(self.camera.value),
            "think_time_s": int(self.think_time_s.value),
            "candidate": self.candidate.value.strip() or None,
            "class_label": self.class_label.value.strip() or None,
        }

    def set_resumable(self, sessions: Sequence[tuple[str, str]]) -> None:
        """Offer unfinished sessions as (label, session_id) pairs; hides the row when there are none."""
        self.resume_choice.options = list(sessions)
        self._resume_row.layout.display = "flex" if sessions else "none"

    def set_busy(self, busy: bool, message: str = "") -> None:
        self.start.disabled = busy
        self.resume.disabled = busy
        self.status.value = f"<i>{_escape(message)}</i>" if message else ""

    def show_error(self, message: str) -> None:
        self.status.value = f"<span style='color:#b00020'>{_escape(message)}</span>"


class QuestionView(w.VBox):
    """One question at a time: its text and spoken audio, the recorder or a typed answer. After an
    answer the next question appears at once, with light feedback on the previous answer below it
    (transcript, words per minute, fillers), so the candidate never waits on a second click."""

    def __init__(self, *, max_duration_s: float = DEFAULT_MAX_DURATION_S) -> None:
        self.header = w.HTML()
        self.question = w.HTML()
        self.audio = w.Audio(format="wav", autoplay=True, controls=True, loop=False)
        self.audio.layout.display = "none"
        self.think = w.HTML()
        self.recorder = Recorder(max_duration_s=max_duration_s)
        self.typed = w.Textarea(placeholder="or type your answer here", layout=w.Layout(width="40em", height="6em"))
        self.submit_typed = w.Button(description="Submit typed answer", icon="paper-plane",
                                     layout=w.Layout(width="auto"))
        self.status = w.HTML()
        self.feedback = w.HTML()
        self.finish = w.Button(description="End interview", icon="stop")
        self.caught = w.HTML()
        self.answer_again = w.Button(description="Answer again", icon="microphone", button_style="warning")
        self.keep_answer = w.Button(description="Keep it and go on", icon="arrow-right")
        self.retry_row = w.VBox([self.caught, w.HBox([self.answer_again, self.keep_answer])],
                                layout=w.Layout(display="none"))
        super().__init__([
            self.header, self.question, self.audio, self.think, self.recorder, self.typed,
            w.HBox([self.submit_typed, self.finish]), self.status, self.retry_row, self.feedback,
        ])

    def show_caught_only(self, message: str) -> None:
        """The answer was probably not heard right: say what was heard, offer to answer again."""
        self.status.value = ""
        self.caught.value = f"<p class='wb-caught-only'>{_escape(message)}</p>"
        self.retry_row.layout.display = "flex"

    def hide_caught_only(self) -> None:
        self.caught.value = ""
        self.retry_row.layout.display = "none"

    def show_question(self, *, text: str, number: int, planned: int, kind: str = "question",
                      audio_wav: bytes | None = None, think_time_s: int = 0, camera: bool = False,
                      recording: bool = True) -> None:
        """Show question ``number`` (1-based) of about ``planned``; play ``audio_wav`` if given.
        ``recording`` False (text-only) hides the recorder: the answer is typed."""
        label = "Follow-up" if kind == "follow_up" else ("Patient" if kind == "roleplay" else "Question")
        self.header.value = f"<b>{label} {number}</b> <span style='color:#666'>of about {planned}</span>"
        self.question.value = f"<p class='wb-question' style='font-size:1.2em'>{_escape(text)}</p>"
        if audio_wav:
            self.audio.value = audio_wav
            self.audio.layout.display = "block"
        else:
            self.audio.layout.display = "none"
        then = "press Record (or type)" if recording else "type your answer"
        self.think.value = f"<i>Take up to {think_time_s} s to think, then {then}.</i>" if think_time_s else ""
        self.recorder.layout.display = None if recording else "none"
        self.typed.placeholder = "or type your answer here" if recording else "type your answer here"
        self.recorder.camera = camera
        self.recorder.message = ""
        self.recorder.error = ""
        self.typed.value = ""
        self.status.value = ""
        self.hide_caught_only()
        self.set_answering_enabled(True)

    def set_answering_enabled(self, enabled: bool) -> None:
        self.recorder.disabled = not enabled
        self.typed.disabled = not enabled
        self.submit_typed.disabled = not enabled

    def show_working(self, message: str) -> None:
        self.set_answering_enabled(False)
        self.status.value = f"<i class='wb-working'>{_escape(message)}</i>"

    def show_error(self, message: str) -> None:
        """An error the candidate can act on; answering is enabled again so they can retry."""
        self.set_answering_enabled(True)
        self.status.value = f"<span class='wb-error' style='color:#b00020'>{_escape(message)}</span>"

    def show_feedback(self, *, transcript: str, words_per_minute: float | None, filler_count: int | None,
                      notes: Sequence[str] = ()) -> None:
        """Light feedback on the answer just given (shown under the next question)."""
        self.feedback.value = render_feedback(transcript=transcript, words_per_minute=words_per_minute,
                                              filler_count=filler_count, notes=notes)


def render_feedback(*, transcript: str, words_per_minute: float | None, filler_count: int | None,
                    notes: Sequence[str] = ()) -> str:
    """HTML for the light feedback on one answer: what was heard, the pace, the fillers."""
    pace = f"{words_per_minute:.0f} words/min" if words_per_minute else "pace: n/a (typed)"
    fillers = f"{filler_count} filler word{'s' if filler_count != 1 else ''}" if filler_count is not None else ""
    extra = "".join(f"<li>{_escape(n)}</li>" for n in notes)
    heard = _escape(transcript) if transcript and transcript.strip() else "<i>(nothing heard)</i>"
    return (
        "<div class='wb-feedback' style='border-left:3px solid #1976d2;padding-left:0.6em;margin-top:1em'>"
        f"<b>Your last answer:</b> <span class='wb-transcript'>{heard}</span><br>"
        f"<span class='wb-pace'>{_escape(pace)}</span>"
        f"{' · ' + _escape(fillers) if fillers else ''}"
        f"{'<ul>' + extra + '</ul>' if extra else ''}</div>"
    )


class SummaryPanel(w.VBox):
    """The end: one row per answered turn with its score, a button that writes the full report (with
    its progress, then a link to it), and the command that does the same from any terminal.

    Scores arrive after the table (``set_scores``): first the quick ones from the answers' words,
    then the full report's, which replace them, so the panel never shows two figures for one answer."""

    def __init__(self) -> None:
        self.table = w.HTML()
        self.scores_note = w.HTML()
        self.command = w.HTML()
        self.last_feedback = w.HTML()
        self.write_report = w.Button(description="Write the full report", icon="file-text", button_style="primary",
                                     layout=w.Layout(width="16em"))
        self.report_progress = w.IntProgress(value=0, min=0, max=1, layout=w.Layout(width="24em", visibility="hidden"))
        self.report_status = w.HTML()
        self.report_link = w.HTML()
        self.restart = w.Button(description="New interview", icon="refresh")
        self._rows: list[dict[str, Any]] = []
        self._scores: dict[int, dict[str, Any]] = {}
        super().__init__([w.HTML("<h3>Summary</h3>"), self.last_feedback, self.table, self.scores_note,
                          w.HBox([self.write_report, self.report_progress]), self.report_status, self.report_link,
                          self.command, self.restart])

    def show(self, rows: Sequence[dict[str, Any]], report_command: str, *, last_feedback_html: str = "") -> None:
        """``rows``: dicts with question, transcript, words_per_minute, filler_count."""
        self.last_feedback.value = last_feedback_html
        self._rows, self._scores = list(rows), {}
        self.scores_note.value = "<i>Scoring your answers…</i>" if rows else ""
        self.report_progress.layout.visibility = "hidden"
        self.report_status.value = self.report_link.value = ""
        self.write_report.disabled = not rows
        self._render_table()
        self.command.value = (
            "<p>The same report from a terminal:</p>"
            f"<pre class='wb-report-command'>{_escape(report_command)}</pre>"
        )

    def set_scores(self, scores: dict[int, dict[str, Any]], *, source: str) -> None:
        """Per row (0-based) ``{"overall", "uncertainty", "band"}``; ``source`` says where they come from."""
        self._scores = dict(scores)
        self.scores_note.value = f"<small class='wb-scores-source'>{_escape(source)}</small>"
        self._render_table()

    def set_report_progress(self, step: int, steps: int, message: str) -> None:
        self.report_progress.max, self.report_progress.value = max(steps, 1), min(step, max(steps, 1))
        self.report_progress.layout.visibility = "visible"
        self.report_status.value = f"<i>{_escape(message)}</i>"

    def set_report_done(self, href: str, path: str) -> None:
        self.report_progress.value = self.report_progress.max
        self.report_status.value = ""
        self.report_link.value = (f"<p>Report written: <a class='wb-report-link' href='{_escape(href)}' "
                                  f"target='_blank'>open the report</a> <code>{_escape(path)}</code></p>")

    def set_report_failed(self, message: str) -> None:
        self.report_progress.layout.visibility = "hidden"
        self.write_report.disabled = False
        self.report_status.value = f"<span style='color:#b00020'>{_escape(message)}</span>"

    def _render_table(self) -> None:
        body = "".join(
            "<tr>"
            f"<td>{i + 1}</td><td>{_escape(r.get('question'))}</td>"
            f"<td>{_escape(_preview(r.get('transcript')))}</td>"
            f"<td>{_number(r.get('words_per_minute'))}</td><td>{_number(r.get('filler_count'))}</td>"
            f"<td class='wb-score'>{_score(self._scores.get(i))}</td>"
            "</tr>"
            for i, r in enumerate(self._rows)
        )
        self.table.value = (
            "<table class='wb-summary'><thead><tr><th>#</th><th>Question</th><th>Your answer</th>"
            f"<th>Words/min</th><th>Fillers</th><th>Score /100</th></tr></thead><tbody>{body}</tbody></table>"
        )


def _score(scores: dict[str, Any] | None) -> str:
    """"62 ± 9 (good)": the overall, its uncertainty and band; "…" while it is computed."""
    if not scores:
        return "…"
    return f"{scores['overall']:.0f} ± {scores['uncertainty']:.0f} ({_escape(scores['band'])})"


def _preview(text: Any) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= TRANSCRIPT_PREVIEW_CHARS else text[: TRANSCRIPT_PREVIEW_CHARS - 1] + "…"


def _number(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if isinstance(value, float) else _escape(value)
