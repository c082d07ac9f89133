"""One loader and one warm-up per backend. The registry calls these; stages never do.

A loader takes the spec and the resolved local path and returns the ready model object.
A warm-up runs the smallest real inference, so the doctor's health check exercises the model.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from workbench.media_limits import SAMPLE_RATE_HZ
from workbench.models.catalog import ModelSpec
from workbench.models.hardware import usable_cores



@dataclass
class FaceLandmarkerModel:
    """mediapipe's FaceLandmarker bundle, read once. A landmarker keeps per-stream state
    (video timestamps), so each video opens its own: ``with model.open("video") as lm: ...``."""

    path: Path
    asset: bytes

    def open(self, running_mode: str = "image", *, num_faces: int = 3):
        import mediapipe as mp

        vision = mp.tasks.vision
        modes = {"image": vision.RunningMode.IMAGE, "video": vision.RunningMode.VIDEO}
        options = vision.FaceLandmarkerOptions(
            base_options=mp.tasks.BaseOptions(model_asset_buffer=self.asset),
            running_mode=modes[running_mode],
            num_faces=num_faces,
            output_face_blendshapes=True,
            output_facial_transformation_matrixes=True,
        )
        return vision.FaceLandmarker.create_from_options(options)


@dataclass
class PoseLandmarkerModel:
    """BlazePose (full) as a Tasks bundle, read once; ``with model.open("video") as lm: ...``
    (one landmarker per stream: VIDEO mode tracks between frames)."""

    path: Path
    asset: bytes

    def open(self, running_mode: str = "image", *, num_poses: int = 2):
        import mediapipe as mp

        vision = mp.tasks.vision
        modes = {"image": vision.RunningMode.IMAGE, "video": vision.RunningMode.VIDEO}
        options = vision.PoseLandmarkerOptions(
            base_options=mp.tasks.BaseOptions(model_asset_buffer=self.asset),
            running_mode=modes[running_mode], num_poses=num_poses,
        )
        return vision.PoseLandmarker.create_from_options(options)


@dataclass
class HandLandmarkerModel:
    """mediapipe's hand landmarks (21 per hand) as a Tasks bundle; ``with model.open("video") as lm``."""

    path: Path
    asset: bytes

    def open(self, running_mode: str = "image", *, num_hands: int = 2):
        import mediapipe as mp

        vision = mp.tasks.vision
        modes = {"image": vision.RunningMode.IMAGE, "video": vision.RunningMode.VIDEO}
        options = vision.HandLandmarkerOptions(
            base_options=mp.tasks.BaseOptions(model_asset_buffer=self.asset),
            running_mode=modes[running_mode], num_hands=num_hands,
        )
        return vision.HandLandmarker.create_from_options(options)


@dataclass
class ExpressionModel:
    """fer's quantised 7-class expression CNN on a TFLite interpreter (64x64 grey input)."""

    path: Path
    interpreter: Any
    labels: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")


def _load_faster_whisper(spec: ModelSpec, path: Path) -> Any:
    from faster_whisper import WhisperModel

    return WhisperModel(
        str(path), device="cpu", compute_type=spec.options.get("compute_type", "int8"),
        cpu_threads=usable_cores(), local_files_only=True,
    )


def _load_sentence_transformers(spec: ModelSpec, path: Path) -> Any:
    from workbench.config import settings
    from workbench.models.sentence_encoder import SentenceEncoder, derived_onnx_path
    from workbench.models.weights import sha256_of

    main_file = path / (spec.source.main_file or "model.safetensors")
    digest = spec.sha256 or (sha256_of(main_file) if main_file.is_file() else "")
    onnx_file = derived_onnx_path(settings().cache_dir, spec.id, digest) if digest else None
    return SentenceEncoder.open(path, onnx_file, spec.id)


def _load_llama_cpp(spec: ModelSpec, path: Path) -> Any:
    from workbench.llm import LlamaCppChat

    lora = spec.options.get("lora_path")  # a tuned model: workbench.tuning
    return LlamaCppChat(spec.id, path, n_ctx=int(spec.options.get("n_ctx", 4096)),
                        lora_path=Path(lora) if lora else None)


def _load_transformers(spec: ModelSpec, path: Path) -> Any:
    from workbench.llm import TransformersChat

    return TransformersChat(spec.id, path)


def _load_mediapipe(spec: ModelSpec, path: Path) -> Any:
    return FaceLandmarkerModel(path=path, asset=path.read_bytes())


def _load_mediapipe_pose(spec: ModelSpec, path: Path) -> Any:
    return PoseLandmarkerModel(path=path, asset=path.read_bytes())


def _load_mediapipe_hands(spec: ModelSpec, path: Path) -> Any:
    return HandLandmarkerModel(path=path, asset=path.read_bytes())


def _load_fer(spec: ModelSpec, path: Path) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import tensorflow as tf

        interpreter = tf.lite.Interpreter(model_path=str(path), num_threads=usable_cores())
    interpreter.allocate_tensors()
    return ExpressionModel(path=path, interpreter=interpreter)


def _load_piper(spec: ModelSpec, path: Path) -> Any:
    from piper import PiperVoice

    onnx = path / spec.source.main_file if path.is_dir() else path
    return PiperVoice.load(onnx)


def _warm_whisper(model: Any) -> None:
    silence = np.zeros(SAMPLE_RATE_HZ, dtype=np.float32)
    segments, _ = model.transcribe(silence, language="en", beam_size=1, without_timestamps=True)
    list(segments)


def _warm_embedding(model: Any) -> None:
    model.encode(["warm-up sentence"])


def _warm_llm(model: Any) -> None:
    model.chat([{"role": "user", "content": "Say OK."}], max_tokens=2)


def _warm_face(model: FaceLandmarkerModel) -> None:
    import mediapipe as mp

    frame = np.zeros((240, 320, 3), dtype=np.uint8)
    with model.open("image") as landmarker:
        landmarker.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=frame))


def _warm_landmarker(model: PoseLandmarkerModel | HandLandmarkerModel) -> None:
    import mediapipe as mp

    frame = np.zeros((240, 320, 3), dtype=np.uint8)
    with model.open("image") as landmarker:
        landmarker.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=frame))


def _warm_fer(model: ExpressionModel) -> None:
    interpreter = model.interpreter
    detail = interpreter.get_input_details()[0]
    interpreter.set_tensor(detail["index"], np.zeros(detail["shape"], dtype=detail["dtype"]))
    interpreter.invoke()


def _warm_piper(model: Any) -> None:
    for _ in model.synthesize("Hello."):
        pass


def _close(model: Any) -> None:
    model.close()  # the llama.cpp server or the transformers chat: threads and native memory


@dataclass(frozen=True)
class Backend:
    load: Callable[[ModelSpec, Path], Any]
    warm_up: Callable[[Any], None]
    close: Callable[[Any], None] | None = None  # frees what the garbage collector cannot


BACKENDS: dict[str, Backend] = {
    "faster-whisper": Backend(_load_faster_whisper, _warm_whisper),
    "sentence-transformers": Backend(_load_sentence_transformers, _warm_embedding),
    "llama.cpp": Backend(_load_llama_cpp, _warm_llm, _close),
    "transformers": Backend(_load_transformers, _warm_llm, _close),
    "mediapipe": Backend(_load_mediapipe, _warm_face),
    "mediapipe-pose": Backend(_load_mediapipe_pose, _warm_landmarker),
    "mediapipe-hands": Backend(_load_mediapipe_hands, _warm_landmarker),
    "fer-tflite": Backend(_load_fer, _warm_fer),
    "piper": Backend(_load_piper, _warm_piper),
}
