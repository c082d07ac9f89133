"""The student's voice and face tables, the overview sentences and the figures, built from stage results.

The inputs are made by the stages' own code (``tests/report_inputs.py``: ``VoiceMetrics``,
``vision.aggregate.summarise``, ``score_answer`` without the LLM), so a renamed key fails here."""
from __future__ import annotations

import copy
import re

import pytest
from matplotlib.figure import Figure

import report_inputs as inputs
from workbench.report import plots, render
from workbench.report.measures import face_quality_note, face_rows, voice_rows
from workbench.report.overview import strengths_and_improvements
from workbench.report.summary import build_summary
from workbench.scoring import delivery
from workbench.speech.norms import band, bands


@pytest.fixture(scope="module")
def scored_session():
    return inputs.session_of(inputs.scored_turn(), session_id="measures-test")


def test_voice_rows_use_the_speech_bands():
    voice = inputs.voice_analysis()
    rows = {row.measure: row for row in voice_rows(voice)}
    rate = rows["Speaking rate"]
    pace = band("words_per_minute")
    assert rate.verdict == pace.classify(183.1) == "high"
    assert rate.norm == f"{pace.low:g}–{pace.high:g} words/min" and rate.value == "183.1 words/min"
    assert rows["Fillers (um, uh, like, you know)"].verdict == "high"
    assert rows["Share of the answer spent in pauses"].value == "9 %"  # a fraction shown as a percentage
    assert rows["Share of the answer spent in pauses"].verdict == "in"
    assert len(rows) == len(bands())  # one row per band the speech module defines
    # the verdicts are the ones the voice stage stored beside its measures
    assert [r.verdict for r in voice_rows(voice)] == [voice["bands"][b.measure]["band"] for b in bands()]


def test_voice_rows_of_silence_and_missing_measures():
    assert voice_rows(inputs.voice_analysis(speech_detected=False, words_per_minute=None)) == []
    rows = voice_rows(inputs.voice_analysis(words_per_minute=None, fillers_per_100_words=None, pause_ratio=None))
    missing = [r for r in rows if r.measure in ("Speaking rate", "Share of the answer spent in pauses")]
    assert missing and all(r.verdict is None and r.value == "not measurable" for r in missing)


def test_face_rows_and_quality_note():
    face = inputs.face_analysis()
    rows = {row.measure: row for row in face_rows(face)}
    eye = rows["Eye contact (looking at the camera)"]
    assert eye.value == "10 %" and eye.verdict == "low"  # under scoring.delivery's poor threshold
    assert f"{delivery.EYE_CONTACT_GOOD * 100:g} %" in eye.norm
    assert rows["Face visible"].verdict == "in" and rows["Face visible"].value == "100 %"
    assert rows["Facial expressiveness (a still face is low)"].verdict is not None
    assert "neutral" in rows["Dominant expression (fer model)"].value
    note = face_quality_note(face)
    assert note.startswith("40 of 40 sampled frames were usable (10 per second)")
    assert face_rows({}) == [] and face_rows({"summary": {}}) == []


def test_fair_eye_contact_between_the_two_thresholds():
    face = inputs.face_analysis(eye_contact_every=3)  # about a third of the frames
    eye = {r.measure: r for r in face_rows(face)}["Eye contact (looking at the camera)"]
    assert delivery.EYE_CONTACT_POOR < face["summary"]["eye_contact_ratio"] < delivery.EYE_CONTACT_GOOD
    assert eye.verdict == "fair"


def test_overview_sentences_are_plain(scored_session):
    summary = build_summary(scored_session)
    points = strengths_and_improvements(scored_session, summary)
    assert points == {"strengths": summary["strengths"], "improvements": summary["improvements"]}
    assert 1 <= len(points["strengths"]) <= 3 and 1 <= len(points["improvements"]) <= 3
    for sentence in points["strengths"] + points["improvements"]:
        assert sentence[0].isupper() and sentence.endswith(".")
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", sentence), sentence  # no raw key names
    assert any("Speaking rate" in s and "above" in s for s in points["improvements"]) or \
        any("Eye contact" in s or "camera" in s for s in points["improvements"])
    assert summary["band"] in ("strong", "good", "developing", "needs work")


def test_summary_reads_the_scoring_stage_keys(scored_session):
    summary = build_summary(scored_session)
    stored = scored_session.turns[0].analysis["scores"]
    turn = summary["turns"][0]
    assert turn["overall_score"] == stored["overall"] and turn["overall_uncertainty"] == stored["uncertainty"]
    assert turn["components"] == {name: c["score"] for name, c in stored["components"].items()}
    assert "delivery" in turn["components"]  # the face summary reached the delivery score


def test_card_tables_show_verdicts_and_hide_raw_keys(scored_session):
    summary = build_summary(scored_session)
    card = render.answer_card_html(scored_session.turns[0], summary["turns"][0])
    visible = re.sub(r"<details>.*?</details>", "", card, flags=re.S)
    assert "voice measure" in visible and "face measure" in visible
    assert ">high<" in visible and ">low<" in visible and "in band" in visible
    assert "40 of 40 sampled frames" in visible
    assert not re.search(r"\b[a-z]+_[a-z_]*\.[a-z_]+", visible)  # no dotted keys for the student
    assert "<details>" in card and "expression_distribution.neutral" in card  # kept for researchers


def test_transcript_marks_the_stage_pauses_and_fillers():
    voice = inputs.voice_analysis()
    html = render.transcript_html("ignored when timed words exist", voice)
    assert html.count("[pause ") == voice["pause_count"] == 2  # the voice stage's pauses, each once
    assert "[pause 1.2 s]" in html and "[pause 0.6 s]" in html
    assert html.count('title="filler"') == voice["filler_count"] == 2
    plain = render.transcript_html("Well um I think so", None)
    assert plain.count('title="filler"') == 1 and "[pause" not in plain


def test_hostile_text_is_escaped_in_tables():
    hostile = inputs.face_analysis()
    hostile["summary"]["dominant_expression"] = "<script>alert(1)</script>"
    html = render.measure_table_html(face_rows(hostile), title="face measure")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_overview_card_anonymised(scored_session):
    from workbench.privacy.anonymise import anonymise_text

    summary = build_summary(scored_session)
    points = {"strengths": ["Priya Sharma explained the pipeline well."], "improvements": summary["improvements"]}
    card = render.overview_html(summary, points, band=summary["band"], candidate_label="the candidate",
                                anonymise_text=anonymise_text)
    assert "Priya" not in card and "Overall score" in card and summary["band"] in card


def test_figures_are_figures_from_stored_results(scored_session):
    summary = build_summary(scored_session)
    chart = plots.component_chart(summary)
    assert isinstance(chart, Figure) and len(chart.axes[0].texts) == len(summary["turns"][0]["components"])
    assert isinstance(plots.session_timeline(scored_session, summary), Figure)
    later = copy.deepcopy(scored_session)
    later.id, later.created_at = "measures-test-2", "2099-01-01T00:00:00+00:00"
    later.turns[0].analysis["scores"]["overall"] = 90.0
    trend = plots.trend_figure([summary, build_summary(later)])
    assert isinstance(trend, Figure)
    assert list(trend.axes[0].lines[0].get_ydata()) == [summary["overall_score"], 90.0]
    assert plots.trend_figure([summary]) is None  # one session: no trend yet


def test_answer_timelines_are_the_stages_plots(scored_session):
    turn = scored_session.turns[0]
    voice = plots.voice_timeline(turn)
    face = plots.face_timeline(turn)
    assert isinstance(voice, Figure) and isinstance(face, Figure)
    labels = [t.get_text() for ax in voice.axes for t in ax.texts]
    assert "split" in labels  # speech.plots draws the words
    hidden = plots.voice_timeline(turn, anonymise=True)
    hidden_labels = [t.get_text() for ax in hidden.axes for t in ax.texts]
    assert "split" not in hidden_labels and plots.HIDDEN_WORD in hidden_labels
    assert turn.analysis["voice"]["transcript"]["words"][2]["text"] == "I"  # the stored words are untouched
    assert len(face.axes) >= 3  # vision.plots: eye contact, head pose, expressions
    no_series = copy.deepcopy(turn)
    del no_series.analysis["face"]["series"]
    assert plots.face_timeline(no_series) is None
    assert plots.voice_timeline(inputs.scored_turn(voice=inputs.voice_analysis(speech_detected=False,
                                                                               words_per_minute=None))) is None
