"""The clock every time stamp of the store, the audit log and retention comes from: tests pass their own."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

Clock = Callable[[], datetime]  # returns an aware UTC datetime


def utc_now() -> datetime:
    """The real clock (UTC, timezone-aware)."""
    return datetime.now(timezone.utc)
