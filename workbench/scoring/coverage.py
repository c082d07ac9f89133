"""Concept coverage: which of the question's expected concepts the answer covers, which it misses.

A concept counts as covered when its content words appear (lemmatised) in the answer, or when
one answer sentence is semantically close to it (all-MiniLM-L6-v2 cosine).
"""
from __future__ import annotations

import numpy as np

from workbench.scoring.prepared import PreparedAnswer, component

CONCEPT_COVERED_COS = 0.45  # ours: sentence-to-concept cosine at which a paraphrase counts as covered
CONCEPT_PARTIAL_COS = 0.32  # ours: half credit between this and CONCEPT_COVERED_COS
LEXICAL_MATCH_SHARE = 0.5  # ours: share of a concept's content lemmas that must appear in the answer (the
# embedding alone matches generic answers to abstract concepts about as well as concrete ones, so words count too)


def _lemmas(doc) -> set[str]:
    return {t.lemma_.lower() for t in doc if t.is_alpha and not t.is_stop}


def score_coverage(prepared: PreparedAnswer) -> dict | None:
    """Coverage 0-100 (mean credit over concepts), or None when the question has no concepts.

    ``details``: ``covered`` and ``missed`` concept lists, ``partial`` concepts, and per concept
    the best cosine. ``evidence``: for each covered concept the sentence that covers it.
    """
    if not prepared.concepts:
        return None
    from workbench.scoring.nlp import parse_short

    answer_lemmas = _lemmas(prepared.doc)
    units = prepared.sentence_vecs if len(prepared.sentence_vecs) else prepared.answer_vec[None, :]
    sims = prepared.concept_vecs @ units.T  # (n_concepts, n_sentences)
    covered, partial, missed, evidence, per_concept = [], [], [], [], {}
    credits = []
    docs = map(parse_short, prepared.concepts)
    for index, (concept, concept_doc) in enumerate(zip(prepared.concepts, docs, strict=True)):
        concept_lemmas = _lemmas(concept_doc)
        lexical = bool(concept_lemmas) and (
            len(concept_lemmas & answer_lemmas) / len(concept_lemmas) >= LEXICAL_MATCH_SHARE
        )
        best = float(sims[index].max()) if prepared.word_count else 0.0
        best_sentence = prepared.sentences[int(np.argmax(sims[index]))] if len(prepared.sentence_vecs) else ""
        per_concept[concept] = round(best, 4)
        if prepared.word_count and (lexical or best >= CONCEPT_COVERED_COS):
            covered.append(concept)
            credits.append(1.0)
            if best_sentence:
                evidence.append(f"{concept}: \"{best_sentence}\"")
        elif prepared.word_count and best >= CONCEPT_PARTIAL_COS:
            partial.append(concept)
            credits.append(0.5)
        else:
            missed.append(concept)
            credits.append(0.0)
    reasons = [f"missed: {', '.join(missed)}"] if missed else []
    if partial:
        reasons.append(f"only touched on: {', '.join(partial)}")
    return component(
        100 * float(np.mean(credits)),
        evidence=evidence,
        reasons=reasons,
        details={"covered": covered, "partial": partial, "missed": missed, "best_cos": per_concept},
    )
