"""mediapipe FaceLandmarker per frame, plus the bundle's BlazeFace detector for a confidence score.

``FaceTracker`` opens both once per image or video (the landmarker keeps tracking state in video
mode) and returns, per frame, the face it follows: with several faces, the largest and most central.
The FaceLandmarker API gives no confidence, so the bundle's own face detector (about 2 ms per frame)
scores the followed face; its best-overlapping detection is the confidence.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import numpy as np

from workbench.vision.mediapipe_run import as_image, detect

DETECTOR_FILE = "face_detector.tflite"  # inside mediapipe's face_landmarker.task bundle (a zip)
DETECTOR_MIN_SCORE = 0.1  # ours: report low scores too, so weak faces get a number, not a miss
MIN_BOX_OVERLAP_IOU = 0.2  # ours: a detection this close to the landmark box is the same face
NUM_FACES = 3  # faces the landmarker looks for; more only costs time


@dataclass
class Observation:
    """The followed face in one frame."""

    points_px: np.ndarray  # (478, 3) float32: x, y in pixels, z in mediapipe's relative units
    blendshapes: dict[str, float]  # 52 scores 0..1 (plus "_neutral")
    matrix: np.ndarray  # (4, 4) facial transformation matrix
    box: tuple[int, int, int, int]  # x, y, w, h in pixels, from the landmarks' extent
    partly_outside: bool  # some landmarks fall outside the frame
    n_faces: int  # faces found in this frame
    detection_confidence: float | None = None  # BlazeFace score of this face, 0..1


def _box(points: np.ndarray) -> tuple[int, int, int, int]:
    x0, y0 = np.floor(points[:, :2].min(axis=0)).astype(int)
    x1, y1 = np.ceil(points[:, :2].max(axis=0)).astype(int)
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


def follow_score(box: tuple[int, int, int, int], width: int, height: int) -> float:
    """Larger and more central is better: area fraction times (1 - distance from centre)."""
    x, y, w, h = box
    area = (w * h) / float(width * height)
    dx = (x + w / 2) / width - 0.5
    dy = (y + h / 2) / height - 0.5
    return area * (1.0 - min(1.0, 2.0 * float(np.hypot(dx, dy))))


class FaceTracker:
    """Context manager: ``with FaceTracker(model, "video") as tracker: tracker.observe(rgb, t_ms)``."""

    def __init__(self, landmarker_model, running_mode: str = "video", *, score_confidence: bool = True) -> None:
        self._model = landmarker_model
        self._mode = running_mode
        self._score = score_confidence
        self._landmarker = None
        self._detector = None
        self._last_ms = -1

    def __enter__(self) -> "FaceTracker":
        import mediapipe as mp

        self._mp = mp
        self._landmarker = self._model.open(self._mode, num_faces=NUM_FACES)
        if self._score:
            vision = mp.tasks.vision
            with zipfile.ZipFile(io.BytesIO(self._model.asset)) as bundle:
                detector_bytes = bundle.read(DETECTOR_FILE)
            options = vision.FaceDetectorOptions(
                base_options=mp.tasks.BaseOptions(model_asset_buffer=detector_bytes),
                running_mode=vision.RunningMode.IMAGE, min_detection_confidence=DETECTOR_MIN_SCORE,
            )
            self._detector = vision.FaceDetector.create_from_options(options)
        return self

    def __exit__(self, *exc) -> None:
        for task in (self._landmarker, self._detector):
            if task is not None:
                task.close()
        self._landmarker = self._detector = None

    def observe(self, rgb: np.ndarray, t_ms: int = 0) -> Observation | None:
        """The followed face in an RGB uint8 frame, or None when there is none."""
        image = as_image(self._mp, rgb)
        result, self._last_ms = detect(self._landmarker, image, mode=self._mode, t_ms=t_ms, last_ms=self._last_ms)
        if not result.face_landmarks:
            return None
        height, width = rgb.shape[:2]
        scale = np.array([width, height, width], dtype=np.float32)
        faces = [np.array([(p.x, p.y, p.z) for p in face], dtype=np.float32) * scale for face in result.face_landmarks]
        boxes = [_box(points) for points in faces]
        chosen = max(range(len(faces)), key=lambda i: follow_score(boxes[i], width, height))
        points = faces[chosen]
        outside = bool((points[:, 0] < 0).any() or (points[:, 0] >= width).any()
                       or (points[:, 1] < 0).any() or (points[:, 1] >= height).any())
        observation = Observation(
            points_px=points,
            blendshapes={c.category_name: float(c.score) for c in result.face_blendshapes[chosen]},
            matrix=np.asarray(result.facial_transformation_matrixes[chosen], dtype=np.float64),
            box=boxes[chosen], partly_outside=outside, n_faces=len(faces),
        )
        if self._detector is not None:
            observation.detection_confidence = self._confidence(image, observation.box)
        return observation

    def _confidence(self, image, box: tuple[int, int, int, int]) -> float:
        detections = self._detector.detect(image).detections
        best = 0.0
        for detection in detections:
            b = detection.bounding_box
            if _iou(box, (b.origin_x, b.origin_y, b.width, b.height)) >= MIN_BOX_OVERLAP_IOU:
                best = max(best, float(detection.categories[0].score))
        return best
