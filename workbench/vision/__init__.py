"""Facial analysis of interview video: presence, eye contact, head pose, blinks, smile, expression.

    from workbench.vision import analyse_image, analyse_video, analyse_session
    from workbench.vision.plots import plot_timeline

Per-frame measures come from mediapipe's FaceLandmarker (landmarks, blendshapes, head pose) and
fer's expression CNN on mediapipe's face box; every frame carries quality flags, and aggregates
only use frames without an excluding flag. Frames stay in memory.
"""
from workbench.vision.face import FaceAnalysis, FrameResult, analyse_image, analyse_video
from workbench.vision.session import analyse_session

__all__ = ["FaceAnalysis", "FrameResult", "analyse_image", "analyse_session", "analyse_video"]
