"""workbench doctor: hardware, installed models and a health check of each."""
from __future__ import annotations

import argparse
import sys

from workbench.cli.common import add_json_flag
from workbench.models.doctor import format_report, run_doctor


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("doctor", help="check hardware and every model (installed, verified, loads)")
    parser.add_argument("--model", action="append", dest="models", metavar="ID",
                        help="check only this model (repeatable); default: all")
    parser.add_argument("--no-load", action="store_true", help="check files and checksums only, load nothing")
    add_json_flag(parser)
    parser.set_defaults(handler=_run, format_text=format_report)


def _run(args: argparse.Namespace):
    progress = None if args.json else (lambda mid: print(f"checking {mid} ...", file=sys.stderr))
    report = run_doctor(args.models, load=not args.no_load, progress=progress)
    return report, (0 if report["all_ok"] else 3)
