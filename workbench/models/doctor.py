"""The health check: for every model, installed, verified, loads, warm-up latency, memory, fits."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

import psutil

from workbench.config import settings
from workbench.errors import WorkbenchError
from workbench.models import registry
from workbench.models.catalog import ModelSpec, catalog
from workbench.models.hardware import Hardware, probe, verdict
from workbench.models.weights import is_installed, resolve


@dataclass
class ModelHealth:
    id: str
    task: str
    backend: str
    licence: str
    default: bool
    installed: bool
    verified: bool
    loads: bool
    load_s: float | None  # resolve (join/verify) + load, seconds
    warmup_s: float | None  # the smallest real inference, seconds
    rss_mb: float | None  # growth of this process's resident memory while loading, MB
    ram_needed_mb: int
    fits: bool
    fit_reason: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.installed and self.verified and (self.loads or self.load_s is None) and self.error is None


def _rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def check_model(spec: ModelSpec, hardware: Hardware, *, load: bool = True) -> ModelHealth:
    fits, reason = verdict(spec, hardware)
    health = ModelHealth(
        id=spec.id, task=spec.task, backend=spec.backend, licence=spec.licence, default=spec.default,
        installed=is_installed(spec), verified=False, loads=False, load_s=None, warmup_s=None,
        rss_mb=None, ram_needed_mb=spec.ram_mb, fits=fits, fit_reason=reason,
    )
    if not health.installed:
        try:
            resolve(spec, verify_checksum=False)
        except WorkbenchError as error:
            health.error = str(error)
        return health
    try:
        resolve(spec)
        health.verified = True
        if load:
            before = _rss_mb()
            started = time.perf_counter()
            registry.load(spec.id)
            health.load_s = round(time.perf_counter() - started, 3)
            health.warmup_s = round(registry.warm_up(spec.id), 3)
            health.rss_mb = round(_rss_mb() - before, 1)
            health.loads = True
    except WorkbenchError as error:
        health.error = str(error)
    except Exception as error:  # noqa: BLE001 - a broken model is a finding, not a crash
        health.error = f"{spec.id} failed to load: {type(error).__name__}: {error}"
    return health


def run_doctor(
    model_ids: Iterable[str] | None = None,
    *,
    load: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Check the chosen models (default: all in the catalogue). Returns a JSON-ready dict."""
    hardware = probe(settings().cache_dir)
    specs = catalog()
    chosen = list(model_ids) if model_ids else list(specs)
    unknown = [mid for mid in chosen if mid not in specs]
    if unknown:
        raise WorkbenchError(f"unknown model id(s): {', '.join(unknown)}; known: {', '.join(specs)}")
    started = time.perf_counter()
    rss_start = _rss_mb()
    results = []
    for model_id in chosen:
        if progress:
            progress(model_id)
        results.append(check_model(specs[model_id], hardware, load=load))
    return {
        "hardware": hardware.to_json(),
        "models": [asdict(r) | {"ok": r.ok} for r in results],
        "all_ok": all(r.ok for r in results),
        "total_load_s": round(time.perf_counter() - started, 2),
        "rss_mb_total": round(_rss_mb(), 1),
        "rss_mb_models": round(_rss_mb() - rss_start, 1),
        "cache_dir": str(settings().cache_dir),
    }


def format_report(report: dict) -> str:
    hw = report["hardware"]
    lines = [
        f"machine: {hw['cpu_cores']} cores, {hw['ram_total_mb']} MB RAM ({hw['ram_available_mb']} free), "
        f"{hw['disk_free_mb']} MB disk free, GPU: {hw['gpu'] or 'none'}",
        f"{'model':28} {'task':15} {'inst':5} {'ok':4} {'load s':>7} {'warm s':>7} {'RSS MB':>7}  licence",
    ]
    for m in report["models"]:
        def fmt(value):
            return f"{value:7.2f}" if isinstance(value, (int, float)) else f"{'-':>7}"
        lines.append(
            f"{m['id']:28} {m['task']:15} {'yes' if m['installed'] else 'NO':5} "
            f"{'yes' if m['ok'] else 'NO':4} {fmt(m['load_s'])} {fmt(m['warmup_s'])} {fmt(m['rss_mb'])}  {m['licence']}"
        )
        if m["error"]:
            lines.append(f"    ! {m['error']}")
        elif not m["fits"] or m["fit_reason"] != "fits":
            lines.append(f"    note: {m['fit_reason']}")
    lines.append(
        f"all models: {report['total_load_s']} s, process RSS {report['rss_mb_total']} MB; "
        + ("all healthy" if report["all_ok"] else "PROBLEMS FOUND")
    )
    return "\n".join(lines)


def save_report(report: dict, output_dir: str | None, name: str = "model_setup.json", **extra) -> str | None:
    """Write the doctor's report (plus extra sections) as JSON into ``output_dir``; returns the path."""
    import json
    from pathlib import Path

    if not output_dir:
        return None
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(report | extra, indent=2, default=str))
    return str(path)
