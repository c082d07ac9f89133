"""Kept media of a session, encrypted at rest, and its discarding once features are extracted.

    name = store.write_media(session_id, "turn-0.webm", data)      # encrypted on disk
    with store.media_file(session_id, name) as path:                # a decrypted temporary copy
        audio = decode_audio(str(path))                             # ... deleted after the block
    store.discard_media(session_id)                                 # after features are extracted

Files written through ``media_path`` by older code stay readable (they are plain); new code uses
``write_media``. Every temporary decrypted copy lives in a private (0700) folder and is removed
when the ``with`` block ends, even on an error.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from workbench.config import settings
from workbench.errors import InputError
from workbench.media_limits import MAX_MEDIA_BYTES
from workbench.privacy import audit
from workbench.privacy.crypto import MEDIA_MAGIC, OWNER_ONLY
from workbench.session import check_session_id

if TYPE_CHECKING:
    from workbench.clock import Clock
    from workbench.privacy.crypto import Cipher

TEMP_PREFIX = "workbench-media-"


class MediaMixin:
    """Media methods of ``SessionStore`` (needs ``media_root``, ``data_dir``, ``clock``, ``_cipher``)."""

    media_root: Path
    data_dir: Path
    clock: "Clock"
    _cipher: "Cipher"

    def media_dir(self, session_id: str) -> Path:
        folder = self.media_root / check_session_id(session_id)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def media_path(self, session_id: str, name: str) -> Path:
        """Where media file ``name`` of a session lives (kept for older callers: prefer write_media)."""
        if not isinstance(name, str) or not name or "/" in name or "\\" in name or name.startswith(".") \
                or "\x00" in name or len(name) > 128:
            raise InputError(f"invalid media file name {name!r}: a plain file name, no folders")
        return self.media_dir(session_id) / name

    @staticmethod
    def _media_context(session_id: str, name: str) -> str:
        return f"media:{session_id}:{name}"

    def write_media(self, session_id: str, name: str, data: bytes) -> str:
        """Store ``data`` (raw audio/video/image bytes) encrypted as ``name``; returns ``name``."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InputError(f"media data must be bytes, got {type(data).__name__}")
        data = bytes(data)
        if not data:
            raise InputError(f"media {name!r} is empty: nothing was recorded")
        if len(data) > MAX_MEDIA_BYTES:
            raise InputError(f"media {name!r} is {len(data) / 1e6:.0f} MB, over the "
                             f"{MAX_MEDIA_BYTES / 1e6:.0f} MB limit")
        path = self.media_path(session_id, name)
        blob = self._cipher.encrypt_media(data, self._media_context(session_id, name))
        tmp = path.with_name(f".{name}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY)
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)  # atomic: a crash leaves the old file or the new one, never half
        audit.record("media_saved", session_id, data_dir=self.data_dir, when=self.clock(), files=1)
        return name

    def read_media(self, session_id: str, name: str) -> bytes:
        """The decrypted bytes of media ``name``; a clear ``InputError`` if it was discarded."""
        path = self.media_path(session_id, name)
        if not path.is_file():
            discarded = self._discarded_names(session_id)
            if name in discarded:
                raise InputError(
                    f"media {name!r} of session {session_id} was deleted after its features were "
                    f"extracted ({discarded[name]}); set keep_media = true to keep recordings"
                )
            raise InputError(f"no media {name!r} in session {session_id}")
        blob = path.read_bytes()
        if blob.startswith(MEDIA_MAGIC):
            return self._cipher.decrypt_media(blob, self._media_context(session_id, name))
        return blob  # written in clear through media_path by older code

    @contextlib.contextmanager
    def media_file(self, session_id: str, name: str) -> Iterator[Path]:
        """A temporary decrypted copy of media ``name`` (same suffix) for decoders; deleted after."""
        data = self.read_media(session_id, name)
        folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))  # mode 0700
        try:
            path = folder / name
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            yield path
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def list_media(self, session_id: str) -> list[str]:
        folder = self.media_root / check_session_id(session_id)
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))

    def discard_media(self, session_id: str, names: list[str] | None = None, *, force: bool = False) -> list[str]:
        """Delete a session's raw media (all, or ``names``) unless ``settings().keep_media``.

        ``force=True`` deletes even when media is kept by configuration. The session records
        which files were discarded and when (``session.settings["media_discarded"]``), and the
        audit log gets a ``media_discarded`` event. Returns the names deleted.
        """
        if settings().keep_media and not force:
            return []
        targets = self.list_media(session_id) if names is None else [n for n in names if n]
        deleted = []
        for name in targets:
            path = self.media_path(session_id, name)
            if path.is_file():
                _overwrite_and_unlink(path)
                deleted.append(name)
        if not deleted:
            return []
        when = self.clock().isoformat(timespec="seconds")
        if self.exists(session_id):  # type: ignore[attr-defined]
            session = self.get(session_id)  # type: ignore[attr-defined]
            record = dict(session.settings.get("media_discarded", {}))
            record.update({name: when for name in deleted})
            session.settings["media_discarded"] = record
            self.save(session, _audit=False)  # type: ignore[attr-defined]
        audit.record("media_discarded", session_id, data_dir=self.data_dir, when=self.clock(),
                     files=len(deleted))
        return deleted

    def _discarded_names(self, session_id: str) -> dict[str, str]:
        if not self.exists(session_id):  # type: ignore[attr-defined]
            return {}
        return dict(self.get(session_id).settings.get("media_discarded", {}))  # type: ignore[attr-defined]


def _overwrite_and_unlink(path: Path) -> None:
    """Zero a file before unlinking it: best effort (copy-on-write file systems and SSDs may keep
    old blocks; encryption is what protects kept media, this only helps with legacy plain files)."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as handle:
            handle.write(b"\x00" * min(size, 64 * 1024 * 1024))
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        pass
    path.unlink(missing_ok=True)
