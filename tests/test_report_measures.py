"""The student's voice and face tables, and the overview sentences, built from stage results.

Voice and face dicts carry the keys the speech and vision stages store (``VoiceMetrics.to_json``,
``FaceAnalysis.to_json``); scores come from the real scoring stage (``score_answer``, no LLM)."""
from __future__ import annotations

import re

import pytest

from workbench.report import render
from workbench.report.measures import face_quality_note, face_rows, voice_rows
from workbench.report.overview import strengths_and_improvements
from workbench.report.summary import build_summary
from workbench.scoring import delivery
from workbench.session import Session, Turn, TurnState
from workbench.speech.norms import bands

QUESTION = "Tell me about a time you fixed a slow process."
GOOD_ANSWER = (
    "Last year our release pipeline took forty minutes and kept failing. My task was to make it faster. "
    "I split the tests into fast and slow groups, I cached the dependencies and I added a nightly job. "
    "As a result the build time fell from forty to twelve minutes and failed builds dropped by half."
)
VOICE = {  # one fast, filler-heavy answer: keys as workbench.speech.voice.VoiceMetrics stores them
    "speech_detected": True, "duration_s": 31.0, "speaking_time_s": 29.5, "word_count": 90,
    "words_per_minute": 183.1, "articulation_rate_wpm": 201.0, "pause_count": 4, "pause_longest_s": 1.2,
    "pause_ratio": 0.09, "filler_count": 6, "fillers_per_100_words": 6.67,
    "pitch_variability_semitones": 2.4, "loudness_variability_db": 5.1,
}
FACE = {"summary": {  # keys as workbench.vision.aggregate.summarise stores them
    "frames_total": 300, "frames_used": 240, "sampling_fps": 10.0, "face_visible_ratio": 0.9,
    "eye_contact_ratio": 0.1, "looking_away_events": 3, "looking_away_longest_s": 2.5,
    "yaw_sd_deg": 6.2, "pitch_sd_deg": 3.1, "smile_ratio": 0.25, "dominant_expression": "neutral",
    "expression_distribution": {"neutral": 0.61, "happy": 0.2},
    "quality": {"no_face": 30, "blurred": 30, "too_dark": 0, "frames_used": 240, "frames_total": 300},
}, "warnings": []}


@pytest.fixture(scope="module")
def scored_session() -> Session:
    from workbench.scoring.api import score_answer

    scores = score_answer(QUESTION, GOOD_ANSWER, voice=VOICE, face=FACE["summary"], llm_feedback=False)
    turn = Turn(index=0, question=QUESTION, state=TurnState.ANALYSED, answer_text=GOOD_ANSWER,
                answer_duration_s=31.0, analysis={"voice": VOICE, "face": FACE, "scores": scores.to_json()})
    return Session(id="measures-test", candidate="Priya Sharma", turns=[turn])


def test_voice_rows_use_the_speech_bands():
    rows = {row.measure: row for row in voice_rows(VOICE)}
    in_force = bands()
    rate = rows["Speaking rate"]
    assert rate.verdict == in_force["words_per_minute"].classify(183.1) == "high"
    band = in_force["words_per_minute"]
    assert rate.norm == f"{band.low:g}–{band.high:g} words/min" and rate.value == "183.1 words/min"
    assert rows["Fillers (um, uh, like, you know)"].verdict == "high"
    assert rows["Share of the answer spent in pauses"].value == "9 %"  # a fraction shown as a percentage
    assert rows["Share of the answer spent in pauses"].verdict == "in"
    assert len(rows) == len(in_force)  # one row per band the speech module defines


def test_voice_rows_of_silence_and_missing_measures():
    assert voice_rows({"speech_detected": False, "words_per_minute": None}) == []
    rows = voice_rows({"speech_detected": True, "words_per_minute": None})
    assert rows and all(r.verdict is None and r.value == "not measurable" for r in rows)


def test_face_rows_and_quality_note():
    rows = {row.measure: row for row in face_rows(FACE)}
    eye = rows["Eye contact (looking at the camera)"]
    assert eye.value == "10 %" and eye.verdict == "low"  # under scoring.delivery's poor threshold
    assert f"{delivery.EYE_CONTACT_GOOD * 100:g} %" in eye.norm
    assert rows["Face visible"].verdict == "in"
    assert rows["Looking away (1 s or more)"].value == "3 times, longest 2.5 s"
    assert "neutral" in rows["Dominant expression (fer model)"].value
    note = face_quality_note(FACE)
    assert note.startswith("240 of 300 sampled frames were usable")
    assert "no face found: 30" in note and "picture blurred: 30" in note and "too dark" not in note
    assert face_rows({}) == [] and face_rows({"summary": {}}) == []


def test_overview_sentences_are_plain(scored_session):
    summary = build_summary(scored_session)
    points = strengths_and_improvements(scored_session, summary)
    assert points == {"strengths": summary["strengths"], "improvements": summary["improvements"]}
    assert 1 <= len(points["strengths"]) <= 3 and 1 <= len(points["improvements"]) <= 3
    for sentence in points["strengths"] + points["improvements"]:
        assert sentence[0].isupper() and sentence.endswith(".")
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", sentence), sentence  # no raw key names
    # the fast speech and low eye contact hold in the only answer: both are named
    assert any("Speaking rate" in s and "above" in s for s in points["improvements"]) or \
        any("Eye contact" in s for s in points["improvements"]) or \
        any("camera" in s for s in points["improvements"])
    assert summary["band"] in ("strong", "good", "developing", "needs work")


def test_card_tables_show_verdicts_and_hide_raw_keys(scored_session):
    summary = build_summary(scored_session)
    card = render.answer_card_html(scored_session.turns[0], summary["turns"][0])
    visible = re.sub(r"<details>.*?</details>", "", card, flags=re.S)
    assert "voice measure" in visible and "face measure" in visible
    assert ">high<" in visible and ">low<" in visible and "in band" in visible
    assert "240 of 300 sampled frames" in visible
    assert not re.search(r"\b[a-z]+_[a-z_]*\.[a-z_]+", visible)  # no dotted keys for the student
    assert "<details>" in card and "expression_distribution.neutral" in card  # kept for researchers


def test_hostile_text_is_escaped_in_tables():
    hostile = dict(FACE, summary=dict(FACE["summary"], dominant_expression="<script>alert(1)</script>"))
    html = render.measure_table_html(face_rows(hostile), title="face measure")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_overview_card_anonymised(scored_session):
    from workbench.privacy.anonymise import anonymise_text

    summary = build_summary(scored_session)
    points = {"strengths": ["Priya Sharma explained the pipeline well."], "improvements": summary["improvements"]}
    card = render.overview_html(summary, points, band=summary["band"], candidate_label="the candidate",
                                anonymise_text=anonymise_text)
    assert "Priya" not in card and "Overall score" in card and summary["band"] in card


def test_overview_figures_from_stored_results(scored_session):
    import copy

    from workbench.report import plots

    summary = build_summary(scored_session)
    chart = plots.component_chart(summary)
    assert chart is not None and len(chart.axes[0].texts) == len(summary["turns"][0]["components"])
    later = copy.deepcopy(scored_session)
    later.id, later.created_at = "measures-test-2", "2099-01-01T00:00:00+00:00"
    later.turns[0].analysis["scores"]["overall"] = 90.0
    trend = plots.trend_figure([summary, build_summary(later)])
    assert trend is not None
    assert list(trend.axes[0].lines[0].get_ydata()) == [summary["overall_score"], 90.0]
    assert plots.trend_figure([summary]) is None  # one session: no trend yet
    assert plots.face_timeline(scored_session.turns[0]) is None  # no stored series: nothing drawn
