"""Bootstrap intervals, paired differences and the permutation test on inputs with known answers."""
from __future__ import annotations

import pytest

from workbench.errors import InputError
from workbench.evaluation.harness import parse_model_ids
from workbench.evaluation.intervals import bootstrap_interval, paired_difference, rng_for, statistic


def test_ratio_is_a_corpus_figure_not_a_mean_of_item_rates():
    parts = [(1, 10), (1, 2)]  # 2 errors over 12 words, although the item rates are 0.1 and 0.5
    assert statistic("ratio", parts) == pytest.approx(2 / 12)
    assert statistic("p50", [[1.0, 3.0], [2.0]]) == pytest.approx(2.0)
    assert statistic("mean", [1.0, None, 0.0]) == pytest.approx(0.5)  # None: not applicable to that item


def test_interval_brackets_the_value_and_is_reproducible():
    parts = [float(i % 7) for i in range(40)]
    first = bootstrap_interval("mean", parts, rng=rng_for(3, "m", "x"))
    again = bootstrap_interval("mean", parts, rng=rng_for(3, "m", "x"))
    other = bootstrap_interval("mean", parts, rng=rng_for(4, "m", "x"))
    assert first == again
    assert first["ci_low"] < first["value"] < first["ci_high"]
    assert first["items"] == 40
    assert other["ci_low"] != first["ci_low"] or other["ci_high"] != first["ci_high"]
    assert bootstrap_interval("ratio", [None, None], rng=rng_for(1))["value"] is None


def test_paired_difference_finds_a_real_difference_and_not_a_fake_one():
    a = [(i % 3 + 5, 10) for i in range(30)]  # about 60% errors
    b = [(i % 3, 10) for i in range(30)]  # about 10% errors: 5 fewer on every item
    diff = paired_difference("ratio", a, b, rng=rng_for(1, "d"))
    assert diff["difference"] == pytest.approx(0.5)
    assert diff["ci_low"] > 0 and diff["p_value"] < 0.01
    same = paired_difference("ratio", a, list(a), rng=rng_for(1, "d"))
    assert same["difference"] == 0 and same["p_value"] == 1.0
    # two items with a difference cannot reach significance: the smallest sign-flip p-value is 2/4
    few = paired_difference("mean", [1.0, 1.0], [0.0, 0.0], rng=rng_for(1))
    assert few["p_value"] > 0.2


def test_items_missing_on_one_side_are_left_out_of_the_pair():
    diff = paired_difference("mean", [1.0, None, 3.0], [0.0, 5.0, None], rng=rng_for(1))
    assert diff["items"] == 1 and diff["difference"] == 1.0


def test_model_ids_are_checked():
    assert parse_model_ids("a, b,c") == ["a", "b", "c"]
    with pytest.raises(InputError, match="given twice"):
        parse_model_ids("whisper-base,whisper-base")
    with pytest.raises(InputError, match="no model ids"):
        parse_model_ids(" , ")
