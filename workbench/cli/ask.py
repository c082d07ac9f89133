"""workbench ask: one interview question (generated, guarded, bank fallback) or a follow-up to an answer."""
from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.common import add_json_flag
from workbench.config import DEFAULT_SEED
from workbench.errors import InputError
from workbench.interview.bank import TYPES

MAX_JD_BYTES = 200_000  # ours: a job description or CV is a few pages of text


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ask", help="ask one interview question, or a follow-up to an answer")
    parser.add_argument("--role", required=True, help="e.g. 'software engineer', nurse, teacher")
    parser.add_argument("--level", required=True, choices=["junior", "mid", "senior"])
    parser.add_argument("--type", dest="qtype", default="behavioural", choices=list(TYPES))
    parser.add_argument("--jd", type=Path, metavar="FILE",
                        help="a job description or CV (text) to tailor the question to")
    parser.add_argument("--after", metavar="ANSWER", help="the candidate's answer: ask a follow-up probing it")
    parser.add_argument("--question", default="", help="with --after: the question that answer responds to")
    parser.add_argument("--model", default=None, help="LLM id (default: the catalogue's default); 'none' = bank only")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    add_json_flag(parser)
    parser.set_defaults(handler=_run, format_text=_text)


def _llm(model: str | None):
    if model == "none":
        return None, "LLM switched off"
    from workbench.errors import WorkbenchError
    from workbench.models import registry

    try:
        return (registry.load(model) if model else registry.load_default("llm")), None
    except WorkbenchError as error:
        if model:  # the user asked for this model explicitly: say so
            raise
        return None, str(error)


def _read_jd(path: Path | None) -> str | None:
    if path is None:
        return None
    if not path.is_file():
        raise InputError(f"--jd {path}: no such file")
    if path.stat().st_size > MAX_JD_BYTES:
        raise InputError(f"--jd {path}: too large (at most {MAX_JD_BYTES // 1000} kB of text)")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"--jd {path}: not UTF-8 text ({error}); paste the text into a .txt file") from error


def _run(args: argparse.Namespace) -> dict:
    from workbench.injection import is_injection
    from workbench.interview import followup, generate
    from workbench.interview.bank import check_role_level, load_bank

    check_role_level(args.role, args.level, known_roles=load_bank().roles)
    jd = _read_jd(args.jd)
    llm, llm_note = _llm(args.model)
    if args.after is not None:
        if not args.after.strip():
            raise InputError("--after is empty: give the candidate's answer text")
        made = followup.make_followup(args.question or "your last answer", args.after, question_type=args.qtype,
                                      llm=llm, asked=[args.question] if args.question else [], seed=args.seed)
        if made is not None:
            return {"kind": "follow_up", "question": made.text, "source": made.source, "gap": made.gap,
                    "rejected": made.rejected, "injection_detected": is_injection(args.after),
                    "llm_note": llm_note}
    made_q = generate.generate_question(args.role, args.level, args.qtype, llm=llm, job_description=jd,
                                        asked=[args.question] if args.question else [], seed=args.seed)
    out = {"kind": "question", **made_q.to_json(), "question": made_q.text, "llm_note": llm_note}
    out.pop("text")
    if args.after is not None:
        out["note"] = "the answer has no gap the rules look for: next question instead of a follow-up"
    return out


def _text(result: dict) -> str:
    lines = [result["question"], f"  ({result['kind']}, from {result['source']}"
             + (f", probing: {result['gap']}" if result.get("gap") else "") + ")"]
    if result.get("rejected"):
        lines.append(f"  LLM output rejected: {result['rejected']}")
    if result.get("llm_note"):
        lines.append(f"  note: {result['llm_note']}")
    return "\n".join(lines)
