"""LoRA training on CPU (issue 16): seconds per step and peak memory for the packaged 0.5B at the export's
sequence lengths, the time for 100 examples of about 100 tokens (target: at most 5 minutes and 6 GB), and
the tuned model's tokens per second against its base in the same run, the two taking turns on one long generation
(target: the adapter costs at most 10% of the base's speed).

Data: 100 follow-up examples in the exact prompt the engine sends (``interview.prompts.followup_messages``)
over the scoring validity set's questions and weak answers, each answered by a follow-up naming the
answer's own words: the shape ``workbench tune export`` writes. One epoch: 25 steps of 4.
"""
from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from workbench import config
from workbench.evaluation.prompt_sets import validity_items
from workbench.interview.prompts import followup_messages

BASE = "qwen2.5-0.5b-instruct-q4"
EXAMPLES = 100
BATCH = 4
SPEED_PROMPTS = 5
SPEED_TOKENS = 128  # long replies, so generation (what the adapter slows) outweighs the prompt's evaluation
SPEED_PROMPT = [{"role": "user", "content": "List twenty interview questions about teamwork, one per line."}]


def _examples() -> list[dict]:
    items, _ = validity_items()
    rows = []
    for i in range(EXAMPLES):
        item = items[i % len(items)]
        answer = item["answers"]["weak"]
        words = [w.strip(".,") for w in answer.split() if len(w) > 5]
        probe = f"You mentioned {words[i % len(words)] if words else 'that'}: what exactly did you do there?"
        messages = followup_messages(item["question"], answer, "no concrete result")
        rows.append({"messages": [*messages, {"role": "assistant", "content": probe}]})
    return rows


def _alternating_rates(model_ids: tuple[str, str], prompts: list[list[dict]]) -> dict[str, list[float]]:
    """Tokens per second of each model on each prompt, the two taking turns (the order swapped every round),
    so that the machine's drift falls on both alike."""
    from workbench.models import registry

    models = {model_id: registry.load(model_id) for model_id in model_ids}
    for model in models.values():
        model.chat(prompts[0], max_tokens=4, temperature=0.0, seed=1)  # warm: the first call pays the load
    rates: dict[str, list[float]] = {model_id: [] for model_id in model_ids}
    for round_number, messages in enumerate(prompts):
        for model_id in (model_ids if round_number % 2 == 0 else model_ids[::-1]):
            started = time.perf_counter()
            reply = models[model_id].chat(messages, max_tokens=SPEED_TOKENS, temperature=0.0, seed=1,
                                          cache_prompt=False)
            rates[model_id].append(reply.completion_tokens / (time.perf_counter() - started))
    for model_id in model_ids:
        registry.unload(model_id)
    return rates


def run() -> dict:
    from workbench.tuning.train import TrainConfig, train

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["WORKBENCH_DATA_DIR"] = str(Path(tmp) / "data")
        config.reload()
        try:
            data = Path(tmp) / "followups.jsonl"
            rows = _examples()
            data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
            started = time.perf_counter()
            record = train(TrainConfig(base=BASE, data=data, name="bench-tuned", steps=EXAMPLES // BATCH,
                                       batch_size=BATCH, max_tokens=512, checkpoint_every=5))
            total_s = time.perf_counter() - started
            job = json.loads((Path(record["adapter_path"]).parent / "job.json").read_text())
            prompts = [SPEED_PROMPT] * SPEED_PROMPTS
            rates = _alternating_rates((BASE, "bench-tuned"), prompts)
        finally:
            os.environ.pop("WORKBENCH_DATA_DIR", None)
            config.reload()
    train_s = job["timings"]["train_s"]
    return {
        "base": BASE, "examples": EXAMPLES, "batch": BATCH, "steps": EXAMPLES // BATCH,
        "tokens_per_example_mean": job["tokens_mean"], "reply_tokens_per_example_mean": job["reply_tokens_mean"],
        "seconds_per_step_median": record["seconds_per_step_median"],
        "train_100_examples_s": round(train_s, 1), "load_s": job["timings"]["load_s"],
        "job_total_s": round(total_s, 1), "peak_rss_mb": record["peak_rss_mb"],
        "loss_first": record["losses"][0], "loss_last": record["losses"][-1],
        "base_tokens_per_s_median": round(statistics.median(rates[BASE]), 2),
        "tuned_tokens_per_s_median": round(statistics.median(rates["bench-tuned"]), 2),
        "tuned_vs_base_speed_ratio": round(statistics.median(t / b for t, b in zip(rates["bench-tuned"], rates[BASE],
                                                                                   strict=True)), 3),
        "speed_rounds": len(prompts),
        "targets": {"train_100_examples_s_at_most": 300, "peak_rss_mb_at_most": 6144,
                    "tuned_vs_base_speed_ratio_at_least": 0.9},
    }
