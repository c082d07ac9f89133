"""What every subcommand module shares."""
from __future__ import annotations

import argparse


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def uses_store(parser: argparse.ArgumentParser) -> None:
    """Mark a command that works on stored sessions: ``main`` runs the daily retention purge before it."""
    parser.set_defaults(uses_store=True)
