"""The audit log: append-only JSON lines of what happened to which session, and when. Never content.

One line per event in ``<data_dir>/audit.jsonl``::

    {"time": "2026-11-25T10:00:00+00:00", "event": "created", "session_id": "20261125-100000-ab12cd"}

Details are restricted to numbers, booleans and short identifiers (``ALLOWED_DETAIL_KEYS``), so no
transcript, name or answer can end up here by accident. The file is opened in append mode for every
write (one ``write`` per line, below PIPE_BUF, so concurrent writers do not interleave lines).
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from workbench.errors import InputError

AUDIT_FILE_NAME = "audit.jsonl"
EVENTS = frozenset({
    "created", "answer_saved", "analysed", "exported", "deleted", "purged", "media_discarded",
    "media_saved", "purge_run", "key_created", "consent",
})
ALLOWED_DETAIL_KEYS = frozenset({
    "turn", "files", "sessions", "retention_days", "dry_run", "format", "automatic", "anonymised",
    "stage", "choice", "camera", "keep_media", "notice",
})
MAX_DETAIL_CHARS = 64  # ours: room for an id or a format name, not for a sentence of content
OWNER_ONLY = 0o600


def audit_path(data_dir: Path | None = None) -> Path:
    """The audit log of ``data_dir`` (default: the configured data dir)."""
    if data_dir is None:
        from workbench.config import settings

        data_dir = settings().data_dir
    return Path(data_dir) / AUDIT_FILE_NAME


def _clean_detail(key: str, value: Any) -> Any:
    if key not in ALLOWED_DETAIL_KEYS:
        raise InputError(f"audit detail {key!r} is not allowed (the audit log never holds content)")
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    if isinstance(value, str) and len(value) <= MAX_DETAIL_CHARS and "\n" not in value:
        return value
    raise InputError(f"audit detail {key!r} must be a number, a flag or a short identifier")


def record(event: str, session_id: str | None = None, *, data_dir: Path | None = None,
           when: datetime | None = None, **details: Any) -> dict[str, Any]:
    """Append one event to the audit log and return the entry written.

    ``event`` is one of ``EVENTS``; ``details`` only keys from ``ALLOWED_DETAIL_KEYS`` with
    numbers, flags or short identifiers. Other engineers call this for events outside the store,
    e.g. ``record("exported", session_id, format="html", anonymised=True)``.
    """
    if event not in EVENTS:
        raise InputError(f"unknown audit event {event!r}; known: {', '.join(sorted(EVENTS))}")
    if session_id is not None:
        from workbench.session import check_session_id

        check_session_id(session_id)
    entry: dict[str, Any] = {
        "time": (when or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
        "event": event,
        "session_id": session_id,
    }
    entry.update({key: _clean_detail(key, value) for key, value in sorted(details.items())})
    path = audit_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(entry, ensure_ascii=True) + "\n").encode("ascii")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, OWNER_ONLY)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    return entry


def read(data_dir: Path | None = None, *, session_id: str | None = None) -> list[dict[str, Any]]:
    """Every entry of the audit log (optionally of one session), oldest first."""
    return list(iter_entries(data_dir, session_id=session_id))


def iter_entries(data_dir: Path | None = None, *, session_id: str | None = None) -> Iterator[dict[str, Any]]:
    path = audit_path(data_dir)
    if not path.is_file():
        return
    with path.open(encoding="ascii", errors="replace") as handle:
        for line in handle:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line torn by a crash mid-write; the rest stays readable
            if session_id is None or entry.get("session_id") == session_id:
                yield entry
