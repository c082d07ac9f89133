"""workbench models list|show|remove: the model library (task, size, memory, this machine's verdict, status)."""
from __future__ import annotations

import argparse
from typing import Any

from workbench.cli.common import add_json_flag


def register(subparsers: argparse._SubParsersAction) -> None:
    from workbench.models.catalog import TASKS

    parser = subparsers.add_parser("models", help="the model library: every model, its needs and its status here")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", help="every catalogue and user-added model")
    listing.add_argument("--task", choices=TASKS, help="only this task's models")
    listing.add_argument("--no-verify", action="store_true", help="skip the checksums (the first check reads "
                                                                   "every weight file once)")
    add_json_flag(listing)
    listing.set_defaults(handler=_list, format_text=format_library)
    one = actions.add_parser("show", help="one model in full")
    one.add_argument("model_id", metavar="ID")
    add_json_flag(one)
    one.set_defaults(handler=lambda args: _show(args))
    removing = actions.add_parser("remove", help="delete a tuned model (its adapter, record and job)")
    removing.add_argument("model_id", metavar="NAME")
    add_json_flag(removing)
    removing.set_defaults(handler=_remove)


def _remove(args: argparse.Namespace) -> dict[str, Any]:
    from workbench.errors import InputError
    from workbench.models.catalog import BUILTIN_MODELS
    from workbench.tuning.tuned import remove

    if args.model_id in {spec.id for spec in BUILTIN_MODELS}:
        raise InputError(f"{args.model_id} is a catalogue model: uninstall its package instead "
                         "(`workbench models show` names it)")
    return {"removed": args.model_id, "folder": str(remove(args.model_id))}


def _list(args: argparse.Namespace) -> dict[str, Any]:
    from workbench.models.library import library

    return {"models": library(task=args.task, verify=not args.no_verify)}


def _show(args: argparse.Namespace) -> dict[str, Any]:
    from workbench.models.library import show

    return show(args.model_id)


def _size(size_bytes: int | None) -> str:
    return "-" if not size_bytes else f"{size_bytes / 2**20:,.0f} MB"


def format_library(result: dict[str, Any]) -> str:
    lines = [f"{'id':<38} {'task':<15} {'size':>9} {'RAM':>8}  {'here':<13} {'status':<9} licence"]
    for m in result["models"]:
        lines.append(f"{m['id'] + (' *' if m['default'] else ''):<38} {m['task']:<15} {_size(m['size_bytes']):>9} "
                     f"{m['ram_mb']:>5} MB  {m['machine_verdict']:<13} {m['status']:<9} {m['licence']}")
        if m["install_command"]:
            lines.append(f"    {m['install_command']}")
        if m["tuned_from"]:
            lines.append(f"    tuned from {m['tuned_from']} (v{m['version']}, {m['steps']} steps, final loss "
                         f"{m['final_loss']}); {'preferred' if m['preferred'] else 'not preferred'}"
                         f"{': ' + m['gate_reason'] if m['gate_reason'] else ' (not gated yet: workbench tune eval)'}")
    lines.append("* the default model of its task")
    return "\n".join(lines)
