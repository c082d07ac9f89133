"""Best-of-N generation: when the stored sessions hold too few good interactions to tune on, ask the default
model again, N times with different seeds, on the prompts whose stored reply fell below the threshold, and
keep the best reply when it scores at least the threshold by the export's own rules.

    extra = best_of_n(examples, "feedback", llm, n=4, min_quality=0.7)   # -> new Examples, source "best_of_n"

Each attempt goes through the path the workbench itself takes: a follow-up through
``interview.followup.make_followup`` (the guard included: a reply it rejects scores 0), feedback through the
scorer's prompt, schema and token limit, validated by ``scoring.feedback.validate_reply``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from workbench.errors import InputError
from workbench.tuning.examples import Example, feedback_reply, score_reply

BEST_OF_N_TEMPERATURE = 0.8  # ours: at temperature 0 every seed gives the same reply
MAX_N = 16  # ours: beyond this a laptop spends minutes per prompt for little gain
SOURCE = "best_of_n"


def check_n(n: int) -> None:
    if not 1 <= n <= MAX_N:
        raise InputError(f"--best-of must be between 1 and {MAX_N} (got {n})")


def _attempt(task: str, example: Example, llm: Any, seed: int) -> tuple[list[dict[str, str]], str] | None:
    """The prompt and the model's reply for one attempt (None when the engine would not have asked)."""
    prompt = example.prompt
    if task == "followup":
        from workbench.interview import prompts
        from workbench.interview.followup import find_gaps, make_followup

        kind = prompt.get("type") or "behavioural"
        gaps = find_gaps(prompt["answer"], question_type=kind)
        if not gaps:
            return None
        followup = make_followup(prompt["question"], prompt["answer"], question_type=kind, llm=llm,
                                 asked=example.context.get("asked_before", []), seed=seed,
                                 temperature=BEST_OF_N_TEMPERATURE)
        messages = prompts.followup_messages(prompt["question"], prompt["answer"], gaps[0].hint)
        return messages, followup.text if followup and followup.source == "llm" else ""
    from workbench.scoring.feedback import FEEDBACK_MAX_TOKENS, SCHEMA, build_messages

    messages = build_messages(prompt["question"], prompt["answer"], prompt.get("role"))
    reply = llm.chat(messages, max_tokens=FEEDBACK_MAX_TOKENS, temperature=BEST_OF_N_TEMPERATURE, seed=seed,
                     json_schema=SCHEMA).text
    return messages, reply


def best_of_n(examples: list[Example], task: str, llm: Any, *, n: int, min_quality: float, seed: int = 0,
              progress: Callable[[int, int], None] | None = None) -> list[Example]:
    """New examples for the prompts of ``examples`` below ``min_quality``: the best of ``n`` replies each,
    kept when it reaches ``min_quality``."""
    check_n(n)
    weak = [e for e in examples if e.quality < min_quality]
    made = []
    for done, example in enumerate(weak, start=1):
        best: tuple[float, dict[str, bool], list[dict[str, str]], str] | None = None
        for k in range(n):
            attempt = _attempt(task, example, llm, seed + k)
            if attempt is None:
                break
            messages, reply = attempt
            quality, rules = score_reply(task, example, reply) if reply else (0.0, {})
            if best is None or quality > best[0]:
                best = (quality, rules, messages, reply)
        if best is not None and best[0] >= min_quality:
            quality, rules, messages, reply = best
            if task == "feedback":  # the reply as the scorer keeps it: bounded points, verified quotes
                from workbench.scoring.feedback import validate_reply

                reply = feedback_reply(validate_reply(reply, example.prompt["answer"]))
            made.append(replace(example, messages=[*messages, {"role": "assistant", "content": reply}],
                                quality=quality, rules=rules, source=SOURCE, rating=None))
        if progress:
            progress(done, len(weak))
    return made
