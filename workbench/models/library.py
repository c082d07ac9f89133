"""The model library as a user browses it: every catalogue and user-added model with its task, size,
the memory it needs, this machine's verdict (``hardware.machine_verdict``), whether it is installed and
verified (with the exact install command when it is not), its licence and description.

    rows = library()                     # one dict per model; library(task="llm") for one task
    show("qwen2.5-0.5b-instruct-q4")     # one model's row, with its packages and where its weights are
"""
from __future__ import annotations

from typing import Any

from workbench.errors import InputError, WorkbenchError
from workbench.models.catalog import TASKS, ModelSpec, catalog, get_spec
from workbench.models.hardware import Hardware, machine_verdict, probe
from workbench.models.weights import install_hint, is_installed, resolve

INSTALLED, VERIFIED, MISSING, CORRUPT = "installed", "verified", "missing", "corrupt"


def _status(spec: ModelSpec, verify: bool) -> tuple[str, str | None, str | None]:
    """(status, weights path, problem) of one model; a checksum is verified once, then stamped."""
    if not is_installed(spec):
        return MISSING, None, install_hint(spec)
    try:
        weights = resolve(spec, verify_checksum=verify)
    except WorkbenchError as error:
        return CORRUPT, None, str(error)
    return (VERIFIED if verify else INSTALLED), str(weights.path), None


def row(spec: ModelSpec, hardware: Hardware, *, verify: bool = True) -> dict[str, Any]:
    label, reason = machine_verdict(spec, hardware)
    status, path, problem = _status(spec, verify)
    return {"id": spec.id, "task": spec.task, "backend": spec.backend, "default": spec.default,
            "size_bytes": spec.size_bytes, "ram_mb": spec.ram_mb, "machine_verdict": label,
            "verdict_reason": reason, "status": status, "install_command": problem if status == MISSING else None,
            "problem": problem if status == CORRUPT else None, "weights_path": path, "licence": spec.licence,
            "description": spec.description, "user_added": bool(spec.source.local_path),
            **_tuned_fields(spec)}


def _tuned_fields(spec: ModelSpec) -> dict[str, Any]:
    """For a tuned model: its base, version, training figures and the gate's verdict (None elsewhere)."""
    if "lora_path" not in spec.options:
        return {"tuned_from": None}
    from workbench.tuning.tuned import RECORD_NAME, model_dir, read_json

    record = read_json(model_dir(spec.id) / RECORD_NAME) or {}
    gate = record.get("gate") or {}
    return {"tuned_from": spec.options.get("base"), "version": record.get("version"), "steps": record.get("steps"),
            "data_sha256": record.get("data_sha256"), "final_loss": (record.get("losses") or [None])[-1],
            "preferred": bool(record.get("preferred")), "gate_reason": gate.get("reason"),
            "last_measured": record.get("last_measured"), "adapter_path": spec.options["lora_path"]}


def library(*, task: str | None = None, verify: bool = True) -> list[dict[str, Any]]:
    """Every model (or those of ``task``), defaults first within each task."""
    if task is not None and task not in TASKS:
        raise InputError(f"unknown task {task!r}; use one of {', '.join(TASKS)}")
    hardware = probe()
    specs = [s for s in catalog().values() if task is None or s.task == task]
    specs.sort(key=lambda s: (TASKS.index(s.task), not s.default, s.id))
    return [row(s, hardware, verify=verify) for s in specs]


def show(model_id: str) -> dict[str, Any]:
    spec = get_spec(model_id)
    return {**row(spec, probe()), "packages": list(spec.source.packages), "sha256": spec.sha256,
            "options": dict(spec.options)}
