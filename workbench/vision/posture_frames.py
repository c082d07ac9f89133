"""The posture stage's data types: one sampled frame (``PostureFrame``) and one answer's result
(``PostureAnalysis``). They live apart from ``posture`` so that the measures, quality flags and thumbnail
writer can import them without importing the stage back (no cycle)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from workbench.vision import posture_quality

POSE_MODEL_ID = "mediapipe-pose-landmarker-full"
SERIES_KEYS = ("shoulder_tilt_deg", "shoulder_width_px", "head_height_sw", "hands_speed_sw_per_s", "hand_on_face")


def _rounded(value: Any) -> Any:
    return round(value, 4) if isinstance(value, float) else value


@dataclass
class PostureFrame:
    """One sampled frame. Geometry signs and units: see ``workbench.vision.posture_geometry``."""

    t_s: float
    person_present: bool = False
    n_people: int = 0
    shoulder_width_px: float | None = None
    shoulder_tilt_deg: float | None = None
    head_height_sw: float | None = None
    wrists_in_gesture_zone: int = 0
    hand_on_face: bool | None = None
    arms_crossed: bool | None = None
    hips_visible: bool = False
    head_speed_sw_per_s: float | None = None  # nose, since the previous usable frame
    hands_speed_sw_per_s: float | None = None  # wrists and shoulders (RMS)
    wrist_speed_sw_per_s: float | None = None
    body_speed_sw_per_s: float | None = None  # every seen upper-body point (RMS)
    points_px: dict[str, tuple[float, float]] = field(default_factory=dict)  # gated points only
    flags: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        """Counted in aggregates: a person, both shoulders and the nose seen, no excluding flag."""
        return self.person_present and self.shoulder_tilt_deg is not None and posture_quality.is_usable(self.flags)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["usable"] = self.usable
        data["points_px"] = {k: [round(x, 1), round(y, 1)] for k, (x, y) in self.points_px.items()}
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in data.items()}


@dataclass
class PostureAnalysis:
    source: str
    kind: str  # "image" | "video" | "frames"
    sampling_fps: float | None
    frames: list[PostureFrame]
    summary: dict[str, Any]
    width_px: int | None = None
    height_px: int | None = None
    warnings: list[str] = field(default_factory=list)
    models: dict[str, str] = field(default_factory=lambda: {"pose": POSE_MODEL_ID})
    thumbnails: list[Path] = field(default_factory=list)

    def series(self, max_points: int | None = None) -> dict[str, list]:
        """The timeline of the measures' inputs, usable frames only (None elsewhere); with ``max_points``
        every k-th frame so that at most that many remain."""
        step = max(1, -(-len(self.frames) // max_points)) if max_points else 1
        frames = self.frames[::step]
        return {"t_s": [f.t_s for f in frames]} | {
            key: [_rounded(getattr(f, key)) if f.usable else None for f in frames] for key in SERIES_KEYS}

    def to_json(self, include_frames: bool = False, include_series: bool = False,
                series_points: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source": self.source, "kind": self.kind, "sampling_fps": self.sampling_fps,
            "width_px": self.width_px, "height_px": self.height_px, "models": self.models,
            "warnings": self.warnings, "summary": self.summary, "thumbnails": [str(p) for p in self.thumbnails],
        }
        if include_series:
            data["series"] = self.series(series_points)
        if include_frames:
            data["frames"] = [f.to_json() for f in self.frames]
        return data
