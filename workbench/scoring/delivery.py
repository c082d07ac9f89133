"""Delivery: eye contact and expressiveness from the face metrics, shown and weighted lightly.

Camera-based measures depend on the camera's position, lighting, culture and disability as much
as on the candidate, so delivery weighs little in the overall score (see ``overall.WEIGHTS``) and
can be switched off (``score_answer(..., use_delivery=False)``).
"""
from __future__ import annotations

import numpy as np

from workbench.scoring.prepared import component, ramp
from workbench.speech.norms import Band
from workbench.vision.frames import FaceSummary

EYE_CONTACT_GOOD = 0.6  # ours: looking at the camera 60% of the time reads as engaged
EYE_CONTACT_POOR = 0.2  # ours
EXPRESSIVENESS_GOOD = 0.3  # ours, on the face engineer's 0-1 expressiveness scale
EXPRESSIVENESS_POOR = 0.05  # ours: a nearly still face
MIN_FACE_VISIBLE_RATIO = 0.5  # ours: with the face visible in under half the frames, nothing is scored
DELIVERY_SOURCE = "ours (camera measures: checked on one public-domain face, not on interview video)"


def bands() -> list[Band]:
    """The face norms delivery is scored against (same record as ``workbench.speech.norms.Band``):
    in band at or above ``low``; credit reaches zero at ``zero_low``."""
    return [
        Band("face_visible_ratio", "fraction", MIN_FACE_VISIBLE_RATIO, None, DELIVERY_SOURCE),
        Band("eye_contact_ratio", "fraction", EYE_CONTACT_GOOD, None, DELIVERY_SOURCE, zero_low=EYE_CONTACT_POOR),
        Band("expressiveness", "0-1 scale", EXPRESSIVENESS_GOOD, None, DELIVERY_SOURCE,
             zero_low=EXPRESSIVENESS_POOR),
    ]


def score_delivery(face: FaceSummary | None) -> dict | None:
    """Delivery 0-100 from the face stage's aggregates (``eye_contact_ratio``, ``expressiveness``,
    ``face_visible_ratio``), or None when there is nothing usable."""
    if face is None:
        return None
    visible = face.face_visible_ratio
    if isinstance(visible, (int, float)) and visible < MIN_FACE_VISIBLE_RATIO:
        return component(0.0, reasons=[f"face visible in only {visible:.0%} of frames: delivery not scored"],
                         details={"face_visible_ratio": visible, "scored": False})
    parts, reasons = {}, []
    eye = face.eye_contact_ratio
    if isinstance(eye, (int, float)) and 0 <= eye <= 1:
        parts["eye_contact"] = ramp(eye, EYE_CONTACT_POOR, EYE_CONTACT_GOOD)
        if eye < EYE_CONTACT_GOOD:
            reasons.append(f"eye contact {eye:.0%} of the time (aim for {EYE_CONTACT_GOOD:.0%})")
    expressive = face.expressiveness
    if isinstance(expressive, (int, float)) and expressive >= 0:
        parts["expressiveness"] = ramp(expressive, EXPRESSIVENESS_POOR, EXPRESSIVENESS_GOOD)
        if expressive < EXPRESSIVENESS_GOOD:
            reasons.append("little facial expression")
    if not parts:
        return None
    return component(100 * float(np.mean(list(parts.values()))), reasons=reasons,
                     details={"eye_contact_ratio": eye, "expressiveness": expressive, "scored": True,
                              "parts": {k: round(v, 3) for k, v in parts.items()}})
