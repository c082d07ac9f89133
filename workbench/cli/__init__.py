"""The ``workbench`` command (``workbench.cli.main``): one module per subcommand in this package,
``common`` for what they share. ``main`` is the console script's entry point."""
from __future__ import annotations

from workbench.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
