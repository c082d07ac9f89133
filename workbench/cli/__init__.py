"""The ``workbench`` command. Every capability is a subcommand with ``--json`` output.

Each subcommand lives in its own module in this package and exposes
``register(subparsers) -> None``, which adds its parser and sets ``handler`` to a function
``handler(args) -> dict | str`` . The returned value is printed as JSON with ``--json``
and as readable text otherwise. Errors become one line on stderr and a non-zero exit.
"""
from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from typing import Any

from workbench.errors import WorkbenchError
from workbench.offline import block_network


def _subcommand_modules() -> list[str]:
    package = importlib.import_module(__name__)
    return sorted(
        name for _, name, is_pkg in pkgutil.iter_modules(package.__path__)
        if not is_pkg and not name.startswith("_")
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="A fully local workbench for interview practice and study. Nothing leaves this machine.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in _subcommand_modules():
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    return parser


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def _print_text(result: Any) -> None:
    if isinstance(result, str):
        print(result)
    else:
        print(json.dumps(result, indent=2, default=str))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    as_json = bool(getattr(args, "json", False))
    block_network()
    try:
        result = args.handler(args)
    except WorkbenchError as error:
        _report_error(str(error), as_json)
        return error.exit_code
    except KeyboardInterrupt:
        _report_error("interrupted", as_json)
        return 130
    except Exception as error:  # noqa: BLE001 - the CLI promises one line, never a traceback
        if "--debug" in sys.argv or __import__("os").environ.get("WORKBENCH_DEBUG") == "1":
            raise
        _report_error(f"unexpected {type(error).__name__}: {error} (set WORKBENCH_DEBUG=1 for details)", as_json)
        return 1
    exit_code = 0
    if isinstance(result, tuple):  # (payload, exit_code) for commands that report failures
        result, exit_code = result
    if as_json:
        print(json.dumps(result, default=str))
    else:
        text = getattr(args, "format_text", None)
        print(text(result)) if text else _print_text(result)
    return exit_code


def _report_error(message: str, as_json: bool) -> None:
    message = " ".join(message.split())  # one line
    if as_json:
        print(json.dumps({"error": message}))
    print(f"workbench: error: {message}", file=sys.stderr)
