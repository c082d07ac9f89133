"""workbench tune export|rate|train|eval|list: training data for the interviewer model from stored sessions
(with a person's ratings), LoRA training on CPU, the before/after gate, and the training jobs."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli.common import add_json_flag, uses_store


def register(subparsers: argparse._SubParsersAction) -> None:
    from workbench.tuning.examples import TASKS
    from workbench.tuning.export import DEFAULT_MIN_QUALITY

    parser = subparsers.add_parser("tune", help="personal models: export the interviewer's best interactions, "
                                                "train a LoRA on them, list the jobs")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    export = actions.add_parser("export", help="the follow-ups or the written feedback the LLM wrote, scored by "
                                               "rules or a person's rating, as chat-messages JSONL")
    export.add_argument("--task", choices=TASKS, default="followup", help="which interactions (default followup)")
    export.add_argument("--min-quality", type=float, default=DEFAULT_MIN_QUALITY, metavar="Q",
                        help=f"keep interactions scoring at least Q in [0, 1] (default {DEFAULT_MIN_QUALITY})")
    export.add_argument("--out", required=True, metavar="FILE.jsonl",
                        help="the train split; FILE.heldout.jsonl and FILE.card.json are written beside it")
    export.add_argument("--keep-names", action="store_true", help="do not anonymise the text")
    export.add_argument("--best-of", type=int, default=0, metavar="N",
                        help="ask the LLM N times again on each prompt whose reply fell below the threshold and "
                             "keep the best reply that reaches it (slow: N replies per prompt)")
    export.add_argument("--llm", metavar="MODEL_ID", help="the model --best-of asks (default: the default LLM)")
    export.add_argument("--progress", action="store_true", help="progress bar on stderr (default: on a terminal)")
    add_json_flag(export)
    uses_store(export)
    export.set_defaults(handler=_export, format_text=_format)

    from workbench.tuning.ratings import RATINGS

    rating = actions.add_parser("rate", help="mark a follow-up or the written feedback on an answer good or bad "
                                             "(the export lets a person's rating decide its quality)")
    rating.add_argument("session_id", metavar="SESSION_ID")
    rating.add_argument("turn", type=int, metavar="TURN", help="the turn's index (`workbench session show ID`)")
    rating.add_argument("rating", choices=[*RATINGS, "clear"], help="good, bad, or clear to remove a rating")
    rating.add_argument("--task", choices=TASKS, default="followup",
                        help="followup: the turn is a follow-up; feedback: the feedback on the turn's answer")
    add_json_flag(rating)
    uses_store(rating)
    rating.set_defaults(handler=_rate, format_text=_format_rated)

    from workbench.tuning.train import TrainConfig

    defaults = TrainConfig(base="", data=Path(), name="")
    training = actions.add_parser("train", help="LoRA on CPU on a chat-messages JSONL; registers the tuned model "
                                                "(an interrupted job resumes when run again)")
    training.add_argument("--base", required=True, metavar="MODEL_ID", help="a llama.cpp LLM of `workbench models "
                                                                           "list`, e.g. qwen2.5-0.5b-instruct-q4")
    training.add_argument("--data", required=True, metavar="FILE.jsonl", help="what `workbench tune export` wrote")
    training.add_argument("--name", required=True, metavar="NAME", help="the new model's id (for --llm NAME)")
    training.add_argument("--steps", type=int, default=defaults.steps, metavar="N", help=f"default {defaults.steps}")
    training.add_argument("--rank", type=int, default=defaults.rank, metavar="R", help=f"default {defaults.rank}")
    training.add_argument("--batch", type=int, default=defaults.batch_size, metavar="B",
                          help=f"examples per step (default {defaults.batch_size})")
    training.add_argument("--lr", type=float, default=defaults.learning_rate, metavar="LR",
                          help=f"learning rate (default {defaults.learning_rate})")
    training.add_argument("--max-tokens", type=int, default=defaults.max_tokens, metavar="T",
                          help=f"longest example in tokens (default {defaults.max_tokens})")
    training.add_argument("--checkpoint-every", type=int, default=defaults.checkpoint_every, metavar="K",
                          help=f"steps between checkpoints (default {defaults.checkpoint_every})")
    training.add_argument("--progress", action="store_true", help="progress bar on stderr (default: on a terminal)")
    add_json_flag(training)
    training.set_defaults(handler=_train, format_text=_format_trained)
    from workbench.tuning.gate import DEFAULT_TARGETS

    gate = actions.add_parser("eval", help="the before/after gate: tuned vs base through the comparison "
                                           "harness (held-out split and validity prompts); prefers the tuned "
                                           "model or says why not")
    gate.add_argument("name", metavar="NAME")
    gate.add_argument("--prompts", metavar="FILE", help="the held-out prompts (default: the .heldout.prompts.jsonl "
                                                        "beside the training data, when there)")
    gate.add_argument("--limit", type=int, metavar="N", help="only the first N items of each set")
    gate.add_argument("--target", metavar="MEASURE",
                      help="the measure the tuning is for (default by the training data's task: "
                           + ", ".join(f"{task} {measure}" for task, measure in DEFAULT_TARGETS.items()) + ")")
    gate.add_argument("--progress", action="store_true", help="progress bars on stderr")
    add_json_flag(gate)
    gate.set_defaults(handler=_eval, format_text=_format_gate)
    listing = actions.add_parser("list", help="the training jobs: status, progress, loss, timings")
    add_json_flag(listing)
    listing.set_defaults(handler=_jobs, format_text=_format_jobs)


def _export(args: argparse.Namespace) -> dict[str, Any]:
    import sys

    from workbench.store import SessionStore
    from workbench.tuning.export import export_examples

    return export_examples(SessionStore(), Path(args.out).expanduser(), task=args.task, min_quality=args.min_quality,
                           anonymise=not args.keep_names, best_of=args.best_of, llm_id=args.llm,
                           progress=args.progress or sys.stderr.isatty())


TASK_NOUNS = {"followup": "follow-ups", "feedback": "written feedback"}


def _format(card: dict[str, Any]) -> str:
    counts = card["counts"]
    lines = [f"{counts['exported']} of {counts['interactions']} {TASK_NOUNS[card['task']]} exported "
             f"(quality >= {card['min_quality']}): {counts['train']} train, {counts['held_out']} held out"]
    if counts["best_of_n"]["n"]:
        made = counts["best_of_n"]
        lines.append(f"best of {made['n']} ({made['model_id']}): {made['kept']} new of {made['prompts_tried']} "
                     "prompts asked again")
    lines += [f"train: {card['files']['train']['path']}", f"card: {card['files']['card']}"]
    return "\n".join(lines + [f"warning: {w}" for w in card["warnings"]])


def _rate(args: argparse.Namespace) -> dict[str, Any]:
    from workbench.store import SessionStore
    from workbench.tuning.ratings import rate

    rating = None if args.rating == "clear" else args.rating
    ratings = rate(SessionStore(), args.session_id, args.turn, args.task, rating)
    return {"session_id": args.session_id, "turn": args.turn, "task": args.task, "rating": rating,
            "ratings": ratings}


def _format_rated(result: dict[str, Any]) -> str:
    what = f"{TASK_NOUNS[result['task']]} of turn {result['turn']} in {result['session_id']}"
    return f"cleared the rating of the {what}" if result["rating"] is None else f"rated the {what}: {result['rating']}"


def _train(args: argparse.Namespace) -> dict[str, Any]:
    import sys

    from tqdm import tqdm

    from workbench.tuning.train import TrainConfig, train

    config = TrainConfig(base=args.base, data=Path(args.data).expanduser(), name=args.name, steps=args.steps,
                         rank=args.rank, batch_size=args.batch, learning_rate=args.lr, max_tokens=args.max_tokens,
                         checkpoint_every=args.checkpoint_every)
    bar = tqdm(total=config.steps, unit="step", file=sys.stderr, disable=not (args.progress or sys.stderr.isatty()))

    def progress(update: dict[str, Any]) -> None:
        bar.n = update["step"]
        bar.set_postfix(loss=update["loss"], left=f"{update['left_s']:.0f} s")
        bar.refresh()

    try:
        return train(config, progress=progress)
    finally:
        bar.close()


def _format_trained(record: dict[str, Any]) -> str:
    losses = record["losses"]
    return (f"tuned {record['name']} from {record['base']}: {record['steps']} steps on {record['examples']} examples, "
            f"loss {losses[0]:.3f} -> {losses[-1]:.3f}, {record['seconds_per_step_median']} s/step, "
            f"peak {record['peak_rss_mb']} MB\nadapter: {record['adapter_path']}\n"
            f"use it with --llm {record['name']} (LLM_ID = \"{record['name']}\" in notebook 10)")


def _jobs(args: argparse.Namespace) -> dict[str, Any]:
    from workbench.tuning.tuned import jobs

    return {"jobs": jobs()}


def _format_jobs(result: dict[str, Any]) -> str:
    if not result["jobs"]:
        return "no training jobs yet (workbench tune train --base ID --data FILE.jsonl --name NAME)"
    lines = []
    for job in result["jobs"]:
        done = job.get("progress") or {}
        lines.append(f"{job['name']:<24} {job.get('status', '?'):<12} "
                     f"step {done.get('step', 0)}/{done.get('steps', '?')}  loss {done.get('loss', '-')}  "
                     f"base {job.get('base')}"
                     + (f"  error: {job['error']}" if job.get("error") else ""))
    return "\n".join(lines)


def _eval(args: argparse.Namespace) -> dict[str, Any]:
    from workbench.tuning.gate import evaluate

    result = evaluate(args.name, prompts=args.prompts, limit=args.limit, target=args.target, progress=args.progress)
    result.pop("comparisons")  # the measures with their intervals stay in "measured"; the record keeps them too
    return result


def _format_gate(result: dict[str, Any]) -> str:
    verdict = result["verdict"]
    lines = [f"{result['name']} vs {result['base']}: {'PREFERRED' if verdict['preferred'] else 'not preferred'}"
             f" - {verdict['reason']}"]
    for data, models in result["measured"].items():
        for model_id, measures in models.items():
            shown = measures.get(verdict["target"], {})
            lines.append(f"  {data:<9} {model_id:<28} {verdict['target']} {shown.get('value')} "
                         f"[{shown.get('ci_low')}, {shown.get('ci_high')}]")
    return "\n".join(lines)
