"""Uncertainty over items: bootstrap intervals of a figure, and paired differences between two models
with a paired bootstrap interval and a sign-flip permutation test.

A figure is a *statistic* over per-item *parts*, so corpus figures are computed the corpus way on every
resample (word error rate is errors over reference words of the resampled items, not a mean of per-item
rates). The statistics (``STATISTICS``):

- ``mean``: parts are numbers (or None: not applicable to that item), the figure is their mean;
- ``ratio``: parts are ``(numerator, denominator)``, the figure is sum of numerators over sum of denominators;
- ``p50``/``p90``: parts are lists of numbers (one item, several calls), the figure is the quantile of all.

Resampling uses ``numpy.random.default_rng`` seeded from the caller's seed and the measure's name, so the
same inputs and seed give the same intervals whatever the order in which measures are computed.
"""
from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

CONFIDENCE = 0.95  # from the issue: 95% intervals
BOOTSTRAP_RESAMPLES = 2000  # ours: percentile intervals settle to about 0.5 points of their width by 2,000
PERMUTATIONS = 2000  # ours: the smallest p-value reported is 1/2001, below any usual threshold

Part = Any  # a number, a (numerator, denominator) pair, or a list of numbers; None when not applicable


def _mean(parts: Sequence[Part]) -> float | None:
    values = [float(p) for p in parts]
    return float(np.mean(values)) if values else None


def _ratio(parts: Sequence[Part]) -> float | None:
    denominator = sum(float(p[1]) for p in parts)
    return sum(float(p[0]) for p in parts) / denominator if denominator > 0 else None


def _quantile(q: float) -> Callable[[Sequence[Part]], float | None]:
    def statistic(parts: Sequence[Part]) -> float | None:
        pooled = [float(v) for p in parts for v in p]
        return float(np.quantile(pooled, q)) if pooled else None
    return statistic


STATISTICS: dict[str, Callable[[Sequence[Part]], float | None]] = {
    "mean": _mean, "ratio": _ratio, "p50": _quantile(0.5), "p90": _quantile(0.9),
}


def statistic(kind: str, parts: Sequence[Part]) -> float | None:
    """The figure of ``parts`` (Nones left out) under statistic ``kind``; None when nothing applies."""
    return STATISTICS[kind]([p for p in parts if p is not None])


def rng_for(seed: int, *labels: str) -> np.random.Generator:
    """A generator seeded by ``seed`` and the labels (stable across processes, unlike ``hash``)."""
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32("|".join(labels).encode())])


def _percentiles(values: list[float]) -> tuple[float | None, float | None]:
    finite = [v for v in values if v is not None and np.isfinite(v)]
    if not finite:
        return None, None
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return float(low), float(high)


def bootstrap_interval(kind: str, parts: Sequence[Part], *, rng: np.random.Generator,
                       resamples: int = BOOTSTRAP_RESAMPLES) -> dict[str, Any]:
    """The figure with its 95% percentile bootstrap interval over the items that have a part.

    Returns ``{"value", "ci_low", "ci_high", "items"}`` (values None when no item applies; with one item
    the interval is that item's value twice: an interval needs more than one item to mean anything).
    """
    kept = [p for p in parts if p is not None]
    value = STATISTICS[kind](kept)
    if value is None:
        return {"value": None, "ci_low": None, "ci_high": None, "items": 0}
    draws = rng.integers(0, len(kept), size=(resamples, len(kept)))
    estimates = [STATISTICS[kind]([kept[i] for i in row]) for row in draws]
    low, high = _percentiles(estimates)
    return {"value": value, "ci_low": low, "ci_high": high, "items": len(kept)}


def paired_difference(kind: str, parts_a: Sequence[Part], parts_b: Sequence[Part], *, rng: np.random.Generator,
                      resamples: int = BOOTSTRAP_RESAMPLES, permutations: int = PERMUTATIONS) -> dict[str, Any]:
    """Figure of A minus figure of B on the items both have a part for (the same items, in the same order).

    The interval resamples items (keeping each item's A and B together); the p-value is two-sided, from a
    permutation test that swaps A and B within each item at random (exact under "no difference").
    Returns ``{"difference", "ci_low", "ci_high", "p_value", "items"}``.
    """
    pairs = [(a, b) for a, b in zip(parts_a, parts_b, strict=True) if a is not None and b is not None]
    empty = {"difference": None, "ci_low": None, "ci_high": None, "p_value": None, "items": len(pairs)}
    if not pairs:
        return empty
    f = STATISTICS[kind]

    def diff(rows: Sequence[tuple[Part, Part]]) -> float | None:
        a, b = f([r[0] for r in rows]), f([r[1] for r in rows])
        return None if a is None or b is None else a - b

    observed = diff(pairs)
    if observed is None:
        return empty
    draws = rng.integers(0, len(pairs), size=(resamples, len(pairs)))
    low, high = _percentiles([diff([pairs[i] for i in row]) for row in draws])
    flips = rng.random((permutations, len(pairs))) < 0.5
    as_extreme = 0
    for row in flips:
        permuted = diff([(b, a) if flip else (a, b) for (a, b), flip in zip(pairs, row, strict=True)])
        # a tolerance so that float noise on an exact tie counts as "as extreme"
        if permuted is not None and abs(permuted) >= abs(observed) - 1e-12:
            as_extreme += 1
    return {"difference": observed, "ci_low": low, "ci_high": high,
            "p_value": (as_extreme + 1) / (permutations + 1), "items": len(pairs)}
