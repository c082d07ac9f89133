"""Load models lazily, once per process, thread-safe; unload on demand.

    from workbench.models import registry
    whisper = registry.load("whisper-tiny.en")      # or registry.load_default("stt")
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from workbench.models.catalog import ModelSpec, default_model_id, get_spec
from workbench.models.loaders import BACKENDS
from workbench.models.weights import resolve

_loaded: dict[str, "LoadedModel"] = {}
_locks: dict[str, threading.Lock] = {}
_registry_lock = threading.Lock()


@dataclass
class LoadedModel:
    spec: ModelSpec
    model: Any
    load_s: float  # wall time of resolve + load, seconds


def _lock_for(model_id: str) -> threading.Lock:
    with _registry_lock:
        return _locks.setdefault(model_id, threading.Lock())


def load_entry(model_id: str) -> LoadedModel:
    """The loaded model with its spec and load time; loads it on first use."""
    entry = _loaded.get(model_id)
    if entry is not None:
        return entry
    with _lock_for(model_id):
        entry = _loaded.get(model_id)
        if entry is None:
            spec = get_spec(model_id)
            started = time.perf_counter()
            weights = resolve(spec)
            model = BACKENDS[spec.backend].load(spec, weights.path)
            entry = LoadedModel(spec=spec, model=model, load_s=time.perf_counter() - started)
            _loaded[model_id] = entry
    return entry


def load(model_id: str) -> Any:
    """The ready model object for ``model_id`` (see ``workbench.models.loaders`` for types)."""
    return load_entry(model_id).model


def load_default(task: str) -> Any:
    return load(default_model_id(task))


def warm_up(model_id: str) -> float:
    """Run the backend's smallest real inference; returns its latency in seconds."""
    entry = load_entry(model_id)
    started = time.perf_counter()
    BACKENDS[entry.spec.backend].warm_up(entry.model)
    return time.perf_counter() - started


def is_loaded(model_id: str) -> bool:
    return model_id in _loaded


def unload(model_id: str | None = None) -> None:
    """Forget a loaded model (all of them when ``model_id`` is None) so its memory can be freed."""
    import gc

    ids = [model_id] if model_id else list(_loaded)
    for mid in ids:
        with _lock_for(mid):
            entry = _loaded.pop(mid, None)
        close = BACKENDS[entry.spec.backend].close if entry is not None else None
        if close is not None:
            try:
                close(entry.model)
            except Exception:  # noqa: BLE001 - a failing close must not block unloading
                pass
    gc.collect()
