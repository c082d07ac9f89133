"""Prompt sets for the llm and embedding comparisons: the scoring validity set (default) or a user JSONL.

A JSONL file has one JSON object per line. For ``llm``: ``{"id": "q1", "question": "...", "answer": "...",
"role": "nurse", "level": "mid", "type": "behavioural"}`` (id, role, level and type optional). For
``embedding``: ``{"id": ..., "question": ..., "answers": {"strong": ..., "weak": ..., "off_topic": ...,
"rambling": ..., "injected": ...}, "concepts": [...]}`` (the labels of ``workbench.scoring.validity``).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.errors import InputError
from workbench.evaluation.core import content_hash

VALIDITY_SET = "validity"  # the bundled default: data/scoring_validity


def read_jsonl(path: str | Path, *, required: tuple[str, ...]) -> tuple[list[dict[str, Any]], str]:
    """The records of a JSONL file (blank lines skipped), each with an ``id`` (``line-N`` when absent), and the
    file's SHA-256. Refuses a missing or empty file, a line that is not a JSON object, a record without a
    ``required`` field, and an id used twice."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise InputError(f"prompt file {path} not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"{path} is not UTF-8 text: {error}") from error
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{path} line {number} is not JSON: {error.msg}") from error
        if not isinstance(record, dict):
            raise InputError(f"{path} line {number} must be a JSON object")
        missing = [key for key in required if not record.get(key)]
        if missing:
            raise InputError(f"{path} line {number} lacks {', '.join(missing)}")
        record["id"] = str(record.get("id") or f"line-{number}")
        records.append(record)
    if not records:
        raise InputError(f"prompt file {path} is empty: one JSON object per line is needed")
    ids = [r["id"] for r in records]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise InputError(f"{path}: id {', '.join(twice)} used more than once")
    return records, content_hash([path])


def validity_items() -> tuple[list[dict[str, Any]], str]:
    """The scoring validity set's question items and a hash of its files."""
    from workbench.scoring.validity import VALIDITY_DIR, load_items

    files = sorted(VALIDITY_DIR.glob("*.yaml"))
    return load_items(), content_hash(files)
