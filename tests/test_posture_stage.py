"""Posture in the face stage: one decode feeds face and pose (real models, videos written at test time
from the public-domain astronaut photo), the stored result, the report's posture table and timeline."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from workbench.validation.posture_checks import padded, slid
from workbench.vision import demo, video
from workbench.vision.camera import POSTURE_MAX_FPS, CameraAnalysis, analyse_camera, posture_stride
from workbench.vision.posture_measures import BASELINE_FIRST_SECONDS, BASELINE_SESSION_MEDIAN, MEASURE_KEYS

FPS = 10.0
SLIDE_PX_PER_FRAME = 5


@pytest.fixture(scope="module")
def moving_video(tmp_path_factory, astronaut_rgb):
    """3 s still, then 3 s sliding sideways (the person is 512 px wide on a 712 px canvas)."""
    folder = tmp_path_factory.mktemp("posture_stage")
    width = astronaut_rgb.shape[1] + 200
    frames = [slid(astronaut_rgb, 20, width)] * 30
    frames += [slid(astronaut_rgb, 20 + SLIDE_PX_PER_FRAME * i, width) for i in range(30)]
    return demo.write_video(folder / "answer.webm", frames, fps=FPS)


def test_posture_stride_keeps_pose_at_or_under_its_rate():
    assert posture_stride(10.0) == 2 and posture_stride(5.0) == 1 and posture_stride(2.0) == 1
    assert posture_stride(30.0) == 6 and posture_stride(12.0) == 3
    for fps in (1.0, 5.0, 7.5, 10.0, 24.0, 30.0):
        assert fps / posture_stride(fps) <= POSTURE_MAX_FPS + 1e-9


def test_one_decode_feeds_face_and_pose(moving_video, monkeypatch):
    decodes = []
    real = video.iter_video_frames

    def counted(*args, **kwargs):
        decodes.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(video, "iter_video_frames", counted)
    result = analyse_camera(moving_video, fps=FPS)
    assert len(decodes) == 1  # face and pose read the same decoded frames
    face_times = [f.t_s for f in result.face.frames]
    pose_times = [f.t_s for f in result.posture.frames]
    assert len(face_times) == 60 and pose_times == face_times[::2]
    assert result.posture.sampling_fps == FPS / 2
    summary = result.posture.summary
    assert summary["measured"], summary["not_measured_reason"]
    assert summary["baseline"]["kind"] == BASELINE_FIRST_SECONDS
    # the person slides in the second half: the body moves; tilt stays level, width (lean) unchanged
    assert summary["body_motion_energy"] > 0.01
    assert abs(summary["shoulder_tilt_change_deg"]) < 2.0
    assert abs(summary["lean_shoulder_width_change_pct"]) < 3.0


def test_a_still_image_gives_face_and_posture_geometry(tmp_path, astronaut_rgb):
    import cv2

    path = tmp_path / "person.png"
    cv2.imwrite(str(path), cv2.cvtColor(padded(astronaut_rgb), cv2.COLOR_RGB2BGR))
    result = analyse_camera(path)
    assert result.face.kind == "image" and result.face.summary.face_visible_ratio == 1.0
    assert result.posture.kind == "image" and not result.posture.summary["measured"]
    assert result.posture.summary["absolute_shoulder_tilt_deg"] is not None


def test_missing_pose_model_stores_a_reason_never_defaults(moving_video):
    face_only = analyse_camera(moving_video, fps=FPS, posture=False)
    stand_in = CameraAnalysis(face_only.face, None, "posture not measured: pose model not installed")
    stored = stand_in.posture_json(include_series=True)
    assert stored["summary"] == {"measured": False,
                                 "not_measured_reason": "posture not measured: pose model not installed"}
    assert not set(MEASURE_KEYS) & set(stored["summary"])  # no value stands in for a measure

    from workbench.report.measures import posture_quality_note, posture_rows

    assert posture_rows(stored) == []
    assert posture_quality_note(stored) == "Posture not measured: pose model not installed."


def test_face_stage_stores_posture_and_the_report_shows_it(moving_video, data_dir):
    from workbench.report import plots, render
    from workbench.report.summary import build_summary
    from workbench.session import Session, Turn, TurnState
    from workbench.stages.face import POSTURE_KEY, run_face
    from workbench.store import SessionStore

    store = SessionStore()
    session = Session(turns=[
        Turn(index=0, question="Tell me about yourself.", state=TurnState.ANSWERED, answer_media="a0.webm",
             answer_text="I lead a small team."),
        Turn(index=1, question="Why this role?", state=TurnState.ANSWERED, answer_text="typed"),
    ])
    store.save(session)
    shutil.copy(moving_video, store.media_path(session.id, "a0.webm"))
    run = run_face(session.id, store=store, fps=FPS).to_json()
    assert run["turns"][0]["posture_change_events"] is not None
    assert run["summary"]["posture"]["answers_measured"] == 1
    assert run["summary"]["posture"]["baseline"]["kind"] == BASELINE_SESSION_MEDIAN

    turn = store.get(session.id).turns[0]
    stored = json.loads(json.dumps(turn.analysis[POSTURE_KEY]))
    assert stored["source"] == "a0.webm" and stored["summary"]["measured"]
    assert len(stored["series"]["t_s"]) == 30
    assert POSTURE_KEY not in store.get(session.id).turns[1].analysis

    summary = build_summary(store.get(session.id))
    table = summary["turns"][0]["posture_table"]
    assert [row["measure"] for row in table][0].startswith("Leaning")
    assert all(row["verdict"] is None for row in table)  # no norm from a source, so no verdict
    assert any(k.startswith("turn0.posture.summary.") for k in summary["numbers"])
    html = render.answer_card_html(turn, summary["turns"][0])
    assert "<h4>Posture</h4>" in html and "against your first 5 seconds" in html
    figure = plots.posture_timeline(turn)
    assert figure is not None and len(figure.axes) == 3
    lines = figure.axes[0].get_lines()
    lean = np.asarray(lines[1].get_ydata(), dtype=float)
    # the plotted lean is the summary's measure, frame by frame (every pose frame is in the series)
    assert np.nanmedian(lean) == pytest.approx(stored["summary"]["lean_shoulder_width_change_pct"], abs=1e-3)
    assert plots.posture_timeline(store.get(session.id).turns[1]) is None
