"""One transcript per answer: a spoken answer's text becomes the voice stage's full-recording transcript
(the one scores read and the report shows), the live one kept beside it; typed and given text stay as written."""
from __future__ import annotations

import report_inputs as inputs
from workbench.report import render
from workbench.session import AnswerSource, Turn, TurnState
from workbench.speech.analyse import VoiceAnalysis
from workbench.stages.voice import _record_voice

HEARD = "um so I split the tests and uh cached the dependencies which halved the build"  # voice_analysis' words


def _turn(text: str | None, source: AnswerSource | None) -> Turn:
    return Turn(index=0, question=inputs.QUESTION, state=TurnState.ANSWERED, answer_text=text,
                answer_source=source, answer_media="turn00.webm")


def _analysis() -> VoiceAnalysis:
    return VoiceAnalysis.from_json(inputs.voice_analysis(HEARD))


def test_a_spoken_answer_takes_the_full_transcript_and_keeps_the_live_one():
    turn = _turn("so I split the test and cast the dependencies", AnswerSource.SPOKEN)
    _record_voice(turn, _analysis())
    assert turn.answer_text == HEARD and turn.answer_source is AnswerSource.SPOKEN
    assert turn.analysis["interview"]["live_transcript"] == "so I split the test and cast the dependencies"


def test_an_answer_stored_before_sources_were_kept_is_treated_as_spoken():
    turn = _turn(None, None)  # the bundled sample: a recording, no text
    _record_voice(turn, _analysis())
    assert turn.answer_text == HEARD and turn.answer_source is AnswerSource.SPOKEN
    assert "live_transcript" not in turn.analysis.get("interview", {})


def test_typed_and_given_text_stay_as_written():
    for source in (AnswerSource.TYPED, AnswerSource.GIVEN):
        turn = _turn("I wrote this answer myself.", source)
        _record_voice(turn, _analysis())
        assert turn.answer_text == "I wrote this answer myself." and turn.answer_source is source


def test_the_source_round_trips_through_json():
    turn = _turn("typed", AnswerSource.TYPED)
    again = Turn.from_json(turn.to_json())
    assert again.answer_source is AnswerSource.TYPED and turn.to_json()["answer_source"] == "typed"
    assert Turn.from_json({"index": 0, "question": "q"}).answer_source is None  # stored before the field


def test_the_report_marks_timed_words_only_when_they_are_the_scored_words():
    spoken = inputs.scored_turn(answer=HEARD)
    card = render.answer_card_html(spoken, {"overall_score": None})
    assert 'title="pause"' in card  # the timed words are the answer: pauses are marked in it
    typed = inputs.scored_turn(answer="A different, typed answer about the build.")
    card = render.answer_card_html(typed, {"overall_score": None})
    assert 'title="pause"' not in card and "A different, typed answer" in card and "halved" not in card
