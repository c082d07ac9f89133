"""Live interview widgets for JupyterLab: the answer recorder, the panels and the app.

    from workbench.widgets import InterviewApp
    InterviewApp()                     # in a notebook cell: start panel, questions, answers, summary
"""
from workbench.widgets.recorder import Recorder, Recording

__all__ = ["Recorder", "Recording"]
