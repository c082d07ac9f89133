"""Voila as ``workbench app`` runs it (``python -m workbench.widgets.voila_reports``, the same arguments
as ``voila``): the app notebook, plus the reports folder served read-only under ``/reports/`` on the same
127.0.0.1 origin and behind the same token, so the summary's "open the report" link opens the report.

Voila alone answers every other path with the notebook again (a new kernel), and a browser will not
open a ``file://`` link from an http page. The reports are served by Jupyter server's own handler for
``/files/`` (as JupyterLab serves them): GET and HEAD only, no listing, no hidden files, login required.
"""
from __future__ import annotations

from jupyter_server.base.handlers import AuthenticatedFileHandler
from jupyter_server.utils import url_path_join
from voila.app import Voila

from workbench.config import settings
from workbench.widgets.appserver import REPORTS_ROUTE


class WorkbenchVoila(Voila):
    """Voila with the reports route first (Voila's own last route takes every path)."""

    def init_handlers(self) -> list:
        reports = (url_path_join(self.server_url, REPORTS_ROUTE + "(.*)"), AuthenticatedFileHandler,
                   {"path": str(settings().reports_dir)})
        return [reports, *super().init_handlers()]


main = WorkbenchVoila.launch_instance

if __name__ == "__main__":
    main()
