"""LoRA on CPU: a catalogue LLM's packaged GGUF, dequantised by ``transformers``, tuned with ``peft`` on
chat-messages JSONL (loss on the assistant's reply only), checkpointed so an interrupted job resumes
where it stopped, and written as a LoRA GGUF that llama.cpp applies to the same packaged weights.

    record = train(TrainConfig(base="qwen2.5-0.5b-instruct-q4", data=Path("followups.jsonl"),
                               name="my-interviewer", steps=25), progress=print_step)
    # -> <data_dir>/tuned/my-interviewer/{adapter.gguf, model.json, job.json}; --llm my-interviewer serves it

Before anything loads, the memory the job needs is estimated from the base's parameter count and
checked against what this machine has free; a job that will not fit is refused with the figures.
"""
from __future__ import annotations

import hashlib
import os
import random
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from workbench.clock import utc_now
from workbench.config import DEFAULT_SEED
from workbench.errors import InputError
from workbench.tuning import tuned
from workbench.tuning.data import IGNORED_LABEL, encode, read_chat_jsonl

TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj")  # attention only: the CPU trial
TRAIN_MEMORY_FACTOR = 2.5  # ours: peak RSS / fp32 weights; the 0.5B trial peaked at 4.8 GiB for 1.98 GB of weights
BYTES_PER_FP32 = 4
GRAD_CLIP_NORM = 1.0  # ours: the usual LoRA default
CHECKPOINT_DIR = "checkpoint"
CHECKPOINT_FILE = "state.pt"
ADAPTER_BACKEND = "llama.cpp"  # the adapter is served by llama.cpp on the base's GGUF

_TOKENIZERS: dict[str, Any] = {}  # base id -> its tokenizer (read from the GGUF in ~17 s), once per process


@dataclass(frozen=True)
class TrainConfig:
    base: str
    data: Path
    name: str
    steps: int = 25
    rank: int = 8
    alpha: float = 16.0
    learning_rate: float = 2e-4
    batch_size: int = 4
    max_tokens: int = 512
    checkpoint_every: int = 5
    seed: int = DEFAULT_SEED

    def check(self) -> None:
        tuned.check_name(self.name)
        for label, value, low in (("steps", self.steps, 1), ("rank", self.rank, 1), ("batch size", self.batch_size, 1),
                                  ("max tokens", self.max_tokens, 16), ("checkpoint every", self.checkpoint_every, 1)):
            if int(value) < low:
                raise InputError(f"{label} must be at least {low} (got {value})")
        if not 0 < self.learning_rate < 1:
            raise InputError(f"learning rate must be between 0 and 1 (got {self.learning_rate})")

    def settings(self) -> dict[str, Any]:
        """What must match for a job to resume (not the name or the step count's progress)."""
        values = asdict(self)
        values["data"] = str(self.data)
        return {k: v for k, v in values.items() if k != "name"}


def base_weights(base: str) -> Path:
    """The base's GGUF file; InputError when it is not a llama.cpp LLM of the catalogue."""
    from workbench.models.catalog import get_spec
    from workbench.models.weights import resolve

    spec = get_spec(base)
    if spec.task != "llm" or spec.backend != ADAPTER_BACKEND:
        raise InputError(f"{base} is not a llama.cpp LLM (task {spec.task}, backend {spec.backend}): "
                         "only those can carry a LoRA adapter here")
    if "lora_path" in spec.options:
        raise InputError(f"{base} is itself a tuned model: tune its base {spec.options.get('base')} instead")
    return resolve(spec).path


def parameter_count(gguf_path: Path) -> int:
    import gguf

    return int(sum(int(t.n_elements) for t in gguf.GGUFReader(str(gguf_path)).tensors))


def memory_needed_mb(parameters: int) -> int:
    return int(parameters * BYTES_PER_FP32 * TRAIN_MEMORY_FACTOR / 2**20)


def check_fits(needed_mb: int, available_mb: int, base: str) -> None:
    if needed_mb > available_mb:
        raise InputError(f"training {base} needs about {needed_mb} MB of memory; this machine has {available_mb} MB "
                         "free: close other programs, or tune a smaller base model")


def _load_base(base: str, path: Path) -> tuple[Any, Any]:
    """The tokenizer (kept for the next job) and a fresh fp32 model (never kept: a second copy of the
    weights would double the job's memory)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    kwargs = {"gguf_file": path.name, "local_files_only": True}
    if base not in _TOKENIZERS:
        _TOKENIZERS[base] = AutoTokenizer.from_pretrained(str(path.parent), **kwargs)
    model = AutoModelForCausalLM.from_pretrained(str(path.parent), dtype=torch.float32, **kwargs)
    return _TOKENIZERS[base], model


def _batch(encoded: list, order: list[int], step: int, size: int, pad_id: int):
    import torch

    chosen = [encoded[order[(step * size + i) % len(order)]] for i in range(size)]
    width = max(len(e.input_ids) for e in chosen)
    ids = torch.full((size, width), pad_id, dtype=torch.long)
    labels = torch.full((size, width), IGNORED_LABEL, dtype=torch.long)
    mask = torch.zeros((size, width), dtype=torch.long)
    for row, example in enumerate(chosen):
        n = len(example.input_ids)
        ids[row, :n] = torch.tensor(example.input_ids)
        labels[row, :n] = torch.tensor(example.labels)
        mask[row, :n] = 1
    return ids, labels, mask


def reply_loss(model, ids, mask, labels):
    """The mean cross-entropy of the reply tokens, the logits computed at those positions only: the full
    vocabulary's logits for every prompt token (151,936 floats per token for Qwen2.5) were most of a step's
    memory and a quarter of its time, for a loss that ignores them. Equal to the model's own shifted loss."""
    import torch

    keep = torch.zeros_like(labels, dtype=torch.bool)
    keep[:, :-1] = labels[:, 1:] != IGNORED_LABEL  # the logits at t predict the token at t + 1
    logits = model(input_ids=ids, attention_mask=mask, logits_to_keep=keep).logits
    return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), labels[:, 1:][keep[:, :-1]])


def _save_checkpoint(folder: Path, model, optimizer, step: int, losses: list[float]) -> None:
    import torch
    from peft import get_peft_model_state_dict

    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / (CHECKPOINT_FILE + ".partial")
    torch.save({"step": step, "losses": losses, "lora": get_peft_model_state_dict(model),
                "optimizer": optimizer.state_dict()}, partial)
    os.replace(partial, folder / CHECKPOINT_FILE)  # the previous checkpoint stays whole until this one is


def _existing_job(folder: Path, config: TrainConfig) -> dict[str, Any] | None:
    """A job of this name to resume; InputError when the name is taken by a finished or another job."""
    job = tuned.read_json(folder / tuned.JOB_NAME)
    if (folder / tuned.RECORD_NAME).is_file() or (job and job.get("status") == "done"):
        raise InputError(f"a tuned model named {config.name!r} exists already: choose another name, or "
                         f"`workbench models remove {config.name}` first")
    if job and job.get("settings") != config.settings():
        raise InputError(f"a job named {config.name!r} with other settings was interrupted; resume it with the "
                         f"same settings, or `workbench models remove {config.name}` first")
    return job


def train(config: TrainConfig, *, progress: Callable[[dict[str, Any]], None] | None = None,
          available_mb: int | None = None) -> dict[str, Any]:
    """Train (or resume) the job ``config.name``; its model record. ``progress`` gets a dict per step
    (step, steps, loss, elapsed_s, left_s); raising KeyboardInterrupt in it stops the job as Ctrl-C does."""
    import psutil

    config.check()
    folder = tuned.model_dir(config.name)
    job = _existing_job(folder, config)
    examples, problems = read_chat_jsonl(config.data)
    gguf_path = base_weights(config.base)
    parameters = parameter_count(gguf_path)
    needed = memory_needed_mb(parameters)
    check_fits(needed, available_mb if available_mb is not None else int(psutil.virtual_memory().available / 2**20),
               config.base)
    data_sha256 = hashlib.sha256(Path(config.data).read_bytes()).hexdigest()
    job = job or {"name": config.name, "settings": config.settings(), "created": utc_now().isoformat(),
                  "timings": {}}
    job.update(status="loading", base=config.base, data_sha256=data_sha256, memory_needed_mb=needed,
               parameters=parameters, data_problems=problems, error=None)
    tuned.write_json(folder / tuned.JOB_NAME, job)
    try:
        return _run(config, folder, job, examples, gguf_path, progress)
    except KeyboardInterrupt:
        job["status"] = "interrupted"
        tuned.write_json(folder / tuned.JOB_NAME, job)
        raise
    except Exception as error:
        job.update(status="failed", error=f"{type(error).__name__}: {error}")
        tuned.write_json(folder / tuned.JOB_NAME, job)
        raise


def _run(config: TrainConfig, folder: Path, job: dict[str, Any], examples: list, gguf_path: Path,
         progress: Callable[[dict[str, Any]], None] | None) -> dict[str, Any]:
    import psutil
    import torch
    from peft import LoraConfig, get_peft_model, get_peft_model_state_dict, set_peft_model_state_dict

    from workbench.models.hardware import usable_cores
    from workbench.tuning.gguf_lora import write_lora_gguf

    torch.set_num_threads(usable_cores())
    torch.manual_seed(config.seed)
    started = time.perf_counter()
    tokenizer, model = _load_base(config.base, gguf_path)
    job["timings"]["load_s"] = round(time.perf_counter() - started, 2)
    encoded = [e for e in (encode(tokenizer, m, max_tokens=config.max_tokens) for m in examples) if e is not None]
    if not encoded:
        raise InputError(f"every example's prompt is longer than {config.max_tokens} tokens: raise --max-tokens")
    # activations are recomputed in the backward pass instead of kept: at batch 4 x 205 tokens they were 3.4 GB
    # of a 6.3 GB peak (bench tuning), for about a third more time per step
    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model = get_peft_model(model, LoraConfig(r=config.rank, lora_alpha=config.alpha, lora_dropout=0.0,
                                             target_modules=list(TARGET_MODULES), task_type="CAUSAL_LM"))
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=config.learning_rate)
    checkpoint = folder / CHECKPOINT_DIR / CHECKPOINT_FILE
    start, losses = 0, []
    if checkpoint.is_file():
        state = torch.load(checkpoint, weights_only=False)
        set_peft_model_state_dict(model, state["lora"])
        optimizer.load_state_dict(state["optimizer"])
        start, losses = int(state["step"]), list(state["losses"])
        job["resumed_from_step"] = start
    order = list(range(len(encoded)))
    random.Random(config.seed).shuffle(order)  # the same batches for a step, resumed or not
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    process = psutil.Process()
    peak_mb = process.memory_info().rss / 2**20
    step_s: list[float] = []
    job.update(status="running", examples=len(encoded), reply_tokens_mean=round(
        statistics.mean(e.reply_tokens for e in encoded), 1), tokens_mean=round(
        statistics.mean(len(e.input_ids) for e in encoded), 1), trainable_parameters=sum(p.numel() for p in trainable))
    tuned.write_json(folder / tuned.JOB_NAME, job)
    model.train()
    for step in range(start, config.steps):
        began = time.perf_counter()
        ids, labels, mask = _batch(encoded, order, step, config.batch_size, pad_id)
        loss = reply_loss(model, ids, mask, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, GRAD_CLIP_NORM)
        optimizer.step()
        optimizer.zero_grad()
        losses.append(round(float(loss.detach()), 4))
        step_s.append(time.perf_counter() - began)
        peak_mb = max(peak_mb, process.memory_info().rss / 2**20)
        done = step + 1
        if done % config.checkpoint_every == 0 or done == config.steps:
            _save_checkpoint(folder / CHECKPOINT_DIR, model, optimizer, done, losses)
        job.update(progress={"step": done, "steps": config.steps, "loss": losses[-1]}, peak_rss_mb=round(peak_mb))
        tuned.write_json(folder / tuned.JOB_NAME, job)
        if progress is not None:
            left = statistics.median(step_s) * (config.steps - done)
            progress({"step": done, "steps": config.steps, "loss": losses[-1],
                      "elapsed_s": round(time.perf_counter() - started, 1), "left_s": round(left, 1)})
    write_lora_gguf(get_peft_model_state_dict(model), folder / tuned.ADAPTER_NAME,
                    model_type=model.config.model_type, n_layers=model.config.num_hidden_layers, alpha=config.alpha)
    record = {
        "name": config.name, "version": 1, "task": "llm", "base": config.base, "data": str(config.data),
        "data_sha256": job["data_sha256"], "examples": len(encoded), "steps": config.steps, "rank": config.rank,
        "alpha": config.alpha, "learning_rate": config.learning_rate, "batch_size": config.batch_size,
        "max_tokens": config.max_tokens, "seed": config.seed, "losses": losses,
        "seconds_per_step_median": round(statistics.median(step_s), 3) if step_s else None,
        "peak_rss_mb": round(peak_mb), "created": utc_now().isoformat(), "preferred": False,
        "gate": None,  # workbench tune eval NAME: the before/after gate (workbench.tuning.gate)
    }
    tuned.write_json(folder / tuned.RECORD_NAME, record)
    job.update(status="done", timings={**job["timings"], "train_s": round(sum(step_s), 2),
                                        "total_s": round(time.perf_counter() - started, 2)})
    tuned.write_json(folder / tuned.JOB_NAME, job)
    shutil.rmtree(folder / CHECKPOINT_DIR, ignore_errors=True)  # the adapter holds it all now
    return {**record, "adapter_path": str(folder / tuned.ADAPTER_NAME)}

