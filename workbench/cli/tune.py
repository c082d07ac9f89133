"""workbench tune export: training data for the interviewer model from stored sessions."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli.common import add_json_flag, uses_store


def register(subparsers: argparse._SubParsersAction) -> None:
    from workbench.tuning.export import DEFAULT_MIN_QUALITY, TASKS

    parser = subparsers.add_parser("tune", help="personal models: export the interviewer's best interactions")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    export = actions.add_parser("export", help="follow-ups the LLM wrote, scored by rules, as chat-messages JSONL")
    export.add_argument("--task", choices=TASKS, default="followup", help="which interactions (default followup)")
    export.add_argument("--min-quality", type=float, default=DEFAULT_MIN_QUALITY, metavar="Q",
                        help=f"keep interactions scoring at least Q in [0, 1] (default {DEFAULT_MIN_QUALITY})")
    export.add_argument("--out", required=True, metavar="FILE.jsonl",
                        help="the train split; FILE.heldout.jsonl and FILE.card.json are written beside it")
    export.add_argument("--keep-names", action="store_true", help="do not anonymise the text")
    add_json_flag(export)
    uses_store(export)
    export.set_defaults(handler=_export, format_text=_format)


def _export(args: argparse.Namespace) -> dict[str, Any]:
    from workbench.store import SessionStore
    from workbench.tuning.export import export_followups

    return export_followups(SessionStore(), Path(args.out).expanduser(), min_quality=args.min_quality,
                            anonymise=not args.keep_names)


def _format(card: dict[str, Any]) -> str:
    counts = card["counts"]
    lines = [f"{counts['exported']} of {counts['interactions']} follow-ups exported "
             f"(quality >= {card['min_quality']}): {counts['train']} train, {counts['held_out']} held out",
             f"train: {card['files']['train']['path']}", f"card: {card['files']['card']}"]
    return "\n".join(lines + [f"warning: {w}" for w in card["warnings"]])
