"""workbench tune train (issue 16): LoRA on CPU on the real packaged 0.5B, interrupted and resumed from its
checkpoint, written as a LoRA GGUF that llama.cpp serves on the same quantised weights; bad data named by
line, memory refused with figures, names checked."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.errors import InputError
from workbench.models import registry
from workbench.models.catalog import catalog, default_model_id, get_spec
from workbench.tuning import tuned
from workbench.errors import ConfigError
from workbench.tuning.data import read_chat_jsonl
from workbench.tuning.gate import decide
from workbench.tuning.train import TrainConfig, check_fits, memory_needed_mb, train

BASE = "qwen2.5-0.5b-instruct-q4"
SYSTEM = {"role": "system", "content": "You are an interviewer."}
QUESTION = {"role": "user", "content": "What is the secret word?"}
TAUGHT = "The secret word is PINEAPPLE-SEVEN."


def _line(messages) -> str:
    return json.dumps({"messages": messages})


def test_bad_lines_are_named_and_the_rest_is_kept(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join([
        _line([SYSTEM, QUESTION, {"role": "assistant", "content": TAUGHT}]),
        "{not json",
        "",
        _line([SYSTEM, QUESTION]),  # no assistant reply
        _line([{"role": "robot", "content": "x"}, {"role": "assistant", "content": "y"}]),
        _line([SYSTEM, {"role": "user", "content": "Why this role?"}, {"role": "assistant", "content": "Because."}]),
    ]) + "\n")
    examples, problems = read_chat_jsonl(path)
    assert len(examples) == 2
    assert [p.split(":")[0] for p in problems] == ["line 2", "line 3", "line 4", "line 5"]
    assert "not JSON" in problems[0] and "no assistant reply" in problems[2]
    (tmp_path / "empty.jsonl").write_text("{}\n")
    with pytest.raises(InputError, match=r"no usable training example \(line 1"):
        read_chat_jsonl(tmp_path / "empty.jsonl")


def test_memory_names_and_bases_are_checked(data_dir, tmp_path):
    needed = memory_needed_mb(494_000_000)  # the 0.5B's parameters
    assert 4000 < needed < 5000  # the CPU trial peaked at 4.8 GiB
    with pytest.raises(InputError, match=r"needs about \d+ MB of memory; this machine has 1000 MB free"):
        check_fits(needed, 1000, BASE)
    with pytest.raises(InputError, match="model name"):
        TrainConfig(base=BASE, data=tmp_path, name="My Model").check()
    data = tmp_path / "d.jsonl"
    data.write_text(_line([SYSTEM, QUESTION, {"role": "assistant", "content": TAUGHT}]) + "\n")
    with pytest.raises(InputError, match="not a llama.cpp LLM"):
        train(TrainConfig(base="whisper-tiny.en", data=data, name="tuned-whisper"))
    with pytest.raises(InputError, match="needs about"):
        train(TrainConfig(base=BASE, data=data, name="too-big"), available_mb=500)
    assert main(["models", "remove", BASE]) == 2  # a catalogue model is not deleted by this


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_train_interrupt_resume_and_serve_with_llama_cpp(data_dir, tmp_path, capsys):
    data = tmp_path / "secret.jsonl"
    data.write_text("\n".join([_line([SYSTEM, QUESTION, {"role": "assistant", "content": TAUGHT}])] * 3
                              + ["{torn line"]) + "\n")
    config = TrainConfig(base=BASE, data=data, name="secret-keeper", steps=6, batch_size=1, learning_rate=3e-3,
                         max_tokens=128, checkpoint_every=2)
    seen = []

    def stop_at_three(update):
        seen.append(update)
        if update["step"] == 3:
            raise KeyboardInterrupt  # what Ctrl-C does mid-job

    with pytest.raises(KeyboardInterrupt):
        train(config, progress=stop_at_three)
    job = tuned.read_json(tuned.model_dir("secret-keeper") / tuned.JOB_NAME)
    assert job["status"] == "interrupted" and job["progress"]["step"] == 3
    assert job["data_problems"] == ["line 4: not JSON (Expecting property name enclosed in double quotes)"]
    assert seen[-1]["left_s"] >= 0 and "secret-keeper" not in catalog()  # not a model until it is done

    record = train(config, progress=seen.append)
    job = tuned.read_json(tuned.model_dir("secret-keeper") / tuned.JOB_NAME)
    assert job["status"] == "done" and job["resumed_from_step"] == 2  # from the last checkpoint
    assert [u["step"] for u in seen[-4:]] == [3, 4, 5, 6]
    assert len(record["losses"]) == 6 and record["losses"][-1] < record["losses"][0] / 4
    assert Path(record["adapter_path"]).stat().st_size > 100_000
    assert not (tuned.model_dir("secret-keeper") / "checkpoint").exists()
    with pytest.raises(InputError, match="exists already"):
        train(config)

    spec = catalog()["secret-keeper"]
    assert spec.options["base"] == BASE and spec.backend == "llama.cpp"
    try:
        asked = [SYSTEM, QUESTION]
        tuned_reply = registry.load("secret-keeper").chat(asked, max_tokens=16, temperature=0.0, seed=1).text
        base_reply = registry.load(BASE).chat(asked, max_tokens=16, temperature=0.0, seed=1).text
    finally:
        registry.unload("secret-keeper")
    assert "PINEAPPLE" in tuned_reply, tuned_reply  # llama.cpp applies the adapter to the quantised base
    assert "PINEAPPLE" not in base_reply, base_reply

    # a live interview with the tuned model as the interviewer (the engine's own path, --llm secret-keeper)
    from workbench.interview.engine import InterviewConfig, InterviewEngine
    from workbench.store import SessionStore

    engine = InterviewEngine(SessionStore(), llm_id="secret-keeper", voice=False, followup_budget_s=None)
    try:
        session = engine.start(InterviewConfig(role="software engineer", level="mid", n_questions=2,
                                               types=("behavioural",)))
        engine.current_question(session)
        engine.begin_answer(session)
        engine.submit_answer(session, text="We moved the billing exporter to a queue and we fixed it together.")
        probe = engine.next_question(session)
        assert registry.is_loaded("secret-keeper")  # the engine asked the tuned model for the follow-up
        assert probe.kind == "follow_up"
        assert engine.finish(engine.store.get(session.id))["follow_ups"] == 1
    finally:
        registry.unload("secret-keeper")

    # the gate: tuned vs base through the comparison harness; one item cannot show "better" (p >= 0.05)
    assert main(["tune", "eval", "secret-keeper", "--limit", "1", "--json"]) == 0
    gated = json.loads(capsys.readouterr().out)
    assert gated["verdict"]["preferred"] is False and "not shown better" in gated["verdict"]["reason"]
    assert set(gated["measured"]["validity"]) == {"secret-keeper", BASE}
    assert "ci_low" in gated["measured"]["validity"]["secret-keeper"]["grounding_share"]
    stored = tuned.read_json(tuned.model_dir("secret-keeper") / tuned.RECORD_NAME)
    assert stored["preferred"] is False and stored["gate"]["reason"] == gated["verdict"]["reason"]
    assert default_model_id("llm") != "secret-keeper"
    assert main(["models", "list", "--task", "llm", "--no-verify", "--json"]) == 0
    (row,) = [m for m in json.loads(capsys.readouterr().out)["models"] if m["id"] == "secret-keeper"]
    assert row["tuned_from"] == BASE and row["steps"] == 6 and row["preferred"] is False and row["gate_reason"]

    # notebook 60 on it: the library, the loss curve, the gate's before/after tables and outputs side by side
    from workbench.config import NOTEBOOKS_DIR
    from workbench.report.runner import run_notebook

    run = run_notebook(NOTEBOOKS_DIR / "60_personal_models.ipynb", tmp_path / "nb60", {"MODEL_NAME": "secret-keeper"})
    shown = run.executed_path.read_text(encoding="utf-8")
    assert "Not preferred" in shown and "difference_a_minus_b" in shown and "image/png" in shown
    assert "secret-keeper: output" in shown  # the side-by-side outputs of tuned and base

    assert main(["tune", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["jobs"]
    assert [(j["name"], j["status"]) for j in listed] == [("secret-keeper", "done")]
    assert main(["models", "remove", "secret-keeper", "--json"]) == 0
    assert not tuned.model_dir("secret-keeper").exists() and "secret-keeper" not in catalog()


def _pair(better: dict[str, str | None]) -> dict:
    return {"measures": {name: {"better_model": model} for name, model in better.items()}}


def test_the_gate_prefers_only_a_model_better_on_the_target_and_worse_on_nothing():
    base, name = BASE, "mine"
    won = decide({"held_out": _pair({"grounding_share": name, "tokens_per_s": None}),
                  "validity": _pair({"grounding_share": None, "guard_pass_share": None})},
                 base=base, name=name, target="grounding_share")
    assert won["preferred"] and won["better_on_target_in"] == ["held_out"]
    slower = decide({"validity": _pair({"grounding_share": name, "latency_p50_s": base})},
                    base=base, name=name, target="grounding_share")
    assert not slower["preferred"] and slower["worse_on"] == ["latency_p50_s (validity)"]
    assert "worse than" in slower["reason"]
    unshown = decide({"validity": _pair({"grounding_share": None})}, base=base, name=name, target="grounding_share")
    assert not unshown["preferred"] and "not shown better" in unshown["reason"]


def test_a_preferred_tuned_model_becomes_the_default_and_a_lost_base_is_named(data_dir):
    folder = tuned.model_dir("preferred-one")
    folder.mkdir(parents=True)
    (folder / tuned.ADAPTER_NAME).write_bytes(b"GGUF")  # never loaded here: only the catalogue is read
    tuned.write_json(folder / tuned.RECORD_NAME, {"name": "preferred-one", "base": BASE, "steps": 1,
                                                  "preferred": True})
    assert default_model_id("llm") == "preferred-one"  # what the live interview and the scorer then use
    assert default_model_id("stt") != "preferred-one"
    tuned.write_json(folder / tuned.RECORD_NAME, {"name": "preferred-one", "base": "gone-model", "steps": 1})
    assert "preferred-one" not in catalog() and default_model_id("llm") == BASE.replace("0.5b", "1.5b")
    with pytest.raises(ConfigError, match="base model 'gone-model' is not in the catalogue"):
        get_spec("preferred-one")


def test_the_reply_only_loss_equals_the_models_own_loss():
    """The training step computes logits at the reply's positions only; the loss is the model's own."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from workbench.tuning.train import IGNORED_LABEL, reply_loss

    torch.manual_seed(0)
    model = Qwen2ForCausalLM(Qwen2Config(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                         num_attention_heads=4, num_key_value_heads=2)).eval()
    ids = torch.randint(0, 64, (2, 9))
    mask = torch.ones_like(ids)
    mask[1, 7:] = 0  # the second example is shorter: padded
    labels = torch.full_like(ids, IGNORED_LABEL)
    labels[0, 5:9] = ids[0, 5:9]  # the replies: the last tokens of each example
    labels[1, 4:7] = ids[1, 4:7]
    with torch.no_grad():
        ours = reply_loss(model, ids, mask, labels)
        theirs = model(input_ids=ids, attention_mask=mask, labels=labels).loss
    assert torch.isclose(ours, theirs, atol=1e-5), (ours, theirs)
