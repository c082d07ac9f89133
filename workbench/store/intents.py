"""The cache of derived question intents (``workbench.scoring.intent``): one table beside the sessions.

A row is keyed by the question text (whitespace and case normalised) and the SHA-256 of the LLM that
derived it, so the same question always gets the same intent, and a different model derives its own.
The body is the intent as JSON, in clear: it describes an interview question, never a candidate
(no transcript, no name), so it is not encrypted like session bodies. Retention does not touch it.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from workbench.config import settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS question_intents (
    key TEXT PRIMARY KEY,          -- sha256 of normalised question + model sha256
    question TEXT NOT NULL,
    model_id TEXT NOT NULL,
    model_sha256 TEXT NOT NULL,
    body TEXT NOT NULL,            -- the intent, JSON
    created_at TEXT NOT NULL
);
"""
DB_FILE_NAME = "sessions.sqlite3"  # the same database file as workbench.store.sqlite


def normalise_question(question: str) -> str:
    """The form a question is keyed by: lower case, single spaces."""
    return " ".join(question.lower().split())


def intent_key(question: str, model_sha256: str) -> str:
    return hashlib.sha256(f"{normalise_question(question)}\n{model_sha256}".encode()).hexdigest()


class IntentCache:
    """Derived intents under ``data_dir`` (default ``settings().data_dir``)."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = Path(data_dir) if data_dir else settings().data_dir
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.db_path = self.data_dir / DB_FILE_NAME
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.db_path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def get(self, question: str, model_sha256: str) -> dict | None:
        """The cached intent body for ``question`` derived by the model ``model_sha256``, or None."""
        with self._connect() as db:
            row = db.execute("SELECT body FROM question_intents WHERE key = ?",
                             (intent_key(question, model_sha256),)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, question: str, model_id: str, model_sha256: str, body: dict) -> None:
        """Store (or replace) one intent; one transaction."""
        with self._connect() as db:
            db.execute("INSERT OR REPLACE INTO question_intents VALUES (?, ?, ?, ?, ?, ?)",
                       (intent_key(question, model_sha256), question, model_id, model_sha256,
                        json.dumps(body, sort_keys=True), datetime.now(timezone.utc).isoformat()))

    def count(self) -> int:
        with self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM question_intents").fetchone()[0])
