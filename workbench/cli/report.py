"""workbench report: analyse sessions with the notebooks (papermill) and write HTML + JSON reports."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from workbench.cli.common import add_json_flag, uses_store
from workbench.config import DEFAULT_SEED, NOTEBOOKS_DIR, settings
from workbench.errors import InputError

SETUP_NOTEBOOK = "00_model_setup.ipynb"
CLASS_NOTEBOOK = "75_class_overview.ipynb"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report", help="run the analysis notebooks for sessions and write HTML + JSON reports",
        description="Writes reports/<session>/<run-id>/: executed notebooks, report.html, summary.json.",
    )
    parser.add_argument("sessions", nargs="*", metavar="SESSION", help="ids of stored sessions")
    parser.add_argument("--out", type=Path, metavar="DIR", help="reports folder (default: settings' reports_dir)")
    parser.add_argument("--sample", action="store_true", help="import the bundled sample session (once) and report it")
    parser.add_argument("--import", dest="import_folder", type=Path, metavar="FOLDER",
                        help="import a folder of answer recordings plus its questions file, then report it")
    parser.add_argument("--all", dest="all_dir", type=Path, metavar="DIR",
                        help="batch: every session folder under DIR, in parallel with Dask, resumable")
    parser.add_argument("--scheduler", metavar="ADDR", help="existing Dask scheduler (tcp://host:8786) for --all")
    parser.add_argument("--workers", type=int, default=None, help="local Dask workers for --all (default 1)")
    parser.add_argument("--setup", action="store_true", help="also render 00_model_setup into reports/<run-id>/")
    parser.add_argument("--pdf", action="store_true", help="also print report.pdf with the system chromium")
    parser.add_argument("--anonymise", action="store_true", help="replace names and personal details in the report")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed recorded and used by every stage")
    parser.add_argument("--class", dest="class_label", metavar="C",
                        help="the class overview (notebook 75) of class C's scored sessions instead")
    parser.add_argument("--from", dest="date_from", default="", metavar="DATE", help="--class: from this ISO date")
    parser.add_argument("--to", dest="date_to", default="", metavar="DATE", help="--class: up to this ISO date")
    parser.add_argument("--names", action="store_true", help="--class: show the students' labels, not student 1, 2...")
    add_json_flag(parser)
    uses_store(parser)
    parser.set_defaults(handler=_run, format_text=_format)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _render_setup(out: Path | None, quiet: bool) -> dict[str, Any]:
    from workbench.report.pipeline import new_run_id
    from workbench.report.runner import notebook_to_html, run_notebook

    run_dir = Path(out or settings().reports_dir) / new_run_id()
    if not quiet:
        _say("model setup: 00_model_setup")
    run = run_notebook(NOTEBOOKS_DIR / SETUP_NOTEBOOK, run_dir, {"OUTPUT_DIR": str(run_dir), "MODELS": "default"})
    html = notebook_to_html(run.executed_path, run_dir / "00_model_setup.html", title="Model setup")
    return {"html_path": str(html), "duration_s": round(run.duration_s, 2)}


def _render_class(args: argparse.Namespace) -> dict[str, Any]:
    from workbench.report.pipeline import new_run_id
    from workbench.report.runner import notebook_to_html, run_notebook

    run_dir = (Path(args.out or settings().reports_dir) / f"class-{new_run_id()}").resolve()
    run = run_notebook(NOTEBOOKS_DIR / CLASS_NOTEBOOK, run_dir, {
        "CLASS_LABEL": args.class_label, "DATE_FROM": args.date_from, "DATE_TO": args.date_to,
        "ANONYMISE": not args.names, "OUTPUT_DIR": str(run_dir)})
    html = notebook_to_html(run.executed_path, run_dir / "class_overview.html", title=f"Class {args.class_label}")
    csv, xlsx = run_dir / "class.csv", run_dir / "class.xlsx"
    return {"reports": [{"session_id": f"class {args.class_label}", "html_path": str(html), "stages": [],
                         "duration_s": round(run.duration_s, 2)}], "failed": [],
            "csv_path": str(csv) if csv.is_file() else None, "xlsx_path": str(xlsx) if xlsx.is_file() else None}


def _run(args: argparse.Namespace) -> Any:
    from workbench.report.pipeline import ReportError, report_session
    from workbench.report.sources import import_folder, import_sample

    quiet = bool(args.json)
    if args.class_label:
        return _render_class(args)
    if not (args.sessions or args.sample or args.import_folder or args.all_dir or args.setup):
        raise InputError("name a SESSION, or use --sample, --import FOLDER or --all DIR (see --help)")
    if args.scheduler and not args.all_dir:
        raise InputError("--scheduler only applies to --all DIR")
    payload: dict[str, Any] = {"reports": [], "failed": []}
    started = time.perf_counter()
    if args.setup:
        payload["setup"] = _render_setup(args.out, quiet)
    if args.all_dir:
        from workbench.report.batch import DEFAULT_WORKERS, run_batch

        batch = run_batch(args.all_dir, out_dir=args.out, scheduler=args.scheduler,
                          workers=args.workers or DEFAULT_WORKERS, seed=args.seed, pdf=args.pdf,
                          progress=not quiet)
        payload["batch"] = batch.to_json()
        payload["failed"] = batch.failed
    ids = list(args.sessions)
    if args.sample:
        ids.append(import_sample())
    if args.import_folder:
        ids.append(import_folder(args.import_folder))
    for session_id in ids:
        try:
            result = report_session(session_id, out_dir=args.out, seed=args.seed, pdf=args.pdf,
                                    anonymise=args.anonymise, progress=None if quiet else _say)
            payload["reports"].append(result.to_json())
        except ReportError as error:
            if len(ids) == 1 and not args.all_dir:
                raise
            payload["failed"].append({"session_id": session_id, "error": str(error)})
    payload["duration_s"] = round(time.perf_counter() - started, 2)
    return payload, (1 if payload["failed"] else 0)


def _format(payload: dict[str, Any]) -> str:
    lines = []
    if "setup" in payload:
        lines.append(f"model setup: {payload['setup']['html_path']}")
    for report in payload.get("reports", []):
        skipped = [s["name"] for s in report["stages"] if s["status"] == "skipped"]
        note = f" (skipped, not available yet: {', '.join(skipped)})" if skipped else ""
        lines.append(f"{report['session_id']}: {report['html_path']} in {report['duration_s']:.0f} s{note}")
        if report.get("pdf_path"):
            lines.append(f"  pdf: {report['pdf_path']}")
    batch = payload.get("batch")
    if batch:
        lines.append(f"batch: {len(batch['finished'])} reported, {len(batch['skipped'])} already done, "
                     f"{len(batch['failed'])} failed of {batch['total']} in {batch['duration_s']:.0f} s")
    for failure in payload.get("failed", []):
        lines.append(f"FAILED {failure.get('session_id') or failure.get('folder')}: {failure.get('error')}")
    finished = [r for r in payload.get("reports", []) if r.get("html_path")]
    if finished:  # the last line is the report to open (make report relies on it)
        lines.append(f"report: {finished[-1]['html_path']}")
    return "\n".join(lines) or "nothing to report"
