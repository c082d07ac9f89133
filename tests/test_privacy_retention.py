"""Retention with a controllable clock: old sessions go, recent ones stay, the daily auto-purge."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from workbench import config
from workbench.cli import main
from workbench.privacy import audit
from workbench.privacy.retention import open_store, purge
from workbench.session import Session, Turn
from workbench.store import SessionStore

T0 = datetime(2026, 1, 10, 9, 0, tzinfo=timezone.utc)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def retention_30(data_dir, monkeypatch):
    monkeypatch.setenv("WORKBENCH_RETENTION_DAYS", "30")
    config.reload()
    yield 30
    monkeypatch.delenv("WORKBENCH_RETENTION_DAYS")
    config.reload()


def _save(store: SessionStore, sid: str) -> None:
    store.save(Session(id=sid, turns=[Turn(0, "Why this role?")]))
    store.write_media(sid, "a.wav", b"RIFF-fake-bytes")


def test_purge_deletes_only_expired_sessions(retention_30, clock):
    store = SessionStore(clock=clock)
    _save(store, "old-session")
    clock.advance(days=20)
    _save(store, "recent-session")
    clock.advance(days=11)  # old: 31 days, recent: 11 days
    dry = purge(store, dry_run=True)
    assert [p["session_id"] for p in dry.purged] == ["old-session"] and store.exists("old-session")
    result = purge(store)
    assert [p["session_id"] for p in result.purged] == ["old-session"]
    assert result.purged[0]["age_days"] == pytest.approx(31, abs=0.01)
    assert not store.exists("old-session") and store.exists("recent-session")
    assert not (store.media_root / "old-session").exists()
    assert store.read_media("recent-session", "a.wav") == b"RIFF-fake-bytes"
    events = [(e["event"], e["session_id"]) for e in audit.read(store.data_dir)]
    assert ("purged", "old-session") in events and ("purge_run", None) in events


def test_retention_zero_keeps_forever(data_dir, clock, monkeypatch):
    monkeypatch.setenv("WORKBENCH_RETENTION_DAYS", "0")
    config.reload()
    store = SessionStore(clock=clock)
    _save(store, "kept")
    clock.advance(days=3650)
    assert purge(store).purged == [] and store.exists("kept")


def test_age_counts_from_storage_not_from_created_at(retention_30, clock):
    store = SessionStore(clock=clock)
    store.save(Session(id="imported-old", created_at="2020-01-01T00:00:00+00:00"))
    assert purge(store).purged == []  # imported today: its own date is years old


def test_auto_purge_on_open_at_most_once_a_day(retention_30, clock):
    store = open_store(clock=clock)
    _save(store, "s1")
    clock.advance(days=31)
    SessionStore(clock=clock)  # the store alone never purges
    assert store.exists("s1")
    open_store(clock=clock)  # last auto purge was at T0 (> 1 day ago): runs, deletes s1
    assert not store.exists("s1")
    _save(store, "s2")  # stored at T0 + 31 d
    clock.advance(days=30, hours=-1)  # s2 is now 29 d 23 h old: not yet expired
    open_store(clock=clock)
    clock.advance(hours=2)  # s2 expired, but the last auto purge ran 2 h ago
    open_store(clock=clock)
    assert store.exists("s2")
    clock.advance(hours=23)
    open_store(clock=clock)
    assert not store.exists("s2")
    runs = [e for e in audit.read(store.data_dir) if e["event"] == "purge_run"]
    assert len(runs) == 4 and all(e["automatic"] for e in runs)


def test_purge_cli_json(retention_30, capsys):
    store = SessionStore()
    store.save(Session(id="cli-old"))
    with __import__("sqlite3").connect(store.db_path) as db:  # make it 40 days old on the real clock
        old = (datetime.now(timezone.utc) - timedelta(days=40)).isoformat(timespec="seconds")
        db.execute("UPDATE sessions SET stored_at = ?", (old,))
    assert main(["purge", "--dry-run", "--json"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["dry_run"] and dry["purged_count"] == 1 and store.exists("cli-old")
    assert main(["purge", "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert done["purged"][0]["session_id"] == "cli-old" and not store.exists("cli-old")


def test_a_cli_command_on_the_store_runs_the_daily_purge_and_one_that_is_not_does_not(retention_30, capsys):
    store = SessionStore()
    store.save(Session(id="cli-expired"))
    with __import__("sqlite3").connect(store.db_path) as db:  # 40 days old on the real clock
        old = (datetime.now(timezone.utc) - timedelta(days=40)).isoformat(timespec="seconds")
        db.execute("UPDATE sessions SET stored_at = ?", (old,))
    assert main(["session", "roleplays", "--json"]) == 0  # no store: no purge
    assert store.exists("cli-expired")
    assert main(["session", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert listed["sessions"] == [] and not store.exists("cli-expired")
