"""The session runner: one skip rule for every stage, results written through the store's transaction,
and the stage notebooks' results file."""
from __future__ import annotations

import json

from workbench.session import Session, Turn, TurnState
from workbench.stages.output import write_stage_json
from workbench.stages.runner import NEVER_STORED, TYPED, Stage, is_answered, run_stage, skip_reason, skipped_lines
from workbench.store import SessionStore


def _session(store: SessionStore) -> Session:
    session = Session(id="runner-test", turns=[
        Turn(0, "Recorded?", state=TurnState.ANSWERED, answer_media="a0.wav"),
        Turn(1, "Typed?", state=TurnState.ANSWERED, answer_text="A typed answer."),
        Turn(2, "Discarded?", state=TurnState.ANSWERED, answer_media="gone.wav"),
        Turn(3, "Not asked yet."),
        Turn(4, "Bad file?", state=TurnState.ANSWERED, answer_media="bad.wav"),
    ])
    store.save(session)
    store.write_media(session.id, "a0.wav", b"RIFF0000WAVEfmt sound")
    store.write_media(session.id, "bad.wav", b"not a recording")
    return session


def _size_stage(needs_media: bool) -> Stage[dict]:
    """A real stage of this test: the size of the decrypted recording, or the typed answer's length."""
    def analyse(session, turn, path):
        if path is None:
            return {"chars": len(turn.answer_text or "")}
        data = path.read_bytes()
        if not data.startswith(b"RIFF"):
            from workbench.errors import InputError

            raise InputError(f"{turn.answer_media}: not a wav file")
        return {"bytes": len(data)}

    return Stage(name="size", needs_media=needs_media, analyse=analyse,
                 record=lambda stored, result: stored.analysis.update(size=result),
                 row=lambda result: dict(result), summarise=lambda results: {"analysed": len(results)})


def test_is_answered_and_the_one_skip_rule():
    assert not is_answered(Turn(0, "q")) and is_answered(Turn(0, "q", answer_text="x"))
    assert is_answered(Turn(0, "q", state=TurnState.ANSWERED))
    typed = Turn(0, "q", state=TurnState.ANSWERED, answer_text="x")
    assert skip_reason(typed, needs_media=False, stored_media=set()) is None
    assert skip_reason(typed, needs_media=True, stored_media=set()) == "typed answer, no recording"
    recorded = Turn(0, "q", state=TurnState.ANSWERED, answer_media="a.wav")
    assert skip_reason(recorded, needs_media=True, stored_media={"b.wav"}) == NEVER_STORED
    deleted = skip_reason(recorded, needs_media=True, stored_media=set(), discarded={"a.wav": "2026-12-01T10:00"})
    assert deleted.startswith("recording deleted after analysis (2026-12-01T10:00")
    assert skip_reason(recorded, needs_media=True, stored_media={"a.wav"}) is None


def test_run_stage_on_media_writes_results_and_skips_with_reasons(data_dir):
    store = SessionStore()
    session = _session(store)
    store.update_turn(session.id, 0, lambda turn: turn.analysis.update(face={"written": "beside"}))
    run = run_stage(_size_stage(needs_media=True), session.id, store=store)
    assert run.turns == [{"turn": 0, "question": "Recorded?", "bytes": len(b"RIFF0000WAVEfmt sound")}]
    assert {s["turn"]: s["reason"] for s in run.skipped} == {
        1: TYPED, 2: NEVER_STORED,
        4: "bad.wav: not a wav file"}
    assert run.summary == {"analysed": 1}
    stored = store.get(session.id).turns
    assert stored[0].analysis == {"face": {"written": "beside"}, "size": {"bytes": 21}}  # the other key kept
    assert all("size" not in t.analysis for t in stored[1:])


def test_run_stage_on_text_walks_every_answered_turn(data_dir):
    store = SessionStore()
    session = _session(store)
    run = run_stage(_size_stage(needs_media=False), session.id, store=store)
    assert [row["turn"] for row in run.turns] == [0, 1, 2, 4] and not run.skipped  # turn 3 was never answered
    assert store.get(session.id).turns[1].analysis["size"] == {"chars": len("A typed answer.")}


def test_write_stage_json(tmp_path):
    path = write_stage_json("voice", {"summary": {"words_per_minute": 150.0}, "path": tmp_path}, tmp_path / "out")
    assert path == tmp_path / "out" / "voice.json"
    assert json.loads(path.read_text())["summary"]["words_per_minute"] == 150.0


def test_a_deleted_recording_says_its_stored_results_are_shown_and_the_model_was_not_applied(data_dir):
    """Notebook 20 on an analysed session: the recordings are gone, so its MODEL_ID cannot apply; it says so,
    and how to keep recordings for re-analysis (issue 21, item 5)."""
    store = SessionStore()
    session = _session(store)
    store.update_turn(session.id, 0, lambda turn: turn.analysis.update(
        size={"transcript": {"model_id": "whisper-tiny.en"}}))
    store.discard_media(session.id)
    run = run_stage(_size_stage(needs_media=True), session.id, store=store)
    reasons = {s["turn"]: s["reason"] for s in run.skipped}
    assert reasons[0].startswith("recording deleted after analysis") and reasons[2] == NEVER_STORED
    lines = skipped_lines(run, store.get(session.id), model_id="whisper-base")
    deleted_line = next(line for line in lines if "deleted" in line)
    assert deleted_line.startswith("turn(s) 0, 4: recording deleted after analysis")
    assert "stored then (made with whisper-tiny.en)" in deleted_line
    assert "MODEL_ID = 'whisper-base' was not applied" in deleted_line and "keep_media = true" in deleted_line
    assert f"turn 1: {TYPED}" in lines and f"turn 2: {NEVER_STORED}" in lines
    same_model = skipped_lines(run, store.get(session.id), model_id="whisper-tiny.en")
    assert not any("was not applied" in line for line in same_model)
