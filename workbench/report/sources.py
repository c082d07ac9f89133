"""Where reported sessions come from: the store, the bundled sample, or a user's folder of
recordings (imported with the interview engineer's ``workbench.interview.importer``)."""
from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from typing import Any

from workbench.config import DATA_DIR_BUNDLED
from workbench.errors import InputError
from workbench.store import SessionStore

SAMPLE_DIR = DATA_DIR_BUNDLED / "sample_session"
IMPORTER_MODULE = "workbench.interview.importer"
MAX_ID_CHARS = 64  # workbench.session.SESSION_ID_PATTERN allows 64 characters
IMPORTER_FUNCTIONS = ("import_folder", "import_session")  # accepted names of the importer's entry point


def _importer() -> Any:
    try:
        module = importlib.import_module(IMPORTER_MODULE)
    except ImportError as error:
        raise InputError(
            "importing a folder of recordings needs workbench.interview.importer, which is not in this "
            "version of the workbench; import the session another way and pass its id"
        ) from error
    for name in IMPORTER_FUNCTIONS:
        if hasattr(module, name):
            return getattr(module, name)
    raise InputError(f"{IMPORTER_MODULE} has none of {IMPORTER_FUNCTIONS}")


def import_folder(folder: Path, *, store: SessionStore | None = None, reuse: bool = True) -> str:
    """Import a folder of answer recordings plus its questions file; returns the session id.

    With ``reuse`` an already imported folder (same session id) is not imported again, so running
    ``workbench report --sample`` twice reports the same stored session.
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder of recordings (see `workbench session import --help`)")
    function = _importer()
    accepted = inspect.signature(function).parameters
    kwargs: dict[str, Any] = {}
    if "store" in accepted:
        kwargs["store"] = store or SessionStore()
    if reuse and "session_id" in accepted:
        kwargs["session_id"] = stable_session_id(folder)
    result = function(folder, **kwargs)
    session_id = getattr(result, "id", None) or (result.get("id") if isinstance(result, dict) else result)
    if not isinstance(session_id, str):
        raise InputError(f"the importer returned no session id for {folder}")
    return session_id


def stable_session_id(folder: Path) -> str:
    """The id a folder imports as: the one its questions file names, else one made from the folder's
    name, so importing the same folder again finds the stored session (resumable batches)."""
    module = importlib.import_module(IMPORTER_MODULE)
    declared = None
    if hasattr(module, "read_questions_file"):
        declared = getattr(module.read_questions_file(folder), "session_id", None)
    if declared:
        return declared
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", folder.name).strip("-.")[:MAX_ID_CHARS] or "session"
    return cleaned if cleaned[0].isalnum() else f"s{cleaned}"[:MAX_ID_CHARS]


def import_sample(store: SessionStore | None = None) -> str:
    """The bundled sample session, imported into the store once."""
    if not SAMPLE_DIR.is_dir():
        raise InputError(f"the bundled sample session is missing ({SAMPLE_DIR}); is this a complete clone?")
    return import_folder(SAMPLE_DIR, store=store, reuse=True)


def session_folders(root: Path) -> list[Path]:
    """The session folders under ``root`` for a batch: its sub-folders, sorted by name."""
    root = Path(root).expanduser()
    if not root.is_dir():
        raise InputError(f"{root} is not a folder; --all expects a folder with one sub-folder per session")
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not folders:
        raise InputError(f"{root} holds no session folders (one sub-folder per recorded session)")
    return folders
