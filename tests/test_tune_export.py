"""Training data for the interviewer (issue 16 item 2): the follow-ups stored sessions hold, scored by
documented rules, exported as chat-messages JSONL, anonymised, de-duplicated, split by session, with a card."""
from __future__ import annotations

import hashlib
import json

import pytest

from workbench.cli.main import main
from workbench.errors import InputError
from workbench.session import AnswerSource, Session, Turn, TurnState
from workbench.store import SessionStore
from workbench.tuning.export import FOLLOWUP_RULES, export_followups, followup_examples

QUESTION = "Tell me about a project that slipped its deadline."
ANSWER = "We moved the billing exporter to a queue and we fixed it together. My manager Anna Schmidt was pleased."


def _session(session_id: str, followup: str, source: str, *, synthetic: bool = True) -> Session:
    first = Turn(index=0, question=QUESTION, state=TurnState.ANSWERED, answer_text=ANSWER,
                 answer_source=AnswerSource.TYPED, analysis={"interview": {"type": "behavioural"}})
    probe = Turn(index=1, question=followup, kind="follow_up", state=TurnState.ASKED,
                 analysis={"interview": {"type": "behavioural", "source": source, "gap": "we_without_i",
                                         "parent_index": 0, "followup_decided": True}})
    return Session(id=session_id, synthetic=synthetic, turns=[first, probe])


def test_rules_score_the_llm_followups_and_a_template_scores_zero():
    good = followup_examples(_session("s-good", "What did you yourself change in the billing exporter?", "llm"))[0]
    assert good.quality == 1.0 and set(good.rules) == set(FOLLOWUP_RULES)
    assert [m["role"] for m in good.messages] == ["system", "user", "assistant"]
    assert ANSWER in good.messages[1]["content"]  # the prompt the engine sent, with the answer it heard
    third = followup_examples(_session("s-bad", "What did the candidate do about the deadline?", "llm"))[0]
    assert third.rules["no_third_person"] is False and third.rules["grounded"] is False and third.quality < 0.7
    template = followup_examples(_session("s-tpl", "What did you do yourself, step by step?", "template"))[0]
    assert template.quality == 0.0


def test_export_keeps_the_good_ones_anonymised_deduplicated_and_split_by_session(data_dir, tmp_path):
    store = SessionStore(data_dir)
    good = "What did you yourself change in the billing exporter?"
    for i in range(12):
        store.save(_session(f"s-{i:02d}", good if i % 3 else "What did the candidate do?", "llm", synthetic=i != 0))
    store.save(_session("s-copy", good, "llm"))  # the same example again: dropped
    out = tmp_path / "set" / "followups.jsonl"
    card = export_followups(store, out)
    counts = card["counts"]
    assert counts["interactions"] == 13 and counts["at_or_above_threshold"] == 9
    assert counts["exported"] == 1 and counts["duplicates_dropped"] == 8  # one distinct good prompt and answer
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    held = [json.loads(x) for x in out.with_name("followups.heldout.jsonl").read_text().splitlines()]
    assert len(lines) + len(held) == 1 and counts["train"] == len(lines)
    prompts = [json.loads(x) for x in out.with_name("followups.heldout.prompts.jsonl").read_text().splitlines()]
    assert len(prompts) == len(held) == card["files"]["held_out_prompts"]["examples"]  # for `tune eval`
    assert all(p["question"] and p["answer"] and "Anna Schmidt" not in p["answer"] for p in prompts)
    example = (lines or held)[0]["messages"]
    assert "Anna Schmidt" not in example[1]["content"] and "[NAME]" in example[1]["content"]
    assert card["files"]["train"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert sum(b["count"] for b in card["quality_histogram"]) == 13
    assert card["warnings"] and "fewer than 100" in card["warnings"][0]
    assert json.loads(out.with_name("followups.card.json").read_text())["counts"] == counts


def test_bad_threshold_and_output_are_refused(data_dir, tmp_path, capsys):
    store = SessionStore(data_dir)
    with pytest.raises(InputError, match="between 0 and 1"):
        export_followups(store, tmp_path / "x.jsonl", min_quality=1.5)
    with pytest.raises(InputError, match=r"\.jsonl"):
        export_followups(store, tmp_path / "x.csv")
    assert main(["tune", "export", "--out", str(tmp_path / "empty.jsonl"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["exported"] == 0


def test_the_held_out_split_is_also_written_as_harness_prompts(data_dir, tmp_path):
    """What `workbench tune eval` runs base and tuned on: the comparison harness reads it as it is."""
    from workbench.evaluation.llm import load_dataset

    store = SessionStore(data_dir)
    store.save(_session("s-06", "What did you yourself change in the billing exporter?", "llm"))  # held out
    out = tmp_path / "followups.jsonl"
    card = export_followups(store, out)
    assert card["counts"]["held_out"] == 1 and card["files"]["held_out_prompts"]["examples"] == 1
    dataset = load_dataset(prompts=card["files"]["held_out_prompts"]["path"])
    (item,) = dataset.items
    assert item.payload["question"] and "billing exporter" in item.payload["answer"]
    assert "Anna Schmidt" not in item.payload["answer"] and "[NAME]" in item.payload["answer"]
