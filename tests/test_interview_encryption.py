"""Recordings are encrypted at rest (issue 8, promise 4): after a spoken answer through the engine
and after importing the sample folder, no file under the data directory holds the raw media, yet
transcription, resume and the voice analysis still read it (through ``store.media_file``)."""
from __future__ import annotations

from pathlib import Path

import pytest

from workbench.config import DATA_DIR_BUNDLED, settings
from workbench.interview.engine import InterviewConfig, InterviewEngine
from workbench.interview.importer import import_folder
from workbench.session import TurnState
from workbench.store import SessionStore

SAMPLE = DATA_DIR_BUNDLED / "sample_session"
WEBM_MAGIC = b"\x1aE\xdf\xa3"  # EBML header: every plain webm/mkv starts with it
SLICE_BYTES = 64  # a 64-byte run from the middle of a recording is unique to it


def _slices(data: bytes) -> list[bytes]:
    """Distinctive 64-byte runs of a recording (from its middle and its last quarter)."""
    middle, late = len(data) // 2, 3 * len(data) // 4
    return [data[middle: middle + SLICE_BYTES], data[late: late + SLICE_BYTES]]


def _assert_no_plain_media(data_dir: Path, sources: list[bytes]) -> None:
    files = [p for p in Path(data_dir).rglob("*") if p.is_file()]
    assert files, "nothing was written under the data directory"
    media = [p for p in files if p.parent.parent.name == "media"]
    assert media, "no media file was stored"
    for path in media:
        assert not path.read_bytes().startswith(WEBM_MAGIC), f"{path.name} is a plain webm"
    for path in files:
        blob = path.read_bytes()
        for source in sources:
            for piece in _slices(source):
                assert piece not in blob, f"{path.relative_to(data_dir)} holds raw recording bytes"


@pytest.fixture
def engine(data_dir):
    return InterviewEngine(SessionStore(), llm_id="none", voice=False)


def test_spoken_answer_is_stored_encrypted_and_still_transcribed(engine, data_dir):
    media = (SAMPLE / "answer1.webm").read_bytes()
    assert media.startswith(WEBM_MAGIC)  # the check below would be vacuous otherwise
    session = engine.start(InterviewConfig(role="software engineer", level="mid", n_questions=2))
    engine.current_question(session)
    engine.begin_answer(session)
    feedback = engine.submit_answer(session, media_bytes=media, media_suffix=".webm")
    assert "index" in feedback.transcript.lower()  # decoded from the decrypted temporary copy
    _assert_no_plain_media(settings().data_dir, [media])
    assert engine.store.read_media(session.id, feedback.media_file) == media
    # a kernel restart while 'answering' keeps a stored (encrypted) answer
    engine.store.save_turn(session.id, _answering(engine.store.get(session.id).turns[0]))
    resumed = InterviewEngine(engine.store, llm_id="none", voice=False).resume(session.id)
    assert resumed.turns[0].state == TurnState.ANSWERED


def _answering(turn):
    turn.state = TurnState.ANSWERING
    return turn


def test_imported_sample_is_encrypted_and_analysable(data_dir):
    store = SessionStore()
    session = import_folder(SAMPLE, store=store)
    sources = [(SAMPLE / f"answer{i}.webm").read_bytes() for i in (1, 2, 3)]
    _assert_no_plain_media(settings().data_dir, sources)
    assert [store.read_media(session.id, t.answer_media) for t in session.turns] == sources
    from workbench.stages.face import run_face

    face = run_face(session.id, store=store, fps=2.0).to_json()  # the astronaut video, decrypted
    assert not face["skipped"] and len(face["turns"]) == 3
    assert all(row["face_visible_ratio"] > 0.5 for row in face["turns"])
    with store.media_file(session.id, session.turns[0].answer_media) as path:
        from workbench.interview.intake import decode_recording
        from workbench.media_limits import SAMPLE_RATE_HZ as SAMPLE_RATE

        assert len(decode_recording(path)) / SAMPLE_RATE > 5.0
        temporary = path
    assert not temporary.exists()  # the decrypted copy is gone after the block
