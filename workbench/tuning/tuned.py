"""Tuned models: each a LoRA adapter on a catalogue LLM, kept in ``<data_dir>/tuned/<name>/``:

    adapter.gguf     the LoRA GGUF llama.cpp applies to the base's packaged weights
    model.json       the record: name, version, base, data hash, steps, rank, alpha, metrics, created
    job.json         the training job: status, progress, metrics, error, timings
    checkpoint/      the last checkpoint (adapter, optimiser, step) while training; removed when done

``catalog()`` lists every tuned model as an LLM (``options["lora_path"]``) beside the built-in ones, so
``--llm NAME`` and ``LLM_ID = "NAME"`` serve it through llama.cpp with the adapter.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from workbench.errors import InputError

TUNED_DIR_NAME = "tuned"
RECORD_NAME = "model.json"
JOB_NAME = "job.json"
ADAPTER_NAME = "adapter.gguf"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")  # a model id: lower case, no spaces, no path


def tuned_root(data_dir: Path | None = None) -> Path:
    if data_dir is None:
        from workbench.config import settings

        data_dir = settings().data_dir
    return Path(data_dir) / TUNED_DIR_NAME


def model_dir(name: str, data_dir: Path | None = None) -> Path:
    check_name(name)
    return tuned_root(data_dir) / name


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name or ""):
        raise InputError(f"model name {name!r}: use 2-63 lower-case letters, digits, '.', '_' or '-' "
                         "(it becomes the model id, e.g. --llm my-interviewer)")
    return name


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Atomically: a crash or a full disk leaves the previous file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(partial, path)


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def records(data_dir: Path | None = None) -> list[dict[str, Any]]:
    """Every finished tuned model's record (with ``adapter_path``), by name."""
    root = tuned_root(data_dir)
    found = []
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        record = read_json(folder / RECORD_NAME)
        if record and (folder / ADAPTER_NAME).is_file():
            found.append({**record, "adapter_path": str(folder / ADAPTER_NAME)})
    return found


def jobs(data_dir: Path | None = None) -> list[dict[str, Any]]:
    """Every training job's record (running, interrupted, failed or done), by name."""
    root = tuned_root(data_dir)
    return [job for folder in (sorted(root.iterdir()) if root.is_dir() else [])
            if (job := read_json(folder / JOB_NAME))]


def remove(name: str, data_dir: Path | None = None) -> Path:
    """Delete a tuned model's folder (adapter, record, job, checkpoints)."""
    folder = model_dir(name, data_dir)
    if not folder.is_dir():
        raise InputError(f"no tuned model named {name!r}")
    shutil.rmtree(folder)
    return folder
