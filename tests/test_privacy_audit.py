"""The audit log: every event of a session's life, in order, append-only, and never its content."""
from __future__ import annotations

import pytest

from workbench.errors import InputError
from workbench.privacy import audit
from workbench.session import Session, Turn, TurnState
from workbench.store import SessionStore

ANSWER = "At Initech I rewrote the billing service in a fortnight"


def test_lifecycle_events_in_order_without_content(data_dir):
    store = SessionStore()
    session = Session(candidate="Ada Lovelace", turns=[Turn(0, "Tell me about a project")])
    store.save(session)
    name = store.write_media(session.id, "turn-0.wav", b"RIFF....WAVEfmt raw audio")
    session.turns[0].answer_media = name
    session.turns[0].answer_text = ANSWER
    session.turns[0].state = TurnState.ANSWERED
    store.save(session)
    session.turns[0].state = TurnState.ANALYSED
    session.turns[0].analysis["voice"] = {"transcript": ANSWER}
    store.save_turn(session.id, session.turns[0])
    store.record_event("exported", session.id, format="html", anonymised=True)
    store.delete(session.id)

    events = [e["event"] for e in audit.read(data_dir, session_id=session.id)]
    assert events == ["created", "media_saved", "answer_saved", "analysed", "media_discarded",
                      "exported", "deleted"]
    text = audit.audit_path(data_dir).read_text()
    for secret in ("Initech", "billing", "Ada", "Lovelace", "Tell me about", "turn-0.wav"):
        assert secret not in text
    assert all(e["time"].endswith("+00:00") for e in audit.read(data_dir))


def test_log_is_append_only(data_dir):
    audit.record("created", "s-1", data_dir=data_dir)
    first = audit.audit_path(data_dir).read_bytes()
    audit.record("deleted", "s-1", data_dir=data_dir)
    assert audit.audit_path(data_dir).read_bytes().startswith(first)


@pytest.mark.parametrize("details", [{"text": "my answer"}, {"format": "x" * 200}, {"format": "a\nb"}])
def test_content_cannot_be_logged(data_dir, details):
    with pytest.raises(InputError):
        audit.record("exported", "s-1", data_dir=data_dir, **details)
    assert not audit.audit_path(data_dir).exists()


def test_unknown_event_and_bad_session_id_refused(data_dir):
    with pytest.raises(InputError, match="unknown audit event"):
        audit.record("opened", "s-1", data_dir=data_dir)
    with pytest.raises(InputError, match="invalid session id"):
        audit.record("created", "../etc", data_dir=data_dir)


def test_keep_media_setting_keeps_recordings(data_dir, monkeypatch):
    from workbench import config

    monkeypatch.setenv("WORKBENCH_KEEP_MEDIA", "1")
    config.reload()
    store = SessionStore()
    session = Session(turns=[Turn(0, "Q", answer_media="a.wav", state=TurnState.ANSWERED)])
    store.save(session)
    store.write_media(session.id, "a.wav", b"RIFFdata")
    session.turns[0].state = TurnState.ANALYSED
    store.save(session)
    assert store.read_media(session.id, "a.wav") == b"RIFFdata"
    assert store.discard_media(session.id) == []
    assert store.discard_media(session.id, force=True) == ["a.wav"]
    monkeypatch.delenv("WORKBENCH_KEEP_MEDIA")
    config.reload()


def test_discarded_media_is_recorded_and_explained(data_dir):
    store = SessionStore()
    session = Session(turns=[Turn(0, "Q", answer_media="a.webm", state=TurnState.ANSWERED)])
    store.save(session)
    store.write_media(session.id, "a.webm", b"\x1a\x45\xdf\xa3 webm bytes")
    session.turns[0].state = TurnState.ANALYSED
    store.save(session)  # analysed: the raw recording goes
    assert store.list_media(session.id) == []
    stale = Session.from_json(session.to_json())
    stale.settings.pop("media_discarded", None)
    store.save(stale)  # a stale copy cannot erase the record
    assert "a.webm" in store.get(session.id).settings["media_discarded"]
    with pytest.raises(InputError, match="deleted after its features were extracted"):
        store.read_media(session.id, "a.webm")
