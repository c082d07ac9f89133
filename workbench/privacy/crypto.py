"""Encryption at rest: one AES-256-GCM key per data directory.

The key comes from, in order:
1. ``WORKBENCH_KEY``: a urlsafe-base64 32-byte key (``python -c "import base64,os;
   print(base64.urlsafe_b64encode(os.urandom(32)).decode())"``) or a passphrase of at least
   ``MIN_PASSPHRASE_CHARS`` characters (stretched with scrypt and a salt kept in the data dir);
2. ``WORKBENCH_KEY_FILE``: a file holding such a key;
3. ``<data_dir>/workbench.key``: created on first use with owner-only permissions (0600).

A key check (a known plaintext, encrypted) is stored in the database, so a lost or changed key
raises ``EncryptionKeyError`` with a message, never garbage. Every ciphertext is bound to where it
belongs (session id, turn index, media name) as associated data, so rows or files cannot be swapped.
"""
from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from workbench.errors import ExitCode, WorkbenchError

KEY_BYTES = 32  # AES-256 (NIST SP 800-38D allows 128/192/256; we take the largest)
NONCE_BYTES = 12  # 96-bit random nonce, the size NIST SP 800-38D recommends for GCM
MIN_PASSPHRASE_CHARS = 12  # ours: below this a passphrase is guessable offline even with scrypt
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1  # scrypt cost (RFC 7914 interactive-use guidance, raised)
SALT_BYTES = 16
KEY_FILE_NAME = "workbench.key"
SALT_FILE_NAME = "workbench.salt"
TEXT_PREFIX = "wbenc1:"  # marks an encrypted text value in the database
MEDIA_MAGIC = b"WBENC1\x00"  # marks an encrypted media file
OWNER_ONLY = 0o600


class EncryptionKeyError(WorkbenchError):
    """The encryption key is missing, malformed, or not the one the data was written with."""

    exit_code = ExitCode.ENCRYPTION_KEY


def _write_private(path: Path, data: bytes) -> bool:
    """Create ``path`` with mode 0600 holding ``data``; False if it already exists (a race)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return True


def _parse_key(text: str, data_dir: Path, source: str) -> bytes:
    text = text.strip()
    try:
        raw = base64.urlsafe_b64decode(text.encode() + b"=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) == KEY_BYTES:
        return raw
    if len(text) < MIN_PASSPHRASE_CHARS:
        raise EncryptionKeyError(
            f"{source} is neither a base64 32-byte key nor a passphrase of at least "
            f"{MIN_PASSPHRASE_CHARS} characters"
        )
    salt_path = data_dir / SALT_FILE_NAME
    if not salt_path.is_file():
        _write_private(salt_path, os.urandom(SALT_BYTES))
    salt = salt_path.read_bytes()
    return Scrypt(salt=salt, length=KEY_BYTES, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(text.encode())


def key_source(data_dir: Path) -> tuple[str, Path | None]:
    """Where the key for ``data_dir`` comes from: ("env", None), ("file", path)."""
    if os.environ.get("WORKBENCH_KEY"):
        return "env", None
    explicit = os.environ.get("WORKBENCH_KEY_FILE")
    if explicit:
        return "file", Path(explicit).expanduser()
    return "file", Path(data_dir) / KEY_FILE_NAME


def load_key(data_dir: Path, *, create: bool) -> bytes:
    """The key for ``data_dir``; a new key file is written only when ``create`` (a fresh store).

    Raises ``EncryptionKeyError`` when the key is missing (and may not be created) or malformed.
    """
    data_dir = Path(data_dir)
    source, path = key_source(data_dir)
    if source == "env":
        return _parse_key(os.environ["WORKBENCH_KEY"], data_dir, "WORKBENCH_KEY")
    assert path is not None
    if not path.is_file():
        if not create:
            raise EncryptionKeyError(
                f"the encryption key file {path} is missing, so the sessions in {data_dir} cannot be "
                "read. Restore the key file (or set WORKBENCH_KEY to the key they were written with); "
                "without it the data is lost: delete the data directory to start afresh"
            )
        new_key = base64.urlsafe_b64encode(os.urandom(KEY_BYTES))
        _write_private(path, new_key + b"\n")  # False on a race: the other process's key wins
    if path.stat().st_mode & 0o077:
        os.chmod(path, OWNER_ONLY)  # tighten a key file someone loosened
    return _parse_key(path.read_text(encoding="ascii", errors="replace"), data_dir, f"key file {path}")


class Cipher:
    """AES-256-GCM with a random nonce per message and the location as associated data."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise EncryptionKeyError(f"an encryption key must be {KEY_BYTES} bytes")
        self._aead = AESGCM(key)

    def encrypt(self, plaintext: bytes, context: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def decrypt(self, blob: bytes, context: str) -> bytes:
        if len(blob) < NONCE_BYTES + 16:
            raise EncryptionKeyError(f"stored data for {context} is truncated or corrupt")
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode())
        except InvalidTag as error:
            raise EncryptionKeyError(
                f"cannot decrypt {context}: the encryption key is not the one this data was written "
                "with (WORKBENCH_KEY or the key file changed), or the data was tampered with"
            ) from error

    def encrypt_text(self, text: str, context: str) -> str:
        return TEXT_PREFIX + base64.b64encode(self.encrypt(text.encode("utf-8"), context)).decode("ascii")

    def decrypt_text(self, value: str, context: str) -> str:
        if not value.startswith(TEXT_PREFIX):
            raise EncryptionKeyError(f"stored data for {context} is not encrypted as expected")
        try:
            blob = base64.b64decode(value[len(TEXT_PREFIX):], validate=True)
        except (binascii.Error, ValueError) as error:
            raise EncryptionKeyError(f"stored data for {context} is corrupt") from error
        return self.decrypt(blob, context).decode("utf-8")

    def encrypt_media(self, data: bytes, context: str) -> bytes:
        return MEDIA_MAGIC + self.encrypt(data, context)

    def decrypt_media(self, blob: bytes, context: str) -> bytes:
        if not blob.startswith(MEDIA_MAGIC):
            raise EncryptionKeyError(f"media file {context} is not encrypted as expected")
        return self.decrypt(blob[len(MEDIA_MAGIC):], context)
