"""workbench purge: delete sessions older than the retention period (``retention_days``)."""
from __future__ import annotations

import argparse
from typing import Any

from workbench.cli.common import add_json_flag


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "purge", help="delete sessions older than the retention period (settings: retention_days)")
    parser.add_argument("--dry-run", action="store_true", help="list what would be deleted, delete nothing")
    parser.add_argument("--days", type=int, default=None, metavar="N",
                        help="use this retention period instead of the configured one (0 = keep forever)")
    add_json_flag(parser)
    parser.set_defaults(handler=_run, format_text=_format)


def _run(args: argparse.Namespace) -> dict[str, Any]:
    from workbench.privacy.retention import purge
    from workbench.store import SessionStore

    result = purge(SessionStore(), retention_days=args.days, dry_run=args.dry_run)
    return result.to_json()


def _format(result: dict[str, Any]) -> str:
    days = result["retention_days"]
    if days == 0:
        return f"retention is off (retention_days = 0): all {result['kept']} sessions kept"
    verb = "would delete" if result["dry_run"] else "deleted"
    lines = [f"{verb} {result['purged_count']} session(s) older than {days} days; {result['kept']} kept"]
    lines += [f"  {item['session_id']}  stored {item['stored_at']}  ({item['age_days']:.0f} days)"
              for item in result["purged"]]
    return "\n".join(lines)
