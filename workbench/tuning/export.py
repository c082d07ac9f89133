"""Training data for the interviewer model: the examples of ``tuning.examples`` (what it wrote in stored
sessions, with a quality from the rules or a person's rating) at or above a threshold, exported as
chat-messages JSONL with a dataset card.

    card = export_examples(store, Path("followups.jsonl"), task="followup", min_quality=0.7)
    card["counts"], card["quality_histogram"], card["files"]["train"]["sha256"]

Text is anonymised (``privacy.anonymise``), duplicates dropped, and sessions split into train and
held-out (about one in ``HELD_OUT_EVERY``, by a hash of the session id: the same split every time; at least
one session when there are two or more).
With ``best_of`` the prompts below the threshold are asked again (``tuning.best_of_n``).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from workbench.errors import InputError
from workbench.store import SessionStore
from workbench.tuning.examples import EXAMPLES_OF, QUALITY_NOTE, RULES_OF, TASKS, Example
from workbench.tuning.ratings import RATINGS

DEFAULT_MIN_QUALITY = 0.7  # the default threshold
HELD_OUT_EVERY = 5  # ours: about 20% of the sessions are held out
MIN_EXAMPLES = 100  # the issue: fewer examples than this is too few to tune on
HISTOGRAM_BINS = 10
PROMPTS_SUFFIX = ".heldout.prompts.jsonl"  # beside the train file: the held-out split as harness prompts
CARD_SUFFIX = ".card.json"  # beside the train file: the dataset card
HELD_OUT_SUFFIX = ".heldout.jsonl"


def _session_hash(session_id: str) -> int:
    return int(hashlib.sha256(session_id.encode()).hexdigest(), 16)


def held_out(session_id: str) -> bool:
    return _session_hash(session_id) % HELD_OUT_EVERY == 0


def held_out_sessions(session_ids: set[str]) -> set[str]:
    """The sessions held out: by the hash; when it holds out none of two or more sessions (a small set), the one
    with the smallest hash, so the gate always has held-out prompts. The same sessions give the same split."""
    chosen = {s for s in session_ids if held_out(s)}
    if not chosen and len(session_ids) >= 2:
        chosen = {min(session_ids, key=_session_hash)}
    return chosen


def _anonymised(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    from workbench.privacy.anonymise import anonymise_text

    return [{"role": m["role"], "content": anonymise_text(m["content"]) if m["role"] != "system" else m["content"]}
            for m in messages]


def _write(path: Path, examples: list[Example], *, as_prompts: bool = False) -> dict[str, Any]:
    """The examples as chat messages, or (``as_prompts``) as the comparison harness's prompt set
    (``workbench compare llm --prompts``; what ``workbench tune eval`` runs base and tuned on)."""
    rows = ([{"id": f"{e.session_id}-{e.turn_index}", **e.prompt} for e in examples] if as_prompts
            else [{"messages": e.messages} for e in examples])
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    partial = path.with_name(path.name + ".partial")  # a disk that fills leaves the previous file intact
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return {"path": str(path), "examples": len(examples), "sha256": hashlib.sha256(text.encode()).hexdigest()}


def histogram(qualities: list[float], bins: int = HISTOGRAM_BINS) -> list[dict[str, Any]]:
    counts = [0] * bins
    for q in qualities:
        counts[min(bins - 1, int(q * bins))] += 1
    return [{"from": round(i / bins, 2), "to": round((i + 1) / bins, 2), "count": c} for i, c in enumerate(counts)]


def _best_of_n(every: list[Example], task: str, n: int, llm_id: str | None, min_quality: float,
               progress: bool) -> tuple[list[Example], str]:
    import sys

    from tqdm import tqdm

    from workbench.models import registry
    from workbench.models.catalog import default_model_id
    from workbench.tuning.best_of_n import best_of_n

    model_id = llm_id or default_model_id("llm")
    llm = registry.load(model_id)
    with tqdm(unit="prompt", desc=f"best of {n}", file=sys.stderr, disable=not progress) as bar:
        def advance(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        return best_of_n(every, task, llm, n=n, min_quality=min_quality, progress=advance), model_id


def export_examples(store: SessionStore, out: Path, *, task: str = "followup",
                    min_quality: float = DEFAULT_MIN_QUALITY, anonymise: bool = True, best_of: int = 0,
                    llm_id: str | None = None, progress: bool = False) -> dict[str, Any]:
    """Write ``out`` (train), ``<out stem>.heldout.jsonl`` and ``<out stem>.card.json``; the card.

    ``best_of`` > 0: the prompts whose stored reply fell below ``min_quality`` are asked again that many
    times (``tuning.best_of_n``) of ``llm_id`` (default: the task's default LLM), the best reply kept when it
    reaches the threshold."""
    if task not in EXAMPLES_OF:
        raise InputError(f"unknown task {task!r}; use one of {', '.join(TASKS)}")
    if not 0.0 <= min_quality <= 1.0:
        raise InputError(f"--min-quality must be between 0 and 1 (got {min_quality})")
    if best_of:
        from workbench.tuning.best_of_n import check_n

        check_n(best_of)
    out = Path(out)
    if out.suffix != ".jsonl":
        raise InputError(f"the output must be a .jsonl file (got {out.name})")
    every = [e for summary in store.list() for e in EXAMPLES_OF[task](store.get(summary.id))]
    generated, generator = _best_of_n(every, task, best_of, llm_id, min_quality, progress) if best_of else ([], None)
    kept, seen = [], set()
    for example in sorted(every + generated, key=lambda e: (e.session_id, e.turn_index, e.source == "best_of_n")):
        if example.quality < min_quality:
            continue
        if anonymise:
            from workbench.privacy.anonymise import anonymise_text

            example.messages = _anonymised(example.messages)
            example.prompt = {**example.prompt, "question": anonymise_text(example.prompt["question"]),
                              "answer": anonymise_text(example.prompt["answer"])}
        key = hashlib.sha256(json.dumps(example.messages[1:], sort_keys=True).encode()).hexdigest()
        if key not in seen:
            seen.add(key)
            kept.append(example)
    out.parent.mkdir(parents=True, exist_ok=True)
    testing = held_out_sessions({e.session_id for e in kept})
    train = [e for e in kept if e.session_id not in testing]
    test = [e for e in kept if e.session_id in testing]
    heldout_path = out.with_name(out.stem + HELD_OUT_SUFFIX)
    passing = sum(e.quality >= min_quality for e in every + generated)
    card = {
        "task": task, "min_quality": min_quality, "anonymised": anonymise,
        "rules": RULES_OF[task], "quality": QUALITY_NOTE[task] + "; a person's rating decides where there is one",
        "counts": {"interactions": len(every), "llm_written": sum(e.source == "llm" for e in every),
                   "rated": {r: sum(e.rating == r for e in every) for r in RATINGS},
                   "at_or_above_threshold": passing, "exported": len(kept), "duplicates_dropped": passing - len(kept),
                   "train": len(train), "held_out": len(test),
                   "best_of_n": {"n": best_of, "model_id": generator, "prompts_tried": sum(
                       e.quality < min_quality for e in every) if best_of else 0, "kept": len(generated)}},
        "quality_histogram": histogram([e.quality for e in every]),
        "sources": {"synthetic_sessions": len({e.session_id for e in kept if e.synthetic}),
                    "real_sessions": len({e.session_id for e in kept if not e.synthetic}),
                    "synthetic_examples": sum(e.synthetic for e in kept),
                    "real_examples": sum(not e.synthetic for e in kept)},
        "split": f"by session: held out when sha256(session id) % {HELD_OUT_EVERY} == 0 (when that holds out none "
                 "of two or more sessions: the one with the smallest hash)",
        "files": {"train": _write(out, train), "held_out": _write(heldout_path, test),
                  "held_out_prompts": _write(out.with_name(out.stem + PROMPTS_SUFFIX), test, as_prompts=True)},
        "warnings": ([f"only {len(kept)} examples (fewer than {MIN_EXAMPLES}): too few to tune on; record more "
                      "sessions, run `workbench selftest` to make synthetic ones"
                      + ("" if best_of else ", or add --best-of 4 to ask the default model again on the prompts "
                         "whose reply fell below the threshold")] if len(kept) < MIN_EXAMPLES else []),
    }
    card_path = out.with_name(out.stem + CARD_SUFFIX)
    card["files"]["card"] = str(card_path)
    card_path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return card
