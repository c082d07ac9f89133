"""notebooks/30_facial_analysis runs headless on the public-domain demo and records its results."""
from __future__ import annotations

import json

import papermill
import pytest

from workbench.config import NOTEBOOKS_DIR


@pytest.mark.notebook
def test_facial_analysis_notebook_on_the_astronaut_demo(tmp_path):
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / "30_facial_analysis.ipynb"), str(tmp_path / "out.ipynb"),
        parameters={"OUTPUT_DIR": str(tmp_path / "out"), "FPS": 10.0, "THUMBNAILS": True},
        kernel_name="python3", progress_bar=False, cwd=str(tmp_path),
    )
    results = json.loads((tmp_path / "out" / "face.json").read_text())
    (analysis,) = results["analyses"].values()
    summary = analysis["summary"]
    assert summary["frames_total"] == 50 and summary["dominant_expression"] == "happy"
    assert summary["looking_away_events"] == 1  # the 1.5 s without a face
    assert 0.6 < summary["face_visible_ratio"] < 0.8
    assert len(analysis["series"]["t_s"]) == 50
    assert analysis["thumbnails"] and all(p.endswith(".jpg") for p in analysis["thumbnails"])
