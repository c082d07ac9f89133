"""``workbench report``: argument errors are one clear line, and the text output ends with the
path of the report to open (``make report`` relies on it)."""
from __future__ import annotations

import json
import subprocess
import sys

from workbench.cli.report import _format


def test_text_output_ends_with_the_report_path():
    payload = {"setup": {"html_path": "/r/setup.html"}, "failed": [], "reports": [{
        "session_id": "s1", "html_path": "/r/s1/run/report.html", "duration_s": 12.0, "pdf_path": None,
        "stages": [{"name": "voice", "status": "ok"}]}]}
    lines = _format(payload).splitlines()
    assert lines[0] == "model setup: /r/setup.html"
    assert lines[-1] == "report: /r/s1/run/report.html"
    assert _format({"reports": [], "failed": []}) == "nothing to report"


def test_no_session_named_is_a_one_line_error(data_dir):
    done = subprocess.run([sys.executable, "-m", "workbench", "report", "--json"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert "--sample" in json.loads(done.stdout)["error"]
    assert "Traceback" not in done.stderr


def test_unknown_session_is_a_one_line_error(data_dir):
    done = subprocess.run([sys.executable, "-m", "workbench", "report", "no-such-session"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "no-such-session" in done.stderr.strip().splitlines()[-1]
