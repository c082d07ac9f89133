"""workbench selftest: simulated candidates interview the workbench end to end, spoken, with known truths."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from workbench.cli.common import add_json_flag, uses_store

RESULTS_NAME = "selftest.json"
HTML_NAME = "selftest.html"
NOTEBOOK_NAME = "70_self_test.ipynb"
EXIT_CHECK_FAILED = 1  # a check failed (known limits and skipped checks do not count)


def register(subparsers: argparse._SubParsersAction) -> None:
    from workbench.config import DEFAULT_SEED

    parser = subparsers.add_parser(
        "selftest", help="simulated candidates (personas) answer by voice through the whole pipeline; "
                         "checks against what was put in")
    parser.add_argument("--personas", metavar="A,B", help="persona names (data/personas); default: all")
    parser.add_argument("--questions", type=int, default=3, metavar="N",
                        help="planned questions per persona (candidate turns per role-play); default 3")
    parser.add_argument("--role", default="software engineer", metavar="R", help="the interview role")
    parser.add_argument("--llm", metavar="ID", help="the LLM that interviews and writes the answers "
                                                    "(default: the default LLM; 'none': bank answers)")
    parser.add_argument("--stt", metavar="ID", help="the speech-to-text model (default: the default one)")
    parser.add_argument("--no-voice", action="store_true", help="type the answers instead of speaking them")
    parser.add_argument("--video", action="store_true",
                        help="record a still face as the video track too (the face stage then runs)")
    parser.add_argument("--no-followups", action="store_true", help="planned questions only")
    parser.add_argument("--feedback", action="store_true", help="also write the LLM's feedback (slow)")
    parser.add_argument("--report", action="store_true",
                        help="each session through the report pipeline (workbench report: stage notebooks, the "
                             "LLM's feedback, the report), checked against the stored scores (slow)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S", help="the same seed, the same run")
    parser.add_argument("--out", metavar="DIR", help=f"write {RESULTS_NAME} and notebook 70 as {HTML_NAME} into DIR")
    parser.add_argument("--delete", action="store_true", help="delete every self-test session, run nothing")
    parser.add_argument("--progress", action="store_true", help="progress bar on stderr (default: on a terminal)")
    add_json_flag(parser)
    uses_store(parser)
    parser.set_defaults(handler=_run, format_text=format_selftest)


def write_outputs(result: dict[str, Any], out_dir: Path) -> dict[str, str]:
    """The self-test JSON and notebook 70 run on it, as HTML, in ``out_dir``."""
    from workbench.config import NOTEBOOKS_DIR
    from workbench.report.runner import notebook_to_html, run_notebook

    out_dir.mkdir(parents=True, exist_ok=True)
    results_path = out_dir / RESULTS_NAME
    results_path.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    run = run_notebook(NOTEBOOKS_DIR / NOTEBOOK_NAME, out_dir, {"RESULTS_JSON": str(results_path.resolve())})
    html = notebook_to_html(run.executed_path, out_dir / HTML_NAME, title="Self-test")
    return {"results_json": str(results_path), "html": str(html), "notebook": str(run.executed_path)}


def _run(args: argparse.Namespace) -> dict[str, Any] | tuple[dict[str, Any], int]:
    from workbench.selftest.run import SelfTestConfig, delete_selftest_sessions, run_selftest
    from workbench.store import SessionStore

    store = SessionStore()
    if args.delete:
        deleted = delete_selftest_sessions(store)
        return {"deleted": deleted, "count": len(deleted)}
    config = SelfTestConfig(personas=args.personas, questions=args.questions, role=args.role, llm_id=args.llm,
                            stt_id=args.stt, voice=not args.no_voice, video=args.video, seed=args.seed,
                            followups=not args.no_followups, feedback=args.feedback, report=args.report)
    result = run_selftest(config, store=store, progress=args.progress or sys.stderr.isatty())
    if args.out:
        result["outputs"] = write_outputs(result, Path(args.out).expanduser())
    failed = any(c["status"] == "fail" for c in result["checks"])
    return result, (EXIT_CHECK_FAILED if failed else 0)


def format_selftest(result: dict[str, Any]) -> str:
    if "deleted" in result:
        return f"deleted {result['count']} self-test session(s)"
    lines = [f"{c['status']:<12} {c['name']}: {c['measured']} ({c['tolerance']})" for c in result["checks"]]
    lines.append(f"{len(result['sessions'])} synthetic sessions, {result['timings']['answers']} answers; "
                 f"median {result['timings']['per_answer_median_s']} s per answer")
    lines += [f"  {s['persona']:<18} {s['session_id']}  {s['total_s']} s"
              + (f"  {s['report_html']}" if s.get("report_html") else "") for s in result["sessions"]]
    if result.get("outputs"):
        lines.append(f"report: {result['outputs']['html']}")
    lines.append("delete them all: workbench selftest --delete")
    return "\n".join(lines)
