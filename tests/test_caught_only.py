"""Short or misheard spoken answers (issue 21): "I only caught ...", an offer to answer again that keeps
the earlier take, and no follow-up written on words the candidate may not have said. Real whisper
tiny.en on real read speech (Debian pocketsphinx-testdata)."""
from __future__ import annotations

from pathlib import Path

import pytest

from workbench.interview import answer as answers
from workbench.interview.engine import InterviewConfig, InterviewEngine
from workbench.session import Turn, TurnState
from workbench.store import SessionStore

SHORT_CLIP = Path("/usr/share/pocketsphinx/test/data/cards/001.wav")  # "ten of clubs"
LONG_ANSWER = ("I led the migration of our billing service to the new platform: I wrote the plan, moved the "
               "data in three steps over two weeks, and the monthly cost fell by thirty percent.")


def test_short_or_unsure_transcripts_are_caught_and_typed_ones_are_not():
    assert answers.caught_only("ten of clubs", 0.95)  # too short to trust, whatever its probability
    assert answers.caught_only(LONG_ANSWER, answers.LOW_CONFIDENCE - 0.01)
    assert not answers.caught_only(LONG_ANSWER, 0.9) and not answers.caught_only("", None)
    turn = Turn(index=0, question="Tell me about a project.", answer_text="ten of clubs")
    spoken = answers.answer_feedback(turn, recorded=True, confidence=0.8)
    assert spoken.caught_only and spoken.warnings[0].startswith("I only caught: \u201cten of clubs\u201d")
    typed = answers.answer_feedback(turn, recorded=False)
    assert not typed.caught_only and not any("only caught" in w for w in typed.warnings)


@pytest.fixture()
def engine(data_dir):
    return InterviewEngine(SessionStore(), llm_id="none", voice=False)


def test_a_short_spoken_answer_gets_no_follow_up_and_can_be_given_again(engine):
    session = engine.start(InterviewConfig(role="software engineer", level="mid", n_questions=2))
    first = engine.current_question(session)
    feedback = engine.submit_answer(session, media_bytes=SHORT_CLIP.read_bytes(), media_suffix=".wav")
    assert feedback.caught_only and "only caught" in feedback.warnings[0]
    heard = engine.store.get(session.id).turns[0].analysis["interview"][answers.HEARD]
    assert heard["caught_only"] and heard["words"] < answers.SHORT_ANSWER_WORDS and 0 < heard["confidence"] <= 1
    earlier_media = engine.store.get(session.id).turns[0].answer_media

    again = engine.answer_again(session)
    assert again.index == first.index and again.state == TurnState.ASKED and again.answer_text is None
    assert engine.current_question(session).question == first.question  # the same question again
    engine.submit_answer(session, media_bytes=SHORT_CLIP.read_bytes(), media_suffix=".wav")
    stored = engine.store.get(session.id).turns[0]
    takes = stored.analysis["interview"]["earlier_takes"]
    assert [t["media"] for t in takes] == [earlier_media] and stored.answer_media != earlier_media
    assert {earlier_media, stored.answer_media} <= set(engine.store.list_media(session.id))  # nothing lost

    following = engine.next_question(session)  # kept as heard: no probe of words maybe never said
    assert following.kind == "question" and following.index == 1
    assert engine.store.get(session.id).turns[0].analysis["interview"]["followup_decided"]


def test_the_app_says_what_it_caught_and_offers_to_answer_again(engine):
    from workbench.widgets import InterviewApp

    app = InterviewApp(engine, n_questions=2)
    app.start_panel.voice.value = False
    app.consent_panel.agree.click()
    app.start_panel.start.click()
    question = app.session.turns[0].question
    from workbench.widgets.recorder import Recording

    app.on_recording(Recording(data=SHORT_CLIP.read_bytes(), mime_type="audio/wav", duration_s=1.5, has_video=False,
                               stopped_at_max=False))
    assert app.screen == "question" and app.question_view.header.value.startswith("<b>Question 1</b>")
    assert app.session.turns[1].state == TurnState.PLANNED  # nothing moved on yet
    assert app.question_view.retry_row.layout.display == "flex"
    assert "I only caught" in app.question_view.caught.value
    app.question_view.answer_again.click()
    assert app.errors == [] and app.question_view.retry_row.layout.display == "none"
    assert app.session.turns[0].state == TurnState.ASKED and app.session.turns[0].question == question
    app.question_view.typed.value = LONG_ANSWER
    app.question_view.submit_typed.click()
    assert app.errors == [] and app.engine.current_question(app.session).index == 1  # typed: no retry offer
