"""The public scoring API: ``score_answer`` (one answer, a pure function: it never reads or writes the
store) and ``session_overview`` (the mean of scored turns). ``workbench.stages`` scores a stored session."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from workbench.config import DEFAULT_SEED
from workbench.errors import InputError
from workbench.scoring import overall as overall_mod
from workbench.scoring.communication import score_communication
from workbench.scoring.coverage import score_coverage
from workbench.scoring.delivery import score_delivery
from workbench.scoring.feedback import (
    RATING_STEP_POINTS,
    agree_with_band,
    feedback_key,
    reusable,
    rule_feedback,
    written_from,
)
from workbench.scoring.feedback import llm_feedback as ask_llm
from workbench.scoring.guards import BLOCKING_FLAGS, check_answer
from workbench.scoring.intent import Intent, resolve_intent
from workbench.scoring.prepared import prepare
from workbench.scoring.relevance import score_relevance
from workbench.scoring.specificity import score_specificity
from workbench.scoring.structure import score_structure
from workbench.speech.voice import VoiceMetrics
from workbench.vision.frames import FaceSummary

GATE_TEXTS = (overall_mod.OFF_TOPIC_TEXT, overall_mod.UNCERTAIN_RELEVANCE_TEXT)  # the plain-words notes
MAX_QUESTION_CHARS = 2_000  # ours: a question longer than this is not a question


@dataclass
class AnswerScores:
    """One answer's scores. ``components``: name -> {score 0-100, weight, evidence, reasons, details}."""

    overall: float
    uncertainty: float
    band: str
    components: dict[str, dict[str, Any]]
    feedback: dict[str, Any] | None
    flags: list[str]
    reasons: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AnswerScores:
        """The scores of ``to_json`` (a stored ``turn.analysis["scores"]``)."""
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


def score_answer(question: str, answer: str | None, *, concepts: list[str] | None = None,
                 role: str | None = None, voice: VoiceMetrics | None = None, face: FaceSummary | None = None,
                 llm_feedback: bool = True, use_delivery: bool = True, seed: int = DEFAULT_SEED,
                 judge_repeats: int = 1, intent: Intent | None = None, intent_cache=None,
                 derive_intent: bool = False, stored_feedback: dict[str, Any] | None = None) -> AnswerScores:
    """Score one answer to ``question``.

    ``concepts``: what a good answer covers (enables coverage). ``voice``/``face``: the voice stage's
    ``VoiceMetrics`` and the face stage's ``FaceSummary`` (optional). ``llm_feedback``: ask the local LLM
    for written feedback (slow; never changes the numbers). Same inputs give identical numbers.
    ``intent``: what the question is after; by default resolved by ``workbench.scoring.intent.resolve_intent``
    (given concepts, the bank, the intent cache ``intent_cache``, then, only with ``derive_intent``, the
    local LLM once, cached; else the nearest bank question). ``details.intent`` records which was used.
    Flags ``off_topic`` and ``uncertain_relevance`` come from the relevance gate (``scoring.overall``).
    ``stored_feedback``: the feedback of an earlier run (``turn.analysis["scores"]["feedback"]``); reused
    instead of a new LLM call when it was written from the same inputs (``feedback.reusable``).
    """
    if not isinstance(question, str) or not question.strip():
        raise InputError("a question is needed to score an answer (--question)")
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(f"the question is {len(question)} characters; at most {MAX_QUESTION_CHARS}")
    if answer is not None and not isinstance(answer, str):
        raise InputError(f"the answer must be text, got {type(answer).__name__}")
    guard = check_answer(answer)
    intent_note = None
    if intent is None:  # an unusable answer (empty, not English...) is not worth an LLM call
        derive = derive_intent and not (set(guard.flags) & BLOCKING_FLAGS)
        intent, intent_note = resolve_intent(question.strip(), concepts, derive=derive, cache=intent_cache)
    prepared = prepare(question.strip(), guard.clean_text, intent.concepts)
    components: dict[str, dict | None] = {
        "relevance": score_relevance(prepared, intent),
        "coverage": score_coverage(prepared),
        "structure": score_structure(prepared),
        "specificity": score_specificity(prepared),
        "communication": score_communication(prepared, voice),
        "delivery": score_delivery(face) if use_delivery else None,
    }
    components = {k: v for k, v in components.items() if v is not None}
    feedback = None
    asks_llm = llm_feedback and not (set(guard.flags) & BLOCKING_FLAGS)
    # the key names the feedback model, which reads the catalogue: only when the LLM is asked
    key = feedback_key(question, guard.clean_text, role, seed=seed, repeats=judge_repeats) if asks_llm else None
    reused = asks_llm and written_from(stored_feedback, key)
    if reused:
        feedback = {**stored_feedback, "reused": True}
    elif asks_llm:
        feedback = ask_llm(question, guard.clean_text, components, role=role, seed=seed, repeats=judge_repeats)
    elif llm_feedback:
        feedback = rule_feedback(components)

    def combine(feedback: dict | None) -> dict:
        judge_spread = RATING_STEP_POINTS * (feedback or {}).get("judge_rating_sd", 0.0)
        return overall_mod.combine(components, flags=guard.flags, word_count=prepared.word_count,
                                   judge_spread=judge_spread)

    combined = combine(feedback)
    if reused and not reusable(stored_feedback, key, combined["band"]):  # strengths withheld, band now higher
        feedback = ask_llm(question, guard.clean_text, components, role=role, seed=seed, repeats=judge_repeats)
        combined = combine(feedback)
    for name, comp in components.items():
        comp["weight"] = combined["weights"].get(name, 0.0)
    blocked = bool(set(guard.flags) & BLOCKING_FLAGS)
    gate_flags = [] if blocked else combined["flags"]
    feedback = agree_with_band(feedback, combined["band"])
    return AnswerScores(
        overall=combined["overall"], uncertainty=combined["uncertainty"], band=combined["band"],
        components=components, feedback=feedback, flags=list(guard.flags) + gate_flags,
        reasons=list(guard.reasons) + combined["notes"] + ([intent_note] if intent_note else []),
        details={"word_count": guard.word_count, "band_range": combined["band_range"],
                 "relevance_gate": combined["relevance_gate"], "role": role, "seed": seed,
                 "relevance_note": next((n for n in combined["notes"] if n in GATE_TEXTS), None),
                 "intent_source": intent.source, "intent": intent.to_json(),
                 "ignored_sentences": guard.injected_sentences,
                 "voice_used": bool(voice), "face_used": "delivery" in components},
    )


def session_overview(rows: list[dict]) -> dict:
    """Mean overall score of scored turns with its uncertainty (turn uncertainties and spread combined)."""
    import math
    import statistics

    if not rows:
        return {"overall_mean": None, "overall_uncertainty": None, "band": None, "turns_scored": 0}
    values = [r["overall"] for r in rows]
    mean = statistics.fmean(values)
    n = len(values)
    measurement = math.sqrt(sum(r["uncertainty"] ** 2 for r in rows)) / n
    sampling = statistics.stdev(values) / math.sqrt(n) if n > 1 else 0.0
    return {"overall_mean": round(mean, 1),
            "overall_uncertainty": round(math.sqrt(measurement ** 2 + sampling ** 2), 1),
            "band": overall_mod.band(mean), "turns_scored": n}
