"""The voice stage over a stored session (workbench.stages.run_voice), the CLI contract, and the notebook."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.config import PROJECT_ROOT
from workbench.session import Session, Turn, TurnState
from workbench.store import SessionStore

CARDS = Path("/usr/share/pocketsphinx/test/data/cards")


def test_run_voice_writes_voice_and_transcript(data_dir):
    from workbench.speech import VoiceAnalysis
    from workbench.stages.runner import NEVER_STORED, TYPED
    from workbench.stages.voice import run_voice

    store = SessionStore()
    session = Session(id="voice-test")
    store.write_media(session.id, "answer0.wav", (CARDS / "005.wav").read_bytes())  # encrypted at rest
    assert not store.media_path(session.id, "answer0.wav").read_bytes().startswith(b"RIFF")
    session.turns = [
        Turn(index=0, question="Tell me about yourself.", state=TurnState.ANSWERED, answer_media="answer0.wav"),
        Turn(index=1, question="Why this role?", state=TurnState.ANSWERED, answer_text="I like the team."),
        Turn(index=2, question="Gone?", state=TurnState.ANSWERED, answer_media="deleted.webm"),
    ]
    store.save(session)
    result = run_voice(session.id, store=store).to_json()
    assert [a["turn"] for a in result["turns"]] == [0]
    assert {s["turn"]: s["reason"] for s in result["skipped"]} == {
        1: TYPED, 2: NEVER_STORED}
    stored = store.get(session.id).turns[0]
    assert "spades" in stored.answer_text.lower()  # cards.transcription: eight of spades ...
    voice = stored.analysis["voice"]
    assert voice["source"] == "answer0.wav"  # not the temporary decrypted copy
    assert voice["speech_detected"] and voice["curves"]["times_s"]
    assert result["summary"]["answers_with_speech"] == 1 and result["summary"]["word_count"] >= 7
    assert store.get(session.id).turns[1].analysis == {}
    again = VoiceAnalysis.from_json(voice).to_json(include_curves=True)  # the typed result round-trips
    assert {k: v for k, v in again.items() if k != "transcript"} == {
        k: v for k, v in voice.items() if k != "transcript"}
    assert again["transcript"]["words"] == voice["transcript"]["words"]  # (its real-time factor is re-derived)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True, text=True, timeout=300)


def test_cli_voice_json(real_speech_wav):
    run = _cli("voice", str(real_speech_wav), "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["transcript"]["words"][0].keys() >= {"start_s", "end_s", "probability"}
    for key in ("words_per_minute", "articulation_rate_wpm", "pause_count", "pause_mean_s", "pause_longest_s",
                "pause_ratio", "filler_count", "fillers_per_100_words", "fillers", "pitch_median_hz",
                "pitch_range_semitones", "pitch_variability_semitones", "loudness_mean_db",
                "loudness_variability_db", "monotony", "bands"):
        assert key in data


def test_cli_bad_file_is_one_line(tmp_path):
    bad = tmp_path / "answer.webm"
    bad.write_bytes(b"not a recording at all" * 100)
    run = _cli("transcribe", str(bad), "--json")
    assert run.returncode == 2
    assert "corrupt" in json.loads(run.stdout)["error"]
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1


@pytest.mark.notebook
def test_voice_notebook_runs_on_bundled_clip(tmp_path):
    import papermill

    out = tmp_path / "voice"
    papermill.execute_notebook(
        str(PROJECT_ROOT / "notebooks" / "20_voice_analysis.ipynb"), str(tmp_path / "out.ipynb"),
        parameters={"OUTPUT_DIR": str(out)}, progress_bar=False, kernel_name="python3",
    )
    data = json.loads((out / "voice.json").read_text())
    (answer,) = data["answers"].values()
    assert answer["speech_detected"] and answer["word_count"] >= 15
    assert 100 <= answer["words_per_minute"] <= 260
