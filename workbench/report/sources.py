"""Where reported sessions come from: the store, the bundled sample, or a user's folder of
recordings (imported with the interview engineer's ``workbench.interview.importer``)."""
from __future__ import annotations

import re
from pathlib import Path

from workbench.config import DATA_DIR_BUNDLED
from workbench.errors import InputError
from workbench.interview import importer
from workbench.store import SessionStore

SAMPLE_DIR = DATA_DIR_BUNDLED / "sample_session"
MAX_ID_CHARS = 64  # workbench.session.SESSION_ID_PATTERN allows 64 characters


def import_folder(folder: Path, *, store: SessionStore | None = None, reuse: bool = True) -> str:
    """Import a folder of answer recordings plus its questions file; returns the session id.

    With ``reuse`` an already imported folder (same session id) is not imported again, so running
    ``workbench report --sample`` twice reports the same stored session.
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder of recordings (see `workbench session import --help`)")
    session = importer.import_folder(folder, store=store or SessionStore(),
                                     session_id=stable_session_id(folder) if reuse else None)
    return session.id


def stable_session_id(folder: Path) -> str:
    """The id a folder imports as: the one its questions file names, else one made from the folder's
    name, so importing the same folder again finds the stored session (resumable batches)."""
    declared = importer.read_questions_file(folder).session_id
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
