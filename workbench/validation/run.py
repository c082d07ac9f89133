"""Run the validation checks and write their results (JSON + a pass/fail table in Markdown).

    from workbench.validation import run_checks, write_results
    results = run_checks(fast=True, areas=["speech"])
    write_results(results, "reports/validation/manual")
"""
from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from workbench.errors import InputError
from workbench.validation.checks import AREAS, REGISTRY, STATUS_FAIL, CheckResult, run_check
from workbench.validation.fixtures import Context

RESULTS_JSON = "validation.json"
TABLE_MD = "validation.md"


def parse_areas(areas: str | Iterable[str] | None) -> list[str]:
    """``"speech,face"`` or a list -> validated area names (all when None or empty)."""
    if areas is None:
        return list(AREAS)
    names = [a.strip() for a in (areas.split(",") if isinstance(areas, str) else areas) if a and a.strip()]
    unknown = [a for a in names if a not in AREAS]
    if unknown:
        raise InputError(f"unknown validation area(s) {', '.join(unknown)}; choose from {', '.join(AREAS)}")
    return names or list(AREAS)


def registered(areas: str | Iterable[str] | None = None, *, fast: bool = False) -> list[Any]:
    """The registered checks of ``areas`` (importing their modules), the fast subset if ``fast``."""
    names = parse_areas(areas)
    for area in names:
        _register_area(area)
    return [spec for spec in REGISTRY.values() if spec.area in names and (spec.fast or not fast)]


def _register_area(area: str) -> None:
    """Import one area's check module: importing it registers its checks (each pulls in its own models)."""
    if area == "speech":
        from workbench.validation import speech_checks  # noqa: F401
    elif area == "face":
        from workbench.validation import face_checks  # noqa: F401
    elif area == "scoring":
        from workbench.validation import scoring_checks  # noqa: F401
    elif area == "posture":
        from workbench.validation import posture_checks  # noqa: F401
    else:
        raise InputError(f"no check module for validation area {area!r}")


def run_checks(*, fast: bool = False, areas: str | Iterable[str] | None = None, progress: bool = True,
               context: Context | None = None) -> list[CheckResult]:
    """Run every check of ``areas`` (all by default); ``fast`` runs the subset the test suite uses
    (short clips, whisper-tiny.en, no LLM). ``progress`` prints one line per check on stderr."""
    specs = registered(areas, fast=fast)
    context = context or Context(fast=fast)
    results = []
    for spec in specs:
        if progress:
            print(f"validate {spec.area}.{spec.name} ...", end="", file=sys.stderr, flush=True)
        result = run_check(spec, context)
        if progress:
            print(f" {result.status} ({result.measured}, {result.duration_s:.1f} s)", file=sys.stderr, flush=True)
        results.append(result)
    return results


def summary(results: list[CheckResult]) -> dict[str, Any]:
    """Counts by status and whether the run passed (known limits do not fail it)."""
    counts = {status: sum(r.status == status for r in results) for status in ("pass", "fail", "known_limit")}
    return {"checks": len(results), **counts, "all_ok": counts[STATUS_FAIL] == 0,
            "failed": [f"{r.area}.{r.name}" for r in results if r.status == STATUS_FAIL]}


def table_rows(results: list[CheckResult]) -> list[dict[str, Any]]:
    """One flat row per check, for a DataFrame or the Markdown table."""
    return [{"area": r.area, "check": r.name, "status": r.status, "measured": r.measured,
             "tolerance": r.tolerance, "reason": r.reason, "duration_s": r.duration_s} for r in results]


def markdown_table(results: list[CheckResult]) -> str:
    """A pass/fail table in Markdown."""
    lines = ["| area | check | status | measured | tolerance |", "|---|---|---|---|---|"]
    for row in table_rows(results):
        lines.append(f"| {row['area']} | {row['check']} | {row['status']} | {row['measured']} | {row['tolerance']} |")
    return "\n".join(lines) + "\n"


def write_results(results: list[CheckResult], out_dir: str | Path, *, parameters: dict[str, Any] | None = None) -> Path:
    """Write ``validation.json`` (every result with details) and ``validation.md`` (the table) to
    ``out_dir``; returns the JSON path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    payload = {"created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "parameters": parameters or {},
               "summary": summary(results), "results": [r.to_json() for r in results]}
    path = out / RESULTS_JSON
    path.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    (out / TABLE_MD).write_text(markdown_table(results), encoding="utf-8")
    return path


def read_results(out_dir: str | Path) -> dict[str, Any]:
    """The payload ``write_results`` wrote."""
    path = Path(out_dir) / RESULTS_JSON
    if not path.is_file():
        raise InputError(f"no validation results at {path}")
    return json.loads(path.read_text(encoding="utf-8"))
