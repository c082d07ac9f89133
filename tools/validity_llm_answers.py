"""Write some answers of the scoring validity set with the local LLM under persona prompts (issue 14).

Each persona asks for one kind of answer (strong, weak, rambling) in one voice. The replies are written to
a YAML file as they are; a person then reads them, keeps the ones that are what the label says, and copies
them into ``data/scoring_validity/*.yaml`` with ``written_by: "llm:<model>, persona <name>, seed <seed>"``.

Run: ``python tools/validity_llm_answers.py --model qwen2.5-0.5b-instruct-q4 --out /tmp/llm_answers.yaml
--questions "Q1" "Q2"`` (about 20-60 s per answer on 2 shared cores).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

PERSONAS = {  # name -> (label, system prompt); ours
    "specific-engineer": ("strong", "You are an experienced professional in a job interview. Answer the question "
                          "with one real-sounding example from your work: the situation, what you did yourself, "
                          "and a result with a number. 70 to 110 words, first person, plain English."),
    "non-native-nurse": ("strong", "You are a nurse whose first language is not English, in a job interview. "
                         "Answer with one concrete example from your work, what you did, and the result with a "
                         "number. Use simple sentences and small grammar mistakes. 60 to 100 words."),
    "nervous-graduate": ("weak", "You are a nervous graduate in a job interview. Answer the question in two or "
                         "three short sentences with general statements only: no example, no names, no numbers."),
    "talkative-tangents": ("rambling", "You are a very talkative candidate in a job interview. Answer the question "
                           "loosely, drift into unrelated personal stories and details, never give a clear "
                           "example or result. 90 to 130 words, spoken style with 'you know' and 'I mean'."),
}
SEED = 7  # ours: fixed, recorded with each answer
MAX_TOKENS = 200  # ours: about 130 words


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-0.5b-instruct-q4")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--personas", nargs="+", default=list(PERSONAS))
    parser.add_argument("--questions", nargs="+", required=True)
    args = parser.parse_args(argv)
    from workbench.models import registry

    llm = registry.load(args.model)
    rows = yaml.safe_load(args.out.read_text()) if args.out.exists() else []
    for question in args.questions:
        for persona in args.personas:
            label, system = PERSONAS[persona]
            started = time.perf_counter()
            reply = llm.chat([{"role": "system", "content": system}, {"role": "user", "content": question}],
                             max_tokens=MAX_TOKENS, temperature=0.7, seed=SEED)
            rows.append({"question": question, "label": label, "persona": persona, "model": args.model,
                         "seed": SEED, "text": " ".join(reply.text.split()),
                         "seconds": round(time.perf_counter() - started, 1)})
            args.out.write_text(yaml.safe_dump(rows, sort_keys=False, allow_unicode=True), encoding="utf-8")
            print(f"{persona} {rows[-1]['seconds']} s: {question}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
