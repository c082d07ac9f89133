"""The session engine: one clear state per turn, saved after every change so a crash or a kernel
restart loses nothing already recorded. A facade over ``planning``, ``intake`` (decode and transcribe
through ``workbench.speech``), ``live`` (the answer while it is recorded) and ``nextturn`` (follow-ups).

    engine = InterviewEngine()
    session = engine.start(InterviewConfig(role="nurse", level="junior", n_questions=3))
    turn = engine.current_question(session)        # state: asked
    wav = engine.speak(turn)                       # WAV bytes, or None with voice off
    engine.begin_answer(session)                   # state: answering
    feedback = engine.submit_answer(session, media_bytes=webm)   # stored first, then transcribed
    turn = engine.next_question(session)           # a follow-up probing the answer, or the next one
    engine.finish(session)["report_command"]       # "/path/to/.venv/bin/workbench report <session id>"

Latency: the next question's audio is made while the candidate answers, the answer is transcribed
while recorded, and a follow-up gets at most ``followup_budget_s`` seconds of LLM time after Stop.
"""
from __future__ import annotations

import time
from typing import Any

from workbench.config import DEFAULT_SEED
from workbench.errors import InputError, WorkbenchError
from workbench.interview import answer as answers
from workbench.interview import intake, nextturn, planning, summary, tts
from workbench.interview.lazy_llm import LazyLLM
from workbench.interview.live import LiveAnswers
from workbench.interview.nextturn import LIVE_FOLLOWUP_BUDGET_S, FollowUpWriter
from workbench.interview.planning import InterviewConfig
from workbench.interview.speaking import QuestionVoice
from workbench.llm import ChatLLM
from workbench.privacy import audit, consent
from workbench.session import AnswerSource, Session, Turn, TurnState, now_iso
from workbench.store import SessionStore

NONDETERMINISTIC_TEMPERATURE = 0.7  # ours: varied but still on-task phrasing


class InterviewEngine:
    """Runs interviews and role-plays over a ``SessionStore``. Models load lazily, once.

    llm_id: the LLM (None: the default one, "none": none); llm: a model already loaded instead.
    followup_budget_s: the most seconds a follow-up may keep the candidate waiting after an answer
    (then the rule-written probe is asked); None waits for the LLM. live: the collaborator that follows
    an answer while it is recorded (default: one transcribing with ``stt_id``)."""

    def __init__(self, store: SessionStore | None = None, *, llm_id: str | None = None, seed: int = DEFAULT_SEED,
                 deterministic: bool = True, voice: bool = True, stt_id: str | None = None,
                 llm: ChatLLM | None = None, followup_budget_s: float | None = LIVE_FOLLOWUP_BUDGET_S,
                 live: LiveAnswers | None = None) -> None:
        self.store = store or SessionStore()
        self.llm_id = llm_id
        self.stt_id = stt_id
        self.seed = int(seed)
        self.deterministic = deterministic
        self.voice = voice  # speak the questions (the start panel's setting)
        self.temperature = 0.0 if deterministic else NONDETERMINISTIC_TEMPERATURE
        self.followup_budget_s = followup_budget_s
        self.timings: dict[str, float] = {}  # seconds of the last submit/next: decode, transcription, llm, tts
        self.chat = LazyLLM(llm_id, llm)
        self.followups = FollowUpWriter(self.chat, seed=self.seed, temperature=self.temperature)
        self.live = live or LiveAnswers(self.followups, stt_id=stt_id)
        self.question_voice = QuestionVoice()

    def llm(self) -> ChatLLM | None:
        """The chat model, or None when switched off or not installed (then the bank is used)."""
        return self.chat.get()

    def warm_up(self) -> None:
        """Load the LLM and the voice now (the start panel calls this in the background)."""
        self.llm()
        if self.voice:
            try:
                tts.synthesize("Hello.")
            except WorkbenchError:
                pass  # speak() says why when a question is asked

    def start(self, config: InterviewConfig) -> Session:
        """Plan and save a new session; nothing is asked yet."""
        recorded = {"seed": self.seed, "deterministic": self.deterministic, "temperature": self.temperature,
                    "llm_id": self.llm_id, "voice": self.voice}
        session = planning.plan_session(config, seed=self.seed, llm=self.chat, temperature=self.temperature,
                                        engine_settings=recorded)
        choice = consent.parse_choice(config.consent)
        if choice is not None:  # asked by the app: the choice is stored with the session and audited
            session.settings[consent.CONSENT_KEY] = consent.consent_record(
                choice, consent.consent_notice(), camera=config.camera, at=now_iso())
        session = self.store.save(session)
        if choice is not None:
            stored = session.settings[consent.CONSENT_KEY]
            audit.record("consent", session.id, data_dir=self.store.data_dir, choice=choice.value,
                         camera=stored["camera"], keep_media=stored["keep_media"],
                         retention_days=stored["retention_days"], notice=stored["notice_version"])
        return session

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
            if self.voice:  # the next planned question's audio, while the candidate answers this one
                self.question_voice.prefetch([t.question for t in session.turns if t.state == TurnState.PLANNED][:1])
        return turn

    def speak(self, turn: Turn) -> bytes | None:
        """The question as WAV bytes in the interviewer's voice, or None with voice off."""
        if not self.voice:
            return None
        wav, self.timings["tts_s"] = self.question_voice.speak(turn.question)
        return wav

    def begin_answer(self, session: Session) -> Turn:
        """Mark the current turn as being answered (recording or typing started)."""
        turn = self.current_question(session)
        if turn is None:
            raise InputError("the session is over: there is no question to answer")
        turn.state = TurnState.ANSWERING
        self.store.save_turn(session.id, turn)
        self.live.begin(session, turn)
        return turn

    def feed_audio(self, session: Session, chunk: bytes) -> None:
        """The next piece of the answer being recorded (the recorder streams one a second); it is
        transcribed in the background, so Stop only transcribes the last seconds. Safe to never call."""
        consent.check_recording_allowed(session.settings)
        turn = session.next_turn()
        if turn is not None:
            self.live.feed(session, turn, chunk)

    def discard_live(self) -> None:
        """Forget the answer being transcribed live (the recorder restarted, or the answer was typed)."""
        self.live.discard()

    def submit_answer(self, session: Session, *, text: str | None = None, media_bytes: bytes | None = None,
                      media_suffix: str = ".webm", duration_s: float | None = None) -> answers.AnswerFeedback:
        """Store the answer (media first), transcribe it, and return light feedback.

        text: a typed answer (or a transcript you already have). media_bytes: a recording (webm,
        wav, mp4...). duration_s: the recording's length when the caller knows it. An empty answer
        raises ``InputError`` and changes nothing; everything else is saved before any analysis.
        """
        media, text = bytes(media_bytes) if media_bytes else b"", (text or "").strip()
        answers.check_submission(text=text, media=media)
        if media:
            consent.check_recording_allowed(session.settings)
        turn = self.current_question(session)
        if turn is None:
            raise InputError("the session is over: there is no question to answer")
        self.timings = {}
        spoken = bool(media) and not text  # a recording to transcribe (a typed text wins over it)
        live = self.live.take(session, turn) if spoken else self.live.discard()  # discard gives None
        if media:  # stored FIRST: whatever happens next, the recording is safe
            suffix = answers.check_suffix(media_suffix)
            takes = len(turn.analysis.get("interview", {}).get("earlier_takes", []))
            name = f"turn{turn.index:02d}{f'-take{takes + 1}' if takes else ''}{suffix}"
            turn.answer_media = self.store.write_media(session.id, name, media)
        turn.answer_text = text or turn.answer_text
        turn.answer_source = AnswerSource.SPOKEN if spoken else AnswerSource.TYPED
        turn.answer_duration_s = duration_s
        turn.state, turn.answered_at = TurnState.ANSWERED, now_iso()
        self.store.save_turn(session.id, turn)
        if not spoken:
            return answers.answer_feedback(turn, recorded=bool(media))
        heard = intake.transcribe_recording(self.store, session.id, turn.answer_media, model_id=self.stt_id, live=live,
                                            domain_prompt=intake.domain_prompt_for(turn))
        self.timings.update(heard.timings)
        turn.answer_duration_s = duration_s or heard.duration_s
        turn.answer_text = heard.text
        turn.analysis.setdefault("interview", {})[answers.HEARD] = {
            "words": len(heard.text.split()), "confidence": heard.confidence,
            "caught_only": answers.caught_only(heard.text, heard.confidence)}
        self.store.save_turn(session.id, turn)
        return answers.answer_feedback(turn, recorded=True, transcribed_s=heard.transcribed_s,
                                       warnings=heard.warnings, confidence=heard.confidence)

    def answer_again(self, session: Session) -> Turn:
        """The last answer is to be given again (the app's "Answer again" after "I only caught ..."): its
        turn goes back to asked; the earlier take (text, recording, confidence) stays in the turn's
        ``analysis["interview"]["earlier_takes"]`` and its recording in the session, never deleted here."""
        answered = [t for t in session.turns if t.state == TurnState.ANSWERED
                    and not t.analysis.get("interview", {}).get("followup_decided")]
        if not answered:
            raise InputError("there is no answer waiting to be given again")
        turn = answered[-1]
        meta = turn.analysis.setdefault("interview", {})
        meta.setdefault("earlier_takes", []).append({
            "text": turn.answer_text, "media": turn.answer_media,
            "source": turn.answer_source.value if turn.answer_source else None,
            "duration_s": turn.answer_duration_s, "heard": meta.pop(answers.HEARD, None), "at": turn.answered_at})
        turn.answer_text = turn.answer_media = turn.answer_duration_s = turn.answered_at = turn.answer_source = None
        turn.state = TurnState.ASKED
        self.store.save_turn(session.id, turn)
        return turn

    def will_write_followup(self, session: Session) -> bool:
        """Whether ``next_question`` will ask the LLM for a follow-up (the app says so while it waits)."""
        return self.chat.enabled and nextturn.will_write_followup(session)

    def next_question(self, session: Session) -> Turn | None:
        """A follow-up probing the last answer when the rules find a gap, else the next planned
        question; None when the session is over. The new turn is saved before it is returned."""
        started = time.perf_counter()
        if session.mode == "roleplay":
            if nextturn.add_roleplay_line(session, llm=self.llm, seed=self.seed, temperature=self.temperature):
                self.store.save(session)
        else:
            decided = nextturn.decide_followup(session, self.followups, budget_s=self.followup_budget_s,
                                               written=self.live.written_followup)
            if decided is not None:
                self.timings["speculative_followup"] = float(decided.written_ahead)
                if decided.followup is not None:
                    self.store.save(session)  # the new turn moved the later ones down
                else:
                    self.store.save_turn(session.id, decided.answered)
        self.timings["llm_s"] = time.perf_counter() - started
        return self.current_question(session)

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
        summary.mark_ended(session)
        self.store.save(session)
        return summary.summarise(session)
