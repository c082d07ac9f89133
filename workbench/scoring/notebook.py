"""Tables and charts for ``notebooks/40_scoring.ipynb`` (kept here so the notebook stays thin)."""
from __future__ import annotations

import re
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from workbench.scoring.feedback import FEEDBACK_TITLES, UNVERIFIED_QUOTE

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


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def md_escape(text: Any) -> str:
    """``text`` shown literally in Markdown: an answer's ``*`` or ``#`` or a leading ``+`` is not markup."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def card_text(name: str, res: dict) -> str:
    """A per-answer card in Markdown: overall ± uncertainty and band, each component with its evidence and
    reasons, then the written feedback (each point with its verified quote, or saying none was verified).
    Blocks are separated by blank lines and the answer's words are escaped, so no part runs into another."""
    blocks = [f"### {md_escape(name)}", f"**{res['overall']:.0f}/100 ± {res['uncertainty']:.0f}** ({res['band']})"]
    if res["flags"]:
        blocks.append("flags: " + ", ".join(md_escape(flag) for flag in res["flags"]))
    if res.get("reasons"):
        blocks.append("\n".join(f"- {md_escape(reason)}" for reason in res["reasons"]))
    lines = []
    for comp_name in COMPONENT_ORDER:
        comp = res["components"].get(comp_name)
        if not comp:
            continue
        reasons = f": {md_escape('; '.join(comp['reasons'][:2]))}" if comp["reasons"] else ""
        lines.append(f"- **{comp_name}** {comp['score']:.0f} (weight {comp.get('weight', 0):.2f}){reasons}")
        lines.extend(f"  - “{md_escape(quote)}”" for quote in comp["evidence"][:2])
    if lines:
        blocks.append("*Components*\n\n" + "\n".join(lines))
    feedback = res.get("feedback")
    if feedback:
        blocks.extend(_feedback_blocks(feedback))
    return "\n\n".join(blocks) + "\n"


def _feedback_blocks(feedback: dict) -> list[str]:
    source = feedback.get("source")
    heading = f"**Feedback** ({source}{', reused from the earlier run' if feedback.get('reused') else ''})"
    blocks = [heading]
    for key, title in FEEDBACK_TITLES.items():
        items = []
        for item in feedback.get(key, []):
            if item.get("quote"):
                items.append(f"- {md_escape(item['point'])} — “{md_escape(item['quote'])}”")
            else:
                items.append(f"- {md_escape(item['point'])}" + (f" *({UNVERIFIED_QUOTE})*" if source == "llm" else ""))
        if items:
            blocks.append(f"*{title}*\n\n" + "\n".join(items))
        elif key == "strengths" and feedback.get("strengths_withheld"):
            blocks.append(f"*{title}*: {md_escape(feedback['strengths_withheld'])}.")
    return blocks


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
