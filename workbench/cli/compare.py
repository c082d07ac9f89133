"""workbench compare stt|llm|embedding --models A,B: models side by side on one data set, with intervals."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench.cli.common import add_json_flag

RESULTS_NAME = "comparison.json"
HTML_NAME = "comparison.html"
NOTEBOOK_NAME = "50_model_comparison.ipynb"


def register(subparsers: argparse._SubParsersAction) -> None:
    from workbench.config import DEFAULT_SEED

    parser = subparsers.add_parser(
        "compare", help="compare models of one task on the same data, with 95%% intervals and paired tests")
    parser.add_argument("task", choices=("stt", "llm", "embedding"), help="what the models do")
    parser.add_argument("--models", required=True, metavar="A,B[,C...]",
                        help="registry model ids, comma-separated (your own from workbench.toml too)")
    data = parser.add_mutually_exclusive_group()
    data.add_argument("--audio", metavar="DIR", help="stt: recordings, each with a same-named .txt reference")
    data.add_argument("--prompts", metavar="FILE", help="llm/embedding: a JSONL prompt set")
    data.add_argument("--set", dest="dataset", metavar="NAME",
                      help="a bundled set (stt: real-speech, read-speech, cards, librivox, alsa, fillers; "
                           "llm/embedding: validity)")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N items")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S", help="seed of models and intervals")
    parser.add_argument("--judge-seeds", type=int, default=0, metavar="K",
                        help="llm: also rate each answer 1-5 with K seeds and report the spread (default 0: off)")
    parser.add_argument("--out", metavar="DIR", help=f"write {RESULTS_NAME} and the executed notebook 50 as "
                                                     f"{HTML_NAME} into DIR")
    parser.add_argument("--progress", action="store_true", help="progress bars on stderr (default: on a terminal)")
    add_json_flag(parser)
    parser.set_defaults(handler=_run, format_text=format_comparison)


def write_outputs(result: dict, out_dir: Path) -> dict[str, str]:
    """The comparison JSON and notebook 50 run on it, as HTML, in ``out_dir``."""
    from workbench.config import PROJECT_ROOT
    from workbench.report.runner import notebook_to_html, run_notebook

    out_dir.mkdir(parents=True, exist_ok=True)
    results_path = out_dir / RESULTS_NAME
    results_path.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    run = run_notebook(PROJECT_ROOT / "notebooks" / NOTEBOOK_NAME, out_dir,
                       {"TASK": result["task"], "RESULTS_JSON": str(results_path.resolve())})
    html = notebook_to_html(run.executed_path, out_dir / HTML_NAME, title=f"Model comparison: {result['task']}")
    return {"results_json": str(results_path), "html": str(html), "notebook": str(run.executed_path)}


def _run(args: argparse.Namespace) -> dict | tuple[dict, int]:
    from workbench.errors import InputError
    from workbench.evaluation import compare

    if args.judge_seeds and args.task != "llm":
        raise InputError("--judge-seeds is for the llm task")
    if args.judge_seeds < 0:
        raise InputError("--judge-seeds must be 0 or more")
    result = compare(args.task, args.models, audio=args.audio, prompts=args.prompts, dataset_name=args.dataset,
                     limit=args.limit, seed=args.seed, progress=args.progress or sys.stderr.isatty(),
                     options={"judge_seeds": args.judge_seeds} if args.task == "llm" else None)
    if args.out:
        result["outputs"] = write_outputs(result, Path(args.out).expanduser())
    if not any(m["status"] == "ok" for m in result["models"]):
        raise InputError("no model could run: " + "; ".join(result["errors"]))
    return result, (1 if result["errors"] else 0)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"


def format_comparison(result: dict) -> str:
    """A plain table: per model each measure with its interval, then each pair's differences."""
    lines = [f"{result['task']} on {result['data']['name']} ({result['data']['items']} items, "
             f"seed {result['seed']})"]
    for model in result["models"]:
        if model["status"] != "ok":
            lines.append(f"\n{model['model_id']}: {model['error']}")
            continue
        lines.append(f"\n{model['model_id']}  (load {model['load_s']} s, peak {model['peak_rss_mb']} MB, "
                     f"{model['items_failed']} item(s) failed)")
        for name, m in model["measures"].items():
            if m["value"] is not None:
                lines.append(f"  {name:28} {_fmt(m['value']):>10}  [{_fmt(m['ci_low'])}, {_fmt(m['ci_high'])}]"
                             f"  n={m['items']}")
    for pair in result["pairs"]:
        lines.append(f"\n{pair['model_a']} minus {pair['model_b']}")
        for name, d in pair["measures"].items():
            if d["difference_a_minus_b"] is not None:
                better = f"  better: {d['better_model']}" if d["better_model"] else ""
                lines.append(f"  {name:28} {_fmt(d['difference_a_minus_b']):>10}  [{_fmt(d['ci_low'])}, "
                             f"{_fmt(d['ci_high'])}]  p={_fmt(d['p_value'])}{better}")
    lines.append(f"\nharness overhead {result['timing']['harness_overhead_s']} s of {result['timing']['wall_s']} s")
    if result.get("outputs"):
        lines.append(f"wrote {result['outputs']['results_json']} and {result['outputs']['html']}")
    return "\n".join(lines)
