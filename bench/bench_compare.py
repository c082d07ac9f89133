"""The comparison harness's own overhead: the wall time of ``workbench.evaluation.compare`` minus the models'
own load and inference time, and the same transcriptions run in a bare loop (the baseline, same run).

The data are the five pocketsphinx cards clips (real read speech) with whisper-tiny.en: short clips make the
per-item overhead (bootstrap, permutation test, memory sampling, provenance) as visible as it gets.
"""
from __future__ import annotations

import statistics
import time

MODEL_ID = "whisper-tiny.en"
DATASET = "cards"
REPEATS = 2  # ours: each repeat transcribes 5 clips; medians over two keep the bench short on 2 cores


def _bare_loop_s(dataset) -> float:
    from workbench.models import registry
    from workbench.speech.stt import transcribe

    registry.unload(MODEL_ID)
    started = time.perf_counter()
    registry.load(MODEL_ID)
    for item in dataset.items:
        transcribe(item.payload["audio"], model_id=MODEL_ID)
    elapsed = time.perf_counter() - started
    registry.unload(MODEL_ID)
    return elapsed


def run() -> dict:
    from workbench.evaluation import compare
    from workbench.evaluation.stt import load_dataset

    dataset = load_dataset(name=DATASET)
    harness_wall, model_s, overhead, bare = [], [], [], []
    for _ in range(REPEATS):
        result = compare("stt", [MODEL_ID], dataset_name=DATASET)
        harness_wall.append(result["timing"]["wall_s"])
        model_s.append(result["timing"]["models_load_and_inference_s"])
        overhead.append(result["timing"]["harness_overhead_s"])
        bare.append(_bare_loop_s(dataset))
    items = len(dataset.items)
    return {
        "model_id": MODEL_ID, "dataset": DATASET, "items": items, "repeats": REPEATS,
        "harness_wall_s_median": round(statistics.median(harness_wall), 3),
        "models_load_and_inference_s_median": round(statistics.median(model_s), 3),
        "harness_overhead_s_median": round(statistics.median(overhead), 3),
        "harness_overhead_ms_per_item_median": round(statistics.median(overhead) / items * 1000, 1),
        "bare_loop_s_median": round(statistics.median(bare), 3),
        "harness_over_bare_loop_ratio": round(statistics.median(harness_wall) / statistics.median(bare), 3),
        "note": "overhead = comparison wall time minus the model's load and transcription time "
                "(intervals, permutation tests, memory sampling, provenance, unloading)",
    }
