"""What comes after an answer: a follow-up probing it (within a time budget), the next planned question,
or the patient's next line in a role-play. Decisions only: the engine saves what they change.

Rules decide first (``followup.find_gaps``): no gap, no LLM call. When there is a gap the LLM phrases
the probe, but only for ``followup_budget_s`` seconds (``LIVE_FOLLOWUP_BUDGET_S`` by default); after
that the rule-written probe is asked, so the silence after Stop stays bounded however slow the model.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workbench.interview import answer as answers
from workbench.interview import followup, roleplay
from workbench.interview.lazy_llm import LazyLLM
from workbench.session import Session, Turn, TurnState

MAX_FOLLOWUPS_PER_QUESTION = 1  # ours: one probe per question keeps an interview moving
LIVE_FOLLOWUP_BUDGET_S = 1.5  # ours: issue 5's 3 s target minus the tail transcription (~1 s) and a margin


def within(work: Callable[[], Any], timeout_s: float) -> Any:
    """``work()``'s result if it finishes within ``timeout_s`` seconds, else None (it runs on, unused)."""
    box: list = []
    worker = threading.Thread(target=lambda: box.append(work()), daemon=True, name="within-budget")
    worker.start()
    worker.join(max(0.0, timeout_s))
    return box[0] if box else None


def _question_type(turn: Turn) -> str:
    return turn.analysis.get("interview", {}).get("type", "behavioural")


class FollowUpWriter:
    """Writes follow-ups with the session's LLM: while the candidate speaks (``speculate``) and at Stop
    (``write``, within a budget). ``llm``: the engine's lazily loaded model."""

    def __init__(self, llm: LazyLLM, *, seed: int, temperature: float) -> None:
        self.llm = llm
        self.seed = seed
        self.temperature = temperature

    def will_probe(self, session: Session, turn: Turn) -> bool:
        """Whether an LLM follow-up may be asked after this turn (only then is writing ahead worth it)."""
        return (session.mode == "interview" and turn.kind == "question" and self.llm.enabled
                and followups_on(session))

    def speculate(self, session: Session, turn: Turn, text: str) -> followup.FollowUp | None:
        """For the answer heard so far: fill llama.cpp's prompt cache with the follow-up prompt or, once the
        answer is long enough to have a real gap, write the follow-up itself (None unless the LLM wrote it)."""
        if not self.will_probe(session, turn):
            return None
        llm = self.llm.get()
        if llm is None:
            return None
        text = text[: answers.MAX_ANSWER_CHARS]
        gaps = followup.find_gaps(text, question_type=_question_type(turn)) if text else []
        if not gaps or gaps[0].kind == "too_short":
            followup.prime(llm, turn.question, text, temperature=self.temperature)
            return None
        made = followup.make_followup(turn.question, text, question_type=_question_type(turn), llm=llm,
                                      asked=[t.question for t in session.turns], seed=self.seed + turn.index,
                                      temperature=self.temperature)
        return made if made is not None and made.source == "llm" else None

    def write(self, session: Session, last: Turn, answer_text: str, *,
              budget_s: float | None) -> followup.FollowUp | None:
        """The follow-up probing the first gap of ``answer_text`` (None when it has none). With a budget, an
        LLM that has not answered (or not even loaded) within ``budget_s`` seconds gives the rule-written probe."""
        gaps = followup.find_gaps(answer_text, question_type=_question_type(last))
        if not gaps:
            return None

        def make() -> followup.FollowUp | None:
            return followup.make_followup(last.question, answer_text, question_type=_question_type(last),
                                          llm=self.llm.get(), asked=[t.question for t in session.turns],
                                          seed=self.seed + last.index, temperature=self.temperature)

        if budget_s is None:
            return make()
        made = within(make, budget_s)
        if made is None:  # the LLM missed the live budget: the rule-written probe, now
            made = followup.FollowUp(gaps[0].template, gaps[0].kind, "template",
                                     rejected=f"LLM slower than the {budget_s:g} s live budget")
        return made


def followups_on(session: Session) -> bool:
    return bool(session.settings.get("config", {}).get("followups", True))


def last_answered(session: Session) -> Turn | None:
    done = [t for t in session.turns if t.state in (TurnState.ANSWERED, TurnState.ANALYSED)]
    return done[-1] if done else None


def undecided(session: Session) -> Turn | None:
    """The answered turn whose follow-up is still to be decided, or None (a question is waiting for its
    answer, follow-ups are off, or it was decided already)."""
    last, pending = last_answered(session), session.next_turn()
    if session.mode != "interview" or last is None or (pending is not None and pending.state != TurnState.PLANNED):
        return None
    if last.analysis.get("interview", {}).get("followup_decided") or not followups_on(session):
        return None
    return last


def may_probe(session: Session, last: Turn) -> bool:
    """Whether ``last`` may get a follow-up: a planned question, answered, heard right (not a short or
    unsure transcript), not probed to the limit yet."""
    probes = sum(1 for t in session.turns if t.kind == "follow_up" and t.question_id == last.question_id)
    return (last.kind == "question" and probes < MAX_FOLLOWUPS_PER_QUESTION
            and bool((last.answer_text or "").strip()) and not answers.misheard(last))


def will_write_followup(session: Session) -> bool:
    """Whether deciding what comes next means writing a follow-up (the rules found a gap in the last answer)."""
    last = undecided(session)
    if last is None or not may_probe(session, last):
        return False
    return bool(followup.find_gaps(last.answer_text[: answers.MAX_ANSWER_CHARS], question_type=_question_type(last)))


@dataclass(frozen=True)
class Decided:
    """What ``decide_followup`` changed: the answered turn (marked decided) and the follow-up inserted after it."""

    answered: Turn
    followup: Turn | None  # None: the next planned question comes
    written_ahead: bool = False  # the follow-up was written while the candidate spoke


def decide_followup(session: Session, writer: FollowUpWriter, *, budget_s: float | None,
                    written: Callable[[Session, Turn, str, float | None], tuple[followup.FollowUp, int] | None]
                    ) -> Decided | None:
    """Decide, once per answer, whether a follow-up comes next; insert it into ``session`` if so.

    budget_s: the most seconds the LLM may take (then the rule-written probe); None waits.
    written(session, turn, answer, timeout_s): the follow-up written ahead for the same gap and the characters of
    the answer it saw, if any (it may wait up to ``timeout_s`` for one being written).
    None when there was nothing to decide."""
    last = undecided(session)
    if last is None:
        return None
    meta = last.analysis.setdefault("interview", {})
    meta["followup_decided"] = True
    if not may_probe(session, last):
        return Decided(last, None)
    answer_text = last.answer_text[: answers.MAX_ANSWER_CHARS]
    deadline = None if budget_s is None else time.perf_counter() + budget_s
    ahead = written(session, last, answer_text, budget_s)
    if ahead is not None:
        made, meta["followup_seen_chars"] = ahead
    else:
        remaining = None if deadline is None else max(0.0, deadline - time.perf_counter())
        made = writer.write(session, last, answer_text, budget_s=remaining)
    if made is None:
        return Decided(last, None)
    meta["followup"] = made.to_json()
    return Decided(last, insert_followup(session, last, made), written_ahead=ahead is not None)


def insert_followup(session: Session, last: Turn, made: followup.FollowUp) -> Turn:
    """Put the follow-up right after ``last`` (later turns move down one place) and return it."""
    meta = last.analysis.setdefault("interview", {})
    new = Turn(index=last.index + 1, question=made.text, kind="follow_up", question_id=last.question_id,
               competency=last.competency, concepts=list(followup.GAP_COVERS[made.gap]),  # what the probe asks
               analysis={"interview": {"type": meta.get("type"), "source": made.source, "gap": made.gap,
                                       "parent_index": last.index, "followup_decided": True}})
    session.turns.insert(session.turns.index(last) + 1, new)
    for i, t in enumerate(session.turns):
        t.index = i
    return new


def add_roleplay_line(session: Session, *, llm: Callable[[], Any], seed: int, temperature: float) -> bool:
    """Append the patient's next line, or mark the role-play ended when its time or turns are up.
    False when nothing changed (a line is still waiting for the candidate's answer)."""
    if session.next_turn() is not None:
        return False
    card = roleplay.RoleplayCard.model_validate(session.settings["roleplay"])
    elapsed_s = time.time() - float(session.settings.get("roleplay_started_at", time.time()))
    if elapsed_s >= card.duration_s or len(session.turns) >= roleplay.ROLEPLAY_MAX_TURNS:
        session.settings["roleplay_ended"] = {"elapsed_s": round(elapsed_s, 1), "turns": len(session.turns)}
        return True
    history: list[tuple[str, str]] = []
    for t in session.turns:
        history.append(("patient", t.question))
        if t.answer_text:
            history.append(("clinician", t.answer_text))
    line = roleplay.patient_reply(card, history, llm=llm(), seed=seed + len(session.turns), temperature=temperature)
    session.turns.append(Turn(
        index=len(session.turns), question=line.text, kind="roleplay", question_id=card.id,
        competency="clinical communication", concepts=list(card.candidate_tasks),
        analysis={"interview": {"source": line.source, "speaker": "patient", "rejected": line.rejected,
                                "elapsed_s": round(elapsed_s, 1)}},
    ))
    return True

