"""An OET-style rubric for a clinical role-play, computed from the transcript.

Four language criteria scored 0-6 (intelligibility, fluency, appropriateness of language,
resources of grammar and expression) and five clinical-communication criteria scored 0-3
(relationship building, understanding the patient's perspective, providing structure,
information gathering, information giving), each with evidence quotes from the candidate's turns.
Criterion names follow the OET Speaking assessment criteria (Occupational English Test, published
by Cambridge Boxhill Language Assessment); the text signals and cut points are ours. From a
transcript alone, intelligibility is a proxy (clear, complete sentences; ASR word confidence when
the turns carry it): it cannot hear pronunciation. This is practice feedback, not an OET grade.
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np

from workbench.errors import InputError
from workbench.scoring.nlp import embed, parse, words
from workbench.speech.lexicon import text_fillers

CANDIDATE_SPEAKERS = frozenset({"candidate", "clinician", "nurse", "doctor", "pharmacist", "professional",
                                "user", "speaker_1"})
LANGUAGE_MAX, CLINICAL_MAX = 6, 3  # OET Speaking: language criteria 0-6, clinical communication 0-3
TASK_COVERED_COS = 0.4  # ours: a candidate sentence this close to a card task covers it
MAX_EVIDENCE = 3

PATTERNS = {  # ours: phrases that show each behaviour in English clinical conversation
    "greeting": r"\b(hello|hi|good (morning|afternoon|evening)|my name is|i'?m (the|your) \w+|nice to meet)\b",
    "empathy": r"\b(i understand|i can see|that must be|i'?m (so )?sorry to hear|i can imagine|"
               r"that sounds (hard|difficult|worrying|frightening)|it'?s (normal|understandable) to)\b",
    "perspective": r"\b(what (worries|concerns) you|how (do|does) (that|this|it) (make you feel|affect)|"
                   r"do you have any (concerns|worries)|what do you (think|know|understand)|"
                   r"what (are|were) you (hoping|expecting)|how are you feeling about)\b",
    "structure": r"\b(first(ly)?|next|then|finally|now i'?d like to|let me|before we (finish|go on)|"
                 r"to (summari[sz]e|sum up)|so far|moving on|i'?m going to (ask|explain|talk))\b",
    "open_question": r"(^|[.!?]\s+)(what|how|why|tell me|can you (tell|describe)|could you (tell|describe))\b[^.!?]*\?",
    "check_understanding": r"\b(does (that|this) make sense|do you have any questions|is that clear|"
                           r"can you tell me in your own words|any questions|is there anything else)\b",
    "polite": r"\b(please|thank you|thanks|would you mind|could you|may i|if that'?s (ok|okay|alright))\b",
    "jargon": r"\b(myocardial infarction|hypertension|hyperglyc\w+|dyspnoea|dyspnea|NPO|nil by mouth|"
              r"contraindicat\w+|prophyla\w+|analges\w+|bilateral|idiopathic|benign|malignant|"
              r"subcutaneous|intravenous|prn|bd|tds|qds)\b",
    "blunt": r"\b(calm down|you have to|you must|that'?s wrong|whatever|no way)\b",
}
COMPILED = {name: re.compile(p, re.I) for name, p in PATTERNS.items()}


def _candidate_text(turns: list[dict[str, Any]]) -> tuple[list[str], list[float]]:
    texts, confidences = [], []
    for turn in turns:
        if not isinstance(turn, dict):
            raise InputError("each role-play turn must be a dict with 'speaker' and 'text'")
        speaker = str(turn.get("speaker", "candidate")).strip().lower()
        if speaker in CANDIDATE_SPEAKERS and str(turn.get("text") or "").strip():
            texts.append(str(turn["text"]).strip())
            if isinstance(turn.get("mean_word_probability"), (int, float)):
                confidences.append(float(turn["mean_word_probability"]))
    return texts, confidences


def _hits(name: str, sentences: list[str]) -> list[str]:
    return [s for s in sentences if COMPILED[name].search(s)]


def _band(value: float, cuts: tuple[float, ...]) -> int:
    """Number of cut points ``value`` reaches: with 6 cuts a 0-6 score, with 3 cuts a 0-3 score."""
    return int(sum(value >= c for c in cuts))


def _criterion(score: int, maximum: int, evidence: list[str], reasons: list[str], **details) -> dict:
    return {"score": int(score), "max": maximum, "evidence": evidence[:MAX_EVIDENCE],
            "reasons": reasons, "details": details}


def score_roleplay(transcript_turns: list[dict[str, Any]], card: dict[str, Any] | None) -> dict[str, Any]:
    """Score a clinical role-play transcript against its card.

    ``transcript_turns``: ``[{"speaker": "candidate"|"patient"|..., "text": str,
    "mean_word_probability": float (optional, from ASR)}]``. ``card``: ``{"title", "setting",
    "tasks": [str, ...]}``. Returns ``{"language": {criterion: {score, max, evidence, reasons}},
    "clinical_communication": {...}, "language_total", "clinical_total", "flags"}``.
    """
    if not isinstance(transcript_turns, list):
        raise InputError("the role-play transcript must be a list of turns")
    card = card or {}
    texts, confidences = _candidate_text(transcript_turns)
    joined = " ".join(texts)
    doc = parse(joined) if joined else None
    sentences = [s.text.strip() for s in doc.sents if words(s.text)] if doc else []
    tokens = [w.lower() for w in words(joined)]
    n_words, n_sents = len(tokens), max(1, len(sentences))
    flags = ["too_short"] if n_words < 40 else []  # ours: under 40 words there is too little to rate
    fillers = [s for s in sentences if text_fillers(s)]
    filler_count = len(text_fillers(joined))
    fragments = [s.text for s in doc.sents if not any(t.pos_ in {"VERB", "AUX"} for t in s)] if doc else []
    long_sents = [s for s in sentences if len(words(s)) > 35]
    types = len(set(tokens)) / max(1, n_words) ** 0.5 if tokens else 0.0  # Guiraud's index
    questions = [s for s in sentences if s.endswith("?")]
    modals = sum(t.tag_ == "MD" for t in doc) if doc else 0
    subordinate = sum(t.dep_ in {"advcl", "ccomp", "relcl", "xcomp"} for t in doc) if doc else 0

    clarity = 1 - (len(fragments) + len(long_sents)) / n_sents
    if confidences:
        clarity = 0.5 * clarity + 0.5 * float(np.mean(confidences))
    fillers_per_100 = 100 * filler_count / max(1, n_words)
    jargon = _hits("jargon", sentences)
    polite, blunt = _hits("polite", sentences), _hits("blunt", sentences)
    appropriate = 0.5 + 0.15 * min(3, len(polite)) - 0.2 * len(jargon) - 0.25 * len(blunt)
    resources = min(1.0, types / 8) * 0.5 + min(1.0, (modals + subordinate) / max(1, n_sents)) * 0.5
    scale = 0.0 if flags else 1.0
    language = {
        "intelligibility": _criterion(_band(clarity * scale, (0.2, 0.4, 0.55, 0.7, 0.8, 0.9)), LANGUAGE_MAX,
                                      [s for s in sentences if s not in long_sents][:2],
                                      ["transcript proxy: complete, clear sentences (pronunciation is not heard)"]
                                      + ([f"{len(fragments)} fragment(s)"] if fragments else []),
                                      clarity=round(clarity, 3), asr_confidence_used=bool(confidences)),
        "fluency": _criterion(_band(scale * (1 - min(1.0, fillers_per_100 / 10)), (0.1, 0.3, 0.5, 0.65, 0.8, 0.9)),
                              LANGUAGE_MAX, fillers or sentences[:1],
                              [f"{fillers_per_100:.1f} fillers per 100 words"] if filler_count else [],
                              fillers_per_100_words=round(fillers_per_100, 2)),
        "appropriateness_of_language": _criterion(
            _band(scale * appropriate, (0.1, 0.3, 0.45, 0.6, 0.75, 0.9)), LANGUAGE_MAX,
            polite + [f"jargon: {s}" for s in jargon] + [f"blunt: {s}" for s in blunt],
            ([f"unexplained medical terms in {len(jargon)} sentence(s)"] if jargon else [])
            + ([f"{len(blunt)} blunt phrase(s)"] if blunt else []) + ([] if polite else ["no polite forms"]),
            polite=len(polite), jargon=len(jargon), blunt=len(blunt)),
        "resources_of_grammar_and_expression": _criterion(
            _band(scale * resources, (0.1, 0.25, 0.4, 0.55, 0.7, 0.85)), LANGUAGE_MAX,
            [s for s in sentences if len(words(s)) >= 10][:2],
            [] if resources >= 0.55 else ["little variety: add conditionals, modal verbs, linked clauses"],
            guiraud_index=round(types, 2), modal_verbs=modals, subordinate_clauses=subordinate),
    }
    greeting, empathy = _hits("greeting", sentences), _hits("empathy", sentences)
    perspective, structure = _hits("perspective", sentences), _hits("structure", sentences)
    open_q, checks = _hits("open_question", sentences), _hits("check_understanding", sentences)
    tasks = [str(t) for t in card.get("tasks", []) if str(t).strip()]
    covered_tasks, task_evidence = [], []
    if tasks and sentences:
        vectors = embed(tasks + sentences)
        sims = vectors[: len(tasks)] @ vectors[len(tasks):].T
        for i, task in enumerate(tasks):
            if sims[i].max() >= TASK_COVERED_COS:
                covered_tasks.append(task)
                task_evidence.append(sentences[int(np.argmax(sims[i]))])
    giving = (len(covered_tasks) / len(tasks) if tasks else 0.5) * 0.7 + min(1, len(checks)) * 0.3
    clinical = {
        "relationship_building": _criterion(
            round(scale * min(CLINICAL_MAX, bool(greeting) + min(2, len(empathy)))), CLINICAL_MAX,
            greeting[:1] + empathy, [] if empathy else ["no empathic statement"]),
        "understanding_patient_perspective": _criterion(
            round(scale * min(CLINICAL_MAX, len(perspective))), CLINICAL_MAX, perspective,
            [] if perspective else ["no question about the patient's ideas, concerns or expectations"]),
        "providing_structure": _criterion(
            round(scale * min(CLINICAL_MAX, len(structure))), CLINICAL_MAX, structure,
            [] if structure else ["no signposting (first, next, to summarise)"]),
        "information_gathering": _criterion(
            round(scale * min(CLINICAL_MAX, len(open_q))), CLINICAL_MAX, open_q,
            [] if open_q else ["no open questions"], questions=len(questions), open_questions=len(open_q)),
        "information_giving": _criterion(
            _band(scale * giving, (0.25, 0.5, 0.8)), CLINICAL_MAX, task_evidence + checks,
            ([f"card tasks not covered: {', '.join(t for t in tasks if t not in covered_tasks)}"]
             if len(covered_tasks) < len(tasks) else []) + ([] if checks else ["understanding never checked"]),
            tasks_covered=covered_tasks, tasks_total=len(tasks)),
    }
    return {
        "language": language,
        "clinical_communication": clinical,
        "language_total": sum(c["score"] for c in language.values()),
        "language_max": LANGUAGE_MAX * len(language),
        "clinical_total": sum(c["score"] for c in clinical.values()),
        "clinical_max": CLINICAL_MAX * len(clinical),
        "candidate_words": n_words,
        "flags": flags,
        "card_title": card.get("title"),
    }
