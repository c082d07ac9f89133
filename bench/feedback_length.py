"""Does the feedback reply fit its token limit? The default LLM's feedback on validity answers 10-19 (the
ones `workbench compare llm --limit 10` does not use), with the settings before the schema bounded its
strings (220 tokens, unbounded) and with the current ones (``workbench.scoring.feedback``).

    .venv/bin/python -m bench.feedback_length [before|current ...]     # ~15 min on 2 cores

Prints, per setting: replies that are JSON, replies the feedback validator accepts, completion tokens
(median, max), seconds per reply (median), points written as 'you', quotes found in the answer.
"""
from __future__ import annotations

import copy
import statistics
import sys
import time

from workbench.evaluation.llm import _feedback_points, load_dataset
from workbench.scoring.feedback import addresses_candidate
from workbench.models import registry
from workbench.scoring import feedback as fb

ITEMS = slice(10, 20)


def _unbounded(schema: dict) -> dict:
    schema = copy.deepcopy(schema)
    for key in ("strengths", "improvements"):
        for prop in schema["properties"][key]["items"]["properties"].values():
            prop.pop("maxLength", None)
    return schema


def _system_before() -> str:
    return fb.SYSTEM_PROMPT.replace("Write every point to the candidate as 'you' (for example: 'You give a "
                                    "number for the result'), never 'the candidate' or 'they'. ", "")


SETTINGS = {
    "before": lambda: (_unbounded(fb.SCHEMA), 220, _system_before()),
    "current": lambda: (fb.SCHEMA, fb.FEEDBACK_MAX_TOKENS, fb.SYSTEM_PROMPT),
}


def main(names: list[str]) -> None:
    items = load_dataset().items[ITEMS]
    llm = registry.load(fb.feedback_model_id())
    for name in names or list(SETTINGS):
        schema, max_tokens, system = SETTINGS[name]()
        rows = []
        for item in items:
            p = item.payload
            messages = fb.build_messages(p["question"], p["feedback_answer"], p["role"])
            messages[0]["content"] = system
            started = time.perf_counter()
            reply = llm.chat(messages, max_tokens=max_tokens, temperature=0.0, seed=0, json_schema=schema,
                             cache_prompt=False)
            seconds = time.perf_counter() - started
            is_json, points = _feedback_points(reply.text)
            quotes = [q for _, q in points if q]
            rows.append({"json": is_json, "valid": fb.validate_reply(reply.text, p["feedback_answer"]) is not None,
                         "tokens": reply.completion_tokens, "s": seconds, "points": len(points),
                         "you": sum(addresses_candidate(t) for t, _ in points),
                         "quotes": len(quotes), "found": sum(fb.quote_occurs(q, p["feedback_answer"]) for q in quotes)})
            print(name, item.id, rows[-1], file=sys.stderr, flush=True)
        def total(key: str, rows: list[dict] = rows) -> int:
            return sum(r[key] for r in rows)

        print(f"{name}: JSON {total('json')}/{len(rows)}, accepted {total('valid')}/{len(rows)}, tokens median "
              f"{statistics.median(r['tokens'] for r in rows)} max {max(r['tokens'] for r in rows)}, "
              f"{statistics.median(r['s'] for r in rows):.1f} s per reply, 'you' {total('you')}/{total('points')}, "
              f"quotes found {total('found')}/{total('quotes')}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
