"""Training examples: chat-messages JSONL (what ``workbench tune export`` writes) read back with every bad
line named, and each example tokenised so the loss falls on the assistant's reply alone.

    examples, problems = read_chat_jsonl(path)     # problems: "line 3: not JSON (...)", the rest kept
    encoded = encode(tokenizer, examples[0], max_tokens=512)   # input_ids, labels (-100 on the prompt)
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import InputError

ROLES = ("system", "user", "assistant")
IGNORED_LABEL = -100  # torch's cross-entropy ignore_index: no loss on these tokens
MAX_PROBLEMS_SHOWN = 5


def _messages_problem(obj: object) -> str | None:
    messages = obj.get("messages") if isinstance(obj, dict) else None
    if not isinstance(messages, list) or not messages:
        return 'no "messages" list'
    for message in messages:
        if not isinstance(message, dict) or message.get("role") not in ROLES \
                or not isinstance(message.get("content"), str):
            return f"a message is not {{'role': one of {ROLES}, 'content': text}}"
    if messages[-1]["role"] != "assistant" or not messages[-1]["content"].strip():
        return "no assistant reply at the end (nothing to learn from)"
    return None


def read_chat_jsonl(path: Path) -> tuple[list[list[dict[str, str]]], list[str]]:
    """The usable examples of ``path`` and one line per unusable one ("line N: why")."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the training data {path}: {error}") from error
    examples, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            problems.append(f"line {number}: empty")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"line {number}: not JSON ({error.msg})")
            continue
        problem = _messages_problem(obj)
        if problem:
            problems.append(f"line {number}: {problem}")
            continue
        examples.append([{"role": m["role"], "content": m["content"]} for m in obj["messages"]])
    if not examples:
        shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN]) or "the file is empty"
        raise InputError(f"{path}: no usable training example ({shown})")
    return examples, problems


@dataclass(frozen=True)
class Encoded:
    input_ids: list[int]
    labels: list[int]  # IGNORED_LABEL on the prompt; the reply's tokens (and its end marker) elsewhere

    @property
    def reply_tokens(self) -> int:
        return sum(label != IGNORED_LABEL for label in self.labels)


def encode(tokenizer, messages: list[dict[str, str]], *, max_tokens: int) -> Encoded | None:
    """The example as token ids, the loss on the last (assistant) message only; None when the prompt
    alone fills ``max_tokens`` (nothing of the reply would be learnt)."""
    prompt = tokenizer.apply_chat_template(messages[:-1], tokenize=False, add_generation_prompt=True)
    full = tokenizer.apply_chat_template(messages, tokenize=False)
    if not full.startswith(prompt):
        raise InputError("the model's chat template does not end the prompt where the reply starts; "
                         "this base model cannot be tuned here")
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    full_ids = tokenizer(full, add_special_tokens=False)["input_ids"]
    if len(prompt_ids) >= max_tokens:
        return None
    full_ids = full_ids[:max_tokens]
    labels = [IGNORED_LABEL] * len(prompt_ids) + full_ids[len(prompt_ids):]
    return Encoded(input_ids=full_ids, labels=labels)
