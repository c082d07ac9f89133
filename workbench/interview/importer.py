"""Import a folder of recordings as a session in the store.

The folder holds the answer files (webm, mp4, wav, ...) and a small ``questions.yaml``::

    role: software engineer          # required: one of the bank roles (or any text)
    level: mid                       # required: junior | mid | senior
    session_id: my-mock-interview    # optional; default: a new id
    candidate: student-07            # optional label
    synthetic: false                 # optional; true for demo data
    turns:                           # required: one entry per question, in order
      - question: "Tell me about a time you disagreed with a colleague."
        answer: answer1.webm         # a file in this folder (optional when `text` is given)
        text: "..."                  # optional: a typed answer or a reference transcript
        question_id: gen-conflict-colleague   # optional: a bank id fills competency and concepts
        competency: teamwork         # optional
        concepts: [listening, compromise]     # optional

Media files are stored encrypted (``store.write_media``) in the store's media folder; the source
folder is never modified.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from workbench.config import DATA_DIR_BUNDLED
from workbench.errors import InputError
from workbench.interview.answer import check_suffix
from workbench.interview.bank import LEVELS, load_bank, normalise_role
from workbench.privacy.inputs import check_media_file
from workbench.session import AnswerSource, Session, Turn, TurnState, check_session_id, now_iso
from workbench.store import SessionStore

QUESTIONS_FILE = "questions.yaml"
SAMPLE_SESSION_DIR = DATA_DIR_BUNDLED / "sample_session"  # the bundled synthetic session (names its own id)
MAX_IMPORT_TURNS = 100  # ours: far beyond any interview; guards against a runaway file


class ImportTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=3, max_length=1000)
    answer: str | None = None
    text: str | None = None
    question_id: str | None = None
    competency: str | None = None
    concepts: list[str] = Field(default_factory=list)
    kind: str = "question"


class ImportFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str
    level: str
    session_id: str | None = None
    candidate: str | None = None
    synthetic: bool = False
    mode: str = "interview"
    note: str | None = None
    turns: list[ImportTurn] = Field(min_length=1, max_length=MAX_IMPORT_TURNS)


def read_questions_file(folder: Path) -> ImportFile:
    """Read and validate ``<folder>/questions.yaml``; errors say which field is wrong."""
    path = Path(folder) / QUESTIONS_FILE
    if not Path(folder).is_dir():
        raise InputError(f"{folder} is not a folder; give a folder with {QUESTIONS_FILE} and the answer files")
    if not path.is_file():
        raise InputError(f"no {QUESTIONS_FILE} in {folder}; see `workbench session import --help` for the format")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = ImportFile.model_validate(raw)
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise InputError(f"{path} is not valid YAML: {error}") from error
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{path}: {where}: {first['msg']}") from error
    if spec.level not in LEVELS:
        raise InputError(f"{path}: level must be one of {', '.join(LEVELS)}, got {spec.level!r}")
    return spec


def _answer_file(folder: Path, name: str) -> Path:
    """The answer's path, once its content is known to be a readable recording with sound."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise InputError(f"answer {name!r}: give a plain file name inside the folder")
    path = Path(folder) / name
    if not path.is_file():
        raise InputError(f"answer file {name!r} listed in {QUESTIONS_FILE} is missing from {folder}")
    try:  # by content, not by name: size, type, sound track, duration and resolution limits
        check_media_file(path, kind="audio")
    except InputError as error:
        raise InputError(f"answer file {name!r} in {folder}: {str(error).removeprefix(f'{path}: ')}") from error
    return path


def import_folder(folder: Path | str, *, store: SessionStore | None = None, session_id: str | None = None,
                  replace: bool = False) -> Session:
    """Create a session from a folder (see the module docstring for the format) and save it.

    If a session with that id already exists, it is returned unchanged (importing is idempotent)
    unless ``replace=True``. Every file is checked before anything is written.
    """
    folder = Path(folder)
    spec = read_questions_file(folder)
    store = store or SessionStore()
    sid = check_session_id(session_id or spec.session_id) if (session_id or spec.session_id) else None
    if sid and store.exists(sid):
        if not replace:
            return store.get(sid)
        store.delete(sid)
    sources = [_answer_file(folder, t.answer) if t.answer else None for t in spec.turns]
    bank = load_bank()
    turns = []
    for i, (entry, source) in enumerate(zip(spec.turns, sources, strict=True)):
        known: Any = None
        if entry.question_id:
            try:
                known = bank.get(entry.question_id)
            except InputError:
                known = None
        answered = source is not None or bool((entry.text or "").strip())
        turns.append(Turn(
            index=i, question=" ".join(entry.question.split()), kind=entry.kind, question_id=entry.question_id,
            competency=entry.competency or (known.competency if known else None),
            concepts=entry.concepts or (list(known.concepts) if known else []),
            state=TurnState.ANSWERED if answered else TurnState.PLANNED,
            answer_text=(entry.text or "").strip() or None, asked_at=now_iso() if answered else None,
            answer_source=(AnswerSource.GIVEN if (entry.text or "").strip() else
                           AnswerSource.SPOKEN if source is not None else None),
            answered_at=now_iso() if answered else None,
            analysis={"interview": {"source": "import", "type": known.type if known else None}},
        ))
    kwargs = {"id": sid} if sid else {}
    session = Session(role=normalise_role(spec.role), level=spec.level, mode=spec.mode, candidate=spec.candidate,
                      synthetic=spec.synthetic, turns=turns,
                      settings={"imported_from": str(folder.resolve()), "note": spec.note}, **kwargs)
    store.save(session)
    for turn, source in zip(turns, sources, strict=True):
        if source is not None:
            name = f"turn{turn.index:02d}{check_suffix(source.suffix)}"
            turn.answer_media = store.write_media(session.id, name, source.read_bytes())  # encrypted at rest
    return store.save(session)
