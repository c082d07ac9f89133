"""workbench validate: run the validation suite (notebook 80) and write HTML + JSON."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from workbench.cli.common import add_json_flag

NOTEBOOK = "80_validation.ipynb"
EXIT_CHECK_FAILED = 1  # a check failed (known limits do not count)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate", help="check every measure against references and perturbations (writes HTML + JSON)")
    parser.add_argument("--fast", action="store_true", help="only the fast subset (the one the tests run)")
    parser.add_argument("--area", action="append", dest="areas", metavar="A",
                        help="speech, face or scoring (repeatable); default: all")
    parser.add_argument("--out", metavar="DIR", help="output folder; default reports/validation/<run-id>")
    add_json_flag(parser)
    parser.set_defaults(handler=_run, format_text=_format)


def _run(args: argparse.Namespace) -> tuple[dict[str, Any], int]:
    from workbench.config import NOTEBOOKS_DIR, settings
    from workbench.report.runner import notebook_to_html, run_notebook
    from workbench.validation.run import parse_areas, read_results

    areas = parse_areas(args.areas)
    run_id = time.strftime("%Y%m%d-%H%M%S") + ("-fast" if args.fast else "")
    out = Path(args.out) if args.out else settings().reports_dir / "validation" / run_id
    out = out.resolve()
    if not args.json:
        print(f"validation ({'fast' if args.fast else 'full'}: {', '.join(areas)}) -> {out}", file=sys.stderr)
    run = run_notebook(NOTEBOOKS_DIR / NOTEBOOK, out,
                       {"FAST": bool(args.fast), "AREAS": ",".join(areas), "OUTPUT_DIR": str(out)})
    html = notebook_to_html(run.executed_path, out / "validation.html", title="Validation")
    payload = read_results(out)
    result = {"out_dir": str(out), "html": str(html), "json": str(out / "validation.json"),
              "duration_s": round(run.duration_s, 1), **payload["summary"],
              "results": [{k: r[k] for k in ("area", "name", "status", "measured", "tolerance")}
                          for r in payload["results"]]}
    return result, (0 if payload["summary"]["all_ok"] else EXIT_CHECK_FAILED)


def _format(result: dict[str, Any]) -> str:
    lines = [f"{r['status']:<12} {r['area']}.{r['name']}: {r['measured']} ({r['tolerance']})"
             for r in result["results"]]
    lines.append(f"{result['pass']} passed, {result['fail']} failed, {result['known_limit']} known limits "
                 f"in {result['duration_s']} s")
    lines.append(f"report: {result['html']}")
    return "\n".join(lines)
