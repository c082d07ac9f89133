"""Face analysis speed at 640x480: decode, landmarks, expression, and frames analysed per second.

Target (issue 4): >= 30 frames per second end to end with landmarks and expression, i.e. a
10-minute interview sampled at 10 fps (6000 frames) analysed in <= 3.5 minutes.
Media: the public-domain astronaut on a 640x480 canvas, slowly rotating, encoded at test time.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

FRAMES = 300  # 10 s at 30 fps
SOURCE_FPS = 30.0
TARGET_FPS = 30.0  # the target, frames per second end to end
INTERVIEW_FRAMES = 6000  # a 10-minute interview at 10 fps


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def run() -> dict:
    from workbench.models import registry
    from workbench.vision import analyse_video, demo, video
    from workbench.vision.expression import ExpressionClassifier, rgb_to_grey
    from workbench.vision.face import EXPRESSION_ID, LANDMARKER_ID
    from workbench.vision.landmarks import FaceTracker

    face = demo.on_canvas(demo.astronaut())
    angles = 8 * np.sin(np.linspace(0, 4 * np.pi, FRAMES))
    with tempfile.TemporaryDirectory() as tmp:
        path = demo.write_video(Path(tmp) / "bench.webm", (demo.rotate(face, a) for a in angles), fps=SOURCE_FPS)

        decode, frames = [], []
        iterator = video.iter_video_frames(path, fps=SOURCE_FPS)
        while True:
            started = time.perf_counter()
            item = next(iterator, None)
            if item is None:
                break
            decode.append(time.perf_counter() - started)
            frames.append(item[1])

        landmarker = registry.load(LANDMARKER_ID)
        classifier = ExpressionClassifier(registry.load(EXPRESSION_ID))
        landmarks, landmarks_only, expression = [], [], []
        for score, timings in ((True, landmarks), (False, landmarks_only)):
            with FaceTracker(landmarker, "video", score_confidence=score) as tracker:
                for index, rgb in enumerate(frames):
                    started = time.perf_counter()
                    observation = tracker.observe(rgb, int(index * 1000 / SOURCE_FPS))
                    timings.append(time.perf_counter() - started)
                    if score:
                        grey = rgb_to_grey(rgb)
                        started = time.perf_counter()
                        classifier.probabilities(grey, observation.box)
                        expression.append(time.perf_counter() - started)

        analyse_video(path, fps=SOURCE_FPS)  # warm
        started = time.perf_counter()
        analysis = analyse_video(path, fps=SOURCE_FPS)
        wall_s = time.perf_counter() - started
    analysed = len(analysis.frames)
    fps = analysed / wall_s
    return {
        "frame_size_px": "640x480",
        "frames": analysed,
        "decode_ms_per_frame_median": _median_ms(decode),
        "landmarks_ms_per_frame_median": _median_ms(landmarks_only),
        "landmarks_with_confidence_ms_per_frame_median": _median_ms(landmarks),
        "expression_ms_per_frame_median": _median_ms(expression),
        "end_to_end_frames_per_s": round(fps, 1),
        "end_to_end_ms_per_frame": round(1000 / fps, 2),
        "target_frames_per_s": TARGET_FPS,
        "target_met": fps >= TARGET_FPS,
        "ten_min_interview_at_10fps_s": round(INTERVIEW_FRAMES / fps, 1),
        "usable_frame_ratio": round(analysis.summary.frames_used / analysed, 3),
    }
