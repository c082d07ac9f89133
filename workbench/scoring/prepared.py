"""One pass of the heavy language work per answer, shared by every component:
the spaCy parse, the sentences, and one embedding call for question, concepts and sentences.

The answer's own vector is the mean of the token embeddings of its content sentences, each sentence
embedded on its own: the mean pooling the model applies to a whole text, without its 256-token cut
(a whole answer past about 190 words lost its end) and without a second pass over the answer's
tokens, which was a third of the embedding time. On the validity set the ranking, injection and
fairness figures were unchanged by the switch (``python -m workbench.scoring.validity``); the
answer vector moved to a median cosine of 0.89 with the old whole-text vector.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from workbench.models.sentence_encoder import unit_mean
from workbench.scoring.nlp import embed_tokens, parse, words

MAX_EMBEDDED_SENTENCES = 80  # ours: caps embedding time on very long answers (about 5 ms per sentence)
MIN_SENTENCE_WORDS = 3  # ours: shorter fragments ("Yes.", "So.") carry no content to embed


@dataclass
class PreparedAnswer:
    """An answer parsed and embedded once. Vectors are unit length (cosine = dot product)."""

    question: str
    text: str
    concepts: list[str]
    doc: Any  # spaCy Doc
    sentences: list[str]  # content sentences, in order
    word_tokens: list[str]
    question_vec: np.ndarray  # (384,)
    answer_vec: np.ndarray  # (384,)
    sentence_vecs: np.ndarray  # (n_sentences, 384)
    concept_vecs: np.ndarray  # (n_concepts, 384)

    @property
    def word_count(self) -> int:
        return len(self.word_tokens)


def content_sentences(doc: Any) -> list[str]:
    """The sentences of a parsed answer that get embedded: ``MIN_SENTENCE_WORDS`` or more, at most
    ``MAX_EMBEDDED_SENTENCES``, in order."""
    sentences = [s.text.strip() for s in doc.sents if len(words(s.text)) >= MIN_SENTENCE_WORDS]
    return sentences[:MAX_EMBEDDED_SENTENCES]


def prepare(question: str, text: str, concepts: list[str] | None = None) -> PreparedAnswer:
    """Parse ``text`` with spaCy and embed question, concepts and each sentence (the whole text
    when no sentence has ``MIN_SENTENCE_WORDS``); the answer vector pools all their tokens."""
    concepts = [c.strip() for c in (concepts or []) if c and c.strip()]
    doc = parse(text)
    sentences = content_sentences(doc)
    units = sentences or [text or ""]
    tokens = embed_tokens([question or ""] + concepts + units)
    vectors = np.stack([unit_mean(t) for t in tokens])
    n_c = len(concepts)
    return PreparedAnswer(
        question=question or "",
        text=text,
        concepts=concepts,
        doc=doc,
        sentences=sentences,
        word_tokens=words(text),
        question_vec=vectors[0],
        answer_vec=unit_mean(np.concatenate(tokens[1 + n_c:])),
        concept_vecs=vectors[1:1 + n_c],
        sentence_vecs=vectors[1 + n_c:] if sentences else np.zeros((0, vectors.shape[1]), dtype=np.float32),
    )


def component(score: float, *, evidence: list[str] | None = None, reasons: list[str] | None = None,
              details: dict | None = None) -> dict:
    """The common shape of a component result (score 0-100, rounded for stable output)."""
    return {
        "score": round(float(np.clip(score, 0.0, 100.0)), 1),
        "evidence": evidence or [],
        "reasons": reasons or [],
        "details": details or {},
    }


def ramp(value: float, low: float, high: float) -> float:
    """0 at ``low``, 1 at ``high``, linear between (works for low > high too)."""
    if high == low:
        return float(value >= high)
    return float(np.clip((value - low) / (high - low), 0.0, 1.0))
