"""The ``workbench`` command: the parser built from every subcommand module, and ``main``.

Each subcommand module exposes ``register(subparsers) -> None``, which adds its parser and sets
``handler`` to a function ``handler(args) -> dict | str`` (or ``(payload, exit_code)``). The returned
value is printed as JSON with ``--json`` and as readable text otherwise. Errors become one line on
stderr and the error class's exit code (``workbench.errors.ExitCode``).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from workbench.cli import (
    app, ask, compare, doctor, face, models, posture, purge, report, score, selftest, session, transcribe, tune,
    validate, voice,
)
from workbench.errors import ExitCode, WorkbenchError
from workbench.offline import block_network

# a new one: add it here
SUBCOMMANDS = (app, ask, compare, doctor, face, models, posture, purge, report, score, selftest, session, transcribe,
               tune, validate, voice)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="A fully local workbench for interview practice and study. Nothing leaves this machine.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module in SUBCOMMANDS:
        module.register(subparsers)
    parser.set_defaults(uses_store=False, json=False, format_text=None)
    return parser


def _print_text(result: Any) -> None:
    if isinstance(result, str):
        print(result)
    else:
        print(json.dumps(result, indent=2, default=str))


def _run(args: argparse.Namespace) -> Any:
    if args.uses_store:  # the retention purge runs from the entry points, at most once a day
        from workbench.privacy.retention import open_store

        open_store()
    return args.handler(args)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    as_json = bool(args.json)
    block_network()
    try:
        result = _run(args)
    except WorkbenchError as error:
        _report_error(str(error), as_json)
        return int(error.exit_code)
    except KeyboardInterrupt:
        _report_error("interrupted", as_json)
        return ExitCode.INTERRUPTED
    except Exception as error:  # noqa: BLE001 - the CLI promises one line, never a traceback
        if "--debug" in sys.argv or os.environ.get("WORKBENCH_DEBUG") == "1":
            raise
        _report_error(f"unexpected {type(error).__name__}: {error} (set WORKBENCH_DEBUG=1 for details)", as_json)
        return ExitCode.FAILED
    exit_code = ExitCode.OK
    if isinstance(result, tuple):  # (payload, exit_code) for commands that report failures
        result, exit_code = result
    if as_json:
        print(json.dumps(result, default=str))
    elif args.format_text:
        print(args.format_text(result))
    else:
        _print_text(result)
    return int(exit_code)


def _report_error(message: str, as_json: bool) -> None:
    message = " ".join(message.split())  # one line
    if as_json:
        print(json.dumps({"error": message}))
    print(f"workbench: error: {message}", file=sys.stderr)
