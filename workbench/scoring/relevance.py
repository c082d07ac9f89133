"""Relevance: does the answer address what the question is after (its intent), not only its words?

Two closeness measures, each from all-MiniLM-L6-v2 cosines (issue 14):
- to the question: the whole answer and its most on-topic sentence against the question text, plus a
  small bonus for using the question's own content words;
- to the intent (``workbench.scoring.intent``): the answer's best sentence per expected concept, the
  whole answer against the reference answer(s) and against the competency.
The raw similarity is the larger of the two: an answer is far from the question only when it is far from
both. It is mapped to 0-100 between two anchors fitted on the calibration split of the validity set
(``python -m workbench.scoring.fit_relevance``; the test split is never used), times a focus factor (the
share of sentences on topic), so a rambling answer loses some relevance.

``details.off_topic`` is True when the raw similarity is below ``OFF_TOPIC_RAW`` (far from both): the only
case where ``workbench.scoring.overall`` lets relevance pull the overall score down hard.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from workbench.scoring.intent import Intent
from workbench.scoring.nlp import parse_short
from workbench.scoring.prepared import PreparedAnswer, component, ramp

# Anchors of the raw similarity, fitted on the calibration split (fit_relevance.py; figures in its docstring).
OFF_TOPIC_RAW = 0.28  # fitted: below this an answer is far from both question and intent (off-topic)
ON_TOPIC_RAW = 0.33  # fitted: at or above this relevance is full
QUESTION_WEIGHTS = {"answer": 0.55, "best_sentence": 0.45}  # ours: the whole answer and its most on-topic
# sentence (stories are concrete, questions abstract)
INTENT_WEIGHTS = {"concepts": 0.4, "reference": 0.4, "competency": 0.2}  # ours: renormalised over the parts
# the intent has (a bank intent has no reference answer, a "given" one maybe no competency)
LEXICAL_BONUS_COS = 0.25  # ours: added to the question closeness times the share of the question's content
# words the answer uses (a shared content word, "authority", "goal", catches concrete stories the
# embedding misses)
QUESTION_STOP_LEMMAS = frozenset({"tell", "time", "describe", "situation", "example", "give", "explain",
                                  "would", "walk", "make", "sure", "handle", "approach", "decide", "choose",
                                  "new", "work", "have", "show", "say"})  # ours: question scaffolding
OTHER_QUESTION_MARGIN = 0.35  # fitted: an answer this much closer to another bank question than to this one
# answers that other question (off-topic), however close it is to this one
WORK_STORY_MIN_COS = 0.25  # fitted: an answer at least this close to WORK_PROTOTYPES is about the candidate's
# work, so low similarity to an idiomatic question makes it "uncertain", not off-topic
WORK_PROTOTYPES = (  # ours: what nearly every interview answer is about (a known limit: "what do you do in your
    # free time?" is answered with hobbies, which then look off-topic)
    "At work I was responsible for a project with my team, my manager and a client.",
    "In my job a customer, a patient or a student needed help, so I took action and it worked.",
    "In my previous role we had a problem with a deadline, a colleague or a process, and I fixed it.",
)
SAME_QUESTION_COS = 0.9  # ours: bank questions this close to the asked one are the same question
SENTENCE_ON_TOPIC_COS = (0.1, 0.3)  # ours: a sentence's on-topic credit ramps between these cosines
MIN_FOCUS_SHARE = 0.5  # ours: below half of sentences on topic, the answer wanders (rambling)
FOCUS_WEIGHT = 0.25  # ours: share of the relevance score that comes from focus


def _content_lemmas(doc) -> set[str]:
    return {t.lemma_.lower() for t in doc if t.is_alpha and not t.is_stop
            and t.lemma_.lower() not in QUESTION_STOP_LEMMAS}


@lru_cache(maxsize=256)
def _text_vectors(texts: tuple[str, ...]) -> np.ndarray:
    """Unit vectors of a question's intent texts (references, competency); cached per question, so a
    cached intent costs no embedding time after its first answer."""
    from workbench.models.sentence_encoder import unit_mean
    from workbench.scoring.nlp import embed_tokens

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([unit_mean(t) for t in embed_tokens(list(texts))])


def _question_closeness(answer_vec: np.ndarray, units: np.ndarray, question_vecs: np.ndarray) -> np.ndarray:
    """Closeness of one answer to each of ``question_vecs`` (n, 384): the weighted whole-answer and
    best-sentence cosines, without the lexical bonus."""
    return (QUESTION_WEIGHTS["answer"] * (question_vecs @ answer_vec)
            + QUESTION_WEIGHTS["best_sentence"] * (question_vecs @ units.T).max(axis=1))


def _other_question_margin(prepared: PreparedAnswer, units: np.ndarray) -> float:
    """How much closer the answer is to the nearest other bank question than to the asked one
    (positive: it fits another question better)."""
    from workbench.scoring.intent import bank_vectors

    _, vectors = bank_vectors()
    others = vectors[(vectors @ prepared.question_vec) < SAME_QUESTION_COS]
    own = float(_question_closeness(prepared.answer_vec, units, prepared.question_vec[None, :])[0])
    return float(_question_closeness(prepared.answer_vec, units, others).max()) - own


def closeness(prepared: PreparedAnswer, intent: Intent | None = None) -> dict:
    """The raw cosines: ``question_cos``, ``best_sentence_cos``, ``question_words_share``, ``question_part``;
    ``concept_cos``, ``reference_cos``, ``competency_cos``, ``intent_part`` (None where the intent lacks
    that part); ``raw`` = max(question_part, intent_part); ``per_sentence`` best cosine to any target."""
    units = prepared.sentence_vecs if len(prepared.sentence_vecs) else prepared.answer_vec[None, :]
    question_cos = float(prepared.answer_vec @ prepared.question_vec)
    best_sentence_cos = float((units @ prepared.question_vec).max())
    question_lemmas = _content_lemmas(parse_short(prepared.question))
    shared = sorted(question_lemmas & _content_lemmas(prepared.doc))
    share = len(shared) / len(question_lemmas) if question_lemmas else 0.0
    question_part = (QUESTION_WEIGHTS["answer"] * question_cos + QUESTION_WEIGHTS["best_sentence"]
                     * best_sentence_cos + LEXICAL_BONUS_COS * share)
    parts: dict[str, float] = {}
    targets = [prepared.question_vec[None, :]]
    if len(prepared.concept_vecs):
        parts["concepts"] = float(np.mean((prepared.concept_vecs @ units.T).max(axis=1)))
        targets.append(prepared.concept_vecs)
    references = tuple(intent.references) if intent else ()
    if references:
        ref_vecs = _text_vectors(references)
        parts["reference"] = float(max((ref_vecs @ prepared.answer_vec).max(), (ref_vecs @ units.T).max()))
        targets.append(ref_vecs)
    competency = intent.competency if intent else None
    if competency:
        comp_vec = _text_vectors((competency,))
        parts["competency"] = float(max((comp_vec @ prepared.answer_vec).max(), (comp_vec @ units.T).max()))
    intent_part = None
    if parts:
        total = sum(INTENT_WEIGHTS[k] for k in parts)
        intent_part = sum(INTENT_WEIGHTS[k] * v for k, v in parts.items()) / total
    raw = question_part if intent_part is None else max(question_part, intent_part)
    other_margin = _other_question_margin(prepared, units)
    work_cos = float(max((_text_vectors(WORK_PROTOTYPES) @ prepared.answer_vec).max(),
                         (_text_vectors(WORK_PROTOTYPES) @ units.T).max()))
    per_sentence = (np.concatenate(targets) @ prepared.sentence_vecs.T).max(axis=0) \
        if len(prepared.sentence_vecs) else np.zeros(0)
    return {"question_cos": question_cos, "best_sentence_cos": best_sentence_cos, "question_words_used": shared,
            "question_words_share": share, "question_part": question_part,
            "concept_cos": parts.get("concepts"), "reference_cos": parts.get("reference"),
            "competency_cos": parts.get("competency"), "intent_part": intent_part, "raw": raw,
            "other_question_margin": other_margin, "work_cos": work_cos,
            "per_sentence": per_sentence}


def relevance_from(raw: float, focus_share: float, other_margin: float, work_cos: float, *,
                   off_raw: float = OFF_TOPIC_RAW, on_raw: float = ON_TOPIC_RAW,
                   other_margin_max: float = OTHER_QUESTION_MARGIN, work_min: float = WORK_STORY_MIN_COS
                   ) -> tuple[float, bool]:
    """Relevance 0-100 and the off-topic verdict from the raw similarity, the focus share, the margin to the
    nearest other question and the closeness to a work story (the fitting script varies the anchors).
    Off-topic: far from both question and intent and not a work story, or clearly another question's answer."""
    score = 100 * ramp(raw, off_raw, on_raw) * ((1 - FOCUS_WEIGHT) + FOCUS_WEIGHT * focus_share)
    return score, bool((raw < off_raw and work_cos < work_min) or other_margin > other_margin_max)


def score_relevance(prepared: PreparedAnswer, intent: Intent | None = None) -> dict:
    """Relevance 0-100 against the question and its ``intent`` (a ``workbench.scoring.intent.Intent``;
    None compares with the question alone). ``details``: the cosines of ``closeness``, ``raw_cos``,
    ``focus_share``, ``off_topic`` (far from both question and intent) and the intent's ``source``."""
    source = intent.source if intent else "question_only"
    if prepared.word_count == 0:
        return component(0.0, reasons=["no words to compare with the question"],
                         details={"off_topic": False, "intent_source": source})
    c = closeness(prepared, intent)
    raw = c["raw"]
    focus_share, best_sentence = 1.0, ""
    if len(c["per_sentence"]):
        focus_share = float(np.mean([ramp(v, *SENTENCE_ON_TOPIC_COS) for v in c["per_sentence"]]))
        best_sentence = prepared.sentences[int(np.argmax(c["per_sentence"]))]
    score, off_topic = relevance_from(raw, focus_share, c["other_question_margin"], c["work_cos"])
    reasons = []
    if off_topic:
        reasons.append("the answer is far from both the question and what it is after: it seems to answer "
                       "another question")
    elif score < 50:
        reasons.append("the answer is only loosely linked to what the question asks")
    if focus_share < MIN_FOCUS_SHARE and len(prepared.sentences) >= 4:
        reasons.append(f"only {focus_share:.0%} of sentences address the question: it wanders")

    def r(v):
        return None if v is None else round(float(v), 4)

    return component(
        score,
        evidence=[best_sentence] if best_sentence else [],
        reasons=reasons,
        details={
            "question_cos": r(c["question_cos"]), "best_sentence_cos": r(c["best_sentence_cos"]),
            "question_words_used": c["question_words_used"], "question_part": r(c["question_part"]),
            "concept_cos": r(c["concept_cos"]), "reference_cos": r(c["reference_cos"]),
            "competency_cos": r(c["competency_cos"]), "intent_cos": r(c["intent_part"]),
            "raw_cos": r(raw), "focus_share": round(focus_share, 3), "off_topic": bool(off_topic),
            "other_question_margin": r(c["other_question_margin"]), "work_cos": r(c["work_cos"]),
            "intent_source": source,
        },
    )
