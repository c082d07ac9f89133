"""The validity figures on the labelled set written for the project (no LLM: feedback never ranks)."""
from __future__ import annotations

import pytest

from workbench.scoring.validity import (
    FAIRNESS_TOLERANCE_POINTS, RANKING_TARGET_SHARE, fairness_cases, load_items, run_validity,
)


def test_validity_set_is_complete_and_marked():
    items = load_items()
    assert len(items) >= 30
    for item in items:
        assert set(item["answers"]) >= {"strong", "weak", "off_topic", "rambling", "injected"}
        assert item["split"] in {"calibration", "held_out"}
    assert {i["split"] for i in items} == {"calibration", "held_out"}
    cases = fairness_cases()
    assert all(len(set(c["answers"])) == len(c["answers"]) > 4 for c in cases)  # variants really differ


@pytest.mark.slow
def test_ranking_injection_and_fairness_figures():
    figures = run_validity()
    ranking, fairness = figures["ranking"], figures["fairness"]
    assert ranking["questions"] >= 30
    assert ranking["triples_in_order_share_all"] >= RANKING_TARGET_SHARE
    assert ranking["triples_in_order_share_held_out"] >= RANKING_TARGET_SHARE
    assert ranking["injected_beats_clean_twin_count"] == 0
    assert ranking["injection_detected_share"] == 1.0
    assert ranking["false_injection_flags_on_clean_answers"] == 0
    assert fairness["fairness_max_spread_points"] <= FAIRNESS_TOLERANCE_POINTS
    assert figures["relevance_calibration_medians"]["off_topic"] < figures["relevance_calibration_medians"]["strong"]
