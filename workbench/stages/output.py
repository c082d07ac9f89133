"""The results file of a stage notebook: ``<stage>.json`` in the notebook's output folder."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.config import settings


def stage_output_dir(stage: str, output_dir: str, label: str) -> Path:
    """``output_dir`` when given, else ``<reports_dir>/<stage>/<label>`` (label: a session id or a file name)."""
    return Path(output_dir) if output_dir else settings().reports_dir / stage / label


def write_stage_json(stage: str, payload: dict[str, Any], output_dir: str | Path) -> Path:
    """Write ``payload`` to ``<output_dir>/<stage>.json`` (the folder is made) and return the path."""
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stage}.json"
    path.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
    return path
