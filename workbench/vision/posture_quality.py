"""Per-frame quality flags of the pose: a frame with an excluding flag is kept in the timeline but
left out of every aggregate."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from workbench.vision.body_landmarks import BodyObservation

MIN_SHOULDER_WIDTH_FRACTION = 0.08  # ours: shoulders narrower than 8 % of the frame width: body too small
CORE_POINTS = ("nose", "left_shoulder", "right_shoulder")  # every measure needs these

FLAG_NO_PERSON = "no_person"
FLAG_NOT_IN_FRAME = "upper_body_not_in_frame"  # a shoulder or the nose outside the frame (face only, too close)
FLAG_LOW_VISIBILITY = "low_visibility"  # a core point inside the frame but occluded or unsure
FLAG_TOO_SMALL = "body_too_small"
FLAG_AT_EDGE = "points_at_frame_edge"  # informative: points placed on the border were dropped (likely off-frame)
FLAG_SEVERAL_PEOPLE = "several_people"  # informative: the person nearest the camera is followed
EXCLUDING_FLAGS = (FLAG_NO_PERSON, FLAG_NOT_IN_FRAME, FLAG_LOW_VISIBILITY, FLAG_TOO_SMALL)
ALL_FLAGS = (*EXCLUDING_FLAGS, FLAG_AT_EDGE, FLAG_SEVERAL_PEOPLE)


class FlaggedFrame(Protocol):
    """What the counts read of a frame (``posture_frames.PostureFrame``; a Protocol keeps this module
    free of an import back from the frame types, which use ``is_usable``)."""

    flags: list[str]

    @property
    def usable(self) -> bool: ...


def flags_for(observation: BodyObservation | None, shoulder_width_px: float | None) -> list[str]:
    if observation is None:
        return [FLAG_NO_PERSON]
    flags = []
    reasons = {name: observation.rejected.get(name) for name in CORE_POINTS}
    if any(r in ("outside_frame", "at_frame_edge") for r in reasons.values()):
        flags.append(FLAG_NOT_IN_FRAME)
    elif any(r == "low_visibility" for r in reasons.values()):
        flags.append(FLAG_LOW_VISIBILITY)
    if shoulder_width_px is not None and shoulder_width_px < MIN_SHOULDER_WIDTH_FRACTION * observation.width_px:
        flags.append(FLAG_TOO_SMALL)
    if any(r == "at_frame_edge" for r in observation.rejected.values()):
        flags.append(FLAG_AT_EDGE)
    if observation.n_people > 1:
        flags.append(FLAG_SEVERAL_PEOPLE)
    return flags


def is_usable(flags: Sequence[str]) -> bool:
    return not any(flag in EXCLUDING_FLAGS for flag in flags)


def quality_counts(frames: Sequence[FlaggedFrame]) -> dict[str, int]:
    counts = {flag: sum(1 for f in frames if flag in f.flags) for flag in ALL_FLAGS}
    return counts | {"frames_used": sum(1 for f in frames if f.usable), "frames_total": len(frames)}
