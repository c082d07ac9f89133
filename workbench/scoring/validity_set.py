"""The labelled validity set in ``data/scoring_validity`` (written for the project), as scoring items.

Four kinds of question (``kind``): ``given`` (the first 30, with concepts written beside them), ``bank``
(word for word from the question bank), ``idiomatic`` and ``plain`` (outside the bank: the scorer has to
find out what they are after). Each item has a strong, weak, off-topic, rambling and injected answer;
``written_by`` and ``style`` say who wrote each and how. Items are split by question into ``calibration``
and ``test`` (``assign_splits``): every weight, threshold and band is fitted on calibration only.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from workbench.config import DATA_DIR_BUNDLED

VALIDITY_DIR = DATA_DIR_BUNDLED / "scoring_validity"
LABELS = ("strong", "weak", "off_topic", "rambling", "injected")
NOT_ITEM_FILES = frozenset({"fairness.yaml", "derived_intents.yaml"})
SPLITS = ("calibration", "test")
OUTSIDE_BANK_KINDS = frozenset({"idiomatic", "plain"})


def assign_splits(items: list[dict[str, Any]]) -> dict[str, str]:
    """Item id -> ``calibration`` or ``test``. Within each kind, items are ordered by a hash of their id and
    dealt alternately, so the split depends on ids alone (never on scores) and halves every kind."""
    out = {}
    for kind in sorted({i["kind"] for i in items}):
        ids = sorted((i["id"] for i in items if i["kind"] == kind),
                     key=lambda x: hashlib.sha256(x.encode()).hexdigest())
        out.update({item_id: SPLITS[n % 2] for n, item_id in enumerate(ids)})
    return out


def _injected(twin: str, injection: str, where: str) -> str:
    if where == "start":
        return f"{injection} {twin}"
    if where == "middle":
        sentences = twin.split(". ")
        half = max(1, len(sentences) // 2)
        return ". ".join(sentences[:half]) + f". {injection} " + ". ".join(sentences[half:])
    return f"{twin} {injection}"


def _read(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    default_writer = data.get("written_by", "hand (project)")
    items = []
    for raw in data["items"]:
        item = dict(raw, file=path.name)
        item["kind"] = raw.get("kind", "given")
        item["answers"] = dict(raw["answers"])
        writers = dict(raw.get("written_by") or {})
        item["written_by"] = {label: writers.get(label, default_writer) for label in LABELS}
        item["style"] = dict(raw.get("style") or {})
        item["concepts"] = raw.get("concepts")
        items.append(item)
    return items


def load_items(folder: Path = VALIDITY_DIR) -> list[dict[str, Any]]:
    """Every question item: ``{id, kind, split, question, concepts|None, answers: {label: text},
    written_by: {label: who}, style, alternates: [{label, text, written_by}]}``."""
    items = [item for path in sorted(folder.glob("*.yaml")) if path.name not in NOT_ITEM_FILES
             for item in _read(path)]
    by_id = {item["id"]: item for item in items}
    if len(by_id) != len(items):
        raise ValueError("duplicate item ids in the validity set")
    for item in items:
        answers = item["answers"]
        if "off_topic" not in answers and item.get("off_topic"):
            answers["off_topic"] = item["off_topic"]
        if "off_topic" not in answers:
            other = by_id[item["off_topic_from"]]
            answers["off_topic"] = other["answers"]["strong"]
            item["written_by"]["off_topic"] = f"{other['written_by']['strong']} (strong answer to {other['id']})"
        if "injected" not in answers:
            answers["injected"] = _injected(answers[item["injected_twin"]], item["injection"],
                                            item.get("injection_at", "end"))
        item["answers"] = {label: " ".join(answers[label].split()) for label in LABELS}
        item["alternates"] = [dict(a, text=" ".join(a["text"].split())) for a in item.get("alternates") or []]
    splits = assign_splits(items)
    for item in items:
        item["split"] = splits[item["id"]]
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

