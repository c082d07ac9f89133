"""``workbench report --all DIR``: every session folder under DIR, analysed the same way, in parallel.

Sessions run as Dask tasks: on a ``LocalCluster`` of worker processes (loopback only, bounded
memory per worker) by default, or on an existing scheduler (``scheduler="tcp://host:8786"``) whose
workers share this clone and data directory. Resumable: a folder whose session already has a
finished report is skipped. A failing session is caught in its task, logged to
``<reports>/batch.log`` and listed at the end; the others go on. At most ``2 x workers`` sessions
are in flight at once, so memory stays bounded however many folders there are.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from workbench.config import DEFAULT_SEED, settings
from workbench.errors import InputError

DEFAULT_WORKERS = 1  # ours: one session at a time per 2 cores; each kernel already uses both cores
WORKER_MEMORY_LIMIT = "6GiB"  # ours: a worker's own RSS (the kernels it starts are separate processes)
IN_FLIGHT_PER_WORKER = 2  # ours: queued tasks per worker; bounds the futures (and results) held
BATCH_LOG = "batch.log"
log = logging.getLogger("workbench.report.batch")


@dataclass
class BatchResult:
    total: int
    finished: list[dict[str, Any]] = field(default_factory=list)  # reported in this run
    skipped: list[dict[str, Any]] = field(default_factory=list)  # already reported earlier
    failed: list[dict[str, Any]] = field(default_factory=list)  # folder, session_id, error
    duration_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "finished": self.finished, "skipped": self.skipped,
                "failed": self.failed, "duration_s": round(self.duration_s, 2)}


def report_folder(folder: str, out_dir: str | None, deterministic: bool, seed: int,
                  pdf: bool = False) -> dict[str, Any]:
    """One batch task (runs in a Dask worker): import the folder, skip it if already reported,
    else report it. Never raises: a failure comes back as ``{"status": "failed", "error": ...}``."""
    from workbench.offline import block_network
    from workbench.report.pipeline import finished_run, report_session
    from workbench.report.sources import import_folder

    block_network()
    started = time.perf_counter()
    outcome: dict[str, Any] = {"folder": folder, "session_id": None}
    try:
        session_id = import_folder(Path(folder), reuse=True)
        outcome["session_id"] = session_id
        done = finished_run(session_id, Path(out_dir) if out_dir else None)
        if done is not None:
            return {**outcome, "status": "skipped", "report": str(done)}
        result = report_session(session_id, out_dir=Path(out_dir) if out_dir else None,
                                deterministic=deterministic, seed=seed, pdf=pdf)
        outcome.update(status="ok", report=str(result.html_path))
    except Exception as error:  # noqa: BLE001 - isolate every failure, whatever it is
        outcome.update(status="failed", error=f"{type(error).__name__}: {' '.join(str(error).split())}")
    outcome["duration_s"] = round(time.perf_counter() - started, 2)
    return outcome


def _client(scheduler: str | None, workers: int, memory_limit: str) -> Any:
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as error:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from error
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, memory_limit=memory_limit,
        host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR,
    )
    return Client(cluster)


def _append_log(path: Path, outcome: dict[str, Any]) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(outcome) + "\n")


def run_batch(
    root: Path, *, out_dir: Path | None = None, scheduler: str | None = None,
    workers: int = DEFAULT_WORKERS, memory_limit: str = WORKER_MEMORY_LIMIT,
    deterministic: bool = True, seed: int = DEFAULT_SEED, pdf: bool = False, progress: bool = True,
    on_result: Callable[[dict[str, Any]], None] | None = None,
) -> BatchResult:
    """Report every session folder under ``root`` (see the module docstring)."""
    from distributed import as_completed
    from tqdm import tqdm

    from workbench.report.sources import session_folders

    if workers < 1:
        raise InputError("--workers must be at least 1")
    folders = session_folders(root)
    reports_dir = Path(out_dir or settings().reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    log_path = reports_dir / BATCH_LOG
    result = BatchResult(total=len(folders))
    started = time.perf_counter()
    bar = tqdm(total=len(folders), unit="session", disable=not progress, desc="reports")
    client = _client(scheduler, workers, memory_limit)
    try:
        capacity = max(1, IN_FLIGHT_PER_WORKER * len(client.scheduler_info().get("workers", {})) or workers)
        pending = iter(folders)
        in_flight = as_completed()
        futures: dict[Any, str] = {}

        def submit_next() -> bool:
            folder = next(pending, None)
            if folder is None:
                return False
            future = client.submit(report_folder, str(folder), str(out_dir) if out_dir else None,
                                   deterministic, seed, pdf, pure=False, key=f"report-{folder.name}-{time.time_ns()}")
            futures[future] = str(folder)
            in_flight.add(future)
            return True

        for _ in range(capacity):
            if not submit_next():
                break
        for future in in_flight:
            folder = futures.pop(future)
            try:
                outcome = future.result()
            except Exception as error:  # noqa: BLE001 - a worker killed (e.g. for memory) fails one session
                outcome = {"folder": folder, "session_id": None, "status": "failed",
                           "error": f"{type(error).__name__}: {error}"}
            future.release()
            {"ok": result.finished, "skipped": result.skipped}.get(outcome["status"], result.failed).append(outcome)
            _append_log(log_path, {**outcome, "at": time.strftime("%Y-%m-%dT%H:%M:%S")})
            if outcome["status"] == "failed":
                log.warning("session folder %s failed: %s", folder, outcome.get("error"))
            if on_result:
                on_result(outcome)
            bar.update(1)
            submit_next()
    finally:
        bar.close()
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None and not scheduler:
            cluster.close()
    result.duration_s = time.perf_counter() - started
    return result
