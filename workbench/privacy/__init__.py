"""Privacy and security: local only, minimal, encrypted, anonymised, audited, validated inputs.

- ``crypto``: AES-256-GCM encryption at rest, key from ``WORKBENCH_KEY`` or a 0600 key file;
- ``audit``: append-only JSON-lines log of events, never content;
- ``retention``: purge of sessions older than ``settings().retention_days``;
- ``anonymise``: redaction of names, contacts, addresses, birth dates and employers;
- ``inputs``: validation of media files (by content), text answers and session names.

The store (``workbench.store``) wires encryption, audit and media discarding in; the entry points run
the retention purge (``retention.open_store``).
"""
from __future__ import annotations

__all__ = ["anonymise", "audit", "crypto", "inputs", "retention"]
