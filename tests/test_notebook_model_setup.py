"""notebooks/00_model_setup runs headless and records every selected model as healthy."""
from __future__ import annotations

import json

import papermill
import pytest

from workbench.config import NOTEBOOKS_DIR


@pytest.mark.notebook
def test_model_setup_notebook_loads_and_demos_the_chosen_models(tmp_path):
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / "00_model_setup.ipynb"), str(tmp_path / "out.ipynb"),
        parameters={"MODELS": "whisper-tiny.en,all-minilm-l6-v2,mediapipe-face-landmarker,fer-emotion,piper-joe-medium",
                    "OUTPUT_DIR": str(tmp_path)},
        kernel_name="python3", progress_bar=False, cwd=str(tmp_path),
    )
    result = json.loads((tmp_path / "model_setup.json").read_text())
    assert result["all_ok"]
    assert {m["id"] for m in result["models"]} == {
        "whisper-tiny.en", "all-minilm-l6-v2", "mediapipe-face-landmarker", "fer-emotion", "piper-joe-medium"}
    demos = {d["model"]: d["output"] for d in result["demos"]}
    assert "front" in demos["whisper-tiny.en"].lower()  # the real clip says "Front, center"
    assert demos["mediapipe-face-landmarker"] == "1 face(s), 478 landmarks"
    assert demos["fer-emotion"].startswith("happy")
    similarity = float(demos["all-minilm-l6-v2"].split()[-1])
    assert 0.4 < similarity < 0.95  # paraphrases: related, not identical
