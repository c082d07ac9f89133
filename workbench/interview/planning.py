"""Planning: the settings a session starts from and the questions (or the role-play's opening line)
it plans before anything is asked. Nothing here touches the store: the engine saves the plan.

    session = plan_session(InterviewConfig(role="nurse", level="junior", n_questions=3), seed=0, llm=lazy_llm)
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from workbench.errors import InputError
from workbench.privacy.consent import parse_choice
from workbench.privacy.labels import check_candidate_label, check_class_label
from workbench.interview import generate, roleplay
from workbench.interview.bank import LEVELS, TYPES, check_role_level, load_bank, normalise_role
from workbench.interview.lazy_llm import LazyLLM
from workbench.session import Session, Turn

MAX_QUESTIONS = 30  # ours: a long mock interview; more is a typo
DEFAULT_TYPES = ("behavioural", "technical", "situational")
MODES = ("interview", "roleplay")


@dataclass(frozen=True)
class InterviewConfig:
    """What the start panel asks for."""

    role: str = "software engineer"
    level: str = "mid"
    types: tuple[str, ...] = DEFAULT_TYPES  # the question mix, asked round-robin
    n_questions: int = 5  # planned questions, follow-ups not counted
    job_description: str | None = None  # pasted job description or CV: tailors generated questions
    think_time_s: float = 0.0  # pause the widget allows before recording starts
    mode: str = "interview"  # "interview" | "roleplay"
    roleplay_id: str | None = None  # a card id in data/roleplays when mode == "roleplay"
    followups: bool = True  # probe answers with follow-ups
    tailored_questions: int | None = None  # LLM-written questions from the job description (default 1 if given)
    candidate: str | None = None  # a pseudonym for the candidate (privacy.labels: no e-mail address or phone)
    class_label: str | None = None  # the class or group (an educator's label)
    camera: bool = False  # the camera is recorded too (the start panel's setting)
    consent: str | None = None  # privacy.consent.ConsentChoice from the app's consent panel; None: not asked


def plan_session(config: InterviewConfig, *, seed: int, llm: LazyLLM, temperature: float = 0.0,
                 engine_settings: dict[str, Any] | None = None) -> Session:
    """A new session (not saved) holding the plan for ``config``; nothing is asked yet.

    seed: chooses the bank questions (same seed, same plan). llm: writes tailored questions when a job
    description is given. engine_settings: recorded in ``session.settings`` beside the config."""
    if config.mode not in MODES:
        raise InputError(f"unknown mode {config.mode!r}; use 'interview' or 'roleplay'")
    settings = {"config": asdict(config), **(engine_settings or {})}
    label_warnings = check_candidate_label(config.candidate)
    check_class_label(config.class_label)
    parse_choice(config.consent)
    if label_warnings:
        settings["label_warnings"] = label_warnings
    if config.mode == "roleplay":
        return _plan_roleplay(config, settings)
    bank = load_bank()
    check_role_level(config.role, config.level, known_roles=bank.roles)
    if not 1 <= int(config.n_questions) <= MAX_QUESTIONS:
        raise InputError(f"number of questions must be between 1 and {MAX_QUESTIONS}")
    types = tuple(config.types) or DEFAULT_TYPES
    bad = [t for t in types if t not in TYPES]
    if bad:
        raise InputError(f"unknown question type(s) {bad}; use {list(TYPES)}")
    chosen = bank.select(config.role, config.level, types=types, n=int(config.n_questions), seed=seed)
    turns = [Turn(index=i, question=q.text, question_id=q.id, competency=q.competency,
                  concepts=list(q.concepts), analysis={"interview": {"type": q.type, "source": "bank"}})
             for i, q in enumerate(chosen)]
    jd = (config.job_description or "").strip() or None
    tailored = config.tailored_questions if config.tailored_questions is not None else (1 if jd else 0)
    if tailored and llm.get() is not None:
        asked = [t.question for t in turns]
        for turn in turns[: int(tailored)]:
            qtype = turn.analysis["interview"]["type"]
            made = generate.generate_question(config.role, config.level, qtype, llm=llm.get(),
                                              job_description=jd, asked=asked, seed=seed + turn.index,
                                              temperature=temperature, bank=bank)
            if made.source == "llm":
                turn.question, turn.analysis["interview"]["source"] = made.text, "llm"
            turn.analysis["interview"]["generation"] = made.to_json()
            asked.append(made.text)
    return Session(role=normalise_role(config.role), level=config.level, mode="interview",
                   candidate=config.candidate, class_label=config.class_label, turns=turns, settings=settings)


def _plan_roleplay(config: InterviewConfig, settings: dict[str, Any]) -> Session:
    card = roleplay.get_roleplay(config.roleplay_id or "")
    if config.level not in LEVELS:
        raise InputError(f"unknown level {config.level!r}; choose one of: {', '.join(LEVELS)}")
    first = Turn(index=0, question=card.opening_line, kind="roleplay", question_id=card.id,
                 competency="clinical communication", concepts=list(card.candidate_tasks),
                 analysis={"interview": {"source": "script", "speaker": "patient"}})
    return Session(role=card.profession, level=config.level, mode="roleplay", candidate=config.candidate,
                   class_label=config.class_label,
                   turns=[first], settings={**settings, "roleplay": card.model_dump(mode="json")})
