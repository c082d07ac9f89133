"""The validity set (issue 14) and the figures on its test split (no LLM: feedback never ranks; the intents
of questions outside the bank come from the committed derivation)."""
from __future__ import annotations

import pytest

from workbench.scoring.validity import (
    FAIRNESS_TOLERANCE_POINTS, _bootstrap_share, run_validity, worst_cases,
)
from workbench.scoring.validity_set import LABELS, OUTSIDE_BANK_KINDS, assign_splits, fairness_cases, load_items


def test_validity_set_is_large_varied_labelled_and_split_by_question():
    items = load_items()
    assert len(items) >= 100
    assert sum(i["kind"] in OUTSIDE_BANK_KINDS for i in items) >= 40
    assert sum(i["kind"] == "idiomatic" for i in items) >= 20
    for item in items:
        assert set(item["answers"]) == set(LABELS) and all(item["answers"][label] for label in LABELS)
        assert len(set(item["answers"].values())) == len(LABELS)  # five different answers
        assert all(item["written_by"][label] for label in LABELS)
        assert item["split"] in {"calibration", "test"}
        if item["kind"] in OUTSIDE_BANK_KINDS:
            assert not item["concepts"]  # the scorer must find out what the question is after
    writers = {w.split(":")[0] for i in items for w in list(i["written_by"].values())
               + [a["written_by"] for a in i["alternates"]]}
    assert {"hand", "llm"} <= writers
    styles = {s for i in items for s in i["style"].values()}
    assert {"non-native-narrative", "bullet-like", "wordy", "short-plain"} <= styles
    for kind in {i["kind"] for i in items}:  # every kind is halved
        splits = [i["split"] for i in items if i["kind"] == kind]
        assert abs(splits.count("test") - splits.count("calibration")) <= 1
    cases = fairness_cases()
    assert all(len(set(c["answers"])) == len(c["answers"]) > 4 for c in cases)  # variants really differ


def test_split_depends_on_ids_only():
    items = load_items()
    shuffled = list(reversed(items))
    assert assign_splits(items) == assign_splits(shuffled)


def test_bootstrap_interval_brackets_the_share():
    groups = [[True]] * 18 + [[False]] * 2
    figure = _bootstrap_share(groups)
    assert figure["share"] == 0.9 and figure["low"] < 0.9 < figure["high"] <= 1.0
    assert _bootstrap_share([[True]] * 5)["low"] == 1.0


def test_worst_cases_lists_only_wrong_test_triples_with_components():
    def summary(overall):
        return {"overall": overall, "band": "x", "flags": [], "components": {"relevance": 1.0, "structure": 2.0},
                "relevance_details": {"raw_cos": 0.1}}

    rows = [{"id": "a", "kind": "plain", "split": "test", "question": "q?", "alternates": [],
             "scores": {"strong": summary(10), "weak": summary(50), "off_topic": summary(5)}},
            {"id": "b", "kind": "plain", "split": "test", "question": "q?", "alternates": [],
             "scores": {"strong": summary(80), "weak": summary(50), "off_topic": summary(5)}},
            {"id": "c", "kind": "plain", "split": "calibration", "question": "q?", "alternates": [],
             "scores": {"strong": summary(1), "weak": summary(50), "off_topic": summary(5)}}]
    cases = worst_cases(rows)
    assert [c["id"] for c in cases] == ["a"]
    assert cases[0]["margin_points"] == -40.0 and cases[0]["strong"]["structure"] == 2.0


@pytest.mark.slow
def test_figures_on_the_test_split():
    """Issue 14's targets, measured on the test split. The ranking share (75.5%, 95% interval 63-87%, against
    77.4% before issue 14 on the same triples) is reported with its interval, not asserted: the 95% target is not met
    (see workbench.scoring.fit_relevance); the targets that are met are asserted."""
    figures = run_validity(split="test")
    ranking, fairness = figures["ranking"], figures["fairness"]
    assert ranking["questions"] >= 45
    share = ranking["triples_in_order"]["all"]
    assert share["low"] <= share["share"] <= share["high"] and share["n"] > ranking["questions"]  # + alternates
    assert ranking["injected_above_clean_twin_count"] == 0
    assert ranking["injection_detected_share"] == 1.0
    assert ranking["false_injection_flags_on_clean_answers"] == 0
    assert fairness["fairness_max_spread_points"] <= FAIRNESS_TOLERANCE_POINTS
    assert all(c["margin_points"] <= 0 or c["weak"]["overall"] <= c["off_topic"]["overall"]
               for c in figures["worst_cases"])
    assert len(figures["worst_cases"]) == round(share["n"] * (1 - share["share"]))
