"""The before/after gate: a tuned model against its base through the comparison harness
(``workbench.evaluation.harness.compare``), on the held-out split of its training data and on the fixed
validity prompts, every measure with its paired interval.

The tuned model becomes the preferred LLM (what the live interview and the scorer use unless told
otherwise) only when it is better on the target measure (the paired test names it, p < 0.05) on at least
one data set and worse on no guarded measure on any (the harness names the base better). Otherwise it
stays in the library, not preferred, with the reason.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.clock import utc_now
from workbench.config import DEFAULT_SEED
from workbench.errors import InputError
from workbench.tuning import tuned
from workbench.tuning.export import CARD_SUFFIX, PROMPTS_SUFFIX

# The measure a tuning is for, by the task of its training data (the card `workbench tune export` wrote):
# follow-ups: the self-test found 63% grounded with the default model; feedback: the most visible
# weakness is feedback that speaks of "the candidate" instead of "you".
DEFAULT_TARGETS = {"followup": "grounding_share", "feedback": "second_person_share"}
DEFAULT_TARGET = DEFAULT_TARGETS["followup"]  # training data without a card
GUARDED_MEASURES = ("guard_pass_share", "grounding_share", "repeat_share", "json_valid_share",
                    "verified_quote_share", "second_person_share", "latency_p50_s", "tokens_per_s")
VALIDITY = "validity"
HELD_OUT = "held_out"
GATE_DIR = "gate"  # <model folder>/gate/<data set>.json: the harness's full comparisons


def decide(pairs: dict[str, dict[str, Any]], *, base: str, name: str, target: str) -> dict[str, Any]:
    """The gate's verdict from each data set's harness pair (``compare_pair`` of tuned and base)."""
    better_on = [data for data, pair in pairs.items() if pair["measures"][target]["better_model"] == name]
    worse = sorted({f"{measure} ({data})" for data, pair in pairs.items() for measure in GUARDED_MEASURES
                    if measure in pair["measures"] and pair["measures"][measure]["better_model"] == base})
    preferred = bool(better_on) and not worse
    if preferred:
        reason = f"better than {base} on {target} ({', '.join(better_on)}) and worse on no guarded measure"
    elif worse:
        reason = f"worse than {base} on {', '.join(worse)}"
    else:
        reason = f"not shown better than {base} on {target} (no paired test below p = 0.05)"
    return {"preferred": preferred, "reason": reason, "target": target, "better_on_target_in": better_on,
            "worse_on": worse, "decided_at": utc_now().isoformat()}


def _held_out_prompts(record: dict[str, Any]) -> Path | None:
    data = Path(record.get("data", ""))
    candidate = data.with_name(data.stem + PROMPTS_SUFFIX)
    return candidate if candidate.is_file() and candidate.stat().st_size else None


def default_target(record: dict[str, Any]) -> str:
    """The target measure for a tuned model: by the task on its training data's card."""
    data = Path(record.get("data", ""))
    card = tuned.read_json(data.with_name(data.stem + CARD_SUFFIX)) or {}
    return DEFAULT_TARGETS.get(card.get("task"), DEFAULT_TARGET)


def evaluate(name: str, *, prompts: str | None = None, limit: int | None = None, target: str | None = None,
             seed: int = DEFAULT_SEED, progress: bool = False) -> dict[str, Any]:
    """Run the gate for tuned model ``name``; its verdict is stored in the model's record. ``target``:
    default by the training data's task (``DEFAULT_TARGETS``)."""
    from workbench.evaluation.harness import compare
    from workbench.evaluation.llm import MEASURES

    folder = tuned.model_dir(name)
    record = tuned.read_json(folder / tuned.RECORD_NAME)
    if record is None:
        raise InputError(f"no tuned model named {name!r} (`workbench tune list` shows the jobs)")
    target = target or default_target(record)
    if target not in {m.name for m in MEASURES}:
        raise InputError(f"unknown target measure {target!r}; use one of {[m.name for m in MEASURES]}")
    base = record["base"]
    held_out = Path(prompts) if prompts else _held_out_prompts(record)
    comparisons = {}
    if held_out is not None:
        comparisons[HELD_OUT] = compare("llm", [name, base], prompts=str(held_out), limit=limit, seed=seed,
                                        progress=progress)
    comparisons[VALIDITY] = compare("llm", [name, base], dataset_name=VALIDITY, limit=limit, seed=seed,
                                    progress=progress)
    failed = [line for c in comparisons.values() for line in c["errors"]]
    if failed:
        raise InputError(f"the gate could not run both models: {'; '.join(failed)}")
    verdict = decide({data: c["pairs"][0] for data, c in comparisons.items()}, base=base, name=name, target=target)
    measured = {data: {m["model_id"]: m["measures"] for m in c["models"]} for data, c in comparisons.items()}
    if verdict["preferred"]:  # one preferred model per base at a time
        for other in tuned.records():
            if other["name"] != name and other.get("preferred"):
                tuned.write_json(tuned.model_dir(other["name"]) / tuned.RECORD_NAME,
                                 {**_stored(other), "preferred": False})
    gate_files = {}
    for data, comparison in comparisons.items():  # notebook 60 shows them with the comparison's own tables
        gate_files[data] = str(folder / GATE_DIR / f"{data}.json")
        tuned.write_json(Path(gate_files[data]), comparison)
    tuned.write_json(folder / tuned.RECORD_NAME, {**record, "preferred": verdict["preferred"], "gate": verdict,
                                                  "last_measured": measured, "gate_files": gate_files})
    return {"name": name, "base": base, "verdict": verdict, "measured": measured,
            "held_out_prompts": str(held_out) if held_out else None, "comparisons": comparisons}


def _stored(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "adapter_path"}
