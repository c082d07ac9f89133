"""The check registry: each validation check is a small function with a named tolerance and the
reason for it, registered with ``@check(...)``; running one gives a ``CheckResult``.

A check function receives a ``Context`` (cached models, clips and analyses shared by the checks of
one run) and returns a ``Measured``: the value it measured, whether it is within the tolerance, and
details for the table and the plots. Comparisons live in small pure functions (``within_abs``,
``within_rel``, ...), so a test can feed a wrong value and see the check fail.

Status: ``pass``; ``fail``; ``known_limit`` when the check failed and was registered with a
``known_limit`` text that explains a documented limit (it is reported with its measured value and
does not fail the suite). A check that raises is a ``fail`` with the error in ``details``.
"""
from __future__ import annotations

import math
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

STATUS_PASS = "pass"
STATUS_FAIL = "fail"
STATUS_KNOWN_LIMIT = "known_limit"
AREAS = ("speech", "face", "scoring", "posture")


@dataclass
class CheckResult:
    """One check's outcome, JSON-able. ``measured`` is a number (or None when nothing could be
    measured); ``tolerance`` says in words what passes; ``reason`` why that tolerance."""

    area: str
    name: str
    measured: float | int | bool | str | None
    tolerance: str
    passed: bool
    status: str  # "pass" | "fail" | "known_limit"
    reason: str
    details: dict[str, Any] = field(default_factory=dict)
    duration_s: float = 0.0
    fast: bool = False  # part of the fast subset run by the test suite

    def to_json(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass
class Measured:
    """What a check function returns: the measured value, whether it is within the tolerance, details."""

    value: float | int | bool | str | None
    passed: bool
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    area: str
    name: str
    func: Callable[[Any], Measured]
    tolerance: str
    reason: str
    fast: bool = False
    known_limit: str | None = None  # set when a failure is a documented limit, not a defect


REGISTRY: dict[str, Check] = {}


def check(area: str, name: str, *, tolerance: str, reason: str, fast: bool = False,
          known_limit: str | None = None) -> Callable[[Callable[[Any], Measured]], Callable[[Any], Measured]]:
    """Register a check function under ``area``/``name`` (decorator)."""
    if area not in AREAS:
        raise ValueError(f"unknown validation area {area!r}; expected one of {AREAS}")

    def register(func: Callable[[Any], Measured]) -> Callable[[Any], Measured]:
        key = f"{area}.{name}"
        if key in REGISTRY and REGISTRY[key].func.__qualname__ != func.__qualname__:
            raise ValueError(f"two validation checks are named {key}")
        REGISTRY[key] = Check(area, name, func, tolerance, reason, fast, known_limit)
        return func

    return register


def status_of(passed: bool, known_limit: str | None) -> str:
    """``pass``, else ``known_limit`` when the check documents one, else ``fail``."""
    if passed:
        return STATUS_PASS
    return STATUS_KNOWN_LIMIT if known_limit else STATUS_FAIL


def run_check(spec: Check, context: Any) -> CheckResult:
    """Run one registered check; an exception becomes a failed result, never a crash of the suite."""
    started = time.perf_counter()
    try:
        outcome = spec.func(context)
    except Exception as error:  # noqa: BLE001 - a broken check is a failed check, reported with its cause
        outcome = Measured(None, False, {
            "error": f"{type(error).__name__}: {error}",
            "traceback": traceback.format_exc(limit=4)[-2000:],
        })
    details = dict(outcome.details)
    if not outcome.passed and spec.known_limit:
        details.setdefault("known_limit", spec.known_limit)
    return CheckResult(
        area=spec.area, name=spec.name, measured=_round(outcome.value), tolerance=spec.tolerance,
        passed=bool(outcome.passed), status=status_of(bool(outcome.passed), spec.known_limit),
        reason=spec.reason, details=_jsonable(details), duration_s=round(time.perf_counter() - started, 3),
        fast=spec.fast,
    )


# --- comparisons (pure; the tests feed them wrong values) -------------------------------------

def relative_difference(measured: float | None, expected: float | None) -> float | None:
    """|measured - expected| / |expected|, or None when either is missing or expected is 0."""
    if measured is None or expected is None or expected == 0:
        return None
    if not (math.isfinite(measured) and math.isfinite(expected)):
        return None
    return abs(measured - expected) / abs(expected)


def within_rel(measured: float | None, expected: float | None, tolerance: float) -> bool:
    """True when ``measured`` is within ``tolerance`` (a fraction) of ``expected``."""
    diff = relative_difference(measured, expected)
    return diff is not None and diff <= tolerance


def within_abs(measured: float | None, expected: float | None, tolerance: float) -> bool:
    """True when |measured - expected| <= ``tolerance`` (same unit as the values)."""
    if measured is None or expected is None:
        return False
    if not (math.isfinite(measured) and math.isfinite(expected)):
        return False
    return abs(measured - expected) <= tolerance


def worst(values: list[float | None]) -> float | None:
    """The largest value, or None when any is missing (a missing value is never a pass)."""
    if not values or any(v is None for v in values):
        return None
    return max(values)  # type: ignore[type-var]


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4) if math.isfinite(value) else None
    return value


def _jsonable(value: Any) -> Any:
    """Plain JSON types only (numpy scalars and arrays, tuples, NaN become float/list/None)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "tolist"):  # numpy scalar or array
        return _jsonable(value.tolist())
    if isinstance(value, float):
        return round(value, 4) if math.isfinite(value) else None
    return value
