"""What notebook 60 (personal models) shows: the model library, a training set's card and its quality
histogram, a tuned model's loss curve, and the gate's before/after comparisons (read back from the files
``tuning.gate`` wrote, shown with the comparison notebook's own tables)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.errors import InputError
from workbench.tuning import tuned

LIBRARY_COLUMNS = ("id", "task", "default", "size_bytes", "ram_mb", "machine_verdict", "status", "tuned_from",
                   "preferred", "gate_reason", "licence")


def library_table(task: str | None = "llm") -> Any:
    import pandas as pd

    from workbench.models.library import library

    rows = library(task=task, verify=False)
    return pd.DataFrame([{c: r.get(c) for c in LIBRARY_COLUMNS} for r in rows], columns=list(LIBRARY_COLUMNS))


def read_card(path: str | Path) -> dict[str, Any]:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InputError(f"cannot read the data card {path}: {error}") from error


def plot_quality_histogram(card: dict[str, Any]) -> Any:
    import matplotlib.pyplot as plt

    bins = card["quality_histogram"]
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.bar([f"{b['from']:.1f}" for b in bins], [b["count"] for b in bins], color="#1976d2")
    ax.axvline(x=sum(b["from"] < card["min_quality"] for b in bins) - 0.5, color="#b00020", linestyle="--",
               label=f"threshold {card['min_quality']}")
    ax.set_xlabel("quality (share of the rules met), bin start")
    ax.set_ylabel("interactions")
    ax.legend()
    fig.tight_layout()
    return fig


def model_record(name: str) -> dict[str, Any]:
    record = tuned.read_json(tuned.model_dir(name) / tuned.RECORD_NAME)
    if record is None:
        raise InputError(f"no tuned model named {name!r} (workbench tune train ... --name {name})")
    return record


def plot_loss(record: dict[str, Any]) -> Any:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3))
    losses = record["losses"]
    ax.plot(range(1, len(losses) + 1), losses, marker="o", color="#1976d2")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (reply tokens)")
    ax.set_title(f"{record['name']}: LoRA r={record['rank']} on {record['base']}")
    fig.tight_layout()
    return fig


def gate_comparisons(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Data set -> the harness's comparison of tuned and base (empty before `workbench tune eval`)."""
    found = {}
    for data, path in (record.get("gate_files") or {}).items():
        comparison = tuned.read_json(Path(path))
        if comparison is not None:
            found[data] = comparison
    return found
