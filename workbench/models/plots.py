"""Pictures of the doctor's findings."""
from __future__ import annotations

from matplotlib.figure import Figure


def plot_load_and_memory(report: dict) -> Figure:
    """Two horizontal bar charts: load time (s) and resident memory added (MB) per model."""
    rows = [m for m in report["models"] if m.get("load_s") is not None]
    names = [m["id"] for m in rows]
    figure = Figure(figsize=(10, 0.45 * max(len(rows), 2) + 1.2))
    left, right = figure.subplots(1, 2, sharey=True)
    left.barh(names, [m["load_s"] + (m.get("warmup_s") or 0) for m in rows], color="#9ecae1", label="warm-up")
    left.barh(names, [m["load_s"] for m in rows], color="#3182bd", label="load")
    left.set_xlabel("seconds")
    left.set_title("load and warm-up time")
    left.legend(loc="lower right")
    left.invert_yaxis()
    right.barh(names, [m["rss_mb"] for m in rows], color="#e6550d")
    right.set_xlabel("MB resident memory added")
    right.set_title(f"memory (process total {report['rss_mb_total']:.0f} MB)")
    figure.tight_layout()
    return figure
