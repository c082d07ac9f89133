"""Posture measures on hand-built frames with known geometry (no model): each measure moves the way
its definition says, flagged frames never count, and too few frames give "not measured"."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from workbench.vision import posture_measures as pm
from workbench.vision.body_landmarks import BodyObservation, BodyPoint, gate_points
from workbench.vision.posture import PostureFrame, frame_result
from workbench.vision.posture_geometry import geometry, shoulder_tilt_deg
from workbench.vision.posture_quality import FLAG_LOW_VISIBILITY, FLAG_NO_PERSON, FLAG_NOT_IN_FRAME

FPS = 10.0


def _observation(points: dict[str, tuple[float, float]], width: int = 640, height: int = 480) -> BodyObservation:
    return BodyObservation(points={k: BodyPoint(x, y, 0.99, 0.99) for k, (x, y) in points.items()},
                           rejected={}, n_people=1, width_px=width, height_px=height)


UPRIGHT = {"nose": (320, 150), "left_ear": (350, 150), "right_ear": (290, 150),
           "left_shoulder": (420, 300), "right_shoulder": (220, 300),
           "left_wrist": (400, 460), "right_wrist": (240, 460)}


def _frame(t_s: float, **overrides) -> PostureFrame:
    values = dict(t_s=t_s, person_present=True, n_people=1, shoulder_width_px=200.0, shoulder_tilt_deg=0.0,
                  head_height_sw=0.75)
    values.update(overrides)
    return PostureFrame(**values)


def test_tilt_sign_follows_the_image_and_ignores_left_right_labels():
    assert shoulder_tilt_deg(np.array([0.0, 0.0]), np.array([10.0, -10.0])) == pytest.approx(45.0)
    assert shoulder_tilt_deg(np.array([10.0, -10.0]), np.array([0.0, 0.0])) == pytest.approx(45.0)
    assert shoulder_tilt_deg(np.array([0.0, 0.0]), np.array([10.0, 10.0])) == pytest.approx(-45.0)


def test_geometry_of_an_upright_body_with_hands_down_and_then_on_the_face():
    shape = geometry(_observation(UPRIGHT))
    assert shape.shoulder_width_px == 200 and shape.shoulder_tilt_deg == 0.0
    assert shape.head_height_sw == pytest.approx(0.75)
    assert shape.hand_on_face is False and shape.arms_crossed is False and shape.wrists_in_gesture_zone == 0
    touching = geometry(_observation(UPRIGHT | {"right_wrist": (300, 160)}))
    assert touching.hand_on_face is True and touching.wrists_in_gesture_zone == 1
    crossed = geometry(_observation(UPRIGHT | {"left_wrist": (260, 400), "right_wrist": (380, 400)}))
    assert crossed.arms_crossed is True
    assert geometry(_observation({"nose": (320, 150)})) is None  # no shoulders, no geometry


def test_gating_drops_occluded_outside_and_edge_points():
    def landmark(x, y, vis=0.99, pres=0.99):
        return SimpleNamespace(x=x, y=y, visibility=vis, presence=pres)

    marks = [landmark(0.5, 0.5)] * 33
    marks[11] = landmark(0.5, 0.5, vis=0.2)  # occluded
    marks[12] = landmark(0.5, 1.05)  # below the frame
    marks[23] = landmark(0.5, 0.999)  # placed on the lower edge: likely off-frame
    marks[24] = landmark(0.5, 0.8, pres=0.1)  # the model says "not in the image"
    kept, rejected = gate_points(marks, 640, 480)
    assert rejected == {"left_shoulder": "low_visibility", "right_shoulder": "outside_frame",
                        "left_hip": "at_frame_edge", "right_hip": "outside_frame"}
    assert "nose" in kept and kept["nose"].x_px == 320


def test_flagged_frames_are_excluded_and_flags_name_the_cause():
    assert frame_result(0.0, None).flags == [FLAG_NO_PERSON]
    face_only = BodyObservation(points={"nose": BodyPoint(320, 200, 1, 1)},
                                rejected={"left_shoulder": "outside_frame", "right_shoulder": "outside_frame"},
                                n_people=1, width_px=640, height_px=480)
    frame = frame_result(0.0, face_only)
    assert FLAG_NOT_IN_FRAME in frame.flags and not frame.usable
    hidden = BodyObservation(points=_observation(UPRIGHT).points | {}, rejected={"nose": "low_visibility"},
                             n_people=1, width_px=640, height_px=480)
    hidden.points.pop("nose")
    assert FLAG_LOW_VISIBILITY in frame_result(0.0, hidden).flags


def test_too_few_usable_frames_are_not_measured_never_zero():
    frames = [_frame(i / FPS) for i in range(pm.MIN_USABLE_FRAMES - 1)]
    frames += [PostureFrame(t_s=2.0 + i / FPS, flags=[FLAG_NO_PERSON]) for i in range(20)]
    summary = pm.summarise(frames, sampling_fps=FPS)
    assert summary["measured"] is False and "fewer than" in summary["not_measured_reason"]
    assert all(summary[key] is None for key in pm.MEASURE_KEYS)
    assert pm.summarise([_frame(0.0)], sampling_fps=None)["not_measured_reason"] == pm.STILL_IMAGE


def test_changes_are_relative_to_the_first_seconds():
    settled = [_frame(i / FPS) for i in range(60)]  # 6 s upright, 200 px shoulders
    shifted = [_frame(6 + i / FPS, shoulder_tilt_deg=8.0, shoulder_width_px=230.0, head_height_sw=0.6)
               for i in range(60)]  # then tilted, leaning in and sinking
    flagged = [PostureFrame(t_s=12 + i / FPS, flags=[FLAG_NO_PERSON]) for i in range(100)]
    summary = pm.summarise(settled + shifted + flagged, sampling_fps=FPS)
    assert summary["baseline"]["kind"] == "first_5_s" and summary["frames_used"] == 120
    assert summary["shoulder_tilt_change_p95_abs_deg"] == pytest.approx(8.0)
    changes = pm.lean_changes_pct(settled + shifted, pm.answer_baseline(settled))
    assert max(changes) == pytest.approx(15.0)
    drops = pm.head_drops_pct(settled + shifted, pm.answer_baseline(settled))
    assert max(drops) == pytest.approx(20.0)
    assert summary["posture_change_events"] == 1
    assert summary["longest_steady_posture_s"] == pytest.approx(6.0, abs=0.2)


def test_fidgeting_counts_only_while_the_head_is_still_and_gestures_need_motion():
    still_head_busy_hands = [_frame(i / FPS, head_speed_sw_per_s=0.0, hands_speed_sw_per_s=1.0,
                                    wrist_speed_sw_per_s=1.0, wrists_in_gesture_zone=1) for i in range(20)]
    moving_head = [_frame(2 + i / FPS, head_speed_sw_per_s=1.0, hands_speed_sw_per_s=3.0,
                          wrist_speed_sw_per_s=0.0) for i in range(20)]
    assert pm.fidget_energy(still_head_busy_hands + moving_head) == pytest.approx(1.0)
    assert pm.fidget_energy(moving_head) is None
    assert pm.gesturing_ratio(still_head_busy_hands + moving_head) == pytest.approx(0.5)


def test_touches_are_counted_as_separate_runs():
    pattern = [False, True, True, False, False, True, False]
    frames = [_frame(i / FPS, hand_on_face=v) for i, v in enumerate(pattern)]
    touches, ratio = pm.hand_to_face(frames)
    assert touches == 2 and ratio == pytest.approx(3 / 7)
    assert pm.hand_to_face([_frame(0.0)]) == (None, None)  # no wrist seen: unknown, not zero


def test_session_baseline_makes_answers_comparable():
    from workbench.vision.posture import PostureAnalysis, summarise_session

    upright = PostureAnalysis("a1", "frames", FPS, [_frame(i / FPS) for i in range(40)], {})
    tilted = PostureAnalysis("a2", "frames", FPS, [_frame(i / FPS, shoulder_tilt_deg=6.0) for i in range(20)], {})
    session = summarise_session([upright, tilted])
    assert session["baseline"]["kind"] == "session_median"
    first, second = session["answers"]
    assert first["shoulder_tilt_change_deg"] == pytest.approx(0.0)
    assert second["shoulder_tilt_change_deg"] == pytest.approx(6.0)
