"""Speech data sets for the comparison: a folder of recordings with references, or a bundled set.

A folder holds recordings (any container FFmpeg reads) each with a same-named ``.txt`` reference
(``answer1.webm`` + ``answer1.txt``), and optionally ``answer1.fillers.json`` (the filled pauses said:
``[{"start_s": 1.2, "end_s": 1.5, "text": "um"}, ...]``) and ``answer1.words.json`` (reference word times:
``[{"text": "hello", "start_s": 0.31, "end_s": 0.62}, ...]``). References are UTF-8; UTF-16 with a byte-order
mark and Windows-1252 are read too, and the data set's notes say which files were not UTF-8.

Bundled sets (``--set``): real human speech installed by Debian packages, the sets ``make eval-speech``
uses, and the synthetic filler set (piper + espeak-ng voices, fillers at known times).
"""
from __future__ import annotations

import codecs
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from workbench.errors import InputError
from workbench.evaluation.core import Dataset, Item, content_hash

POCKETSPHINX_DIR = Path("/usr/share/pocketsphinx/test/data")  # Debian pocketsphinx-testdata (BSD-2)
ALSA_DIR = Path("/usr/share/sounds/alsa")  # Debian alsa-utils: a real voice naming each file
AUDIO_SUFFIXES = (".wav", ".mp3", ".webm", ".mp4", ".m4a", ".ogg", ".oga", ".opus", ".flac", ".aac", ".mkv", ".mov")
MAX_LISTED_FILES = 10  # ours: an error names at most this many files, then a count
_SPHINX_LINE = re.compile(r"\s*<s>(.*)</s>\s*\((.+)\)")


def read_reference(path: Path) -> tuple[str, str | None]:
    """The text of a reference file and, when it was not UTF-8, a note saying how it was read."""
    raw = path.read_bytes()
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace"), f"{path.name}: read as UTF-16"
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), f"{path.name}: not UTF-8, read as Windows-1252"


def _read_json_list(path: Path) -> list[Any] | None:
    if not path.is_file():
        return None
    try:
        data = json.loads(read_reference(path)[0])
    except json.JSONDecodeError as error:
        raise InputError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(data, list):
        raise InputError(f"{path} must hold a JSON list")
    return data


def _fillers(path: Path) -> list[tuple[float, float, str]] | None:
    data = _read_json_list(path)
    if data is None:
        return None
    try:
        return [(float(f["start_s"]), float(f.get("end_s", f["start_s"])), str(f.get("text", "um")))
                if isinstance(f, dict) else (float(f[0]), float(f[1]), str(f[2] if len(f) > 2 else "um"))
                for f in data]
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise InputError(f"{path}: each filler needs start_s and end_s (seconds): {error}") from error


def _words(path: Path) -> list[dict[str, Any]] | None:
    data = _read_json_list(path)
    if data is None:
        return None
    try:
        return [{"text": str(w["text"]), "start_s": float(w["start_s"]), "end_s": float(w["end_s"])} for w in data]
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(f"{path}: each word needs text, start_s and end_s: {error}") from error


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_LISTED_FILES])
    return shown + (f" and {len(names) - MAX_LISTED_FILES} more" if len(names) > MAX_LISTED_FILES else "")


def folder_dataset(folder: str | Path) -> Dataset:
    """Every recording in ``folder`` with its reference; refuses recordings that lack a ``.txt``."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder of recordings")
    recordings = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES)
    if not recordings:
        raise InputError(f"{folder} holds no recordings ({', '.join(AUDIO_SUFFIXES)})")
    lacking = [p.name for p in recordings if not p.with_suffix(".txt").is_file()]
    if lacking:
        raise InputError(f"{len(lacking)} recording(s) in {folder} have no same-named .txt reference: "
                         f"{_listed(lacking)}")
    stems = [p.stem for p in recordings]
    twice = sorted({s for s in stems if stems.count(s) > 1})
    if twice:
        raise InputError(f"two recordings share a name (one .txt cannot serve both): {_listed(twice)}")
    items, notes, pieces = [], [], []
    for path in recordings:
        text, note = read_reference(path.with_suffix(".txt"))
        if note:
            notes.append(note)
        payload = {"audio": path, "reference": text.strip(),
                   "fillers": _fillers(path.with_name(path.stem + ".fillers.json")),
                   "words": _words(path.with_name(path.stem + ".words.json"))}
        items.append(Item(path.stem, payload))
        pieces += [path.name, path, payload["reference"], payload["fillers"], payload["words"]]
    return Dataset(str(folder), items, content_hash(pieces), notes)


def sphinx_set(folder: Path) -> list[tuple[Path, str]]:
    """(wav, reference) pairs of a pocketsphinx-testdata folder (its ``*.transcription`` file)."""
    listing = folder / ("cards.transcription" if folder.name == "cards" else "transcription")
    items = []
    for line in listing.read_text(encoding="utf-8").splitlines():
        match = _SPHINX_LINE.match(line)
        if match:
            items.append((folder / f"{match.group(2).strip()}.wav", match.group(1).strip()))
    return items


def alsa_set() -> list[tuple[Path, str]]:
    """alsa-utils' voice clips, the reference being the file name (Noise.wav, which holds no words, left out)."""
    return [(wav, wav.stem.replace("_", " ")) for wav in sorted(ALSA_DIR.glob("*.wav")) if wav.stem != "Noise"]


def real_speech_pairs(name: str) -> list[tuple[Path, str]]:
    """(wav, reference) pairs of one bundled real-speech set: cards, librivox, read-speech (both), alsa,
    real-speech (all three, as ``make eval-speech``)."""
    parts = {"cards": lambda: sphinx_set(POCKETSPHINX_DIR / "cards"),
             "librivox": lambda: sphinx_set(POCKETSPHINX_DIR / "librivox"), "alsa": alsa_set}
    chosen = {"read-speech": ("cards", "librivox"), "real-speech": ("cards", "librivox", "alsa")}.get(name, (name,))
    try:
        pairs = [pair for part in chosen for pair in parts[part]()]
    except OSError as error:
        raise InputError(f"the bundled set {name} is not installed ({error}): run `make setup` "
                         "(Debian pocketsphinx-testdata, alsa-utils)") from error
    missing = [str(p) for p, _ in pairs if not p.is_file()]
    if not pairs or missing:
        raise InputError(f"the bundled set {name} is incomplete: run `make setup` "
                         "(Debian pocketsphinx-testdata, alsa-utils)")
    return pairs


REAL_SETS = ("read-speech", "real-speech", "cards", "librivox", "alsa")
SYNTHETIC_SETS = ("fillers",)
BUNDLED_SETS = REAL_SETS + SYNTHETIC_SETS
DEFAULT_SET = "real-speech"  # what `make eval-speech` measures WER on


def bundled_dataset(name: str) -> Dataset:
    """One of ``BUNDLED_SETS`` as a data set."""
    if name not in BUNDLED_SETS:
        raise InputError(f"unknown speech set {name!r}; bundled: {', '.join(BUNDLED_SETS)} (or --audio DIR)")
    if name == "fillers":
        from workbench.speech.synth_fillers import build_filler_set

        clips = build_filler_set()
        items = [Item(c.name, {"audio": c.samples, "reference": c.text, "fillers": list(c.fillers), "words": None})
                 for c in clips]
        pieces = [[c.name, c.text, c.fillers, hashlib.sha256(c.samples.tobytes()).hexdigest()] for c in clips]
        return Dataset("fillers (synthetic: piper + espeak-ng)", items, content_hash(pieces))
    pairs = real_speech_pairs(name)
    items = [Item(f"{wav.parent.name}/{wav.stem}", {"audio": wav, "reference": ref, "fillers": None, "words": None})
             for wav, ref in pairs]
    return Dataset(name, items, content_hash([piece for wav, ref in pairs for piece in (wav.name, wav, ref)]))
