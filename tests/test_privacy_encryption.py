"""Encryption at rest: nothing readable on disk, a lost or changed key gives a clear error."""
from __future__ import annotations

import os
import stat

import pytest

from workbench.privacy.crypto import KEY_FILE_NAME, EncryptionKeyError
from workbench.session import Session, Turn, TurnState
from workbench.store import SessionStore

SECRET_ANSWER = "I resolved the outage at Globex by rolling back the zebra-quartz migration"
SECRET_QUESTION = "Describe the hardest incident you handled"


def _stored_session(store: SessionStore) -> Session:
    session = Session(candidate="Marguerite Okonkwo", turns=[Turn(0, SECRET_QUESTION)])
    store.save(session)
    session.turns[0].answer_text = SECRET_ANSWER
    session.turns[0].state = TurnState.ANSWERED
    store.save(session)
    return session


def _all_bytes_on_disk(folder) -> bytes:
    blob = b""
    for path in folder.rglob("*"):
        if path.is_file() and path.name != KEY_FILE_NAME:
            blob += path.read_bytes()
    return blob


@pytest.fixture
def no_env_key(monkeypatch):
    monkeypatch.delenv("WORKBENCH_KEY", raising=False)
    monkeypatch.delenv("WORKBENCH_KEY_FILE", raising=False)


def test_no_transcript_text_in_db_wal_or_media(data_dir, no_env_key):
    store = SessionStore()
    session = _stored_session(store)
    store.write_media(session.id, "answer-0.txt", SECRET_ANSWER.encode())
    # the WAL still holds the pages before a checkpoint: check while it exists
    assert (data_dir / "sessions.sqlite3-wal").exists()
    disk = _all_bytes_on_disk(data_dir)
    assert len(disk) > 1000
    for secret in ("zebra-quartz", "Globex", "Marguerite", "hardest incident"):
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in disk, f"{secret!r} readable on disk"
    # and it all reads back
    assert SessionStore().get(session.id).turns[0].answer_text == SECRET_ANSWER
    assert store.read_media(session.id, "answer-0.txt") == SECRET_ANSWER.encode()


def test_key_file_created_owner_only(data_dir, no_env_key):
    SessionStore()
    mode = stat.S_IMODE((data_dir / KEY_FILE_NAME).stat().st_mode)
    assert mode == 0o600


def test_lost_key_file_gives_clear_error(data_dir, no_env_key):
    session = _stored_session(SessionStore())
    (data_dir / KEY_FILE_NAME).unlink()
    with pytest.raises(EncryptionKeyError, match="key file .* is missing"):
        SessionStore().get(session.id)
    assert not (data_dir / KEY_FILE_NAME).exists()  # no new key was made over the old data


def test_changed_key_gives_clear_error(data_dir, no_env_key, monkeypatch):
    _stored_session(SessionStore())
    monkeypatch.setenv("WORKBENCH_KEY", "a completely different passphrase")
    with pytest.raises(EncryptionKeyError, match="not the key"):
        SessionStore()


def test_env_key_roundtrip_and_wrong_env_key(data_dir, no_env_key, monkeypatch):
    import base64

    monkeypatch.setenv("WORKBENCH_KEY", base64.urlsafe_b64encode(os.urandom(32)).decode())
    session = _stored_session(SessionStore())
    assert not (data_dir / KEY_FILE_NAME).exists()
    assert SessionStore().get(session.id).candidate == "Marguerite Okonkwo"
    monkeypatch.setenv("WORKBENCH_KEY", "short")
    with pytest.raises(EncryptionKeyError, match="passphrase of at least"):
        SessionStore()


def test_tampered_or_swapped_rows_are_refused(data_dir, no_env_key):
    import sqlite3

    store = SessionStore()
    first = _stored_session(store)
    second = _stored_session(store)
    with sqlite3.connect(data_dir / "sessions.sqlite3") as db:  # move one session's turn into the other
        body = db.execute("SELECT body FROM turns WHERE session_id = ?", (first.id,)).fetchone()[0]
        db.execute("UPDATE turns SET body = ? WHERE session_id = ?", (body, second.id))
    assert store.get(first.id).turns[0].answer_text == SECRET_ANSWER
    with pytest.raises(EncryptionKeyError, match="tampered"):
        store.get(second.id)


def test_media_file_is_a_temporary_decrypted_copy(data_dir, no_env_key, real_speech_wav):
    store = SessionStore()
    session = _stored_session(store)
    raw = real_speech_wav.read_bytes()
    name = store.write_media(session.id, "answer-0.wav", raw)
    on_disk = store.media_path(session.id, name).read_bytes()
    assert raw[:4] not in on_disk[:16] and raw[1000:1100] not in on_disk
    with store.media_file(session.id, name) as path:
        assert path.suffix == ".wav" and path.read_bytes() == raw
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not path.exists() and not path.parent.exists()


def test_plaintext_store_from_before_encryption_is_migrated(data_dir, no_env_key):
    import json
    import sqlite3

    store = SessionStore()
    session = _stored_session(store)
    body = session.to_json()
    turns = body.pop("turns")
    with sqlite3.connect(data_dir / "sessions.sqlite3") as db:  # a pre-issue-8 database: JSON in clear
        db.execute("DELETE FROM meta")
        db.execute("UPDATE sessions SET body = ?", (json.dumps(body),))
        db.execute("UPDATE turns SET body = ?", (json.dumps(turns[0]),))
    (data_dir / KEY_FILE_NAME).unlink()
    assert SessionStore().get(session.id).turns[0].answer_text == SECRET_ANSWER
    assert b"zebra-quartz" not in _all_bytes_on_disk(data_dir)
