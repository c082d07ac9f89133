"""Facial analysis of interview video: presence, eye contact, head pose, blinks, smile, expression.

    from workbench.vision import analyse_image, analyse_video
    from workbench.vision.plots import plot_timeline

Per-frame measures come from mediapipe's FaceLandmarker (landmarks, blendshapes, head pose) and
fer's expression CNN on mediapipe's face box; every frame carries quality flags, and aggregates
only use frames without an excluding flag. Frames stay in memory. The analysis is a pure stage (no
store); ``workbench.stages.run_face`` walks a stored session.
"""
from workbench.vision.face import analyse_image, analyse_video
from workbench.vision.frames import FaceAnalysis, FrameResult

__all__ = ["FaceAnalysis", "FrameResult", "analyse_image", "analyse_video"]
