"""The face stage's data types: one analysed frame (``FrameResult``), the aggregates of a frame series
(``FaceSummary``) and one analysed recording or still (``FaceAnalysis``), JSON-serialisable both ways
(``to_json``/``from_json``).

Kept apart from the analysis (``workbench.vision.face``), so the aggregates, plots and readers import
the types without importing the models, and nothing imports back."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from workbench.vision import quality

LANDMARKER_ID = "mediapipe-face-landmarker"
EXPRESSION_ID = "fer-emotion"


@dataclass
class FrameResult:
    """One sampled frame. Angles in degrees (see ``workbench.vision.pose`` for signs)."""

    t_s: float
    face_present: bool = False
    n_faces: int = 0
    yaw_deg: float | None = None
    pitch_deg: float | None = None
    roll_deg: float | None = None
    gaze_yaw_deg: float | None = None  # head + eyes, relative to the direction of the camera
    gaze_pitch_deg: float | None = None
    eye_contact: bool | None = None
    blink: bool | None = None
    blink_score: float | None = None
    smile: bool | None = None
    smile_score: float | None = None
    expressions: dict[str, float] | None = None
    dominant_expression: str | None = None
    detection_confidence: float | None = None
    face_box_px: tuple[int, int, int, int] | None = None  # x, y, w, h
    face_height_px: int | None = None
    brightness: float | None = None  # mean grey of the face box, 0-255
    sharpness: float | None = None  # contrast-normalised Laplacian variance (see quality.sharpness)
    flags: list[str] = field(default_factory=list)
    expressive_blendshapes: np.ndarray | None = field(default=None, repr=False)  # not serialised

    @property
    def usable(self) -> bool:
        """Counted in aggregates: a face and no excluding quality flag."""
        return self.face_present and quality.is_usable(self.flags)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("expressive_blendshapes")
        data["usable"] = self.usable
        for key, value in data.items():
            if isinstance(value, float):
                data[key] = round(value, 4)
        if self.expressions:
            data["expressions"] = {k: round(v, 4) for k, v in self.expressions.items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FrameResult:
        """The frame of ``to_json`` (its blendshapes are not serialised, so they come back as None)."""
        names = {f.name for f in fields(cls)} - {"expressive_blendshapes"}
        values = {k: v for k, v in data.items() if k in names}
        if values.get("face_box_px") is not None:
            values["face_box_px"] = tuple(values["face_box_px"])
        return cls(**values)


@dataclass(frozen=True)
class FaceSummary:
    """The aggregates of a frame series (``workbench.vision.aggregate.summarise``); the definitions are in
    that module's docstring. None where a measure needs what the series lacks (a face, a video)."""

    frames_total: int
    frames_with_face: int
    frames_used: int
    duration_s: float | None
    sampling_fps: float | None
    face_visible_ratio: float | None
    eye_contact_ratio: float | None
    yaw_mean_deg: float | None
    yaw_sd_deg: float | None
    pitch_mean_deg: float | None
    pitch_sd_deg: float | None
    roll_mean_deg: float | None
    roll_sd_deg: float | None
    looking_away_events: int | None
    looking_away_longest_s: float | None
    looking_away_total_s: float | None
    blinks: int | None
    blinks_per_min: float | None
    smile_ratio: float | None
    smile_score_mean: float | None
    expression_distribution: dict[str, float] | None
    dominant_expression: str | None
    expressiveness: float | None
    quality: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaceSummary:
        """The summary of ``to_json``; a measure an older store lacks comes back as None."""
        values = {f.name: data.get(f.name) for f in fields(cls)}
        values["quality"] = dict(values["quality"] or {})
        for name in ("frames_total", "frames_with_face", "frames_used"):
            values[name] = int(values[name] or 0)
        return cls(**values)


@dataclass
class FaceAnalysis:
    """The face stage's result for one recording or still: per-frame results (in memory), the
    aggregates (``summary``, see ``workbench.vision.aggregate``) and a downsampled timeline (``series``)."""

    source: str
    kind: str  # "image" | "video"
    sampling_fps: float | None
    frames: list[FrameResult]
    summary: FaceSummary
    width_px: int | None = None
    height_px: int | None = None
    warnings: list[str] = field(default_factory=list)
    models: dict[str, str] = field(default_factory=lambda: {"landmarks": LANDMARKER_ID, "expression": EXPRESSION_ID})
    thumbnails: list[Path] = field(default_factory=list)  # written only when asked for
    series: dict[str, list] = field(default_factory=dict)  # timeline for plots and the store
    kept_frames: list[tuple[float, np.ndarray]] = field(default_factory=list, repr=False)  # in memory only

    def to_json(self, include_frames: bool = False, include_series: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source": self.source, "kind": self.kind, "sampling_fps": self.sampling_fps,
            "width_px": self.width_px, "height_px": self.height_px, "models": self.models,
            "warnings": self.warnings, "summary": self.summary.to_json(),
            "thumbnails": [str(p) for p in self.thumbnails],
        }
        if include_series:
            data["series"] = self.series
        if include_frames:
            data["frames"] = [f.to_json() for f in self.frames]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaceAnalysis:
        """The analysis of ``to_json`` (frames only if they were included; kept frames never are)."""
        return cls(
            source=data.get("source", ""), kind=data["kind"], sampling_fps=data.get("sampling_fps"),
            frames=[FrameResult.from_json(f) for f in data.get("frames", [])],
            summary=FaceSummary.from_json(data["summary"]),
            width_px=data.get("width_px"), height_px=data.get("height_px"), warnings=list(data.get("warnings", [])),
            models=dict(data.get("models") or {"landmarks": LANDMARKER_ID, "expression": EXPRESSION_ID}),
            thumbnails=[Path(p) for p in data.get("thumbnails", [])], series=dict(data.get("series") or {}),
        )
