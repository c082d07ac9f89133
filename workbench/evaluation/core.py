"""The shapes every comparison task shares: a measure, an item of a data set, one model's result on it."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.evaluation.intervals import STATISTICS

HIGHER, LOWER = "higher", "lower"  # which way a measure is better


@dataclass(frozen=True)
class Measure:
    name: str  # JSON key, unit in the name (``latency_p50_s``, ``guard_pass_share``)
    statistic: str  # a key of ``intervals.STATISTICS``: how per-item parts become the figure
    better: str  # HIGHER | LOWER
    description: str

    def __post_init__(self) -> None:
        if self.statistic not in STATISTICS or self.better not in (HIGHER, LOWER):
            raise ValueError(f"bad measure {self.name}: {self.statistic}, {self.better}")


@dataclass(frozen=True)
class Item:
    id: str
    payload: Any  # task-specific: a recording and its reference, a prompt, a validity question


@dataclass
class Dataset:
    name: str  # a folder, a file or a bundled set's name
    items: list[Item]
    sha256: str  # of everything the items are made of (see ``content_hash``)
    notes: list[str] = field(default_factory=list)  # what the reader should know (encodings guessed, ...)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "items": len(self.items), "sha256": self.sha256, "notes": list(self.notes)}


@dataclass
class ItemResult:
    parts: dict[str, Any]  # measure name -> part (see ``intervals``); a missing name means not applicable
    output: dict[str, Any]  # what the model produced, JSON-safe, for the side-by-side view
    inference_s: float  # wall time spent inside the model's own calls


def content_hash(pieces: list[Any]) -> str:
    """SHA-256 over JSON-encoded pieces; a ``Path`` contributes its bytes (read in blocks)."""
    digest = hashlib.sha256()
    for piece in pieces:
        if isinstance(piece, Path):
            with open(piece, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        else:
            digest.update(json.dumps(piece, sort_keys=True, default=str).encode())
        digest.update(b"\0")
    return digest.hexdigest()
