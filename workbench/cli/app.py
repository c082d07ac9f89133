"""workbench app: the live interview as an app with no code shown (Voila), on 127.0.0.1 with a token."""
from __future__ import annotations

import argparse
from typing import Any

from workbench.cli.common import add_json_flag, uses_store


def register(subparsers: argparse._SubParsersAction) -> None:
    from workbench.widgets.appserver import DEFAULT_PORT

    parser = subparsers.add_parser(
        "app", help="the live interview as an app (consent first, no code shown), served on 127.0.0.1 "
                    "with a token; Ctrl-C stops it")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="P", help=f"default {DEFAULT_PORT}")
    parser.add_argument("--class", dest="class_label", default="", metavar="C",
                        help="file every session of this app under class C (the class view reads it)")
    parser.add_argument("--llm", default="", metavar="ID",
                        help="the interviewer LLM (default: the default LLM; 'none': bank questions only)")
    parser.add_argument("--role", default="software engineer", metavar="R", help="the role preselected")
    parser.add_argument("--questions", type=int, default=5, metavar="N", help="planned questions (default 5)")
    parser.add_argument("--no-voice", action="store_true", help="show the questions without speaking them")
    parser.add_argument("--rate", action="store_true", help="for educators: the summary lets you rate the model's "
                                                            "follow-ups and feedback good or bad (for tuning)")
    add_json_flag(parser)
    uses_store(parser)
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> dict[str, Any]:
    import json

    from workbench.widgets.appserver import AppOptions, AppServer

    server = AppServer(AppOptions(port=args.port, llm_id=args.llm, role=args.role, n_questions=args.questions,
                                  voice=not args.no_voice, class_label=args.class_label, rate=args.rate))
    server.start()
    try:
        ready_s = server.wait_ready()
        if args.json:
            print(json.dumps({"url": server.url, "ready_s": round(ready_s, 2)}), flush=True)
        else:
            print(f"The interview app is at {server.url}\n(open it in this computer's browser; Ctrl-C stops it)",
                  flush=True)
        code = server.wait()
    finally:
        server.stop()
    return {"stopped": True, "exit_code": code}
