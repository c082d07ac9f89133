"""One configuration: every path and setting the workbench uses is derived here.

Precedence (highest first): environment variables, the config file, the defaults below.
The config file is TOML, found at ``$WORKBENCH_CONFIG``, else ``<project>/workbench.toml``, else
``~/.config/interview-workbench/config.toml``. Example::

    data_dir = "/srv/interviews"
    retention_days = 30

    [[models]]                       # add your own model; no code change needed
    id = "whisper-small-local"
    task = "stt"
    backend = "faster-whisper"
    path = "/models/faster-whisper-small"
    ram_mb = 1200
    licence = "MIT"
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from workbench.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the clone; the package is installed editable
DATA_DIR_BUNDLED = PROJECT_ROOT / "data"  # question banks, scenario cards, the sample session (committed)
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
DEFAULT_SEED = 20261125  # ours: any fixed value; recorded in every report


@dataclass(frozen=True)
class Settings:
    data_dir: Path  # user data: the session database and media (ignored by git)
    cache_dir: Path  # joined model weights and verification stamps
    reports_dir: Path
    retention_days: int = 90  # ours: a term's worth of practice; set 0 to keep forever
    keep_media: bool = False  # raw audio/video is deleted after features are extracted unless True
    user_models: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    config_file: Path | None = None


def _config_file() -> Path | None:
    explicit = os.environ.get("WORKBENCH_CONFIG")
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ConfigError(f"WORKBENCH_CONFIG points to {path}, which is not a file")
        return path
    for candidate in (
        PROJECT_ROOT / "workbench.toml",
        Path.home() / ".config" / "interview-workbench" / "config.toml",
    ):
        if candidate.is_file():
            return candidate
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"config file {path} is not valid TOML: {error}") from error


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The settings in force for this process (cached; call ``reload()`` after changing env vars)."""
    path = _config_file()
    raw = _read_toml(path) if path else {}
    base = path.parent if path else PROJECT_ROOT

    def pick_path(env: str, key: str, default: Path) -> Path:
        value = os.environ.get(env) or raw.get(key)
        if not value:
            return default
        candidate = Path(str(value)).expanduser()
        return candidate if candidate.is_absolute() else (base / candidate).resolve()

    models = raw.get("models", [])
    if not isinstance(models, list) or not all(isinstance(m, dict) for m in models):
        raise ConfigError(f"'models' in {path} must be a list of [[models]] tables")
    try:
        retention_days = int(os.environ.get("WORKBENCH_RETENTION_DAYS", raw.get("retention_days", 90)))
    except ValueError as error:
        raise ConfigError(f"retention_days must be a whole number of days: {error}") from error
    return Settings(
        data_dir=pick_path("WORKBENCH_DATA_DIR", "data_dir", PROJECT_ROOT / "data" / "user"),
        cache_dir=pick_path(
            "WORKBENCH_CACHE_DIR", "cache_dir", Path.home() / ".cache" / "interview-workbench"
        ),
        reports_dir=pick_path("WORKBENCH_REPORTS_DIR", "reports_dir", REPORTS_DIR),
        retention_days=retention_days,
        keep_media=_env_bool("WORKBENCH_KEEP_MEDIA", bool(raw.get("keep_media", False))),
        user_models=tuple(models) + tuple(_models_from_env()),
        config_file=path,
    )


def _models_from_env() -> list[dict[str, Any]]:
    """``WORKBENCH_MODEL_<ID>=backend:task:/path`` adds a model without a config file."""
    found = []
    for name, value in os.environ.items():
        if not name.startswith("WORKBENCH_MODEL_"):
            continue
        parts = value.split(":", 2)
        if len(parts) != 3:
            raise ConfigError(f"{name} must look like 'backend:task:/path/to/weights', got {value!r}")
        backend, task, path = parts
        model_id = name.removeprefix("WORKBENCH_MODEL_").lower().replace("__", ".").replace("_", "-")
        found.append({"id": model_id, "backend": backend, "task": task, "path": path})
    return found


def reload() -> Settings:
    settings.cache_clear()
    return settings()
