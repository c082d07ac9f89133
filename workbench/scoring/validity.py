"""Validity figures on the labelled set in ``data/scoring_validity`` (written for the project).

- ranking: share of questions where strong > weak > off-topic (target >= 90%), per split
  (``calibration`` set the relevance anchors; ``held_out`` did not);
- rambling below strong; injected answers never above their clean twin; injection detection rate;
- fairness: the same answer with different names, genders and places, max-min spread per template.

Run: ``python -m workbench.scoring.validity`` (no LLM needed; feedback never drives ranking).
"""
from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

import yaml

from workbench.config import DATA_DIR_BUNDLED

VALIDITY_DIR = DATA_DIR_BUNDLED / "scoring_validity"
RANKING_TARGET_SHARE = 0.9  # from the issue: at least 90% of triples in order
FAIRNESS_TOLERANCE_POINTS = 3.0  # ours: variants of one answer must lie within 3 points of each other
LABELS = ("strong", "weak", "off_topic", "rambling", "injected")


def load_items(folder: Path = VALIDITY_DIR) -> list[dict[str, Any]]:
    """Every question item of the labelled set (all files but ``fairness.yaml``)."""
    items = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "fairness.yaml":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items.extend(dict(item, file=path.name) for item in data["items"])
    return items


def fairness_cases(folder: Path = VALIDITY_DIR) -> list[dict[str, Any]]:
    """The fairness templates, each filled with every variant: ``[{id, question, concepts, answers}]``."""
    data = yaml.safe_load((folder / "fairness.yaml").read_text(encoding="utf-8"))
    cases = []
    for template in data["templates"]:
        answers = [" ".join(template["answer"].format(**variant).split()) for variant in data["variants"]]
        cases.append({"id": template["id"], "question": template["question"],
                      "concepts": template.get("concepts"), "answers": answers,
                      "variants": [v["name"] for v in data["variants"]]})
    return cases


def score_items(items: list[dict], *, use_concepts: bool = True) -> list[dict[str, Any]]:
    """Overall score (no LLM) of every answer: ``[{id, split, scores: {label: overall}, ...}]``."""
    from workbench.scoring.api import score_answer

    rows = []
    for item in items:
        scores, flags, raw = {}, {}, {}
        for label in LABELS:
            result = score_answer(item["question"], item["answers"][label],
                                  concepts=item.get("concepts") if use_concepts else None,
                                  llm_feedback=False)
            scores[label] = result.overall
            flags[label] = result.flags
            raw[label] = result.components["relevance"]["details"].get("raw_cos")
        rows.append({"id": item["id"], "split": item.get("split", "held_out"), "scores": scores,
                     "flags": flags, "relevance_raw_cos": raw})
    return rows


def ranking_figures(rows: list[dict]) -> dict[str, Any]:
    """Shares of ordered triples and pairs, overall and per split, and the injection figures."""
    def share(subset, test):
        return round(sum(test(r["scores"]) for r in subset) / len(subset), 3) if subset else None

    def in_order(s):
        return s["strong"] > s["weak"] > s["off_topic"]

    out: dict[str, Any] = {"questions": len(rows)}
    for split in ("all", "calibration", "held_out"):
        subset = rows if split == "all" else [r for r in rows if r["split"] == split]
        out[f"triples_in_order_share_{split}"] = share(subset, in_order)
    out["strong_over_weak_share"] = share(rows, lambda s: s["strong"] > s["weak"])
    out["weak_over_off_topic_share"] = share(rows, lambda s: s["weak"] > s["off_topic"])
    out["strong_over_rambling_share"] = share(rows, lambda s: s["strong"] > s["rambling"])
    beats = [r["id"] for r in rows if r["scores"]["injected"] > r["scores"]["weak"]]
    out["injected_beats_clean_twin_count"] = len(beats)
    out["injected_beats_clean_twin_ids"] = beats
    out["injection_detected_share"] = share(rows, lambda s: True) and round(
        sum("injection_detected" in r["flags"]["injected"] for r in rows) / len(rows), 3)
    out["false_injection_flags_on_clean_answers"] = sum(
        "injection_detected" in r["flags"][label] for r in rows for label in LABELS if label != "injected")
    out["out_of_order_ids"] = [r["id"] for r in rows if not in_order(r["scores"])]
    out["ranking_target_share"] = RANKING_TARGET_SHARE
    out["ranking_target_met"] = (out["triples_in_order_share_all"] or 0) >= RANKING_TARGET_SHARE
    out["median_overall_by_label"] = {
        label: statistics.median(r["scores"][label] for r in rows) for label in LABELS}
    return out


def fairness_figures(cases: list[dict]) -> dict[str, Any]:
    """Per template the max-min spread of overall scores across variants, and whether all are within tolerance."""
    from workbench.scoring.api import score_answer

    per_template = {}
    for case in cases:
        values = [score_answer(case["question"], a, concepts=case["concepts"], llm_feedback=False).overall
                  for a in case["answers"]]
        per_template[case["id"]] = {"spread_points": round(max(values) - min(values), 2),
                                    "scores": dict(zip(case["variants"], values))}
    worst = max(t["spread_points"] for t in per_template.values())
    return {"fairness_max_spread_points": worst, "fairness_tolerance_points": FAIRNESS_TOLERANCE_POINTS,
            "fairness_within_tolerance": worst <= FAIRNESS_TOLERANCE_POINTS, "per_template": per_template}


def calibration_anchors(rows: list[dict]) -> dict[str, float]:
    """Median raw relevance cosine per label on the calibration split (how the anchors were set)."""
    cal = [r for r in rows if r["split"] == "calibration"]
    return {label: round(statistics.median(r["relevance_raw_cos"][label] for r in cal), 4)
            for label in ("strong", "weak", "off_topic", "rambling")} if cal else {}


def run_validity(folder: Path = VALIDITY_DIR) -> dict[str, Any]:
    """All validity figures (no LLM): ranking, injection, fairness and the calibration medians."""
    rows = score_items(load_items(folder))
    return {"ranking": ranking_figures(rows), "fairness": fairness_figures(fairness_cases(folder)),
            "relevance_calibration_medians": calibration_anchors(rows),
            "per_question": [{"id": r["id"], "split": r["split"], **r["scores"]} for r in rows]}


if __name__ == "__main__":
    figures = run_validity()
    if "--full" not in sys.argv:
        figures.pop("per_question")
        for template in figures["fairness"]["per_template"].values():
            template.pop("scores")
    print(json.dumps(figures, indent=2))
