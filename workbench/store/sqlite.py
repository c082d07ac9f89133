"""SQLite persistence of sessions. Each save is one transaction (WAL journal), so a crash or a
kernel restart in the middle of a session loses nothing that was already saved."""
from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from workbench.config import settings
from workbench.errors import InputError
from workbench.session import Session, Turn, check_session_id

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    body TEXT NOT NULL            -- the session without its turns, JSON
);
CREATE TABLE IF NOT EXISTS turns (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    body TEXT NOT NULL,           -- the turn, JSON
    PRIMARY KEY (session_id, idx)
);
"""


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


class SessionStore:
    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = Path(data_dir) if data_dir else settings().data_dir
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.db_path = self.data_dir / "sessions.sqlite3"
        self.media_root = self.data_dir / "media"
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.db_path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=FULL")
        return db

    # --- encoding hooks (the privacy layer encrypts here) -------------------------------
    def _encode(self, data: dict) -> str:
        return json.dumps(data, ensure_ascii=False)

    def _decode(self, text: str) -> dict:
        return json.loads(text)

    # --- sessions -------------------------------------------------------------------------
    def save(self, session: Session) -> Session:
        body = session.to_json()
        turns = body.pop("turns")
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO sessions(id, created_at, body) VALUES (?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET body = excluded.body",
                (session.id, session.created_at, self._encode(body)),
            )
            db.execute("DELETE FROM turns WHERE session_id = ? AND idx >= ?", (session.id, len(turns)))
            db.executemany(
                "INSERT INTO turns(session_id, idx, body) VALUES (?, ?, ?) "
                "ON CONFLICT(session_id, idx) DO UPDATE SET body = excluded.body",
                [(session.id, t["index"], self._encode(t)) for t in turns],
            )
        return session

    def save_turn(self, session_id: str, turn: Turn) -> None:
        check_session_id(session_id)
        with self._lock, self._connect() as db:
            if db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
                raise InputError(f"no session {session_id!r} to add a turn to")
            db.execute(
                "INSERT INTO turns(session_id, idx, body) VALUES (?, ?, ?) "
                "ON CONFLICT(session_id, idx) DO UPDATE SET body = excluded.body",
                (session_id, turn.index, self._encode(turn.to_json())),
            )

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
                "SELECT body FROM turns WHERE session_id = ? ORDER BY idx", (session_id,)
            ).fetchall()
        data = self._decode(row[0])
        data["turns"] = [self._decode(t[0]) for t in turns]
        return Session.from_json(data)

    def list(self) -> list[SessionSummary]:
        with self._connect() as db:
            ids = [r[0] for r in db.execute("SELECT id FROM sessions ORDER BY created_at, id")]
        summaries = []
        for session_id in ids:
            s = self.get(session_id)
            summaries.append(SessionSummary(
                id=s.id, created_at=s.created_at, role=s.role, level=s.level, mode=s.mode,
                turns=len(s.turns), answered=sum(t.answer_text is not None or t.answer_media is not None for t in s.turns),
                synthetic=s.synthetic,
            ))
        return summaries

    def delete(self, session_id: str) -> bool:
        check_session_id(session_id)
        with self._lock, self._connect() as db:
            deleted = db.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0
        shutil.rmtree(self.media_root / session_id, ignore_errors=True)
        return deleted

    # --- media ----------------------------------------------------------------------------
    def media_dir(self, session_id: str) -> Path:
        folder = self.media_root / check_session_id(session_id)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def media_path(self, session_id: str, name: str) -> Path:
        if "/" in name or "\\" in name or name.startswith("."):
            raise InputError(f"invalid media file name {name!r}")
        return self.media_dir(session_id) / name
