"""Relevance: how closely the answer addresses the question (and its expected concepts).

Cosine similarities of all-MiniLM-L6-v2 embeddings: of the whole answer to the question, of the
answer's most on-topic sentence to the question, and of the best sentence per expected concept.
Their weighted mean, plus a small bonus for using the question's own content words, is the raw
similarity, mapped to 0-100 between two anchors.

How the anchors were calibrated (ours): the labelled set in ``data/scoring_validity`` has a
``calibration`` split (10 behavioural + 5 technical questions) and a ``held_out`` split (15).
On the calibration split, off-topic answers reach raw similarities of at most about 0.21 (median
0.11) and strong answers at least about 0.27 (median 0.53), while short generic answers that restate
the question score *higher* than concrete stories (figures since the answer vector pools its
sentences' tokens, see ``prepared``; before: off-topic at most 0.18, strong at least 0.19).
So relevance is used as an on-topic gate that saturates early (``ON_TOPIC_COS``), not as a
quality measure; quality comes from the other components. ``python -m workbench.scoring.validity`` prints the medians and the held-out figure.
"""
from __future__ import annotations

import numpy as np

from workbench.scoring.nlp import parse_short
from workbench.scoring.prepared import PreparedAnswer, component, ramp


def _content_lemmas(doc) -> set[str]:
    return {t.lemma_.lower() for t in doc if t.is_alpha and not t.is_stop
            and t.lemma_.lower() not in QUESTION_STOP_LEMMAS}

OFF_TOPIC_COS = 0.15  # calibrated: about the largest raw similarity of an off-topic answer
ON_TOPIC_COS = 0.30  # calibrated: below the raw similarity of most strong answers
RAW_WEIGHTS = {"answer": 0.4, "best_sentence": 0.3, "concepts": 0.3}  # ours: the whole answer, its most
# on-topic sentence (stories are concrete, questions abstract), the expected concepts
LEXICAL_BONUS_COS = 0.25  # ours: added to the raw similarity times the share of the question's content
# words the answer uses. The embedding misses concrete stories told about abstract competencies
# (a ward checklist as "leadership"); a shared content word ("authority", "goal") catches many of those.
QUESTION_STOP_LEMMAS = frozenset({"tell", "time", "describe", "situation", "example", "give", "explain",
                                  "would", "walk", "make", "sure", "handle", "approach", "decide", "choose",
                                  "new", "work", "have", "show", "say"})  # ours: question scaffolding
SENTENCE_ON_TOPIC_COS = (0.1, 0.3)  # ours: a sentence's on-topic credit ramps between these cosines
MIN_FOCUS_SHARE = 0.5  # ours: below half of sentences on topic, the answer wanders (rambling)
FOCUS_WEIGHT = 0.25  # ours: share of the relevance score that comes from focus


def score_relevance(prepared: PreparedAnswer) -> dict:
    """Relevance 0-100 with the raw similarities, the focus share and the most on-topic sentence.

    ``details``: ``question_cos``, ``concept_cos`` (mean over concepts of the best sentence match),
    ``raw_cos``, ``focus_share`` (sentences on topic / sentences).
    """
    if prepared.word_count == 0:
        return component(0.0, reasons=["no words to compare with the question"])
    question_cos = float(prepared.answer_vec @ prepared.question_vec)
    units = prepared.sentence_vecs if len(prepared.sentence_vecs) else prepared.answer_vec[None, :]
    best_sentence_cos = float((units @ prepared.question_vec).max())
    targets = [prepared.question_vec]
    concept_cos = None
    if len(prepared.concept_vecs):
        targets.extend(prepared.concept_vecs)
        concept_cos = float(np.mean((prepared.concept_vecs @ units.T).max(axis=1)))
        raw = (RAW_WEIGHTS["answer"] * question_cos + RAW_WEIGHTS["best_sentence"] * best_sentence_cos
               + RAW_WEIGHTS["concepts"] * concept_cos)
    else:
        share = RAW_WEIGHTS["answer"] + RAW_WEIGHTS["best_sentence"]
        raw = (RAW_WEIGHTS["answer"] * question_cos + RAW_WEIGHTS["best_sentence"] * best_sentence_cos) / share
    question_lemmas = _content_lemmas(parse_short(prepared.question))
    shared = sorted(question_lemmas & _content_lemmas(prepared.doc))
    overlap = len(shared) / len(question_lemmas) if question_lemmas else 0.0
    raw += LEXICAL_BONUS_COS * overlap
    similarity_part = ramp(raw, OFF_TOPIC_COS, ON_TOPIC_COS)
    focus_share, best_sentence = 1.0, ""
    if len(prepared.sentence_vecs):
        per_sentence = (np.stack(targets) @ prepared.sentence_vecs.T).max(axis=0)
        focus_share = float(np.mean([ramp(v, *SENTENCE_ON_TOPIC_COS) for v in per_sentence]))
        best_sentence = prepared.sentences[int(np.argmax(per_sentence))]
    focus_part = ramp(focus_share, 0.0, 1.0)
    score = 100 * similarity_part * ((1 - FOCUS_WEIGHT) + FOCUS_WEIGHT * focus_part)
    reasons = []
    if similarity_part < 0.3:
        reasons.append("the answer is about something other than the question")
    if focus_share < MIN_FOCUS_SHARE and len(prepared.sentences) >= 4:
        reasons.append(f"only {focus_share:.0%} of sentences address the question: it wanders")
    return component(
        score,
        evidence=[best_sentence] if best_sentence else [],
        reasons=reasons,
        details={
            "question_cos": round(question_cos, 4),
            "best_sentence_cos": round(best_sentence_cos, 4),
            "concept_cos": None if concept_cos is None else round(concept_cos, 4),
            "question_words_used": shared,
            "raw_cos": round(float(raw), 4),
            "focus_share": round(focus_share, 3),
        },
    )
