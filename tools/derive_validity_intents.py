"""Derive, with the local LLM, the intents of the validity set's questions outside the bank that
``data/scoring_validity/derived_intents.yaml`` does not hold yet for today's model and prompt
(``cache_model_key``), and write them to it, replacing stale ones (issue 14).

Each question takes 30-500 s on 2 shared cores (``workbench.scoring.intent.derive_intent``: temperature 0,
fixed seed). Run: ``python tools/derive_validity_intents.py [--limit N]``; stop it at any time, what is
derived is kept.
"""
from __future__ import annotations

import argparse
import sys
import time

import yaml

from workbench.errors import WorkbenchError
from workbench.scoring.intent import INTENT_MODEL_ID, cache_model_key, derive_intent
from workbench.scoring.validity import DERIVED_INTENTS_FILE
from workbench.scoring.validity_set import OUTSIDE_BANK_KINDS, load_items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="derive at most this many")
    args = parser.parse_args(argv)
    header, _, body = DERIVED_INTENTS_FILE.read_text(encoding="utf-8").partition("written_for_project")
    data = yaml.safe_load("written_for_project" + body)
    key = cache_model_key()
    data["intents"] = [row for row in data["intents"] if row["model_sha256"] == key]  # stale ones go
    done = {row["question"] for row in data["intents"]}
    todo = [i for i in load_items() if i["kind"] in OUTSIDE_BANK_KINDS and i["question"] not in done]
    for item in todo[:args.limit]:
        started = time.perf_counter()
        try:
            intent = derive_intent(item["question"])
        except WorkbenchError as error:  # one unusable reply: say so, derive the others
            print(f"{item['id']}: not derived ({error})", file=sys.stderr, flush=True)
            continue
        data["intents"].append({"id": item["id"], "question": item["question"], "model_id": INTENT_MODEL_ID,
                                "model_sha256": key, "derive_seconds":
                                    round(time.perf_counter() - started, 1), "intent": intent.to_json()})
        DERIVED_INTENTS_FILE.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True,
                                                                width=110), encoding="utf-8")
        print(f"{item['id']}: {data['intents'][-1]['derive_seconds']} s", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
