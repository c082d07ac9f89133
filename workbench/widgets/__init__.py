"""Live interview widgets for JupyterLab: the answer recorder, the panels and the app.

    from workbench.widgets import InterviewApp
    InterviewApp()                     # in a notebook cell: start panel, questions, answers, summary
"""
from workbench.widgets.recorder import Recorder, Recording

__all__ = ["InterviewApp", "Recorder", "Recording"]


def __getattr__(name: str):
    # The app imports the question bank; load it only when asked for.
    if name == "InterviewApp":
        from workbench.widgets.app import InterviewApp

        return InterviewApp
    raise AttributeError(name)
