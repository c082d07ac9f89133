"""Retention: sessions are deleted ``settings().retention_days`` after they were stored.

Age counts from when a session was first stored in this data directory (recorded or imported),
not from the ``created_at`` it carries, so importing an old recording does not delete it at once.
``retention_days = 0`` keeps sessions forever. ``purge`` is what ``workbench purge`` runs;
``maybe_auto_purge`` runs it at most once per ``AUTO_PURGE_INTERVAL_H``, from the entry points: the CLI,
the notebooks and the app open their store with ``open_store``, which runs it first (the store itself
never purges, so it does not depend on this module). Every function takes a ``clock`` so tests can move time.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from workbench.clock import Clock
from workbench.config import settings
from workbench.errors import InputError
from workbench.privacy import audit
from workbench.store import SessionStore

AUTO_PURGE_INTERVAL_H = 24  # ours: "at most once per day" (issue 8)
AUTO_PURGE_STAMP = "last_purge.txt"  # in the data dir: when the last automatic purge ran


def parse_time(text: str) -> datetime:
    """An ISO-8601 time as an aware UTC datetime (naive times are taken as UTC)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


@dataclass
class PurgeResult:
    retention_days: int
    dry_run: bool
    automatic: bool
    checked_at: str
    purged: list[dict[str, Any]] = field(default_factory=list)  # {"session_id", "stored_at", "age_days"}
    kept: int = 0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["purged_count"] = len(self.purged)
        return data


def expired_sessions(store: SessionStore, *, now: datetime, retention_days: int) -> list[dict[str, Any]]:
    """Sessions of ``store`` older than ``retention_days`` at ``now`` (none when it is 0)."""
    if retention_days < 0:
        raise InputError(f"retention_days must be 0 (keep forever) or more, got {retention_days}")
    rows = store.stored_times()
    if retention_days == 0:
        return []
    limit = timedelta(days=retention_days)
    expired = []
    for session_id, stored_at in rows:
        age = now - parse_time(stored_at)
        if age > limit:
            expired.append({"session_id": session_id, "stored_at": stored_at,
                            "age_days": round(age.total_seconds() / 86400, 2)})
    return expired


def purge(store: SessionStore | None = None, *, clock: Clock | None = None,
          retention_days: int | None = None, dry_run: bool = False,
          automatic: bool = False) -> PurgeResult:
    """Delete every session older than the retention period (media included); audit each one.

    ``retention_days`` defaults to ``settings().retention_days``; ``dry_run`` only lists them.
    """
    if store is None:
        store = SessionStore()
    days = settings().retention_days if retention_days is None else int(retention_days)
    now = (clock or store.clock)()
    expired = expired_sessions(store, now=now, retention_days=days)
    total = len(store.stored_times())
    result = PurgeResult(retention_days=days, dry_run=dry_run, automatic=automatic,
                         checked_at=now.isoformat(timespec="seconds"), purged=expired,
                         kept=total - len(expired))
    if dry_run:
        return result
    for item in expired:
        store.delete(item["session_id"], _event="purged", _when=now)
    audit.record("purge_run", data_dir=store.data_dir, when=now, sessions=len(expired),
                 retention_days=days, automatic=automatic)
    return result


def _stamp_path(data_dir: Path) -> Path:
    return Path(data_dir) / AUTO_PURGE_STAMP


def maybe_auto_purge(store: SessionStore, *, clock: Clock | None = None) -> PurgeResult | None:
    """Run ``purge`` if the last automatic purge of this data dir was over a day ago (or never)."""
    now = (clock or store.clock)()
    stamp = _stamp_path(store.data_dir)
    if stamp.is_file():
        try:
            last = parse_time(stamp.read_text(encoding="ascii").strip())
        except ValueError:
            last = None  # a damaged stamp: purge again, then rewrite it
        if last is not None and timedelta(0) <= now - last < timedelta(hours=AUTO_PURGE_INTERVAL_H):
            return None
    result = purge(store, clock=lambda: now, automatic=True)
    tmp = stamp.with_suffix(".tmp")
    tmp.write_text(now.isoformat(timespec="seconds"), encoding="ascii")
    tmp.replace(stamp)
    return result


def open_store(data_dir: Path | None = None, *, clock: Clock | None = None) -> SessionStore:
    """The store an entry point (CLI command, notebook, app) works with: opened, and the daily retention
    purge run first (``maybe_auto_purge``: at most once per ``AUTO_PURGE_INTERVAL_H``)."""
    store = SessionStore(data_dir, clock=clock)
    maybe_auto_purge(store)
    return store
