"""For educators: rate what the interviewer model wrote in a session (each follow-up, and the written feedback
on each answer) good or bad. The tuning export lets these ratings decide what the model is trained on.

    from workbench.widgets.rating import RatingPanel
    panel = RatingPanel(store)
    panel.show("my-session")          # one row per item, each with unrated / good / bad
    panel

Shown in the live app's summary (``InterviewApp(rate=True)``), in notebook 60 and in the report notebook.
"""
from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w

from workbench.errors import WorkbenchError
from workbench.store import SessionStore
from workbench.tuning.ratings import RATINGS, rate, rateable_items

UNRATED = "unrated"
CHOICES = (UNRATED, *RATINGS)
TASK_LABELS = {"followup": "Follow-up", "feedback": "Feedback"}
NOTHING_YET = ("Nothing to rate yet: the model's follow-ups appear here as it asks them, its written feedback "
               "once the full report is written.")


class RatingPanel(w.VBox):
    def __init__(self, store: SessionStore | None = None) -> None:
        self.store = store or SessionStore()
        self.session_id: str | None = None
        self.title = w.HTML("<h4>Rate the interviewer's work</h4><small>Good or bad, for tuning the model "
                            "(<code>workbench tune export</code> uses your ratings)</small>")
        self.rows = w.VBox()
        self.status = w.HTML()
        self.choices: dict[tuple[int, str], w.ToggleButtons] = {}  # (turn, task) -> its buttons
        super().__init__([self.title, self.rows, self.status])
        self.add_class("wb-rating")

    def show(self, session_id: str) -> None:
        """One row per follow-up and written feedback of ``session_id``, with its stored rating."""
        self.session_id = session_id
        self.choices = {}
        rows = []
        for item in rateable_items(self.store.get(session_id)):
            buttons = w.ToggleButtons(options=list(CHOICES), value=item.rating or UNRATED,
                                      style={"button_width": "6em"})
            buttons.add_class(f"wb-rate-{item.task}-{item.turn}")
            buttons.observe(lambda change, turn=item.turn, task=item.task: self._on_rated(turn, task, change["new"]),
                            "value")
            self.choices[(item.turn, item.task)] = buttons
            text = escape(item.text).replace("\n", "<br>")
            context = "" if item.task == "followup" else f"<br><small>on: {escape(item.question)}</small>"
            rows.append(w.VBox([w.HTML(f"<b>{TASK_LABELS[item.task]}</b> (turn {item.turn}): {text}{context}"),
                                buttons]))
        self.rows.children = rows
        self.status.value = "" if rows else f"<i>{NOTHING_YET}</i>"

    def _on_rated(self, turn: int, task: str, choice: str) -> None:
        try:
            rate(self.store, self.session_id, turn, task, None if choice == UNRATED else choice)
        except WorkbenchError as error:
            self.status.value = f"<span class='wb-error' style='color:#b00020'>{escape(str(error))}</span>"
            return
        self.status.value = f"<small>Saved: {TASK_LABELS[task].lower()} of turn {turn} {choice}.</small>"

    def ratings(self) -> dict[tuple[int, str], Any]:
        return {key: buttons.value for key, buttons in self.choices.items()}
