"""Batch reports with Dask: a broken session folder fails alone, is listed, and does not stop the
good one; a second run skips what is already reported (resumable)."""
from __future__ import annotations

import json

import pytest

from workbench import config
from workbench.report.batch import BATCH_LOG, run_batch

pytestmark = [pytest.mark.slow, pytest.mark.notebook]
ANSWER = ("I led the migration of our billing service. I planned it in three steps, I wrote the rollback "
          "script first, and we moved all customers in two weeks without an outage.")


@pytest.fixture
def batch_root(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WORKBENCH_REPORTS_DIR", str(tmp_path / "reports"))
    config.reload()
    root = tmp_path / "sessions"
    good, broken = root / "alice-week1", root / "bob-week1"
    good.mkdir(parents=True)
    broken.mkdir()
    (good / "questions.yaml").write_text(
        "role: software engineer\nlevel: mid\nturns:\n"
        f"  - question: Tell me about a project you led.\n    text: \"{ANSWER}\"\n")
    (broken / "questions.yaml").write_text(  # names a recording that is not there
        "role: software engineer\nlevel: mid\nturns:\n"
        "  - question: Tell me about yourself.\n    answer: missing.webm\n")
    yield root
    config.reload()


def test_batch_isolates_failures_and_resumes(batch_root, tmp_path):
    first = run_batch(batch_root, workers=1, progress=False)
    assert first.total == 2
    assert [r["folder"].rsplit("/", 1)[-1] for r in first.finished] == ["alice-week1"]
    assert len(first.failed) == 1 and first.failed[0]["folder"].endswith("bob-week1")
    assert "missing.webm" in first.failed[0]["error"]
    report = tmp_path / "reports" / "alice-week1"
    assert list(report.glob("*/report.html"))
    log_lines = (tmp_path / "reports" / BATCH_LOG).read_text().splitlines()
    assert {json.loads(line)["status"] for line in log_lines} == {"ok", "failed"}

    second = run_batch(batch_root, workers=1, progress=False)
    assert [r["session_id"] for r in second.skipped] == ["alice-week1"]
    assert not second.finished and len(second.failed) == 1
    assert len(list(report.glob("*/report.html"))) == 1  # nothing was redone
