"""``make bench``: run every ``bench/bench_*.py`` module and write ``bench/results.json``.

Each module exposes ``run() -> dict`` returning figures with units in the key names, medians over
repeats, and where it compares, a ratio against a baseline measured in the same run.
Usage: python -m bench.run [AREA ...]   (areas are the module suffixes: models, speech, face, ...)
"""
from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import psutil

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results.json"


def areas() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in BENCH_DIR.glob("bench_*.py"))


def main(argv: list[str]) -> int:
    chosen = argv or areas()
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() and argv else {}
    results["machine"] = {
        "cpu_cores": psutil.cpu_count(logical=True),
        "ram_total_mb": int(psutil.virtual_memory().total / 2**20),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "load_average_1m_at_start": round(psutil.getloadavg()[0], 2),
    }
    failed = []
    for area in chosen:
        print(f"== bench {area}", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.bench_{area}")
            results[area] = module.run()
        except Exception as error:  # noqa: BLE001 - one failing area must not hide the others
            results[area] = {"error": f"{type(error).__name__}: {error}"}
            failed.append(area)
        results[area]["bench_wall_s"] = round(time.perf_counter() - started, 1)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
        print(json.dumps(results[area], indent=2), flush=True)
    print(f"wrote {RESULTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
