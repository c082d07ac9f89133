"""An educator rates the model's follow-ups and feedback (issue 16 item 2): the rating panel, driven as the
browser drives it (setting the buttons' value), stores the rating in the real store, and the tuning export
lets it decide."""
from __future__ import annotations

from workbench.session import AnswerSource, Session, Turn, TurnState
from workbench.store import SessionStore
from workbench.tuning.export import export_examples
from workbench.tuning.ratings import rating_of
from workbench.widgets.rating import NOTHING_YET, UNRATED, RatingPanel

QUESTION = "Tell me about a project that slipped its deadline."
ANSWER = "We rewrote the billing exporter to use a queue, and the nightly run went from four hours to forty minutes."
FOLLOWUP = "What did you yourself change in the billing exporter?"
FEEDBACK = {"strengths": [{"point": "You give a number for the nightly run", "quote": "from four hours to forty "
                           "minutes", "quote_verified": True}],
            "improvements": [{"point": "You could say what you yourself did with the queue",
                              "quote": "use a queue", "quote_verified": True}],
            "llm_rating_1_to_5": 4, "source": "llm", "input_key": "k1"}


def _session() -> Session:
    first = Turn(index=0, question=QUESTION, state=TurnState.ANSWERED, answer_text=ANSWER,
                 answer_source=AnswerSource.TYPED,
                 analysis={"interview": {"type": "behavioural"}, "scores": {"overall": 75.0, "feedback": FEEDBACK}})
    probe = Turn(index=1, question=FOLLOWUP, kind="follow_up", state=TurnState.ASKED,
                 analysis={"interview": {"type": "behavioural", "source": "llm", "gap": "we_without_i",
                                         "parent_index": 0, "followup_decided": True}})
    template = Turn(index=2, question="What did you do yourself, step by step?", kind="follow_up",
                    state=TurnState.ASKED, analysis={"interview": {"source": "template", "parent_index": 0}})
    return Session(id="rated-1", synthetic=True, role="software engineer", turns=[first, probe, template])


def test_the_panel_lists_the_models_work_and_stores_each_rating(data_dir, tmp_path):
    store = SessionStore(data_dir)
    store.save(_session())
    panel = RatingPanel(store)
    panel.show("rated-1")
    assert set(panel.choices) == {(0, "feedback"), (1, "followup")}  # the rule-written probe is not the model's
    assert panel.ratings() == {(0, "feedback"): UNRATED, (1, "followup"): UNRATED}
    shown = " ".join(row.children[0].value for row in panel.rows.children)
    assert FOLLOWUP in shown and "You give a number" in shown

    panel.choices[(1, "followup")].value = "bad"  # what a click on "bad" does in the browser
    panel.choices[(0, "feedback")].value = "good"
    assert "Saved" in panel.status.value
    stored = store.get("rated-1")
    assert rating_of(stored.turns[1], "followup") == "bad" and rating_of(stored.turns[0], "feedback") == "good"
    assert export_examples(store, tmp_path / "f.jsonl")["counts"]["exported"] == 0  # the educator said bad
    assert export_examples(store, tmp_path / "fb.jsonl", task="feedback")["counts"]["rated"]["good"] == 1

    again = RatingPanel(store)
    again.show("rated-1")  # the stored ratings come back
    assert again.ratings() == {(0, "feedback"): "good", (1, "followup"): "bad"}
    again.choices[(1, "followup")].value = UNRATED
    assert rating_of(store.get("rated-1").turns[1], "followup") is None


def test_the_live_app_offers_the_panel_only_when_asked(data_dir):
    from workbench.interview.engine import InterviewEngine
    from workbench.widgets import InterviewApp

    store = SessionStore(data_dir)
    engine = InterviewEngine(store, llm_id="none", voice=False)
    assert InterviewApp(engine).rating_panel is None  # a candidate never sees it
    app = InterviewApp(engine, n_questions=1, voice=False, rate=True)
    assert app.rating_panel in app.summary_panel.children
    app.consent_panel.text_only.click()
    app.start_panel.start.click()
    app.question_view.typed.value = "We fixed the exporter together and the team was happy."
    app.question_view.submit_typed.click()
    app.question_view.finish.click()
    assert app.errors == [] and app.screen == "summary"
    assert app.rating_panel.session_id == app.session.id
    assert NOTHING_YET in app.rating_panel.status.value  # no model wrote anything here: bank questions only
