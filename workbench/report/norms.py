"""The norms each measure is compared with, read from the modules that use them.

The speech, vision and scoring modules own their thresholds (named constants with a comment citing
the source). This module imports them and reads each constant's comment from the source line, so
the report's norms table cannot drift from the code that applies them.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from typing import Any

NORM_PACKAGES = ("workbench.vision", "workbench.scoring")  # speech has its own table: voice_norms()
# Name fragments of constants that are norms a student is compared with (ours: chosen by reading
# the stage modules; implementation limits such as chunk sizes are left out).
NORM_NAME_PARTS = (
    "NORM", "WPM", "PER_MINUTE", "PAUSE", "FILLER", "EYE_CONTACT", "BLINK", "SMILE", "YAW", "PITCH",
    "TARGET", "IDEAL", "RANGE", "MIN_WORDS", "MAX_WORDS", "GAZE", "SPEAKING", "ENERGY", "STAR",
)
EXCLUDED_NAME_PARTS = ("FILE", "BYTES", "CHUNK", "CUT_", "FRAME_S", "TIMEOUT", "PROMPT", "PATTERN")
MAX_SOURCE_CHARS = 160  # ours: keep the table readable
_ASSIGNMENT = re.compile(r"^([A-Z][A-Z0-9_]*)\s*(?::[^=]+)?=\s*(.+?)\s*#\s*(.+)$")


def _is_norm_value(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, tuple) and 0 < len(value) <= 4 and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)


def _modules(package_name: str) -> list[Any]:
    try:
        package = importlib.import_module(package_name)
    except ImportError:
        return []
    found = [package]
    for info in pkgutil.iter_modules(getattr(package, "__path__", [])):
        try:
            found.append(importlib.import_module(f"{package_name}.{info.name}"))
        except Exception:  # noqa: BLE001 - a module that cannot import here just adds no norms
            continue
    return found


def norms(packages: tuple[str, ...] = NORM_PACKAGES) -> list[dict[str, Any]]:
    """Rows ``{"module", "name", "value", "source"}`` for every norm constant of the stage modules,
    with ``source`` the constant's own comment (its citation, or "ours")."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for package_name in packages:
        for module in _modules(package_name):
            try:
                lines = inspect.getsource(module).splitlines()
            except (OSError, TypeError):
                continue
            for line in lines:
                match = _ASSIGNMENT.match(line)
                if not match:
                    continue
                name, comment = match.group(1), match.group(3)
                if not any(p in name for p in NORM_NAME_PARTS) or any(p in name for p in EXCLUDED_NAME_PARTS):
                    continue
                value = getattr(module, name, None)
                if not _is_norm_value(value):
                    continue
                short = module.__name__.removeprefix("workbench.")
                rows[(short, name)] = {
                    "module": short, "name": name.lower(), "value": value,
                    "source": comment.strip()[:MAX_SOURCE_CHARS],
                }
    return sorted(rows.values(), key=lambda r: (r["module"], r["name"]))


def voice_norms(context: str = "conversation") -> list[dict[str, Any]]:
    """The speech module's bands (``workbench.speech.norms.bands``), as table rows."""
    try:
        from workbench.speech.norms import bands
    except ImportError:
        return []
    return [
        {"measure": name, "low": band.low, "high": band.high, "unit": band.unit, "source": band.source}
        for name, band in bands(context).items()
    ]
