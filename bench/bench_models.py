"""Cold load time and resident memory of each default model, and of all of them together.

Each figure comes from a fresh Python process (a cold start, weights already joined in the
cache), repeated; medians are reported. Target: all default models together in at most 30 s
and 4 GB resident memory on a 2-core, 24 GB machine.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys

from workbench.models.catalog import select_models

REPEATS = 3
TARGET_ALL_LOAD_S = 30.0  # issue 2
TARGET_ALL_RSS_MB = 4096.0  # issue 2

_CHILD = """
import json, sys, time, psutil
started = time.perf_counter()
from workbench.models import registry
rss0 = psutil.Process().memory_info().rss
loaded = {}
for model_id in sys.argv[1:]:
    t = time.perf_counter()
    registry.load(model_id)
    registry.warm_up(model_id)
    loaded[model_id] = time.perf_counter() - t
print(json.dumps({"total_s": time.perf_counter() - started, "per_model_s": loaded,
                  "rss_mb": psutil.Process().memory_info().rss / 2**20,
                  "rss_added_mb": (psutil.Process().memory_info().rss - rss0) / 2**20}))
"""


def _cold(model_ids: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD, *model_ids], capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-1500:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> dict:
    defaults = select_models("default")
    _cold(defaults)  # first run joins/verifies weights and warms the OS file cache
    per_model = {}
    for model_id in defaults:
        runs = [_cold([model_id]) for _ in range(REPEATS)]
        per_model[model_id] = {
            "cold_load_and_warmup_s": round(statistics.median(r["per_model_s"][model_id] for r in runs), 2),
            "process_total_s": round(statistics.median(r["total_s"] for r in runs), 2),
            "rss_mb": round(statistics.median(r["rss_mb"] for r in runs)),
        }
    together = [_cold(defaults) for _ in range(REPEATS)]
    all_s = statistics.median(r["total_s"] for r in together)
    all_rss = statistics.median(r["rss_mb"] for r in together)
    return {
        "models": per_model,
        "all_defaults_load_s": round(all_s, 2),
        "all_defaults_rss_mb": round(all_rss),
        "target_all_load_s": TARGET_ALL_LOAD_S,
        "target_all_rss_mb": TARGET_ALL_RSS_MB,
        "meets_target": all_s <= TARGET_ALL_LOAD_S and all_rss <= TARGET_ALL_RSS_MB,
        "repeats": REPEATS,
        "method": "fresh process per figure (python -c), load + warm-up inference, median of repeats",
    }
