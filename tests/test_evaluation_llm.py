"""The LLM comparison: every measure from the real small model on a real prompt, and bad prompt files."""
from __future__ import annotations

import json

import pytest

from workbench.cli import main
from workbench.errors import InputError
from workbench.evaluation.llm import MEASURES, load_dataset
from workbench.evaluation.prompt_sets import validity_items

PROMPT = {"id": "conflict", "role": "software engineer", "level": "mid", "type": "behavioural",
          "question": "Tell me about a time you disagreed with a colleague about a design.",
          "answer": "We argued about the database. We talked and it was fine in the end, things worked out."}


@pytest.mark.slow
def test_every_llm_measure_from_the_small_model(tmp_path, capsys):
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text(json.dumps(PROMPT) + "\n", encoding="utf-8")
    code = main(["compare", "llm", "--models", "qwen2.5-0.5b-instruct-q4", "--prompts", str(prompts),
                 "--judge-seeds", "2", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0, result
    model = result["models"][0]
    assert model["status"] == "ok" and model["items_failed"] == 0
    measures = model["measures"]
    assert set(measures) == {m.name for m in MEASURES} | {"item_failure_share"}
    for name in ("guard_pass_share", "repeat_share", "json_valid_share", "latency_p50_s", "latency_p90_s",
                 "tokens_per_s", "second_person_share", "verified_quote_share"):
        if name in ("second_person_share", "verified_quote_share") and measures["json_valid_share"]["value"] == 0:
            continue  # no feedback points to count when the reply was not JSON
        assert measures[name]["value"] is not None, name
    assert 0 <= measures["guard_pass_share"]["value"] <= 1
    assert 0 < measures["latency_p50_s"]["value"] <= measures["latency_p90_s"]["value"]
    assert measures["tokens_per_s"]["value"] > 0
    item = model["items"][0]["output"]
    assert item["generated_question"] and item["feedback_reply"]
    assert item["followup"]  # the answer has gaps (no numbers, "we" without "I"): a follow-up is asked
    assert len(item["judge_ratings"]) <= 2
    if len(item["judge_ratings"]) == 2:
        assert measures["judge_rating_sd_1_to_5"]["value"] is not None
    assert model["peak_rss_mb"] > 300 and model["load_s"] > 0


@pytest.mark.parametrize("content, message", [
    ("", "is empty"),
    ("\n\n", "is empty"),
    ('{"question": "Why?", "answer": "Because."}\nnot json\n', "line 2 is not JSON"),
    ('{"question": "Why?"}\n', "line 1 lacks answer"),
    ('{"id": "a", "question": "Why?", "answer": "x"}\n{"id": "a", "question": "How?", "answer": "y"}\n',
     "id a used more than once"),
    ('["a list"]\n', "must be a JSON object"),
])
def test_bad_prompt_files_are_refused_clearly(tmp_path, content, message):
    path = tmp_path / "p.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_dataset(prompts=str(path))


def test_default_prompts_are_the_validity_set_and_data_flags_fit_the_task(capsys):
    dataset = load_dataset(limit=3)
    validity, _ = validity_items()
    assert [i.id for i in dataset.items] == [item["id"] for item in validity[:3]]
    assert all(i.payload["role"] and i.payload["answer"] for i in dataset.items)
    with pytest.raises(InputError, match="--audio is for the stt task"):
        load_dataset(audio="/tmp")
    assert main(["compare", "stt", "--models", "whisper-tiny.en", "--prompts", "x.jsonl", "--json"]) == 2
    assert "stt takes --audio" in json.loads(capsys.readouterr().out)["error"]
    assert main(["compare", "llm", "--models", "qwen2.5-0.5b-instruct-q4,qwen2.5-0.5b-instruct-q4", "--json"]) == 2
    assert "given twice" in json.loads(capsys.readouterr().out)["error"]
