"""Posture on real media: the real BlazePose bundle (made at setup) on the public-domain astronaut
photo, its transforms and short videos written at test time; the CLI; bad input."""
from __future__ import annotations

import json
import zipfile

import cv2
import numpy as np
import pytest

from workbench.cli import main
from workbench.errors import InputError, ModelCorruptError
from workbench.models.catalog import get_spec
from workbench.models.weights import resolve, verify
from workbench.validation.posture_checks import padded, slid
from workbench.vision import demo
from workbench.vision.posture import POSE_MODEL_ID, analyse_posture, analyse_posture_frames, analyse_posture_image
from workbench.vision.posture_measures import MEASURE_KEYS
from workbench.vision.posture_quality import FLAG_NOT_IN_FRAME, FLAG_SEVERAL_PEOPLE

FPS = 10.0


@pytest.fixture(scope="module")
def person(astronaut_rgb):
    return padded(astronaut_rgb)


@pytest.fixture(scope="module")
def media(tmp_path_factory, astronaut_rgb):
    folder = tmp_path_factory.mktemp("posture_media")
    width = astronaut_rgb.shape[1] + 200
    still = [slid(astronaut_rgb, 100, width)] * 20
    moving = [slid(astronaut_rgb, 100 + 5 * i, width) for i in range(20)]  # then slides 50 px/s
    portrait = cv2.copyMakeBorder(astronaut_rgb, 200, 200, 0, 0, cv2.BORDER_CONSTANT, value=(127, 127, 127))
    corrupt = folder / "corrupt.webm"
    corrupt.write_bytes(b"\x1aE\xdf\xa3 not really a webm" * 50)
    return {
        "still": demo.write_video(folder / "still.webm", still + moving, fps=FPS),
        "portrait": demo.write_video(folder / "portrait.mp4", [portrait] * 12, fps=FPS),
        "corrupt": corrupt, "folder": folder,
    }


def test_the_made_bundles_are_in_the_cache_and_verified():
    for model_id in (POSE_MODEL_ID, "mediapipe-hand-landmarker-full"):
        spec = get_spec(model_id)
        weights = resolve(spec)
        assert weights.path.stat().st_size == spec.size_bytes
        with zipfile.ZipFile(weights.path) as bundle:
            assert len(bundle.namelist()) == 2


def test_a_damaged_bundle_is_rejected(tmp_path):
    spec = get_spec(POSE_MODEL_ID)
    damaged = tmp_path / "pose_landmarker_full.task"
    data = bytearray(resolve(spec).path.read_bytes())
    data[5000:5064] = b"\x00" * 64
    damaged.write_bytes(bytes(data))
    with pytest.raises(ModelCorruptError, match="checksum mismatch"):
        verify(spec, damaged, force=True)


def test_a_wheel_member_that_is_not_the_pinned_file_is_refused(tmp_path):
    from workbench.models.pose_bundle import POSE_RECIPE, BundleError, read_members

    wheel = tmp_path / "mediapipe-0.10.21-fake.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for member in POSE_RECIPE.members:
            archive.writestr(member.wheel_path, b"not the model")
    with pytest.raises(BundleError, match="SHA-256"):
        read_members(wheel, POSE_RECIPE)


def test_astronaut_upper_body_found_and_hips_below_the_edge_not_reported(person, astronaut_rgb):
    frame = analyse_posture_image(person).frames[0]
    assert frame.usable and frame.n_people == 1
    assert {"nose", "left_shoulder", "right_shoulder"} <= set(frame.points_px)
    assert frame.head_height_sw == pytest.approx(0.6, abs=0.2)
    # in the photo itself her hips are below the lower edge: BlazePose places them there with low
    # visibility and they are dropped (on the grey-padded copy it places them inside the photo with
    # visibility 1.0: the quality warning of the issue; no measure uses the hips)
    unpadded = analyse_posture_image(astronaut_rgb).frames[0]
    assert unpadded.usable and not unpadded.hips_visible


def test_video_still_then_moving(media):
    analysis = analyse_posture(media["still"], fps=FPS)
    assert analysis.kind == "video" and len(analysis.frames) == 40
    summary = analysis.summary
    assert summary["measured"] and summary["frames_used"] >= 35
    assert summary["baseline"]["kind"] == "first_5_s"
    first, second = analysis.frames[1:20], analysis.frames[21:]
    still_speed = np.median([f.body_speed_sw_per_s for f in first if f.body_speed_sw_per_s is not None])
    moving_speed = np.median([f.body_speed_sw_per_s for f in second if f.body_speed_sw_per_s is not None])
    # 50 px/s on ~195 px shoulders: about a quarter of a shoulder width per second, plus the landmarks'
    # own jitter while the image moves (here up to 0.7 sw/s RMS), so only a lower bound holds
    slide_sw_per_s = 50 / summary["baseline"]["shoulder_width_px"]
    assert still_speed < 0.05 and moving_speed >= 0.8 * slide_sw_per_s
    assert abs(summary["shoulder_tilt_change_deg"]) < 2.0  # the person slid, never tilted
    assert summary["hand_to_face_touches"] in (None, 0)


def test_face_stage_frames_can_be_passed_in(person):
    frames = [(i / FPS, person) for i in range(12)]
    analysis = analyse_posture_frames(iter(frames), fps=FPS, source="face-stage")
    assert analysis.kind == "frames" and analysis.summary["measured"]
    assert analysis.summary["body_motion_energy"] == pytest.approx(0.0, abs=1e-3)


def test_cli_json_units_in_keys_and_opt_in_thumbnails(media, capsys, tmp_path):
    assert main(["posture", str(media["still"]), "--fps", "10", "--json", "--frames"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(MEASURE_KEYS) <= set(result["summary"])
    assert "shoulder_tilt_change_deg" in result["summary"] and "gesturing_ratio" in result["summary"]
    assert len(result["frames"]) == 40 and result["thumbnails"] == []
    thumbs = tmp_path / "thumbs"
    assert main(["posture", str(media["still"]), "--thumbnails", str(thumbs), "--json"]) == 0
    written = json.loads(capsys.readouterr().out)["thumbnails"]
    assert written and all(p.endswith(".jpg") for p in written)
    assert cv2.imread(written[0]) is not None


def test_cli_text_for_an_image(tmp_path, person, capsys):
    path = tmp_path / "person.png"
    cv2.imwrite(str(path), cv2.cvtColor(person, cv2.COLOR_RGB2BGR))
    assert main(["posture", str(path)]) == 0
    out = capsys.readouterr().out
    assert "a still image has no baseline" in out and "shoulder tilt (absolute" in out


# --- bad input -------------------------------------------------------------------------------

def test_no_person_is_not_measured_with_a_warning():
    blank = np.full((480, 640, 3), 127, dtype=np.uint8)
    analysis = analyse_posture_frames([(i / FPS, blank) for i in range(15)], fps=FPS)
    assert not analysis.summary["measured"] and analysis.summary["quality"]["no_person"] == 15
    assert any("no person" in w for w in analysis.warnings)


def test_face_only_is_flagged_and_explained(astronaut_rgb):
    close_up = cv2.resize(astronaut_rgb[30:230, 120:340], (640, 580))
    analysis = analyse_posture_image(close_up)
    if analysis.frames[0].person_present:
        assert FLAG_NOT_IN_FRAME in analysis.frames[0].flags and not analysis.frames[0].usable
        assert any("only the face" in w for w in analysis.warnings)
    else:
        assert any("no person" in w for w in analysis.warnings)


def test_two_people_follow_the_nearest_with_a_flag(astronaut_rgb):
    canvas = np.full((480, 960, 3), 127, dtype=np.uint8)
    canvas[160:480, 60:380] = cv2.resize(astronaut_rgb, (320, 320))
    canvas[100:480, 560:880] = cv2.resize(astronaut_rgb, (320, 380))
    analysis = analyse_posture_image(canvas)
    frame = analysis.frames[0]
    assert frame.n_people == 2 and FLAG_SEVERAL_PEOPLE in frame.flags
    assert min(x for x, _ in frame.points_px.values()) > 480  # the larger person, on the right
    assert any("several people" in w for w in analysis.warnings)


def test_grayscale_4k_and_portrait_are_handled(person, media):
    grey = analyse_posture_image(cv2.cvtColor(person, cv2.COLOR_RGB2GRAY)).frames[0]
    assert grey.usable
    big = analyse_posture_image(cv2.resize(person, (3840, 2160)))
    assert max(big.width_px, big.height_px) <= 960 and big.frames[0].person_present  # downscaled first
    portrait = analyse_posture(media["portrait"], fps=FPS)
    assert portrait.height_px > portrait.width_px and portrait.summary["measured"]


def test_corrupt_empty_and_missing_files_give_one_clear_error(media, tmp_path, capsys):
    with pytest.raises(InputError):
        analyse_posture(media["corrupt"], fps=FPS)
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        analyse_posture(empty)
    assert main(["posture", str(tmp_path / "missing.webm"), "--json"]) == 2
    assert "no such file" in json.loads(capsys.readouterr().out)["error"]
