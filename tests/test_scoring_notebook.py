"""notebooks/40_scoring runs headless on the built-in example set and records its scores."""
from __future__ import annotations

import json

import papermill
import pytest

from workbench.config import NOTEBOOKS_DIR


@pytest.mark.notebook
def test_scoring_notebook_on_the_example_set(tmp_path):
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / "40_scoring.ipynb"), str(tmp_path / "out.ipynb"),
        parameters={"OUTPUT_DIR": str(tmp_path / "out"), "LLM_FEEDBACK": False, "EXAMPLE_QUESTIONS": 1},
        kernel_name="python3", progress_bar=False, cwd=str(tmp_path),
    )
    results = json.loads((tmp_path / "out" / "scoring.json").read_text())
    answers = results["answers"]
    assert len(answers) == 5 and results["overview"]["turns_scored"] == 5
    strong = next(v for k, v in answers.items() if k.endswith("strong"))
    off_topic = next(v for k, v in answers.items() if k.endswith("off_topic"))
    assert strong["overall"] > off_topic["overall"]
    assert "injection_detected" in next(v for k, v in answers.items() if k.endswith("injected"))["flags"]
    assert results["overview"]["overall_uncertainty"] > 0
