"""One comparison: N models of one task over one data set, in one process, model by model.

    from workbench.evaluation import compare
    result = compare("stt", ["whisper-tiny.en", "whisper-base"], audio="recordings/")
    result["models"][0]["measures"]["word_error_rate"]   # {"value", "ci_low", "ci_high", "items"}
    result["pairs"][0]["measures"]["word_error_rate"]    # {"difference_a_minus_b", "ci_low", ..., "p_value"}

Each model is loaded through the registry (so a user's own model is compared with no code change), run
over every item, then unloaded before the next one. A model that is unknown, of another task, missing,
corrupt or too big for this machine gets one line in ``errors`` and the others still run; an item on which
a model crashes is recorded as a failure of that item (``item_failure_share``), the rest still count.
"""
from __future__ import annotations

import sys
import threading
import time
from datetime import datetime, timezone
from itertools import combinations
from typing import Any

import psutil

from workbench.config import DEFAULT_SEED
from workbench.errors import InputError, ModelCorruptError, WorkbenchError
from workbench.evaluation.core import Dataset, ItemResult, Measure
from workbench.evaluation.intervals import (BOOTSTRAP_RESAMPLES, CONFIDENCE, PERMUTATIONS, bootstrap_interval,
                                            paired_difference, rng_for, statistic)

TASK_MODULES = ("stt", "llm", "embedding")  # the tasks, each a module of workbench.evaluation
MEMORY_SAMPLE_S = 0.05  # ours: resident memory is sampled every 50 ms while a model runs
SIGNIFICANCE = 0.05  # the usual two-sided level; a pair's "better" is named only below it
FAILURE = "item_failure_share"  # share of items on which the model crashed


def task_module(task: str) -> Any:
    """The module of one task (``stt``, ``llm``, ``embedding``)."""
    # imported on first use: each task pulls in its own models' libraries
    if task == "stt":
        from workbench.evaluation import stt as module
    elif task == "llm":
        from workbench.evaluation import llm as module
    elif task == "embedding":
        from workbench.evaluation import embedding as module
    else:
        raise InputError(f"unknown task {task!r}; use one of: {', '.join(TASK_MODULES)}")
    return module


def parse_model_ids(models: str | list[str]) -> list[str]:
    """Model ids from ``"A,B"`` or a list; refuses an empty list and an id given twice."""
    ids = [m.strip() for m in (models.split(",") if isinstance(models, str) else models) if m and m.strip()]
    if not ids:
        raise InputError("no model ids given: --models A,B")
    repeated = sorted({m for m in ids if ids.count(m) > 1})
    if repeated:
        raise InputError(f"model {', '.join(repeated)} given twice: each model is compared once")
    return ids


class PeakMemory:
    """Samples this process's resident memory in a thread; ``peak_mb`` and ``baseline_mb`` (at start)."""

    def __init__(self) -> None:
        self._process = psutil.Process()
        self._stop = threading.Event()
        self.baseline_mb = self.peak_mb = self._process.memory_info().rss / 2**20
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(MEMORY_SAMPLE_S):
            self.peak_mb = max(self.peak_mb, self._process.memory_info().rss / 2**20)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, self._process.memory_info().rss / 2**20)


def _check_model(task: Any, model_id: str) -> None:
    from workbench.models.catalog import get_spec
    from workbench.models.hardware import probe, verdict

    spec = get_spec(model_id)
    if spec.task != task.MODEL_TASK:
        raise InputError(f"{model_id} is a model for {spec.task}, not for {task.MODEL_TASK}")
    fits, reason = verdict(spec, probe())
    if not fits:
        raise InputError(f"{model_id} does not fit this machine: {reason}")


def _run_items(task: Any, model_id: str, model: Any, dataset: Dataset, seed: int,
               progress: bool, options: dict[str, Any]) -> list[ItemResult | str]:
    from tqdm.auto import tqdm

    results: list[ItemResult | str] = []
    with task.evaluator(model_id, model, progress=progress, **options) as evaluate:
        for item in tqdm(dataset.items, desc=model_id, unit="item", disable=not progress, file=sys.stderr):
            try:
                results.append(evaluate(item, seed))
            except Exception as error:  # noqa: BLE001 - a crash on one item is that item's failure, recorded
                results.append(f"{type(error).__name__}: {' '.join(str(error).split())[:300]}")
    return results


def run_model(task: Any, model_id: str, dataset: Dataset, *, seed: int, progress: bool = False,
              options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Load one model, run it over the data set, unload it. Raises ``WorkbenchError`` when it cannot load."""
    from workbench.models import registry

    _check_model(task, model_id)
    registry.unload(model_id)  # a fresh load, so load_s is this run's
    started = time.perf_counter()
    with PeakMemory() as memory:
        try:
            try:
                entry = registry.load_entry(model_id)
            except WorkbenchError:
                raise
            except Exception as error:  # noqa: BLE001 - a backend refusing damaged weights raises its own types
                raise ModelCorruptError(f"could not load: {type(error).__name__}: {error}") from error
            results = _run_items(task, model_id, entry.model, dataset, seed, progress, dict(options or {}))
        finally:
            registry.unload(model_id)
    wall_s = time.perf_counter() - started
    return {"model_id": model_id, "load_s": entry.load_s, "wall_s": wall_s,
            "inference_s": sum(r.inference_s for r in results if isinstance(r, ItemResult)),
            "peak_rss_mb": memory.peak_mb, "peak_rss_increase_mb": memory.peak_mb - memory.baseline_mb,
            "results": results}


def _parts(measure: Measure, results: list[ItemResult | str]) -> list[Any]:
    return [r.parts.get(measure.name) if isinstance(r, ItemResult) else None for r in results]


def _failure_parts(results: list[ItemResult | str]) -> list[float]:
    return [0.0 if isinstance(r, ItemResult) else 1.0 for r in results]


def summarise_model(task: Any, run: dict[str, Any], dataset: Dataset, seed: int) -> dict[str, Any]:
    """Per measure the figure with its 95% bootstrap interval; per item the output and its own values."""
    measures = {m.name: bootstrap_interval(m.statistic, _parts(m, run["results"]),
                                           rng=rng_for(seed, run["model_id"], m.name)) for m in task.MEASURES}
    measures[FAILURE] = bootstrap_interval("mean", _failure_parts(run["results"]),
                                           rng=rng_for(seed, run["model_id"], FAILURE))
    items = []
    for item, result in zip(dataset.items, run["results"], strict=True):
        if isinstance(result, str):
            items.append({"id": item.id, "failed": True, "error": result, "output": None, "values": {}})
        else:
            values = {m.name: statistic(m.statistic, [result.parts[m.name]])
                      for m in task.MEASURES if result.parts.get(m.name) is not None}
            items.append({"id": item.id, "failed": False, "error": None, "output": result.output,
                          "values": values, "inference_s": round(result.inference_s, 4)})
    return {"model_id": run["model_id"], "status": "ok", "measures": measures,
            "load_s": round(run["load_s"], 3), "peak_rss_mb": round(run["peak_rss_mb"], 1),
            "peak_rss_increase_mb": round(run["peak_rss_increase_mb"], 1), "wall_s": round(run["wall_s"], 3),
            "inference_s": round(run["inference_s"], 3), "items_failed": sum(i["failed"] for i in items),
            "items": items}


def compare_pair(task: Any, run_a: dict[str, Any], run_b: dict[str, Any], seed: int) -> dict[str, Any]:
    """A minus B per measure on the items both have, with a paired bootstrap interval and a p-value."""
    out: dict[str, Any] = {"model_a": run_a["model_id"], "model_b": run_b["model_id"], "measures": {}}
    for m in task.MEASURES:
        d = paired_difference(m.statistic, _parts(m, run_a["results"]), _parts(m, run_b["results"]),
                              rng=rng_for(seed, run_a["model_id"], run_b["model_id"], m.name))
        better = None
        if d["difference"] is not None and d["p_value"] is not None and d["p_value"] < SIGNIFICANCE:
            a_higher = d["difference"] > 0
            better = run_a["model_id"] if a_higher == (m.better == "higher") else run_b["model_id"]
        out["measures"][m.name] = {"difference_a_minus_b": d["difference"], "ci_low": d["ci_low"],
                                   "ci_high": d["ci_high"], "p_value": d["p_value"], "items": d["items"],
                                   "better_model": better}
    return out


def _provenance(model_ids: list[str], dataset: Dataset, seed: int, parameters: dict[str, Any]) -> dict[str, Any]:
    from workbench.report.provenance import git_state, machine_info, model_records, package_versions

    return {"created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "seed": seed,
            "parameters": parameters, "models": model_records(model_ids), "data": dataset.to_json(),
            "packages": package_versions(), "git": git_state(), "machine": machine_info(),
            "intervals": {"confidence": CONFIDENCE, "bootstrap_resamples": BOOTSTRAP_RESAMPLES,
                          "permutations": PERMUTATIONS, "method": "percentile bootstrap over items; "
                          "paired: items resampled with both models' parts, sign-flip permutation test"}}


def compare(task: str, models: str | list[str], *, audio: str | None = None, prompts: str | None = None,
            dataset_name: str | None = None, limit: int | None = None, seed: int = DEFAULT_SEED,
            progress: bool = False, options: dict[str, Any] | None = None,
            on_error: Any = None) -> dict[str, Any]:
    """Compare ``models`` (ids, comma-separated or a list) on one data set of ``task``.

    Data: ``audio`` (a folder of recordings with same-named ``.txt`` references, stt), ``prompts`` (a JSONL
    file, llm and embedding) or ``dataset_name`` (a bundled set; each task has a default). ``limit``: first N
    items. ``options``: task settings (llm: ``judge_seeds``). ``on_error(line)`` is called with one line per
    model that could not run (default: stderr).
    Returns the JSON-safe comparison: ``models`` (one entry each, with ``status``), ``pairs`` and ``provenance``.
    """
    module = task_module(task)
    ids = parse_model_ids(models)
    if limit is not None and limit < 1:
        raise InputError(f"--limit must be at least 1, got {limit}")
    dataset = module.load_dataset(audio=audio, prompts=prompts, name=dataset_name, limit=limit)
    if not dataset.items:
        raise InputError(f"the data set {dataset.name} has no items")
    report = on_error or (lambda line: print(f"workbench: {line}", file=sys.stderr))
    started = time.perf_counter()
    runs, entries = [], []
    for model_id in ids:
        try:
            run = run_model(module, model_id, dataset, seed=seed, progress=progress, options=options)
        except WorkbenchError as error:  # missing, corrupt, unknown, wrong task, too big: the others still run
            line = f"{model_id}: {' '.join(str(error).split())}"
            report(line)
            entries.append({"model_id": model_id, "status": "error", "error": line})
            continue
        runs.append(run)
        entries.append(summarise_model(module, run, dataset, seed))
    wall_s = time.perf_counter() - started
    pairs = [compare_pair(module, a, b, seed) for a, b in combinations(runs, 2)]
    model_s = sum(r["inference_s"] + r["load_s"] for r in runs)
    parameters = {"task": task, "models": ids, "audio": audio, "prompts": prompts, "set": dataset_name,
                  "limit": limit, "options": dict(options or {})}
    return {
        "task": task, "seed": seed, "data": dataset.to_json(), "item_ids": [i.id for i in dataset.items],
        "measures": [{"name": m.name, "better": m.better, "statistic": m.statistic, "description": m.description}
                     for m in module.MEASURES],
        "primary_measure": module.PRIMARY_MEASURE, "speed_measure": module.SPEED_MEASURE,
        "shown_output": list(module.SHOWN_OUTPUT),
        "models": entries, "pairs": pairs,
        "errors": [e["error"] for e in entries if e["status"] == "error"],
        "timing": {"wall_s": round(wall_s, 3), "models_load_and_inference_s": round(model_s, 3),
                   "harness_overhead_s": round(wall_s - model_s, 3)},
        "provenance": _provenance(ids, dataset, seed, parameters),
    }
