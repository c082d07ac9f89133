"""Tables and charts for ``notebooks/40_scoring.ipynb`` (kept here so the notebook stays thin)."""
from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

COMPONENT_ORDER = ("relevance", "coverage", "structure", "specificity", "communication", "delivery")


def example_answers(n_questions: int = 2) -> list[dict[str, Any]]:
    """A small built-in example set from the validity set (written for the project): for each of the
    first ``n_questions`` questions its strong, weak, off-topic, rambling and injected answers."""
    from workbench.scoring.validity import LABELS, load_items

    rows = []
    for item in load_items()[:n_questions]:
        for label in LABELS:
            rows.append({"name": f"{item['id']} {label}", "question": item["question"],
                         "concepts": item["concepts"], "answer": item["answers"][label], "label": label})
    return rows


def scores_table(results: dict[str, dict]) -> Any:
    """One row per answer: overall, uncertainty, band, flags and each component score."""
    import pandas as pd

    rows = []
    for name, res in results.items():
        row = {"answer": name, "overall": res["overall"], "uncertainty": res["uncertainty"],
               "band": res["band"], "flags": ", ".join(res["flags"])}
        row.update({c: res["components"].get(c, {}).get("score") for c in COMPONENT_ORDER})
        rows.append(row)
    return pd.DataFrame(rows).set_index("answer")


def card_text(name: str, res: dict) -> str:
    """A per-answer card: overall ± uncertainty, band, each component with evidence and reasons, feedback."""
    lines = [f"### {name}", f"**{res['overall']:.0f}/100 ± {res['uncertainty']:.0f}** ({res['band']})"]
    if res["flags"]:
        lines.append("flags: " + ", ".join(res["flags"]))
    for reason in res.get("reasons", []):
        lines.append(f"- {reason}")
    for comp_name in COMPONENT_ORDER:
        comp = res["components"].get(comp_name)
        if not comp:
            continue
        lines.append(f"- **{comp_name}** {comp['score']:.0f} (weight {comp.get('weight', 0):.2f})"
                     + (f": {'; '.join(comp['reasons'][:2])}" if comp["reasons"] else ""))
        for quote in comp["evidence"][:2]:
            lines.append(f"    - {quote}")
    feedback = res.get("feedback")
    if feedback:
        lines.append(f"**Feedback** ({feedback.get('source')})")
        for kind, mark in (("strengths", "+"), ("improvements", "→")):
            for item in feedback.get(kind, []):
                quote = f' — "{item["quote"]}"' if item.get("quote") else ""
                lines.append(f"- {mark} {item['point']}{quote}")
    return "\n".join(lines)


def plot_components(results: dict[str, dict]) -> Figure:
    """Grouped horizontal bars: each answer's component scores, with its overall ± uncertainty."""
    names = list(results)
    comps = [c for c in COMPONENT_ORDER if any(c in r["components"] for r in results.values())]
    fig = Figure(figsize=(12, 0.45 * len(names) + 1.5))
    left, right = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3, 1]})
    y = np.arange(len(names))
    height = 0.8 / max(1, len(comps))
    for i, comp in enumerate(comps):
        values = [results[n]["components"].get(comp, {}).get("score", np.nan) for n in names]
        left.barh(y + i * height, values, height=height, label=comp)
    left.set_yticks(y + 0.4 - height / 2, names)
    left.set_xlim(0, 100)
    left.set_xlabel("component score (0-100)")
    left.legend(fontsize=7, loc="lower right")
    left.invert_yaxis()
    right.errorbar([results[n]["overall"] for n in names], y + 0.4 - height / 2,
                   xerr=[results[n]["uncertainty"] for n in names], fmt="o", capsize=3)
    right.set_xlim(0, 100)
    right.set_xlabel("overall ± uncertainty")
    fig.tight_layout()
    return fig
