"""Facial analysis of videos, sessions and the CLI: real models on short videos made from the
public-domain astronaut photo (written at test time, never committed)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from workbench.errors import InputError
from workbench.vision import FaceAnalysis, analyse_video, demo
from workbench.vision.plots import plot_timeline

FPS = 10.0


@pytest.fixture(scope="module")
def media(tmp_path_factory, astronaut_rgb):
    folder = tmp_path_factory.mktemp("face_media")
    face = demo.on_canvas(astronaut_rgb)
    roll_angles = np.linspace(-12, 12, 20)
    noise = np.random.default_rng(0).integers(0, 255, (480, 640, 3), dtype=np.uint8)
    return {
        "angles": roll_angles,
        "roll": demo.write_video(folder / "roll.webm", [demo.rotate(face, a) for a in roll_angles], fps=FPS),
        # 1 s facing, 1.5 s with no face (looking away), 1 s facing again
        "away": demo.write_video(folder / "away.mp4", [face] * 10 + [noise] * 15 + [face] * 10, fps=FPS),
        "vfr": demo.write_video(folder / "vfr.webm", [face] * 12, fps=30,
                                times_s=[0, .03, .2, .25, .5, .55, .9, 1.0, 1.02, 1.4, 1.45, 1.9]),
        "noface": demo.write_video(folder / "coffee.avi", [demo.on_canvas(_coffee())] * 8, fps=FPS),
        "folder": folder,
    }


def _coffee():
    from skimage import data

    return data.coffee()


def test_roll_sweep_is_followed_frame_by_frame(media):
    analysis = analyse_video(media["roll"], fps=FPS)
    assert len(analysis.frames) == 20 and analysis.kind == "video"
    roll = np.array([f.roll_deg for f in analysis.frames])
    slope = np.polyfit(media["angles"], roll, 1)[0]
    assert slope == pytest.approx(1.0, abs=0.15)  # the roll follows the rotation degree for degree
    summary = analysis.summary
    assert summary.face_visible_ratio == 1.0 and summary.dominant_expression == "happy"
    assert summary.roll_sd_deg > 5 and summary.yaw_sd_deg < summary.roll_sd_deg
    assert summary.duration_s == pytest.approx(2.0, abs=0.2)
    assert summary.blinks == 0  # a photo never blinks


def test_looking_away_event_when_the_face_disappears(media):
    summary = analyse_video(media["away"], fps=FPS).summary
    assert summary.face_visible_ratio == pytest.approx(20 / 35, abs=0.06)
    assert summary.looking_away_events == 1
    assert summary.looking_away_longest_s == pytest.approx(1.5, abs=0.25)


def test_variable_frame_rate_uses_frame_times(media):
    times = [f.t_s for f in analyse_video(media["vfr"], fps=FPS).frames]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert times[-1] == pytest.approx(1.9, abs=0.05) and len(times) < 12  # sampled by time, not by count


def test_no_face_video_gives_partial_results(media):
    analysis = analyse_video(media["noface"], fps=FPS)
    assert analysis.summary.face_visible_ratio == 0.0 and analysis.summary.frames_used == 0
    assert analysis.summary.quality["no_face"] == len(analysis.frames) > 0
    assert any("no face" in w for w in analysis.warnings)


def test_bad_videos_raise_input_error(tmp_path):
    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(np.random.default_rng(1).integers(0, 255, 4000, dtype=np.uint8).tobytes())
    empty = tmp_path / "empty.webm"
    empty.write_bytes(b"")
    for path in (corrupt, empty, "/usr/share/sounds/alsa/Front_Center.wav"):  # last: audio only
        with pytest.raises(InputError):
            analyse_video(path)
    with pytest.raises(InputError):
        analyse_video(corrupt, fps=0)


def test_truncated_video_gives_partial_result_with_warning(media, tmp_path):
    data = media["away"].read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    try:
        analysis = analyse_video(cut, fps=FPS)
    except InputError as error:  # mp4 index at the end: a clear message is acceptable too
        assert "cut.mp4" in str(error)
    else:
        assert 0 < len(analysis.frames) <= 35


def test_timeline_plot_from_analysis_and_from_stored_dict(media):
    analysis = analyse_video(media["roll"], fps=FPS)
    figure = plot_timeline(analysis)
    assert len(figure.axes) == 3
    stored = json.loads(json.dumps(analysis.to_json(include_frames=True, include_series=True)))
    assert len(plot_timeline(stored).axes) == 3
    again = FaceAnalysis.from_json(stored)  # the typed result round-trips, frames included
    assert json.loads(json.dumps(again.to_json(include_frames=True, include_series=True))) == stored
    assert len(plot_timeline(again).axes) == 3


def test_run_face_writes_face_analysis_and_skips_audio(media, data_dir):
    import shutil

    from workbench.session import Session, Turn, TurnState
    from workbench.stages.face import run_face
    from workbench.store import SessionStore

    store = SessionStore()
    session = Session(turns=[
        Turn(index=0, question="Tell me about yourself.", state=TurnState.ANSWERED, answer_media="a0.webm"),
        Turn(index=1, question="Why this role?", state=TurnState.ANSWERED, answer_media="a1.wav"),
        Turn(index=2, question="Not asked yet."),
    ])
    store.save(session)
    shutil.copy(media["roll"], store.media_path(session.id, "a0.webm"))
    shutil.copy("/usr/share/sounds/alsa/Front_Center.wav", store.media_path(session.id, "a1.wav"))
    result = run_face(session.id, store=store, fps=FPS).to_json()
    assert [row["turn"] for row in result["turns"]] == [0]
    assert result["skipped"][0]["turn"] == 1 and "audio" in result["skipped"][0]["reason"]
    assert result["summary"]["frames_total"] == 20
    face = store.get(session.id).turns[0].analysis["face"]
    assert face["summary"]["dominant_expression"] == "happy"
    assert len(face["series"]["t_s"]) == 20 and "p_happy" in face["series"]
    assert "face" not in store.get(session.id).turns[1].analysis


def test_cli_json_for_a_video_and_an_error(media, capsys, tmp_path):
    from workbench.cli import main

    assert main(["face", str(media["roll"]), "--fps", "5", "--json", "--frames"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["frames_total"] == 10 and len(out["frames"]) == 10
    assert {"yaw_deg", "eye_contact", "expressions", "flags"} <= set(out["frames"][0])
    assert "eye_contact_ratio" in out["summary"] and "blinks_per_min" in out["summary"]
    assert list(tmp_path.iterdir()) == []  # nothing written without --thumbnails
    assert main(["face", str(tmp_path / "missing.mp4"), "--json"]) == 2
    assert "error" in json.loads(capsys.readouterr().out)
