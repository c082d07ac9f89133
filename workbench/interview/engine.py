"""The session engine: a plan of questions plus follow-ups, one clear state per turn, saved to the
store after every change so a crash or a kernel restart loses nothing already recorded.

    engine = InterviewEngine()
    session = engine.start(InterviewConfig(role="nurse", level="junior", n_questions=3))
    turn = engine.current_question(session)        # state: asked
    wav = engine.speak(turn)                       # WAV bytes, or None with voice off
    engine.begin_answer(session)                   # state: answering
    feedback = engine.submit_answer(session, media_bytes=webm)   # stored first, then transcribed
    turn = engine.next_question(session)           # a follow-up probing the answer, or the next one
    engine.finish(session)["report_command"]       # "workbench report <session id>"

Latency: the next bank question is planned (and its audio synthesised in the background) before
the candidate finishes; rules decide between a follow-up and the next question before any LLM
call, and the LLM only phrases a short probe (``followup.FOLLOWUP_MAX_TOKENS``).
"""
from __future__ import annotations

import functools
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from workbench.config import DEFAULT_SEED
from workbench.errors import InputError, WorkbenchError
from workbench.interview import answer as answers
from workbench.interview import followup, generate, guard, roleplay, tts
from workbench.interview.live import LiveAnswers, LiveTranscriber, within
from workbench.interview.bank import LEVELS, TYPES, check_role_level, load_bank, normalise_role
from workbench.session import Session, Turn, TurnState, now_iso
from workbench.store import SessionStore

MAX_FOLLOWUPS_PER_QUESTION = 1  # ours: one probe per question keeps an interview moving
MAX_QUESTIONS = 30  # ours: a long mock interview; more is a typo
DEFAULT_TYPES = ("behavioural", "technical", "situational")
NO_LLM = "none"  # llm_id that switches the LLM off: bank questions and rule-written probes only
NONDETERMINISTIC_TEMPERATURE = 0.7  # ours: varied but still on-task phrasing
LIVE_FOLLOWUP_BUDGET_S = 1.5  # ours: issue 5's 3 s target minus the tail transcription (~1 s) and a margin


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
    candidate: str | None = None  # a label for the candidate (not necessarily a name)


class InterviewEngine(LiveAnswers):
    """Runs interviews and role-plays over a ``SessionStore``. Models load lazily, once."""

    def __init__(self, store: SessionStore | None = None, *, llm_id: str | None = None, seed: int = DEFAULT_SEED,
                 deterministic: bool = True, voice: bool = True, stt_id: str | None = None, llm: Any = None) -> None:
        self.store = store or SessionStore()
        self.llm_id = llm_id
        self.stt_id = stt_id
        self.seed = int(seed)
        self.deterministic = deterministic
        self.voice = voice
        self.temperature = 0.0 if deterministic else NONDETERMINISTIC_TEMPERATURE
        self.llm_error: str | None = None  # why the LLM is unavailable, if it is
        self._llm = llm
        self._llm_tried = llm is not None
        self._llm_lock = threading.Lock()
        self._audio: dict[str, bytes] = {}  # spoken questions, by text
        self.timings: dict[str, float] = {}  # seconds of the last submit/next: decode, transcription, llm, tts
        self._live: LiveTranscriber | None = None  # the answer being transcribed while recorded
        self._live_key: tuple[str, int] | None = None  # (session id, turn index) of ``_live``
        self._speculators: dict = {}
        self._speculated: dict = {}
        self.live_transcription = True
        self.followup_budget_s: float | None = None  # live: wait at most this for the LLM at Stop, then the
        # rule-written probe (the app sets LIVE_FOLLOWUP_BUDGET_S); None waits (reproducible replays)  # feed_audio transcribes in the background (off: only at Stop)

    # --- models ------------------------------------------------------------------------------
    def llm(self):
        """The chat model, or None when switched off or not installed (then the bank is used)."""
        with self._llm_lock:
            if not self._llm_tried:
                self._llm_tried = True
                if self.llm_id == NO_LLM:
                    self.llm_error = "LLM switched off"
                else:
                    from workbench.models import registry
                    try:
                        self._llm = registry.load(self.llm_id) if self.llm_id else registry.load_default("llm")
                    except WorkbenchError as error:
                        self.llm_error = str(error)
            return self._llm

    def warm_up(self) -> None:
        """Load the LLM and the voice now (the start panel calls this in the background)."""
        self.llm()
        if self.voice:
            try:
                tts.synthesize("Hello.")
            except WorkbenchError:
                pass

    # --- plan --------------------------------------------------------------------------------
    def start(self, config: InterviewConfig) -> Session:
        """Plan and save a new session; nothing is asked yet."""
        if config.mode not in ("interview", "roleplay"):
            raise InputError(f"unknown mode {config.mode!r}; use 'interview' or 'roleplay'")
        if config.mode == "roleplay":
            return self._start_roleplay(config)
        bank = load_bank()
        check_role_level(config.role, config.level, known_roles=bank.roles)
        if not 1 <= int(config.n_questions) <= MAX_QUESTIONS:
            raise InputError(f"number of questions must be between 1 and {MAX_QUESTIONS}")
        types = tuple(config.types) or DEFAULT_TYPES
        bad = [t for t in types if t not in TYPES]
        if bad:
            raise InputError(f"unknown question type(s) {bad}; use {list(TYPES)}")
        chosen = bank.select(config.role, config.level, types=types, n=int(config.n_questions), seed=self.seed)
        turns = [Turn(index=i, question=q.text, question_id=q.id, competency=q.competency,
                      concepts=list(q.concepts), analysis={"interview": {"type": q.type, "source": "bank"}})
                 for i, q in enumerate(chosen)]
        jd = (config.job_description or "").strip() or None
        tailored = config.tailored_questions if config.tailored_questions is not None else (1 if jd else 0)
        if tailored and self.llm() is not None:
            asked = [t.question for t in turns]
            for turn in turns[: int(tailored)]:
                qtype = turn.analysis["interview"]["type"]
                made = generate.generate_question(config.role, config.level, qtype, llm=self.llm(),
                                                  job_description=jd, asked=asked, seed=self.seed + turn.index,
                                                  temperature=self.temperature, bank=bank)
                if made.source == "llm":
                    turn.question, turn.analysis["interview"]["source"] = made.text, "llm"
                turn.analysis["interview"]["generation"] = made.to_json()
                asked.append(made.text)
        session = Session(role=normalise_role(config.role), level=config.level, mode="interview",
                          candidate=config.candidate, turns=turns, settings=self._settings(config))
        return self.store.save(session)

    def _settings(self, config: InterviewConfig, **extra: Any) -> dict[str, Any]:
        return {"config": asdict(config), "seed": self.seed, "deterministic": self.deterministic,
                "temperature": self.temperature, "llm_id": self.llm_id, "voice": self.voice, **extra}

    def _start_roleplay(self, config: InterviewConfig) -> Session:
        card = roleplay.get_roleplay(config.roleplay_id or "")
        if config.level not in LEVELS:
            raise InputError(f"unknown level {config.level!r}; choose one of: {', '.join(LEVELS)}")
        first = Turn(index=0, question=card.opening_line, kind="roleplay", question_id=card.id,
                     competency="clinical communication", concepts=list(card.candidate_tasks),
                     analysis={"interview": {"source": "script", "speaker": "patient"}})
        session = Session(role=card.profession, level=config.level, mode="roleplay", candidate=config.candidate,
                          turns=[first], settings=self._settings(config, roleplay=card.model_dump(mode="json")))
        return self.store.save(session)

    # --- asking ------------------------------------------------------------------------------
    def current_question(self, session: Session) -> Turn | None:
        """The turn to answer now (marked asked and saved), or None when the session is over."""
        turn = session.next_turn()
        if turn is None:
            return None
        if turn.state == TurnState.PLANNED:
            turn.state, turn.asked_at = TurnState.ASKED, now_iso()
            if session.mode == "roleplay" and "roleplay_started_at" not in session.settings:
                session.settings["roleplay_started_at"] = time.time()
                self.store.save(session)
            else:
                self.store.save_turn(session.id, turn)
            self._prefetch_audio(session)
        return turn

    def speak(self, turn: Turn) -> bytes | None:
        """The question as WAV bytes in the interviewer's voice, or None with voice off."""
        if not self.voice:
            return None
        if turn.question not in self._audio:
            started = time.perf_counter()
            self._audio[turn.question] = tts.synthesize(turn.question).wav_bytes
            self.timings["tts_s"] = time.perf_counter() - started
        else:
            self.timings["tts_s"] = 0.0
        return self._audio[turn.question]

    def _prefetch_audio(self, session: Session) -> None:
        """Synthesise the next planned question while the candidate answers this one."""
        if not self.voice:
            return
        upcoming = [t.question for t in session.turns if t.state == TurnState.PLANNED][:1]
        todo = [q for q in upcoming if q not in self._audio]
        if todo:
            def work() -> None:
                for text in todo:
                    try:
                        self._audio[text] = tts.synthesize(text).wav_bytes
                    except WorkbenchError:
                        pass
            threading.Thread(target=work, daemon=False, name="prefetch-question-audio").start()  # non-daemon: onnxruntime aborts if killed at exit

    # --- answering ---------------------------------------------------------------------------
    def begin_answer(self, session: Session) -> Turn:
        """Mark the current turn as being answered (recording or typing started)."""
        turn = self.current_question(session)
        if turn is None:
            raise InputError("the session is over: there is no question to answer")
        turn.state = TurnState.ANSWERING
        self.store.save_turn(session.id, turn)
        self._prime_in_background(session, turn, "")
        return turn

    def _will_probe(self, session: Session, turn: Turn) -> bool:
        """Whether an LLM follow-up may be asked after this turn (only then is priming worth it)."""
        return (session.mode == "interview" and turn.kind == "question" and self.llm_id != NO_LLM
                and session.settings.get("config", {}).get("followups", True))

    def submit_answer(self, session: Session, *, text: str | None = None, media_bytes: bytes | None = None,
                      media_suffix: str = ".webm", duration_s: float | None = None) -> answers.AnswerFeedback:
        """Store the answer (media first), transcribe it, and return light feedback.

        text: a typed answer (or a transcript you already have). media_bytes: a recording (webm,
        wav, mp4...). duration_s: the recording's length when the caller knows it. An empty answer
        raises ``InputError`` and changes nothing; everything else is saved before any analysis.
        """
        media = bytes(media_bytes) if media_bytes else b""
        text = (text or "").strip()
        if not media and not text:
            raise InputError("empty answer: record or type an answer, or skip the question")
        if len(media) > answers.MAX_MEDIA_BYTES:
            raise InputError(f"recording too large ({len(media) / 2**20:.0f} MiB, at most "
                             f"{answers.MAX_MEDIA_BYTES / 2**20:.0f} MiB)")
        turn = self.current_question(session)
        if turn is None:
            raise InputError("the session is over: there is no question to answer")
        warnings: list[str] = []
        self.timings = {}
        live = self._take_live(session, turn) if media and not text else self._drop_live()
        if media:  # stored FIRST: whatever happens next, the recording is safe
            suffix = answers.check_suffix(media_suffix)
            turn.answer_media = self.store.write_media(session.id, f"turn{turn.index:02d}{suffix}", media)
        if text:
            turn.answer_text = text
        turn.answer_duration_s = duration_s
        turn.state, turn.answered_at = TurnState.ANSWERED, now_iso()
        self.store.save_turn(session.id, turn)
        transcribed_s = None
        if media and not text:
            transcript, transcribed_s, duration = self._transcribe(session, turn, warnings, live)
            if duration is not None:
                turn.answer_duration_s = duration_s or duration
            turn.answer_text = transcript
            self.store.save_turn(session.id, turn)
        spoken = turn.answer_text or ""
        if len(spoken) > answers.MAX_ANSWER_CHARS:
            warnings.append(f"very long answer ({len(spoken)} characters): only the start is used for follow-ups")
        if media and not spoken:
            warnings.append("no speech was heard in the recording: check the microphone, or type the answer")
        injected = guard.looks_like_injection(spoken)
        if injected:
            warnings.append("the answer contains instructions to the interviewer; they were kept as part of "
                            "the answer and not followed")
        fillers = answers.count_fillers(spoken)
        return answers.AnswerFeedback(
            turn_index=turn.index, transcript=spoken, words=len(spoken.split()), duration_s=turn.answer_duration_s,
            words_per_minute=answers.words_per_minute(spoken, turn.answer_duration_s),
            filler_count=len(fillers), fillers=fillers, media_file=turn.answer_media, transcribed_s=transcribed_s,
            warnings=warnings, injection_detected=injected,
        )

    def _transcribe(self, session: Session, turn: Turn, warnings: list[str],
                    live: LiveTranscriber | None = None) -> tuple[str, float | None, float | None]:
        started = time.perf_counter()
        try:
            with self.store.media_file(session.id, turn.answer_media) as path:  # decrypted copy, deleted after
                audio = answers.decode(path)
        except InputError as error:
            warnings.append(f"{error}; the file is kept in the session")
            self.timings["decode_s"] = time.perf_counter() - started
            if live is not None:
                live.stop()
            return "", None, None
        self.timings["decode_s"] = time.perf_counter() - started
        duration = len(audio) / answers.SAMPLE_RATE_HZ
        if duration > answers.MAX_ANSWER_S:
            warnings.append(f"recording is {duration / 60:.0f} minutes long (limit {answers.MAX_ANSWER_S // 60}); "
                            "it is kept, but check that the recorder was not left running")
        limit = int(answers.MAX_LIVE_TRANSCRIBE_S * answers.SAMPLE_RATE_HZ)
        if len(audio) > limit:
            warnings.append(f"only the first {answers.MAX_LIVE_TRANSCRIBE_S:.0f} s were transcribed now; "
                            "the report transcribes the whole recording")
            audio = audio[:limit]
        started = time.perf_counter()
        if live is not None:  # most of it was transcribed while the candidate spoke: only the tail is left
            transcript = live.finish(audio)
            self.timings.update(live_transcribed_s=live.done_s, live_stretches=live.stretches,
                                live_background_s=live.busy_s)
        else:
            transcript = answers.transcribe_samples(audio, model_id=self.stt_id)
        self.timings["transcription_s"] = time.perf_counter() - started
        return transcript, len(audio) / answers.SAMPLE_RATE_HZ, duration

    # --- what comes next ---------------------------------------------------------------------
    def next_question(self, session: Session) -> Turn | None:
        """A follow-up probing the last answer when the rules find a gap, else the next planned
        question; None when the session is over. The new turn is saved before it is returned."""
        started = time.perf_counter()
        if session.mode == "roleplay":
            self._next_roleplay_line(session)
        else:
            self._maybe_followup(session)
        self.timings["llm_s"] = time.perf_counter() - started
        return self.current_question(session)

    def _last_answered(self, session: Session) -> Turn | None:
        done = [t for t in session.turns if t.state in (TurnState.ANSWERED, TurnState.ANALYSED)]
        return done[-1] if done else None

    def _insert_after(self, session: Session, turn: Turn, new: Turn) -> None:
        position = session.turns.index(turn) + 1
        session.turns.insert(position, new)
        for i, t in enumerate(session.turns):
            t.index = i
        self.store.save(session)

    def _maybe_followup(self, session: Session) -> None:
        last = self._last_answered(session)
        pending = session.next_turn()
        if last is None or (pending is not None and pending.state != TurnState.PLANNED):
            return  # a question is still waiting for its answer
        meta = last.analysis.setdefault("interview", {})
        if meta.get("followup_decided") or not session.settings.get("config", {}).get("followups", True):
            return
        meta["followup_decided"] = True
        probes = sum(1 for t in session.turns if t.kind == "follow_up" and t.question_id == last.question_id)
        if last.kind != "question" or probes >= MAX_FOLLOWUPS_PER_QUESTION or not (last.answer_text or "").strip():
            self.store.save_turn(session.id, last)
            return
        answer_text, qtype = last.answer_text[: answers.MAX_ANSWER_CHARS], meta.get("type", "behavioural")
        deadline = None if self.followup_budget_s is None else time.perf_counter() + self.followup_budget_s
        speculated = self.speculated_followup(session, last, answer_text, timeout_s=self.followup_budget_s)
        self.timings["speculative_followup"] = float(speculated is not None)
        if speculated is not None:  # written while the candidate spoke, probing the same gap
            made, meta["followup_seen_chars"] = speculated
        else:
            gaps = followup.find_gaps(answer_text, question_type=qtype)
            make = functools.partial(followup.make_followup, last.question, answer_text, question_type=qtype,
                                     llm=self.llm() if gaps else None, asked=[t.question for t in session.turns],
                                     seed=self.seed + last.index, temperature=self.temperature)
            made = make() if deadline is None or not gaps else within(make, deadline - time.perf_counter())
            if made is None and gaps:  # the LLM missed the live budget: the rule-written probe, now
                made = followup.FollowUp(gaps[0].template, gaps[0].kind, "template",
                                         rejected=f"LLM slower than the {self.followup_budget_s:g} s live budget")
        if made is None:
            self.store.save_turn(session.id, last)
            return
        meta["followup"] = made.to_json()
        new = Turn(index=last.index + 1, question=made.text, kind="follow_up", question_id=last.question_id,
                   competency=last.competency, concepts=list(last.concepts),
                   analysis={"interview": {"type": meta.get("type"), "source": made.source, "gap": made.gap,
                                           "parent_index": last.index, "followup_decided": True}})
        self._insert_after(session, last, new)

    def _next_roleplay_line(self, session: Session) -> None:
        if session.next_turn() is not None:
            return
        card = roleplay.RoleplayCard.model_validate(session.settings["roleplay"])
        elapsed_s = time.time() - float(session.settings.get("roleplay_started_at", time.time()))
        if elapsed_s >= card.duration_s or len(session.turns) >= roleplay.ROLEPLAY_MAX_TURNS:
            session.settings["roleplay_ended"] = {"elapsed_s": round(elapsed_s, 1), "turns": len(session.turns)}
            self.store.save(session)
            return
        history: list[tuple[str, str]] = []
        for t in session.turns:
            history.append(("patient", t.question))
            if t.answer_text:
                history.append(("clinician", t.answer_text))
        line = roleplay.patient_reply(card, history, llm=self.llm(), seed=self.seed + len(session.turns),
                                      temperature=self.temperature)
        new = Turn(index=len(session.turns), question=line.text, kind="roleplay", question_id=card.id,
                   competency="clinical communication", concepts=list(card.candidate_tasks),
                   analysis={"interview": {"source": line.source, "speaker": "patient", "rejected": line.rejected,
                                           "elapsed_s": round(elapsed_s, 1)}})
        session.turns.append(new)
        self.store.save(session)

    # --- sessions ----------------------------------------------------------------------------
    def resume(self, session_id: str) -> Session:
        """Reload a session after a crash or restart. A turn left 'answering' without a stored answer
        goes back to 'asked' (the recording never arrived); one with a stored answer is kept."""
        session = self.store.get(session_id)
        for turn in session.turns:
            if turn.state == TurnState.ANSWERING:
                stored = turn.answer_media and turn.answer_media in self.store.list_media(session.id)
                turn.state = TurnState.ANSWERED if (stored or turn.answer_text) else TurnState.ASKED
                self.store.save_turn(session.id, turn)
        return session

    def finish(self, session: Session) -> dict[str, Any]:
        """Close the session and summarise it; ``report_command`` makes the full report."""
        session.settings["finished_at"] = now_iso()
        self.store.save(session)
        answered = [t for t in session.turns if t.state in (TurnState.ANSWERED, TurnState.ANALYSED)]
        durations = [t.answer_duration_s for t in answered if t.answer_duration_s]
        words = sum(len((t.answer_text or "").split()) for t in answered)
        return {
            "session_id": session.id, "mode": session.mode, "role": session.role, "level": session.level,
            "turns": len(session.turns), "answered": len(answered),
            "follow_ups": sum(t.kind == "follow_up" for t in session.turns),
            "skipped": sum(t.state in (TurnState.PLANNED, TurnState.ASKED) for t in session.turns),
            "answer_time_s": round(sum(durations), 1),
            "words_per_minute": round(words / sum(durations) * 60, 1) if durations and words else None,
            "filler_count": sum(len(answers.count_fillers(t.answer_text or "")) for t in answered),
            "report_command": f"workbench report {session.id}",
        }

