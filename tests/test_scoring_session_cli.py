"""The scoring stage over a stored session (run_scoring), the OET role-play rubric, `workbench score` (no LLM)."""
from __future__ import annotations

import json

import pytest

import report_inputs

from workbench.cli import main
from workbench.scoring import AnswerScores, score_roleplay
from workbench.stages.scoring import run_scoring
from workbench.session import Session, Turn, TurnState
from workbench.store import SessionStore

QUESTION = "Describe a situation where you had to meet a tight deadline."
ANSWER = ("In March, our client moved the launch of their booking app forward by three weeks. I was "
          "responsible for the backend, which still had eight open features. I listed every feature with "
          "the client and we agreed that only five were essential. I automated our deployment so releases "
          "took ten minutes instead of an hour. We delivered the five features two days early.")

ROLEPLAY = [
    {"speaker": "candidate", "text": "Good morning, my name is Sam and I'm the nurse looking after you today."},
    {"speaker": "patient", "text": "I'm worried about going home with this new inhaler."},
    {"speaker": "candidate", "text": "I understand, it's normal to feel worried about a new treatment. "
                                     "What worries you most about using it at home?"},
    {"speaker": "patient", "text": "I don't know if I'm doing it right."},
    {"speaker": "candidate", "text": "First, let me show you how to use it step by step. You breathe out "
                                     "fully, then you press the inhaler once while breathing in slowly. "
                                     "Next, hold your breath for ten seconds. How do you feel about trying "
                                     "it now? Does that make sense?"},
]
CARD = {"title": "Discharge with a new inhaler", "tasks": [
    "explain how to use the inhaler", "find out the patient's concerns", "check the patient understood"]}


def test_run_scoring_writes_scores_and_overview(data_dir):
    store = SessionStore()
    session = Session(id="scoring-test-1", role="software engineer")
    session.turns = [
        Turn(index=0, question=QUESTION, concepts=["prioritising tasks", "delivering on time"],
             state=TurnState.ANSWERED, answer_text=ANSWER,
             analysis={"voice": report_inputs.voice_analysis(words_per_minute=150.0, fillers_per_100_words=3.0,
                                                             pause_ratio=0.2)}),
        Turn(index=1, question="Why do you want this job?", state=TurnState.ANSWERED, answer_text=""),
        Turn(index=2, question="Not yet asked", state=TurnState.PLANNED),
    ]
    store.save(session)
    run = run_scoring(session.id, store=store, llm_feedback=False)
    overview = run.summary
    assert overview["turns_scored"] == 2 and overview["roleplay"] is None
    assert [row["turn"] for row in run.turns] == [0, 1] and not run.skipped
    assert overview["overall_mean"] is not None and overview["overall_uncertainty"] > 0
    saved = store.get(session.id)
    first = saved.turns[0].analysis["scores"]
    assert first["overall"] > saved.turns[1].analysis["scores"]["overall"]
    assert "pace" in first["components"]["communication"]["details"]["parts"]
    assert saved.turns[1].analysis["scores"]["flags"] == ["empty"]
    assert "scores" not in saved.turns[2].analysis
    assert AnswerScores.from_json(first).to_json() == first


def test_run_scoring_scores_delivery_from_the_stored_face_analysis(data_dir):
    """The face stage stores a FaceAnalysis (aggregates under "summary"): delivery is scored from it."""
    store = SessionStore()
    face = report_inputs.face_analysis(eye_contact_every=2)
    session = Session(id="scoring-test-face", role="software engineer")
    session.turns = [Turn(index=0, question=QUESTION, state=TurnState.ANSWERED, answer_text=ANSWER,
                          analysis={"face": face})]
    store.save(session)
    run_scoring(session.id, store=store, llm_feedback=False)
    delivery = store.get(session.id).turns[0].analysis["scores"]["components"]["delivery"]
    assert delivery is not None and delivery["details"]["scored"] is True
    assert delivery["details"]["eye_contact_ratio"] == face["summary"]["eye_contact_ratio"]


def test_run_scoring_of_a_roleplay_stores_the_rubric_beside_the_turn_scores(data_dir):
    store = SessionStore()
    lines = [t["text"] for t in ROLEPLAY if t["speaker"] == "candidate"]
    session = Session(id="scoring-roleplay", mode="roleplay", settings={"card": CARD, "seed": 7}, turns=[
        Turn(index=i, question="(patient)", kind="roleplay", state=TurnState.ANSWERED, answer_text=line)
        for i, line in enumerate(lines)])
    store.save(session)
    run = run_scoring(session.id, store=store, llm_feedback=False)
    saved = store.get(session.id)
    assert run.summary["roleplay"] == saved.settings["roleplay_scores"] == score_roleplay(
        [{"speaker": "candidate", "text": line} for line in lines], CARD)
    assert saved.settings["seed"] == 7 and saved.settings["card"] == CARD
    assert all("scores" in t.analysis for t in saved.turns)  # the settings update kept every turn's scores


def test_roleplay_rubric_scales_and_evidence():
    result = score_roleplay(ROLEPLAY, CARD)
    assert set(result["language"]) == {"intelligibility", "fluency", "appropriateness_of_language",
                                       "resources_of_grammar_and_expression"}
    assert len(result["clinical_communication"]) == 5
    for criterion in result["language"].values():
        assert 0 <= criterion["score"] <= 6 and criterion["max"] == 6
    for criterion in result["clinical_communication"].values():
        assert 0 <= criterion["score"] <= 3 and criterion["max"] == 3
    clinical = result["clinical_communication"]
    assert clinical["relationship_building"]["score"] >= 2
    assert any("What worries you" in e for e in clinical["understanding_patient_perspective"]["evidence"])
    assert clinical["providing_structure"]["score"] >= 1
    candidate_text = " ".join(t["text"] for t in ROLEPLAY if t["speaker"] == "candidate")
    for criterion in clinical.values():  # evidence quotes come from the candidate's own words
        for quote in criterion["evidence"]:
            assert quote in candidate_text
    curt = score_roleplay([{"speaker": "candidate", "text": "Take this. You must use it. Whatever."}], CARD)
    assert curt["clinical_total"] < result["clinical_total"]
    assert curt["language_total"] < result["language_total"]
    assert "too_short" in curt["flags"]


def test_roleplay_bad_input():
    from workbench.errors import InputError

    with pytest.raises(InputError):
        score_roleplay("not a list", CARD)
    empty = score_roleplay([], None)
    assert empty["language_total"] == 0 and empty["clinical_total"] == 0


def test_cli_score_json(capsys):
    code = main(["score", "--question", QUESTION, "--answer", ANSWER, "--no-llm", "--json",
                 "--concepts", "prioritising tasks", "delivering on time"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert 0 <= out["overall"] <= 100 and out["uncertainty"] > 0 and out["band"]
    assert out["feedback"] is None
    assert "coverage" in out["components"]


def test_cli_score_text_and_errors(capsys, tmp_path):
    assert main(["score", "--question", QUESTION, "--answer", "", "--no-llm"]) == 0
    assert "flags: empty" in capsys.readouterr().out
    missing = tmp_path / "nope.txt"
    assert main(["score", "--question", QUESTION, "--answer-file", str(missing), "--no-llm", "--json"]) == 2
    assert "does not exist" in json.loads(capsys.readouterr().out)["error"]
