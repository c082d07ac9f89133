"""One definition of the voice norms: the voice stage's verdict, the report's table and the
communication score's credit and reason come from the same bands, so they cannot disagree."""
from __future__ import annotations

import pytest

import report_inputs as inputs
from workbench.report.measures import VOICE_MEASURES, voice_rows
from workbench.report.norms import norm_rows
from workbench.scoring import communication, delivery
from workbench.scoring.prepared import prepare
from workbench.speech.norms import band, bands, classify_all
from workbench.speech.voice import VoiceMetrics

SCORED = dict((measure, part) for part, measure in communication.VOICE_PARTS)  # measure -> part name


@pytest.fixture(scope="module")
def prepared():
    return prepare(inputs.QUESTION, inputs.GOOD_ANSWER, None)


def _metrics(**measures: float) -> VoiceMetrics:
    """The voice stage's metrics of a spoken answer with only ``measures`` among the scored ones."""
    unset = dict.fromkeys(SCORED, None)
    return VoiceMetrics.from_json(inputs.voice_analysis(**(unset | measures)))


def _voice_reasons(prepared, voice: VoiceMetrics) -> list[str]:
    text_only = set(communication.score_communication(prepared, None)["reasons"])
    return [r for r in communication.score_communication(prepared, voice)["reasons"] if r not in text_only]


def test_the_issue_example_agrees(prepared):
    """160 words/min, 2.5 fillers per 100 words, a 0.30 pause ratio: in band, and full voice credit."""
    measures = {"words_per_minute": 160.0, "fillers_per_100_words": 2.5, "pause_ratio": 0.30}
    verdicts = {name: classify_all(measures)[name]["band"] for name in measures}
    assert verdicts == dict.fromkeys(measures, "in")
    result = communication.score_communication(prepared, _metrics(**measures))
    assert {result["details"]["parts"][SCORED[m]] for m in measures} == {1.0}
    assert _voice_reasons(prepared, _metrics(**measures)) == []
    stored = inputs.voice_analysis(**measures)  # the report's table says the same
    rows = {row.measure: row.verdict for row in voice_rows(stored)}
    labels = dict(VOICE_MEASURES)
    assert {rows[labels[m]] for m in measures} == {"in"}


@pytest.mark.parametrize("measure", sorted(SCORED))
def test_verdict_and_reason_agree_across_each_band(prepared, measure):
    norm = band(measure)
    edges = [v for v in (norm.zero_low, norm.low, norm.high, norm.zero_high) if v is not None]
    step = 0.02 * (max(edges) - min(edges))  # a little either side of every edge
    probes = sorted({round(v + d, 4) for v in edges for d in (-step, step) if v + d >= 0}
                    | {round(sum(edges) / len(edges), 4)})
    for value in probes:
        voice = _metrics(**{measure: value})
        verdict = norm.classify(value)
        credit = communication.score_communication(prepared, voice)["details"]["parts"][SCORED[measure]]
        reasons = _voice_reasons(prepared, voice)
        if verdict == "in":
            assert credit == 1.0 and reasons == [], (measure, value, credit, reasons)
        else:
            assert credit < 1.0 and len(reasons) == 1, (measure, value, verdict, credit, reasons)
        if (norm.zero_low is not None and value <= norm.zero_low) or (
                norm.zero_high is not None and value >= norm.zero_high):
            assert credit == 0.0, (measure, value, credit)


def test_band_credit_is_full_inside_and_zero_at_the_limits():
    pace = band("words_per_minute")
    assert communication.band_credit(pace.low, pace) == communication.band_credit(pace.high, pace) == 1.0
    assert communication.band_credit(pace.zero_low, pace) == communication.band_credit(pace.zero_high, pace) == 0.0
    midway = (pace.high + pace.zero_high) / 2
    assert communication.band_credit(midway, pace) == pytest.approx(0.5)


def test_one_norms_table_from_the_stages_bands():
    rows = norm_rows()
    assert [r.stage for r in rows] == ["voice"] * len(bands()) + ["face"] * len(delivery.bands())
    assert len({r.measure for r in rows}) == len(rows)  # each measure once
    pace = next(r for r in rows if r.measure == "Speaking rate")
    assert pace.norm == f"{band('words_per_minute').low:g}–{band('words_per_minute').high:g} words/min"
    for row in rows:
        assert row.source and "issue" not in row.source.lower(), row  # a publication, or "ours"


def test_every_measure_a_reader_names_is_a_field_of_the_stage_types():
    """Scoring, the report and the stage tables read typed stage results: a renamed measure fails here."""
    from dataclasses import fields

    from workbench.report.measures import FACE_MEASURES
    from workbench.stages.face import FACE_ROW_KEYS
    from workbench.vision.frames import FaceSummary

    voice_fields = {f.name for f in fields(VoiceMetrics)}
    face_fields = {f.name for f in fields(FaceSummary)}
    assert {b.measure for b in bands()} | set(SCORED) | {m for m, _ in VOICE_MEASURES} <= voice_fields
    assert {b.measure for b in delivery.bands()} | set(FACE_ROW_KEYS) | {m for m, _ in FACE_MEASURES} <= face_fields
    summary = inputs.face_analysis()["summary"]
    assert FaceSummary.from_json(summary).to_json() == summary
