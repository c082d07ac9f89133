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


def test_answer_cards_render_each_part_on_its_own_and_show_the_answer_literally():
    """Notebook 40's cards (issue 21): the feedback heading no longer runs into the last evidence line, a
    point starting with '+' is not a nested list, an answer's '*' and '#' stay text, and a point without
    a verified quote says so."""
    import mistune

    from workbench.scoring.feedback import UNVERIFIED_QUOTE
    from workbench.scoring.notebook import card_text

    result = {"overall": 62.3, "uncertainty": 9.1, "band": "fair", "flags": ["uncertain_relevance"],
              "reasons": ["the answer is *short*"],
              "components": {"relevance": {"score": 50, "weight": 0.3, "reasons": ["on topic"],
                                           "evidence": ["I led the *team* of 5_people"]}},
              "feedback": {"source": "llm", "strengths": [{"point": "+ You give a number", "quote": "two days early"}],
                           "improvements": [{"point": "Say #what you learnt", "quote": None}]}}
    html = mistune.html(card_text("turn 0", result))
    assert "<p><strong>Feedback</strong> (llm)</p>" in html
    assert "<li>+ You give a number — “two days early”</li>" in html
    assert "I led the *team* of 5_people" in html and "<em>team</em>" not in html
    assert f"Say #what you learnt <em>({UNVERIFIED_QUOTE})</em>" in html and "<h1>" not in html
    assert "<p><strong>62/100 ± 9</strong> (fair)</p>" in html
