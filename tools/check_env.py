"""Fail fast after setup if the environment cannot import what the workbench needs."""
from __future__ import annotations

import importlib
import sys
from importlib import metadata

# fer.fer imports pkg_resources, which setuptools 81+ no longer has (the lock pins 80.x).
MODULES = ["faster_whisper", "sentence_transformers", "xllamacpp", "mediapipe", "cv2", "piper",
           "librosa", "spacy", "papermill", "anywidget", "cryptography", "dask", "fer.fer", "onnx",
           "onnxruntime", "workbench"]


def main() -> int:
    problems = []
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001
            problems.append(f"import {name}: {type(error).__name__}: {error}")
    torch_version = metadata.version("torch")
    if not torch_version.startswith("2.13.0"):
        problems.append(f"torch {torch_version} installed, expected 2.13.0 (CPU)")
    if problems:
        print("environment check failed:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print("environment ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
