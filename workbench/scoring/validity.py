"""Validity figures of the scorer on the labelled set (``workbench.scoring.validity_set``), issue 14.

Reported on the ``test`` split (never used to fit anything), with 95% bootstrap intervals over questions,
overall and per kind of question:
- ranking: share of triples ordered strong > weak > off-topic (target >= 95%);
- injected answers never above their clean twin; detection rate; false flags on clean answers;
- strong answers below the band "developing" without the ``uncertain_relevance`` flag (target 0);
- fairness: the same answer with different names, genders and places, max-min spread per template;
- worst cases: the test triples out of order, with every component (``worst_cases``).

Run: ``python -m workbench.scoring.validity [--split test|calibration|all] [--full]`` (no LLM: intents of
questions outside the bank come from ``data/scoring_validity/derived_intents.yaml``, derived once by
the local LLM with ``workbench.scoring.intent`` and loaded into a temporary intent cache).
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from workbench.scoring.validity_set import (
    LABELS, OUTSIDE_BANK_KINDS, VALIDITY_DIR, fairness_cases, load_items,
)

RANKING_TARGET_SHARE = 0.95  # from issue 14: at least 95% of test triples in order
FAIRNESS_TOLERANCE_POINTS = 3.0  # ours: variants of one answer must lie within 3 points of each other
BOOTSTRAP_RESAMPLES = 2000  # ours: enough for stable 95% percentile intervals
BOOTSTRAP_SEED = 14  # ours
STRONG_FLOOR_BAND_POINTS = 40.0  # the lower edge of "developing" (workbench.scoring.overall.BANDS)
UNCERTAIN_FLAG = "uncertain_relevance"
DERIVED_INTENTS_FILE = VALIDITY_DIR / "derived_intents.yaml"

__all__ = ["FAIRNESS_TOLERANCE_POINTS", "LABELS", "RANKING_TARGET_SHARE", "fairness_cases", "load_items",
           "run_validity", "score_items", "worst_cases"]


def seeded_intent_cache(path: Path | None = None):
    """A temporary ``IntentCache`` holding the committed derived intents of the validity set's questions."""
    from workbench.store.intents import IntentCache

    cache = IntentCache(Path(tempfile.mkdtemp(prefix="validity-intents-")))
    source = path or DERIVED_INTENTS_FILE
    if source.exists():
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        for row in data["intents"]:
            cache.put(row["question"], row["model_id"], row["model_sha256"], row["intent"])
    return cache


def _summary(result) -> dict[str, Any]:
    rel = result.components.get("relevance", {})
    return {"overall": result.overall, "uncertainty": result.uncertainty, "band": result.band,
            "flags": list(result.flags),
            "components": {k: v.get("score") for k, v in result.components.items()},
            "relevance_details": {k: rel.get("details", {}).get(k) for k in
                                  ("raw_cos", "question_cos", "intent_cos", "probability_on_topic")},
            "intent_source": result.details.get("intent_source")}


def score_items(items: list[dict], *, intent_cache=None) -> list[dict[str, Any]]:
    """Every answer (and alternate) of ``items`` scored without LLM feedback.

    Returns one row per item: ``{id, kind, split, scores: {label: summary}, alternates: [summary]}``.
    Intents come from ``intent_cache`` (default: the seeded cache of derived intents committed with the set).
    """
    from workbench.scoring.api import score_answer

    cache = intent_cache if intent_cache is not None else seeded_intent_cache()
    rows = []
    for item in items:
        concepts = item["concepts"] or None

        def run(text, concepts=concepts, item=item):
            return _summary(score_answer(item["question"], text, concepts=concepts, llm_feedback=False,
                                         intent_cache=cache))

        rows.append({"id": item["id"], "kind": item["kind"], "split": item["split"], "question": item["question"],
                     "injected_twin": item.get("injected_twin", "weak"),
                     "scores": {label: run(item["answers"][label]) for label in LABELS},
                     "alternates": [dict(a, summary=run(a["text"])) for a in item["alternates"]]})
    return rows


def _triple_rows(row: dict) -> list[dict[str, Any]]:
    """Each triple of a scored row with its three summaries and whether it is in order."""
    base = {label: row["scores"][label] for label in ("strong", "weak", "off_topic")}
    out = [dict(base, variant="own")]
    for index, alt in enumerate(row["alternates"]):
        if alt["label"] in base:
            out.append(dict(base, **{alt["label"]: alt["summary"]}, variant=f"alternate-{index}"))
    for t in out:
        t["in_order"] = t["strong"]["overall"] > t["weak"]["overall"] > t["off_topic"]["overall"]
    return out


def _bootstrap_share(groups: list[list[bool]]) -> dict[str, Any]:
    """Share of True over all values, with a 95% percentile interval resampling groups (questions)."""
    flat = [v for g in groups for v in g]
    if not flat:
        return {"share": None, "low": None, "high": None, "n": 0, "questions": 0}
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    sums = np.array([sum(g) for g in groups], dtype=float)
    sizes = np.array([len(g) for g in groups], dtype=float)
    picks = rng.integers(0, len(groups), size=(BOOTSTRAP_RESAMPLES, len(groups)))
    shares = sums[picks].sum(axis=1) / sizes[picks].sum(axis=1)
    return {"share": round(sum(flat) / len(flat), 3), "low": round(float(np.percentile(shares, 2.5)), 3),
            "high": round(float(np.percentile(shares, 97.5)), 3), "n": len(flat), "questions": len(groups)}


def ranking_figures(rows: list[dict]) -> dict[str, Any]:
    """Ranking, injection and strong-floor figures of ``rows`` (one split), overall and per kind."""
    kinds = {"all": lambda r: True, "outside_bank": lambda r: r["kind"] in OUTSIDE_BANK_KINDS,
             **{k: (lambda r, k=k: r["kind"] == k) for k in sorted({r["kind"] for r in rows})}}
    out: dict[str, Any] = {"questions": len(rows), "triples_in_order": {}, "strong_over_weak": {},
                           "weak_over_off_topic": {}, "strong_over_rambling": {}}
    for name, keep in kinds.items():
        subset = [r for r in rows if keep(r)]
        groups = [[t["in_order"] for t in _triple_rows(r)] for r in subset]
        out["triples_in_order"][name] = _bootstrap_share(groups)
        for key, (a, b) in (("strong_over_weak", ("strong", "weak")), ("weak_over_off_topic", ("weak", "off_topic")),
                            ("strong_over_rambling", ("strong", "rambling"))):
            out[key][name] = _bootstrap_share([[r["scores"][a]["overall"] > r["scores"][b]["overall"]]
                                               for r in subset])["share"]
    beats = [r["id"] for r in rows if r["scores"]["injected"]["overall"] > r["scores"][r["injected_twin"]]["overall"]]
    out["injected_above_clean_twin_count"] = len(beats)
    out["injected_above_clean_twin_ids"] = beats
    out["injection_detected_share"] = round(
        sum("injection_detected" in r["scores"]["injected"]["flags"] for r in rows) / max(1, len(rows)), 3)
    out["false_injection_flags_on_clean_answers"] = sum(
        "injection_detected" in r["scores"][label]["flags"] for r in rows for label in LABELS if label != "injected")
    low_strong = [r["id"] for r in rows if r["scores"]["strong"]["overall"] < STRONG_FLOOR_BAND_POINTS
                  and UNCERTAIN_FLAG not in r["scores"]["strong"]["flags"]]
    out["strong_below_developing_without_flag_count"] = len(low_strong)
    out["strong_below_developing_without_flag_ids"] = low_strong
    out["strong_flagged_uncertain_count"] = sum(UNCERTAIN_FLAG in r["scores"]["strong"]["flags"] for r in rows)
    out["off_topic_flagged_uncertain_count"] = sum(UNCERTAIN_FLAG in r["scores"]["off_topic"]["flags"] for r in rows)
    out["ranking_target_share"] = RANKING_TARGET_SHARE
    out["ranking_target_met"] = (out["triples_in_order"]["all"]["share"] or 0) >= RANKING_TARGET_SHARE
    out["median_overall_by_label"] = {label: statistics.median(r["scores"][label]["overall"] for r in rows)
                                      for label in LABELS} if rows else {}
    return out


def worst_cases(rows: list[dict], *, split: str = "test") -> list[dict[str, Any]]:
    """The triples of ``split`` the scorer orders wrongly, worst first (by how far strong falls below the
    best of weak and off-topic), each with overall, flags and every component of the three answers."""
    out = []
    for row in rows:
        if split != "all" and row["split"] != split:
            continue
        for t in _triple_rows(row):
            if t["in_order"]:
                continue
            case = {"id": row["id"], "kind": row["kind"], "variant": t["variant"], "question": row["question"],
                    "margin_points": round(t["strong"]["overall"] - max(t["weak"]["overall"],
                                                                        t["off_topic"]["overall"]), 1)}
            for label in ("strong", "weak", "off_topic"):
                s = t[label]
                case[label] = {"overall": s["overall"], "band": s["band"], "flags": s["flags"],
                               **s["components"], "relevance_raw": s["relevance_details"].get("raw_cos")}
            out.append(case)
    return sorted(out, key=lambda c: c["margin_points"])


def worst_cases_table(rows: list[dict], *, split: str = "test"):
    """``worst_cases`` as a flat pandas table (one row per wrong triple, columns ``<label>_<component>``)."""
    import pandas as pd

    flat = []
    for case in worst_cases(rows, split=split):
        row = {k: case[k] for k in ("id", "kind", "variant", "margin_points", "question")}
        for label in ("strong", "weak", "off_topic"):
            for key, value in case[label].items():
                row[f"{label}_{key}"] = ", ".join(value) if isinstance(value, list) else value
        flat.append(row)
    return pd.DataFrame(flat)


def fairness_figures(cases: list[dict], *, intent_cache=None) -> dict[str, Any]:
    """Per template the max-min spread of overall scores across variants, and whether all are within tolerance."""
    from workbench.scoring.api import score_answer

    per_template = {}
    for case in cases:
        values = [score_answer(case["question"], a, concepts=case["concepts"], llm_feedback=False,
                              intent_cache=intent_cache).overall
                  for a in case["answers"]]
        per_template[case["id"]] = {"spread_points": round(max(values) - min(values), 2),
                                    "scores": dict(zip(case["variants"], values, strict=True))}
    worst = max(t["spread_points"] for t in per_template.values())
    return {"fairness_max_spread_points": worst, "fairness_tolerance_points": FAIRNESS_TOLERANCE_POINTS,
            "fairness_within_tolerance": worst <= FAIRNESS_TOLERANCE_POINTS, "per_template": per_template}


def set_summary(items: list[dict]) -> dict[str, Any]:
    """How the set is made: questions per kind and split, answers per writer."""
    writers: dict[str, int] = {}
    for item in items:
        for who in item["written_by"].values():
            key = "llm" if who.startswith("llm") else "hand"
            writers[key] = writers.get(key, 0) + 1
        for alt in item["alternates"]:
            key = "llm" if alt["written_by"].startswith("llm") else "hand"
            writers[key] = writers.get(key, 0) + 1
    kinds: dict[str, dict[str, int]] = {}
    for item in items:
        kinds.setdefault(item["kind"], {"calibration": 0, "test": 0})[item["split"]] += 1
    return {"questions": len(items), "outside_bank": sum(i["kind"] in OUTSIDE_BANK_KINDS for i in items),
            "idiomatic": sum(i["kind"] == "idiomatic" for i in items), "by_kind_and_split": kinds,
            "answers_by_writer": writers}


def run_validity(folder: Path = VALIDITY_DIR, *, split: str = "test", rows: list[dict] | None = None) -> dict:
    """All validity figures (no LLM) on ``split`` (test | calibration | all), plus fairness and worst cases."""
    items = load_items(folder)
    cache = seeded_intent_cache()
    rows = rows if rows is not None else score_items(items, intent_cache=cache)
    chosen = rows if split == "all" else [r for r in rows if r["split"] == split]
    return {"split": split, "set": set_summary(items), "ranking": ranking_figures(chosen),
            "fairness": fairness_figures(fairness_cases(folder), intent_cache=cache),
            "worst_cases": worst_cases(rows, split=split), "rows": rows}


if __name__ == "__main__":
    wanted = sys.argv[sys.argv.index("--split") + 1] if "--split" in sys.argv else "test"
    figures = run_validity(split=wanted)
    if "--full" not in sys.argv:
        figures.pop("rows")
        figures["worst_cases"] = [{k: c[k] for k in ("id", "kind", "margin_points")} for c in figures["worst_cases"]]
        for template in figures["fairness"]["per_template"].values():
            template.pop("scores")
    print(json.dumps(figures, indent=2))
