"""fer's seven expression probabilities on mediapipe's face box (not fer's Haar detector).

The preprocessing replicates ``fer.FER.detect_emotions`` (fer 25.10.3) exactly: grey image
(ITU-R 601 weights, as cv2's BGR2GRAY), padded by 40 px with the mean grey of its two bottom rows,
the face box made square by elongating its shorter side, widened by 10 px on every side, clipped at
the top/left, resized to 64x64 (bilinear), scaled to [-1, 1]. The model is the registry's
``fer-emotion`` TFLite interpreter (loaded once, by the caller).
"""
from __future__ import annotations

from typing import Any

import cv2
import numpy as np

FER_PADDING_PX = 40  # fer.fer.PADDING
FER_OFFSETS_PX = (10, 10)  # fer.FER(offsets=(10, 10)) default
FER_INPUT_SIZE = (64, 64)  # the TFLite model's input, width x height
EXPRESSION_LABELS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")


def rgb_to_grey(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def _pad(grey: np.ndarray) -> np.ndarray:
    mean = float(grey[-2:, :].mean())
    p = FER_PADDING_PX
    return cv2.copyMakeBorder(grey, p, p, p, p, borderType=cv2.BORDER_CONSTANT, value=[mean, mean, mean])


def _to_square(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    x, y, w, h = box
    if h > w:
        diff = h - w
        x -= diff // 2
        w += diff
    elif w > h:
        diff = w - h
        y -= diff // 2
        h += diff
    return x, y, w, h


def face_input(grey: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray | None:
    """fer's model input (1, 64, 64, 1) float32 in [-1, 1] for an (x, y, w, h) pixel box, or None."""
    padded = _pad(grey)
    x, y, w, h = _to_square(box)
    x1, x2 = x - FER_OFFSETS_PX[0] + FER_PADDING_PX, x + w + FER_OFFSETS_PX[0] + FER_PADDING_PX
    y1, y2 = y - FER_OFFSETS_PX[1] + FER_PADDING_PX, y + h + FER_OFFSETS_PX[1] + FER_PADDING_PX
    crop = padded[max(0, y1):y2, max(0, x1):x2]
    if crop.size == 0:
        return None
    face = cv2.resize(crop, FER_INPUT_SIZE).astype(np.float32)
    face = (face / 255.0 - 0.5) * 2.0
    return face[np.newaxis, :, :, np.newaxis]


class ExpressionClassifier:
    """Runs the registry's fer TFLite interpreter on one face at a time (tensors reused)."""

    def __init__(self, model: Any) -> None:  # the registry's models.loaders.ExpressionModel
        self.interpreter = model.interpreter
        self.labels = tuple(model.labels)
        self._input_index = self.interpreter.get_input_details()[0]["index"]
        self._output_index = self.interpreter.get_output_details()[0]["index"]

    def probabilities(self, grey: np.ndarray, box: tuple[int, int, int, int]) -> dict[str, float] | None:
        """The seven expression probabilities (sum ~1) for the face in ``box`` of a grey frame."""
        tensor = face_input(grey, box)
        if tensor is None:
            return None
        self.interpreter.set_tensor(self._input_index, tensor)
        self.interpreter.invoke()
        scores = self.interpreter.get_tensor(self._output_index)[0]
        return {label: float(score) for label, score in zip(self.labels, scores, strict=True)}
