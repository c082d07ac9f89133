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
from workbench.tuning.examples import FOLLOWUP_RULES, followup_examples
from workbench.tuning.export import export_examples

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
    card = export_examples(store, out)
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
        export_examples(store, tmp_path / "x.jsonl", min_quality=1.5)
    with pytest.raises(InputError, match=r"\.jsonl"):
        export_examples(store, tmp_path / "x.csv")
    assert main(["tune", "export", "--out", str(tmp_path / "empty.jsonl"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["exported"] == 0


def test_the_held_out_split_is_also_written_as_harness_prompts(data_dir, tmp_path):
    """What `workbench tune eval` runs base and tuned on: the comparison harness reads it as it is."""
    from workbench.evaluation.llm import load_dataset

    store = SessionStore(data_dir)
    store.save(_session("s-06", "What did you yourself change in the billing exporter?", "llm"))  # held out
    out = tmp_path / "followups.jsonl"
    card = export_examples(store, out)
    assert card["counts"]["held_out"] == 1 and card["files"]["held_out_prompts"]["examples"] == 1
    dataset = load_dataset(prompts=card["files"]["held_out_prompts"]["path"])
    (item,) = dataset.items
    assert item.payload["question"] and "billing exporter" in item.payload["answer"]
    assert "Anna Schmidt" not in item.payload["answer"] and "[NAME]" in item.payload["answer"]


FEEDBACK_ANSWER = ("I rewrote the billing exporter to use a queue, and the nightly run went from four hours to "
                   "forty minutes.")
GOOD_POINTS = {"strengths": [{"point": "You give a number for the nightly run", "quote": "from four hours to forty "
                              "minutes", "quote_verified": True}],
               "improvements": [{"point": "You could say why the queue helped the exporter",
                                 "quote": "use a queue", "quote_verified": True}]}


def _scored(session_id: str, feedback: dict, *, overall: float = 75.0) -> Session:
    turn = Turn(index=0, question=QUESTION, state=TurnState.ANSWERED, answer_text=FEEDBACK_ANSWER,
                answer_source=AnswerSource.TYPED, analysis={"interview": {"type": "behavioural"},
                                                            "scores": {"overall": overall, "feedback": feedback}})
    return Session(id=session_id, synthetic=True, role="software engineer", turns=[turn])


def test_feedback_rules_score_the_models_written_feedback():
    from workbench.scoring.feedback import SYSTEM_PROMPT, validate_reply
    from workbench.tuning.examples import FEEDBACK_RULES, feedback_examples

    llm = {**GOOD_POINTS, "llm_rating_1_to_5": 4, "source": "llm", "input_key": "k1"}
    (good,) = feedback_examples(_scored("f-good", llm))
    assert good.quality == 1.0 and set(good.rules) == set(FEEDBACK_RULES) and good.source == "llm"
    assert good.messages[0]["content"] == SYSTEM_PROMPT and FEEDBACK_ANSWER in good.messages[1]["content"]
    reply = good.messages[2]["content"]  # the schema's JSON, which the scorer itself accepts
    assert validate_reply(reply, FEEDBACK_ANSWER)["strengths"][0]["quote_verified"] is True
    third = {**llm, "strengths": [{"point": "The candidate gives a number for the nightly run",
                                   "quote": "forty minutes",
                                   "quote_verified": True}]}
    (about,) = feedback_examples(_scored("f-third", third))
    assert about.rules["second_person"] is False and about.quality == 0.75
    (disagrees,) = feedback_examples(_scored("f-low", llm, overall=10.0))  # rated 4 of 5 for a 10/100 answer
    assert disagrees.rules["agrees_with_scores"] is False
    withheld = {**llm, "strengths": [], "strengths_withheld": "lowest band"}
    rules = {**GOOD_POINTS, "source": "rules", "llm_rating_1_to_5": None}
    assert [feedback_examples(_scored(i, f))[0].quality for i, f in (("f-w", withheld), ("f-r", rules))] == [0, 0]


def test_a_persons_rating_decides_and_goes_stale_with_the_feedback(data_dir, tmp_path, capsys):
    from workbench.errors import ExitCode
    from workbench.tuning.ratings import rate

    store = SessionStore(data_dir)
    good = "What did you yourself change in the billing exporter?"
    store.save(_session("s-rated", good, "llm"))
    store.save(_session("s-tpl", "What did you do yourself, step by step?", "template"))
    assert export_examples(store, tmp_path / "a.jsonl")["counts"]["exported"] == 1
    assert main(["tune", "rate", "s-rated", "1", "bad", "--json"]) == 0  # the educator disagrees with the rules
    assert json.loads(capsys.readouterr().out)["ratings"]["followup"]["rating"] == "bad"
    card = export_examples(store, tmp_path / "b.jsonl")
    assert card["counts"]["exported"] == 0 and card["counts"]["rated"] == {"good": 0, "bad": 1}
    with pytest.raises(InputError, match="written by the rules"):
        rate(store, "s-tpl", 1, "followup", "good")
    assert main(["tune", "rate", "s-rated", "0", "good"]) == ExitCode.BAD_INPUT  # turn 0 is not a follow-up
    assert "not a follow-up" in capsys.readouterr().err
    assert main(["tune", "rate", "s-rated", "7", "good"]) == ExitCode.BAD_INPUT
    assert "no turn 7" in capsys.readouterr().err

    weak = {**GOOD_POINTS, "llm_rating_1_to_5": 1, "source": "llm", "input_key": "k1",
            "strengths": [{"point": "Nice", "quote": "", "quote_verified": False}]}
    store.save(_scored("f-1", weak))
    assert export_examples(store, tmp_path / "c.jsonl", task="feedback")["counts"]["exported"] == 0
    rate(store, "f-1", 0, "feedback", "good")
    assert export_examples(store, tmp_path / "d.jsonl", task="feedback")["counts"]["exported"] == 1
    store.update_turn("f-1", 0, lambda t: t.analysis["scores"]["feedback"].update(input_key="k2"))  # re-scored
    card = export_examples(store, tmp_path / "e.jsonl", task="feedback")
    assert card["counts"]["exported"] == 0 and card["counts"]["rated"]["good"] == 0  # rated another text


@pytest.mark.slow
def test_best_of_n_asks_the_real_model_again_on_the_weak_prompts(data_dir, tmp_path, capsys):
    """The 0.5B model asked three times (fixed seeds) on a prompt whose stored follow-up was rule-written."""
    from workbench.tuning.best_of_n import SOURCE

    store = SessionStore(data_dir)
    store.save(_session("s-weak", "What did you do yourself, step by step?", "template"))
    out = tmp_path / "bon.jsonl"
    assert main(["tune", "export", "--out", str(out), "--best-of", "3", "--llm", "qwen2.5-0.5b-instruct-q4",
                 "--min-quality", "0.6", "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    made = card["counts"]["best_of_n"]
    assert made["n"] == 3 and made["model_id"] == "qwen2.5-0.5b-instruct-q4" and made["prompts_tried"] == 1
    rows = [json.loads(x) for p in (out, out.with_name("bon.heldout.jsonl")) for x in p.read_text().splitlines()]
    assert len(rows) == made["kept"] == card["counts"]["exported"] == 1
    (messages,) = [r["messages"] for r in rows]
    assert messages[-1]["role"] == "assistant" and messages[-1]["content"].endswith("?")
    assert messages[-1]["content"] != "What did you do yourself, step by step?"  # the model's, not the template
    assert SOURCE == "best_of_n"
    with pytest.raises(InputError, match="between 1 and"):
        export_examples(store, tmp_path / "x.jsonl", best_of=99)


def test_the_gate_targets_the_measure_of_the_training_datas_task(data_dir, tmp_path):
    from workbench.tuning.gate import DEFAULT_TARGETS, default_target

    store = SessionStore(data_dir)
    store.save(_scored("f-1", {**GOOD_POINTS, "llm_rating_1_to_5": 4, "source": "llm", "input_key": "k1"}))
    export_examples(store, tmp_path / "fb.jsonl", task="feedback")
    assert default_target({"data": str(tmp_path / "fb.jsonl")}) == DEFAULT_TARGETS["feedback"] == "second_person_share"
    assert default_target({"data": str(tmp_path / "hand-written.jsonl")}) == "grounding_share"  # no card beside it


def test_a_small_set_still_holds_out_one_session(data_dir, tmp_path):
    """Six self-test sessions once held out none (the hash split); the gate then had no held-out prompts."""
    from workbench.tuning.export import held_out

    store = SessionStore(data_dir)
    ids = ("s-01", "s-02")
    assert not any(held_out(i) for i in ids)  # the hash alone would hold out neither
    store.save(_session(ids[0], "What did you yourself change in the billing exporter?", "llm"))
    store.save(_session(ids[1], "What did you change in the queue yourself?", "llm"))
    card = export_examples(store, tmp_path / "small.jsonl")
    assert (card["counts"]["train"], card["counts"]["held_out"]) == (1, 1)
    assert card["files"]["held_out_prompts"]["examples"] == 1
    again = export_examples(store, tmp_path / "again.jsonl")  # the same sessions, the same split
    assert again["files"]["held_out"]["sha256"] == card["files"]["held_out"]["sha256"]
