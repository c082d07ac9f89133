"""workbench score: score one answer (components, feedback, overall with uncertainty)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.cli.common import add_json_flag
from workbench.errors import InputError

MAX_ANSWER_FILE_BYTES = 1_000_000  # ours: a typed or transcribed answer is far smaller


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "score", help="score an answer: components, feedback, overall 0-100 with uncertainty",
        description="Score one answer to one question. The number never comes from the LLM; "
                    "--no-llm skips the written feedback (fast).")
    parser.add_argument("--question", "-q", required=True, help="the interview question")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--answer", "-a", help="the answer text ('-' reads it from stdin)")
    source.add_argument("--answer-file", type=Path, help="a UTF-8 text file holding the answer")
    parser.add_argument("--role", help="the role applied for (context for the feedback)")
    parser.add_argument("--concepts", nargs="+", metavar="CONCEPT",
                        help="what a good answer covers (enables concept coverage)")
    parser.add_argument("--no-llm", action="store_true", help="no LLM feedback (about 100 ms per answer)")
    parser.add_argument("--no-intent", action="store_true",
                        help="do not ask the LLM what a question outside the bank is after (by default it is "
                             "derived once, 20-60 s, and cached, so the same question always scores the same)")
    parser.add_argument("--seed", type=int, default=None, help="seed for the LLM feedback")
    add_json_flag(parser)
    parser.set_defaults(handler=_run, format_text=format_scores)


def _read_answer(args: argparse.Namespace) -> str:
    if args.answer_file is not None:
        path = args.answer_file
        if not path.is_file():
            raise InputError(f"answer file {path} does not exist")
        if path.stat().st_size > MAX_ANSWER_FILE_BYTES:
            raise InputError(f"answer file {path} is over {MAX_ANSWER_FILE_BYTES // 1000} kB; is it a text file?")
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise InputError(f"answer file {path} is not UTF-8 text") from error
    if args.answer == "-":
        return sys.stdin.read(MAX_ANSWER_FILE_BYTES)
    return args.answer


def _run(args: argparse.Namespace) -> dict:
    from workbench.config import DEFAULT_SEED
    from workbench.scoring import score_answer

    result = score_answer(args.question, _read_answer(args), concepts=args.concepts, role=args.role,
                          llm_feedback=not args.no_llm, derive_intent=not args.no_intent,
                          seed=DEFAULT_SEED if args.seed is None else args.seed)
    return result.to_json()


def format_scores(result: dict) -> str:
    """A readable card: overall, band, each component with its first reason, feedback, flags."""
    lines = [f"overall {result['overall']:.0f}/100 ± {result['uncertainty']:.0f}  ({result['band']})"]
    for name, comp in result["components"].items():
        why = comp["reasons"][0] if comp["reasons"] else ""
        lines.append(f"  {name:<14} {comp['score']:5.1f}  weight {comp.get('weight', 0):.2f}  {why}")
    if result["flags"]:
        lines.append("flags: " + ", ".join(result["flags"]))
    for reason in result.get("reasons", []):
        lines.append(f"  - {reason}")
    feedback = result.get("feedback")
    if feedback:
        lines.append(f"feedback ({feedback.get('source')}):")
        for kind in ("strengths", "improvements"):
            for item in feedback.get(kind, []):
                quote = f'  "{item["quote"]}"' if item.get("quote") else ""
                lines.append(f"  {'+' if kind == 'strengths' else '>'} {item['point']}{quote}")
    return "\n".join(lines)
