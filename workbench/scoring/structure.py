"""Structure: STAR (situation, task, action, result) detected sentence by sentence.

Each sentence is labelled from cue phrases plus its spaCy parse (first-person subject with a
past-tense verb = action; a number, a percentage or an outcome verb = result). The labels and
their cues are returned so a reader can see why each part was or was not found.
STAR itself: the behavioural-interview format used by e.g. DDI's Targeted Selection; weights ours.
"""
from __future__ import annotations

import re

from workbench.scoring.prepared import PreparedAnswer, component

PART_WEIGHTS = {"situation": 0.2, "task": 0.2, "action": 0.35, "result": 0.25}  # ours: action and
# result carry the evidence of what the candidate did, so they weigh most
ORDER_BONUS = 0.0  # ours: order is reported, not scored (spoken answers often start with the result)

SITUATION_CUES = re.compile(
    r"\b(when i|when we|while i|while we|at my (last|previous|current|first)|in my (last|previous|current|first)|"
    r"last (year|month|quarter|summer|spring|autumn|winter)|(a|one) (time|day|project|year)|"
    r"we (were|had)|there (was|were)|the (team|company|project|client|customer|hospital|clinic|ward|school|"
    r"store|system|service|product) (was|had|were|needed)|at the time|years? ago|background)\b", re.I)
TASK_CUES = re.compile(
    r"\b(my (goal|task|job|role|responsibility|objective|aim|brief)|i (was|were) (asked|responsible|tasked|"
    r"assigned|expected|given)|i (needed|had|wanted) to|we (needed|had) to|the (goal|aim|task|objective|"
    r"challenge|problem) was|my manager asked|in charge of|i was leading|i owned)\b", re.I)
RESULT_CUES = re.compile(
    r"\b(as a result|the result|resulted|outcome|led to|in the end|eventually|ultimately|afterwards|"
    r"which (meant|reduced|increased|cut|saved|improved)|reduc\w*|increas\w*|improv\w*|sav(ed|ing)|cut|"
    r"grew|decreas\w*|lower\w*|dropped|fell|rose|shipped|launched|delivered|achieved|won|"
    r"i learned|i learnt|lesson|feedback|praised|promoted|adopted|still (use|used))\b", re.I)
ACTION_VERBS_EXCLUDED = frozenset({"be", "have", "do", "feel", "think", "know", "want", "like", "need",
                                   "get", "seem", "become", "learn"})  # ours: states, not actions
RESULT_ENTITY_LABELS = frozenset({"PERCENT", "MONEY", "QUANTITY"})


def sentence_labels(sent) -> dict[str, str]:
    """STAR labels of one spaCy sentence, each with the cue that triggered it."""
    text = sent.text
    labels: dict[str, str] = {}
    if match := SITUATION_CUES.search(text):
        labels["situation"] = match.group(0)
    if match := TASK_CUES.search(text):
        labels["task"] = match.group(0)
    for token in sent:
        if (token.pos_ == "VERB" and token.tag_ in {"VBD", "VBN", "VBZ", "VBP"}
                and token.lemma_.lower() not in ACTION_VERBS_EXCLUDED
                and any(c.dep_ == "nsubj" and c.lower_ in {"i", "we"} for c in token.children)):
            labels["action"] = f"{[c.text for c in token.children if c.dep_ == 'nsubj'][0]} {token.text}"
            break
    if match := RESULT_CUES.search(text):
        labels["result"] = match.group(0)
    elif any(e.label_ in RESULT_ENTITY_LABELS for e in sent.ents):
        labels["result"] = next(e.text for e in sent.ents if e.label_ in RESULT_ENTITY_LABELS)
    return labels


def score_structure(prepared: PreparedAnswer) -> dict:
    """STAR completeness 0-100: the weighted share of the four parts found in the answer.

    ``details``: ``parts_found``, ``per_sentence`` (sentence index, labels with cues),
    ``order`` (the first sentence index of each part found). ``evidence``: one sentence per part.
    """
    per_sentence, first_seen, evidence = [], {}, {}
    for index, sent in enumerate(prepared.doc.sents):
        labels = sentence_labels(sent)
        if labels:
            per_sentence.append({"sentence": index, "labels": labels})
        for part in labels:
            if part not in first_seen:
                first_seen[part] = index
                evidence[part] = sent.text.strip()
    found = [p for p in PART_WEIGHTS if p in first_seen]
    score = 100 * sum(PART_WEIGHTS[p] for p in found)
    missing = [p for p in PART_WEIGHTS if p not in first_seen]
    reasons = [f"no {p} found" for p in missing]
    return component(
        score,
        evidence=[f"{p}: \"{evidence[p]}\"" for p in found],
        reasons=reasons,
        details={"parts_found": found, "parts_missing": missing, "order": first_seen,
                 "per_sentence": per_sentence[:40]},
    )
