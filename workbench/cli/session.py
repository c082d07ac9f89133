"""workbench session new|import|list|show|delete: interview sessions in the store."""
from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from workbench.cli.common import add_json_flag, uses_store
from workbench.config import DEFAULT_SEED
from workbench.interview.bank import LEVELS, TYPES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("session", help="create, import, list, show or delete interview sessions")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    new = actions.add_parser("new", help="plan a new interview (or role-play) session")
    new.add_argument("--role", default="software engineer")
    new.add_argument("--level", default="mid", choices=list(LEVELS))
    new.add_argument("--type", dest="types", action="append", choices=list(TYPES),
                     help="question type (repeatable); default: behavioural, technical, situational")
    new.add_argument("-n", "--questions", type=int, default=5, help="number of planned questions")
    new.add_argument("--jd", type=Path, metavar="FILE", help="job description or CV to tailor a question to")
    new.add_argument("--roleplay", metavar="ID", help="a clinical role-play card id instead of an interview")
    new.add_argument("--candidate", metavar="LABEL",
                     help="a pseudonym for the candidate (an e-mail address or a phone number is refused)")
    new.add_argument("--class", dest="class_label", metavar="C", help="the class or group the session belongs to")
    new.add_argument("--model", default="none", help="LLM id for tailored questions; default 'none' (bank only)")
    new.add_argument("--seed", type=int, default=DEFAULT_SEED)
    new.set_defaults(handler=_new)

    imp = actions.add_parser("import", help="import a folder: questions.yaml + answer recordings",
                             description=_import_help())
    imp.add_argument("folder", type=Path)
    imp.add_argument("--id", dest="session_id", help="session id (default: from questions.yaml, else new)")
    imp.add_argument("--replace", action="store_true", help="replace an existing session with that id")
    imp.set_defaults(handler=_import)

    lst = actions.add_parser("list", help="list stored sessions")
    lst.add_argument("--class", dest="class_label", metavar="C", help="only this class's sessions")
    lst.add_argument("--candidate", metavar="LABEL", help="only this candidate's sessions")
    lst.set_defaults(handler=_list, format_text=_list_text)

    show = actions.add_parser("show", help="show one session, turn by turn")
    show.add_argument("session_id")
    show.set_defaults(handler=_show, format_text=_show_text)

    delete = actions.add_parser("delete", help="delete a session and its media (or all of one candidate's)")
    delete.add_argument("session_id", nargs="?")
    delete.add_argument("--candidate", metavar="LABEL", help="delete every session of this candidate")
    delete.set_defaults(handler=_delete)

    roleplays = actions.add_parser("roleplays", help="list the clinical role-play cards")
    roleplays.set_defaults(handler=_roleplays)
    for sub in (new, imp, lst, show, delete, roleplays):
        add_json_flag(sub)
    for sub in (new, imp, lst, show, delete):
        uses_store(sub)


def _import_help() -> str:
    from workbench.interview import importer

    return importer.__doc__ or ""


def _new(args: argparse.Namespace) -> dict:
    from workbench.cli.ask import _read_jd
    from workbench.interview.engine import InterviewConfig, InterviewEngine

    config = InterviewConfig(
        role=args.role, level=args.level, types=tuple(args.types or ("behavioural", "technical", "situational")),
        n_questions=args.questions, job_description=_read_jd(args.jd), candidate=args.candidate,
        class_label=args.class_label,
        mode="roleplay" if args.roleplay else "interview", roleplay_id=args.roleplay,
    )
    engine = InterviewEngine(llm_id=args.model, seed=args.seed, voice=False)
    session = engine.start(config)
    return _session_json(session)


def _import(args: argparse.Namespace) -> dict:
    from workbench.interview.importer import import_folder

    return _session_json(import_folder(args.folder, session_id=args.session_id, replace=args.replace))


def _list(args: argparse.Namespace) -> dict:
    from workbench.store import SessionStore

    return {"sessions": [asdict(s) for s in SessionStore().list()
                         if (args.class_label is None or s.class_label == args.class_label)
                         and (args.candidate is None or s.candidate == args.candidate)]}


def _list_text(result: dict) -> str:
    rows = result["sessions"]
    if not rows:
        return "no sessions; create one with `workbench session new` or `workbench session import FOLDER`"
    lines = [f"{'id':32} {'created':25} {'role':18} {'level':6} {'answered':>8}  {'candidate':16} class"]
    for s in rows:
        tag = " (synthetic)" if s["synthetic"] else ""
        lines.append(f"{s['id']:32} {s['created_at']:25} {s['role']:18} {s['level']:6} "
                     f"{s['answered']:>3}/{s['turns']:<4}  {s['candidate'] or '-':16} {s['class_label'] or '-'}{tag}")
    return "\n".join(lines)


def _session_json(session) -> dict:
    data = session.to_json()
    return data


def _show(args: argparse.Namespace) -> dict:
    from workbench.store import SessionStore

    return _session_json(SessionStore().get(args.session_id))


def _show_text(result: dict) -> str:
    lines = [f"session {result['id']}  {result['role']} / {result['level']}  mode={result['mode']}"
             + ("  SYNTHETIC" if result.get("synthetic") else "")]
    for t in result["turns"]:
        lines.append(f"[{t['index']}] {t['state']:9} {t['kind']:9} {t['question']}")
        if t.get("answer_text"):
            answer = t["answer_text"]
            lines.append(f"      answer: {answer[:200]}{'...' if len(answer) > 200 else ''}")
        if t.get("answer_media"):
            lines.append(f"      media: {t['answer_media']}")
    return "\n".join(lines)


def _delete(args: argparse.Namespace) -> dict:
    from workbench.errors import InputError
    from workbench.store import SessionStore

    store = SessionStore()
    if bool(args.session_id) == bool(args.candidate):
        raise InputError("give a session id or --candidate LABEL (one of them)")
    if args.candidate:
        ids = [s.id for s in store.list() if s.candidate == args.candidate]
        if not ids:
            raise InputError(f"no sessions of candidate {args.candidate!r}; see `workbench session list`")
        for session_id in ids:
            store.delete(session_id)
        return {"deleted": ids, "candidate": args.candidate}
    if not store.delete(args.session_id):
        raise InputError(f"no session {args.session_id!r}; see `workbench session list`")
    return {"deleted": args.session_id}


def _roleplays(args: argparse.Namespace) -> dict:
    from workbench.interview.roleplay import load_roleplays

    return {"roleplays": [{"id": c.id, "title": c.title, "profession": c.profession, "setting": c.setting}
                          for c in load_roleplays().values()]}
