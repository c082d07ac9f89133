"""What notebook 50 shows of a comparison: tables, a bar chart with intervals, speed against accuracy,
the items where the models disagree most (outputs side by side) and the provenance."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DISAGREEMENTS_SHOWN = 5  # ours: the notebook lists the five items the models disagree on most
MAX_OUTPUT_CHARS = 300  # ours: an output cell of the side-by-side table is cut here


def load_or_run(*, results_json: str = "", task: str = "stt", models: str = "", audio: str = "",
                prompts: str = "", dataset: str = "", limit: int = 0, seed: int | None = None) -> dict[str, Any]:
    """A comparison from ``results_json`` (written by ``workbench compare --out``), or run now."""
    from workbench.config import DEFAULT_SEED
    from workbench.evaluation import compare

    if results_json:
        return json.loads(Path(results_json).read_text(encoding="utf-8"))
    return compare(task, models, audio=audio or None, prompts=prompts or None, dataset_name=dataset or None,
                   limit=limit or None, seed=DEFAULT_SEED if seed is None else seed)


def _ok(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in comparison["models"] if m["status"] == "ok"]


def measures_table(comparison: dict[str, Any]) -> Any:
    """One row per model and measure: value, 95% interval, items."""
    import pandas as pd

    rows = [{"model": m["model_id"], "measure": name, "value": v["value"], "ci_low": v["ci_low"],
             "ci_high": v["ci_high"], "items": v["items"]}
            for m in _ok(comparison) for name, v in m["measures"].items() if v["value"] is not None]
    rows += [{"model": m["model_id"], "measure": key, "value": m[key], "ci_low": None, "ci_high": None, "items": None}
             for m in _ok(comparison) for key in ("load_s", "peak_rss_mb", "peak_rss_increase_mb")]
    return pd.DataFrame(rows)


def pairs_table(comparison: dict[str, Any]) -> Any:
    """One row per pair and measure: A minus B, its paired 95% interval, the permutation p-value."""
    import pandas as pd

    return pd.DataFrame([{"model_a": p["model_a"], "model_b": p["model_b"], "measure": name, **d}
                         for p in comparison["pairs"] for name, d in p["measures"].items()
                         if d["difference_a_minus_b"] is not None])


def errors(comparison: dict[str, Any]) -> list[str]:
    return list(comparison.get("errors", []))


def plot_measures(comparison: dict[str, Any]) -> Any:
    """A bar per model for every measure that has a value, with its 95% interval as an error bar."""
    import matplotlib.pyplot as plt

    models = _ok(comparison)
    names = [m["name"] for m in comparison["measures"]
             if any(x["measures"][m["name"]]["value"] is not None for x in models)]
    columns = min(3, max(1, len(names)))
    rows = max(1, -(-len(names) // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.0 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names, strict=False):  # more axes than measures
        values = [m["measures"][name] for m in models]
        heights = [v["value"] or 0.0 for v in values]
        pairs = list(zip(heights, values, strict=True))
        low = [max(0.0, h - (v["ci_low"] if v["ci_low"] is not None else h)) for h, v in pairs]
        high = [max(0.0, (v["ci_high"] if v["ci_high"] is not None else h) - h) for h, v in pairs]
        ax.bar(range(len(models)), heights, yerr=[low, high], capsize=4, color="#4c72b0")
        ax.set_xticks(range(len(models)), [m["model_id"] for m in models], rotation=20, ha="right", fontsize=8)
        ax.set_title(name, fontsize=9)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    fig.suptitle(f"{comparison['task']}: each figure with its 95% bootstrap interval over items", fontsize=10)
    fig.tight_layout()
    return fig


def plot_speed_accuracy(comparison: dict[str, Any]) -> Any:
    """Each model at (speed measure, primary measure), both with their intervals."""
    import matplotlib.pyplot as plt

    speed, accuracy = comparison["speed_measure"], comparison["primary_measure"]
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for m in _ok(comparison):
        x, y = m["measures"][speed], m["measures"][accuracy]
        if x["value"] is None or y["value"] is None:
            continue
        ax.errorbar(x["value"], y["value"], xerr=[[x["value"] - x["ci_low"]], [x["ci_high"] - x["value"]]],
                    yerr=[[y["value"] - y["ci_low"]], [y["ci_high"] - y["value"]]], fmt="o", capsize=4)
        ax.annotate(m["model_id"], (x["value"], y["value"]), textcoords="offset points", xytext=(6, 6), fontsize=8)
    better = {m["name"]: m["better"] for m in comparison["measures"]}
    ax.set_xlabel(f"{speed} ({better[speed]} is better)")
    ax.set_ylabel(f"{accuracy} ({better[accuracy]} is better)")
    ax.set_title("speed against accuracy", fontsize=10)
    fig.tight_layout()
    return fig


def _shown(output: dict[str, Any] | None, keys: list[str]) -> str:
    if output is None:
        return "(failed)"
    text = " | ".join(json.dumps(output.get(k)) if isinstance(output.get(k), dict) else str(output.get(k))
                      for k in keys)
    return text[:MAX_OUTPUT_CHARS]


def disagreements(comparison: dict[str, Any], top: int = DISAGREEMENTS_SHOWN) -> Any:
    """The items whose primary-measure value differs most between models, outputs side by side."""
    import pandas as pd

    models, primary = _ok(comparison), comparison["primary_measure"]
    rows = []
    for index, item_id in enumerate(comparison["item_ids"]):
        items = [m["items"][index] for m in models]
        values = [i["values"].get(primary) for i in items]
        known = [v for v in values if v is not None]
        failed = any(i["failed"] for i in items)
        spread = (max(known) - min(known)) if len(known) > 1 else 0.0
        row = {"item": item_id, f"{primary}_spread": float("inf") if failed and known else spread}
        for m, i, v in zip(models, items, values, strict=True):
            row[f"{m['model_id']}: {primary}"] = v
            row[f"{m['model_id']}: output"] = _shown(i["output"], comparison["shown_output"]) if not i["failed"] \
                else f"(failed: {i['error']})"
        reference = next((i["output"].get("reference") for i in items if i["output"]), None)
        if reference is not None:
            row["reference"] = reference
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    return table.sort_values(f"{primary}_spread", ascending=False, kind="stable").head(top).reset_index(drop=True)


def provenance(comparison: dict[str, Any]) -> dict[str, Any]:
    """Model hashes, data hash, seed, package versions, commit and machine."""
    p = comparison["provenance"]
    return {"models": [{k: m.get(k) for k in ("id", "backend", "sha256", "size_bytes", "local_path")}
                       for m in p["models"]],
            "data": p["data"], "seed": p["seed"], "git": p["git"], "packages": p["packages"],
            "machine": p["machine"], "intervals": p["intervals"], "created_at": p["created_at"]}


def summary(comparison: dict[str, Any]) -> dict[str, Any]:
    """What the notebook publishes as JSON: per model its figures, per pair its differences."""
    return {"task": comparison["task"], "seed": comparison["seed"], "data_sha256": comparison["data"]["sha256"],
            "models": {m["model_id"]: {k: v["value"] for k, v in m["measures"].items()} for m in _ok(comparison)},
            "pairs": [{"model_a": p["model_a"], "model_b": p["model_b"],
                       **{k: d["difference_a_minus_b"] for k, d in p["measures"].items()}}
                      for p in comparison["pairs"]],
            "errors": errors(comparison)}
