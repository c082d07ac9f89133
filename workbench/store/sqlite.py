"""SQLite persistence of sessions. Each save is one transaction (WAL journal), so a crash or a
kernel restart in the middle of a session loses nothing that was already saved.

Privacy (issue 8): every session and turn body is encrypted (AES-256-GCM, ``workbench.privacy.crypto``)
before it reaches SQLite, so neither the database nor its WAL holds a transcript in clear; kept media
is encrypted too (``write_media``/``read_media``/``media_file`` in ``workbench.store.media``). Each
change is written to the audit log, a turn's raw media is discarded once it is analysed (unless
``settings().keep_media``). The retention purge runs from the entry points
(``workbench.privacy.retention.open_store``), never from here.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from workbench.clock import Clock, utc_now
from workbench.config import settings
from workbench.errors import InputError
from workbench.privacy import audit
from workbench.privacy.crypto import TEXT_PREFIX, Cipher, EncryptionKeyError, key_source, load_key
from workbench.session import Session, Turn, TurnState, check_session_id
from workbench.store.media import MediaMixin

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    body TEXT NOT NULL            -- the session without its turns, JSON, encrypted
);
CREATE TABLE IF NOT EXISTS turns (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    body TEXT NOT NULL,           -- the turn, JSON, encrypted
    PRIMARY KEY (session_id, idx)
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
KEY_CHECK_PLAINTEXT = "interview-workbench key check v1"  # decrypts only with the right key
ANSWERED_STATES = (TurnState.ANSWERED.value, TurnState.ANALYSED.value)


@dataclass(frozen=True)
class SessionSummary:
    id: str
    created_at: str
    role: str
    level: str
    mode: str
    turns: int
    answered: int
    synthetic: bool
    candidate: str | None = None
    class_label: str | None = None


class SessionStore(MediaMixin):
    """Sessions of one data directory. ``clock`` (a function returning an aware UTC datetime) lets
    tests move time. Opening a store never purges: entry points use ``retention.open_store``."""

    def __init__(self, data_dir: Path | None = None, *, clock: Clock | None = None) -> None:
        self.data_dir = Path(data_dir) if data_dir else settings().data_dir
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.db_path = self.data_dir / "sessions.sqlite3"
        self.media_root = self.data_dir / "media"
        self.clock: Clock = clock or utc_now
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(sessions)")}
            if "stored_at" not in columns:  # added by issue 8: retention counts from here
                db.execute("ALTER TABLE sessions ADD COLUMN stored_at TEXT")
        self._cipher = self._open_cipher()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.db_path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA secure_delete=ON")  # freed pages are zeroed, deleted rows leave no trace
        return db

    # --- encryption -----------------------------------------------------------------------
    def _open_cipher(self) -> Cipher:
        with self._connect() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'key_check'").fetchone()
            legacy = db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
        source, key_file = key_source(self.data_dir)
        fresh_file = source == "file" and key_file is not None and not key_file.is_file()
        cipher = Cipher(load_key(self.data_dir, create=row is None))
        if row is None:
            with self._lock, self._connect() as db:
                db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('key_check', ?)",
                           (cipher.encrypt_text(KEY_CHECK_PLAINTEXT, "meta:key_check"),))
            if fresh_file:
                audit.record("key_created", data_dir=self.data_dir)
            self._cipher = cipher
            if legacy:
                self._encrypt_legacy_rows()
            return cipher
        try:
            ok = cipher.decrypt_text(row[0], "meta:key_check") == KEY_CHECK_PLAINTEXT
        except EncryptionKeyError:
            ok = False
        if not ok:
            where = "WORKBENCH_KEY" if source == "env" else f"the key file {key_file}"
            raise EncryptionKeyError(
                f"the encryption key from {where} is not the key the sessions in {self.data_dir} were "
                "written with; set the original key (WORKBENCH_KEY or WORKBENCH_KEY_FILE) to read them"
            )
        return cipher

    def _encrypt_legacy_rows(self) -> None:
        """Re-save sessions written before encryption existed, then drop their plaintext pages."""
        with self._connect() as db:
            ids = [r[0] for r in db.execute("SELECT id FROM sessions")]
        for session_id in ids:
            self.save(self.get(session_id), _audit=False, _rewrite_all=True)
        with self._connect() as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("VACUUM")

    def _encode(self, data: dict, context: str) -> str:
        return self._cipher.encrypt_text(json.dumps(data, ensure_ascii=False), context)

    def _decode(self, text: str, context: str) -> dict:
        if not text.startswith(TEXT_PREFIX) and text.startswith("{"):
            return json.loads(text)  # a row from before encryption; re-encrypted on open
        return json.loads(self._cipher.decrypt_text(text, context))

    @staticmethod
    def _turn_context(session_id: str, index: int) -> str:
        return f"turn:{session_id}:{index}"

    def _old_turns(self, db: sqlite3.Connection, session_id: str) -> dict[int, dict]:
        rows = db.execute("SELECT idx, body FROM turns WHERE session_id = ?", (session_id,))
        return {idx: self._decode(body, self._turn_context(session_id, idx)) for idx, body in rows}

    def _old_turn_states(self, db: sqlite3.Connection, session_id: str) -> dict[int, str]:
        return {idx: turn.get("state", "planned") for idx, turn in self._old_turns(db, session_id).items()}

    # --- sessions -------------------------------------------------------------------------
    def save(self, session: Session, *, _audit: bool = True, _rewrite_all: bool = False) -> Session:
        now = self.clock()
        with self._lock, self._connect() as db:
            old = db.execute("SELECT body FROM sessions WHERE id = ?", (session.id,)).fetchone()
            if old is not None:  # keep the record of discarded media across saves from stale copies
                stored = self._decode(old[0], f"session:{session.id}").get("settings", {})
                if stored.get("media_discarded"):
                    merged = dict(stored["media_discarded"])
                    merged.update(session.settings.get("media_discarded", {}))
                    session.settings["media_discarded"] = merged
            old_turns = self._old_turns(db, session.id) if old is not None else {}
            old_states = {idx: t.get("state", "planned") for idx, t in old_turns.items()}
            body = session.to_json()
            turns = body.pop("turns")
            db.execute(
                "INSERT INTO sessions(id, created_at, body, stored_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET body = excluded.body",
                (session.id, session.created_at, self._encode(body, f"session:{session.id}"),
                 now.isoformat(timespec="seconds")),
            )
            db.execute("DELETE FROM turns WHERE session_id = ? AND idx >= ?", (session.id, len(turns)))
            db.executemany(  # only turns that changed: a fresh nonce would rewrite every page otherwise
                "INSERT INTO turns(session_id, idx, body) VALUES (?, ?, ?) "
                "ON CONFLICT(session_id, idx) DO UPDATE SET body = excluded.body",
                [(session.id, t["index"], self._encode(t, self._turn_context(session.id, t["index"])))
                 for t in turns if _rewrite_all or old_turns.get(t["index"]) != t],
            )
        if _audit:
            if old is None:
                audit.record("created", session.id, data_dir=self.data_dir, when=now)
            for turn in session.turns:
                self._after_turn_saved(session.id, turn, old_states.get(turn.index, "planned"), now)
        return session

    def save_turn(self, session_id: str, turn: Turn) -> None:
        check_session_id(session_id)
        now = self.clock()
        with self._lock, self._connect() as db:
            if db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
                raise InputError(f"no session {session_id!r} to add a turn to")
            old_state = self._old_turn_states(db, session_id).get(turn.index, "planned")
            db.execute(
                "INSERT INTO turns(session_id, idx, body) VALUES (?, ?, ?) "
                "ON CONFLICT(session_id, idx) DO UPDATE SET body = excluded.body",
                (session_id, turn.index, self._encode(turn.to_json(), self._turn_context(session_id, turn.index))),
            )
        self._after_turn_saved(session_id, turn, old_state, now)

    def update_turn(self, session_id: str, index: int, change: Callable[[Turn], None]) -> Turn:
        """Apply ``change`` to the stored turn and save it, as one transaction that other processes
        wait for. Analysis stages running side by side (voice and face notebooks) each update their
        own keys of ``turn.analysis`` this way without overwriting each other's. Returns the turn."""
        check_session_id(session_id)
        now = self.clock()
        context = self._turn_context(session_id, index)
        with self._lock, self._connect() as db:
            db.execute("BEGIN IMMEDIATE")  # the write lock from the read on: no lost update
            row = db.execute("SELECT body FROM turns WHERE session_id = ? AND idx = ?",
                             (session_id, index)).fetchone()
            if row is None:
                raise InputError(f"no turn {index} in session {session_id!r}")
            turn = Turn.from_json(self._decode(row[0], context))
            old_state = turn.state.value
            change(turn)
            db.execute("UPDATE turns SET body = ? WHERE session_id = ? AND idx = ?",
                       (self._encode(turn.to_json(), context), session_id, index))
        self._after_turn_saved(session_id, turn, old_state, now)
        return turn

    def update_settings(self, session_id: str, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        """Apply ``change`` to the stored ``session.settings`` and save them, as one transaction (the
        session's turns are not touched, so a stage's turn results are never overwritten by a stale copy).
        Returns the new settings."""
        check_session_id(session_id)
        context = f"session:{session_id}"
        with self._lock, self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT body FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                raise InputError(f"no session {session_id!r}; see `workbench session list`")
            body = self._decode(row[0], context)
            body.setdefault("settings", {})
            change(body["settings"])
            db.execute("UPDATE sessions SET body = ? WHERE id = ?", (self._encode(body, context), session_id))
        return body["settings"]

    def _after_turn_saved(self, session_id: str, turn: Turn, old_state: str, now: datetime) -> None:
        """Audit state changes; discard the turn's raw media once it is analysed (data minimisation)."""
        state = turn.state.value
        if state in ANSWERED_STATES and old_state not in ANSWERED_STATES:
            audit.record("answer_saved", session_id, data_dir=self.data_dir, when=now, turn=turn.index)
        if state == TurnState.ANALYSED.value and old_state != TurnState.ANALYSED.value:
            audit.record("analysed", session_id, data_dir=self.data_dir, when=now, turn=turn.index)
            if turn.answer_media and not settings().keep_media:
                self.discard_media(session_id, names=[turn.answer_media])

    def exists(self, session_id: str) -> bool:
        check_session_id(session_id)
        with self._connect() as db:
            return db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is not None

    def get(self, session_id: str) -> Session:
        check_session_id(session_id)
        with self._connect() as db:
            row = db.execute("SELECT body FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                raise InputError(f"no session {session_id!r}; see `workbench session list`")
            turns = db.execute(
                "SELECT idx, body FROM turns WHERE session_id = ? ORDER BY idx", (session_id,)
            ).fetchall()
        data = self._decode(row[0], f"session:{session_id}")
        data["turns"] = [self._decode(body, self._turn_context(session_id, idx)) for idx, body in turns]
        return Session.from_json(data)

    def list(self) -> list[SessionSummary]:
        with self._connect() as db:
            ids = [r[0] for r in db.execute("SELECT id FROM sessions ORDER BY created_at, id")]
        summaries = []
        for session_id in ids:
            s = self.get(session_id)
            summaries.append(SessionSummary(
                id=s.id, created_at=s.created_at, role=s.role, level=s.level, mode=s.mode,
                turns=len(s.turns),
                answered=sum(t.answer_text is not None or t.answer_media is not None for t in s.turns),
                synthetic=s.synthetic, candidate=s.candidate, class_label=s.class_label,
            ))
        return summaries

    def stored_times(self) -> list[tuple[str, str]]:
        """(session id, when it was first stored here, ISO UTC) for every session; no decryption."""
        with self._connect() as db:
            return [(r[0], r[1] or r[2]) for r in
                    db.execute("SELECT id, stored_at, created_at FROM sessions ORDER BY id")]

    def delete(self, session_id: str, *, _event: str = "deleted", _when: datetime | None = None) -> bool:
        check_session_id(session_id)
        with self._lock, self._connect() as db:
            deleted = db.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0
        folder = self.media_root / session_id
        had_media = folder.is_dir()
        shutil.rmtree(folder, ignore_errors=True)
        if deleted or had_media:
            audit.record(_event, session_id, data_dir=self.data_dir, when=_when or self.clock())
        return deleted

    def record_event(self, event: str, session_id: str | None = None, **details: Any) -> None:
        """Write an event that happens outside the store (e.g. ``"exported"``) to the audit log."""
        audit.record(event, session_id, data_dir=self.data_dir, when=self.clock(), **details)
