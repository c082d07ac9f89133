"""Reports: run the analysis notebooks with papermill for a session and build a reproducible,
self-contained HTML report plus a summary JSON with full provenance.

    from workbench.report.pipeline import report_session
    result = report_session("sample-synthetic-swe")       # reports/<session>/<run-id>/report.html
"""
