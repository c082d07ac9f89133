"""Specificity: numbers, named things, concrete first-person actions, and the share of "I" versus "we".

Only entity types that name things (organisations, products, events, laws, languages, facilities,
works) count: people's names, nationalities and places are excluded, so a name or a home town
cannot move the score (see the fairness check in ``workbench.scoring.validity``).
"""
from __future__ import annotations

from workbench.scoring.prepared import PreparedAnswer, component, ramp

NUMBERS_PER_100_WORDS_TARGET = 2.0  # ours: two concrete figures per 100 words reads as specific
NAMED_THINGS_TARGET = 2  # ours
CONCRETE_ACTIONS_TARGET = 4  # ours: four distinct first-person action verbs
I_SHARE_TARGET = 0.5  # ours: at least half of "I"/"we" should be "I" so the candidate's part is visible
WEIGHTS = {"numbers": 0.3, "named_things": 0.2, "actions": 0.35, "i_share": 0.15}  # ours
COUNTED_ENTITY_LABELS = frozenset({"ORG", "PRODUCT", "EVENT", "LAW", "LANGUAGE", "FAC", "WORK_OF_ART"})
NUMBER_ENTITY_LABELS = frozenset({"CARDINAL", "PERCENT", "MONEY", "QUANTITY", "TIME", "DATE"})
VAGUE_VERBS = frozenset({"be", "have", "do", "help", "work", "try", "handle", "deal", "get", "make",
                         "go", "think", "feel", "know", "want", "like", "need", "say", "see", "seem",
                         "guess", "mean", "use"})  # ours: verbs that say little about what was done
WE_WORDS = frozenset({"we", "us", "our", "ours"})
I_WORDS = frozenset({"i", "me", "my", "mine", "myself"})
PERSON_ROLE_NOUNS = frozenset({"colleague", "manager", "boss", "nurse", "doctor", "name", "friend", "client",
                               "director", "mentor", "teacher", "partner", "wife", "husband", "lead",
                               "engineer", "designer", "analyst", "patient", "customer", "student",
                               "supervisor", "coworker", "co-worker", "peer", "called", "named"})
# ours: spaCy sometimes tags an unfamiliar first name as ORG; an entity right after one of these
# words ("my colleague Chinedu", "the senior nurse, Ananya") is a person and is not counted
ROLE_WINDOW_TOKENS = 3  # ours: how far back to look for a role noun


def _named_things(doc) -> set[str]:
    """Entities that name things (not people or places), with person-like mentions removed."""
    people = {e.text for e in doc.ents if e.label_ in {"PERSON", "NORP", "GPE", "LOC"}}
    for ent in doc.ents:
        before = doc[max(0, ent.start - ROLE_WINDOW_TOKENS):ent.start]
        if any(t.lower_ in PERSON_ROLE_NOUNS for t in before):
            people.add(ent.text)
    return {e.text for e in doc.ents if e.label_ in COUNTED_ENTITY_LABELS and e.text not in people
            and e.text.removesuffix("'s") not in people}


def score_specificity(prepared: PreparedAnswer) -> dict:
    """Specificity 0-100 from four signals, each ramped to its target and weighted.

    ``details``: ``numbers``, ``numbers_per_100_words``, ``named_things``, ``concrete_actions``,
    ``i_share`` (None when neither "I" nor "we" occurs).
    """
    doc = prepared.doc
    n_words = max(1, prepared.word_count)
    numbers = {e.text for e in doc.ents if e.label_ in NUMBER_ENTITY_LABELS}
    numbers |= {t.text for t in doc if t.like_num and not t.ent_type_}
    named = sorted(_named_things(doc))
    actions = sorted({
        t.lemma_.lower() for t in doc
        if t.pos_ == "VERB" and t.lemma_.lower() not in VAGUE_VERBS
        and any(c.dep_ == "nsubj" and c.lower_ == "i" for c in t.children)
    })
    lower = [w.lower() for w in prepared.word_tokens]
    n_i, n_we = sum(w in I_WORDS for w in lower), sum(w in WE_WORDS for w in lower)
    i_share = n_i / (n_i + n_we) if (n_i + n_we) else None
    numbers_per_100 = 100 * len(numbers) / n_words
    parts = {
        "numbers": ramp(numbers_per_100, 0.0, NUMBERS_PER_100_WORDS_TARGET),
        "named_things": ramp(len(named), 0, NAMED_THINGS_TARGET),
        "actions": ramp(len(actions), 0, CONCRETE_ACTIONS_TARGET),
        "i_share": 0.5 if i_share is None else ramp(i_share, 0.0, I_SHARE_TARGET),
    }
    score = 100 * sum(WEIGHTS[k] * v for k, v in parts.items())
    reasons = []
    if not numbers:
        reasons.append("no numbers: add a figure (time, size, percentage) to show scale or result")
    if len(actions) < 2:
        reasons.append("few concrete actions in the first person (\"I built\", \"I measured\")")
    if i_share is not None and i_share < I_SHARE_TARGET:
        reasons.append(f"\"we\" dominates ({1 - i_share:.0%}): say what you did yourself")
    evidence = [f"numbers: {', '.join(sorted(numbers)[:6])}"] if numbers else []
    if actions:
        evidence.append(f"actions: I {', I '.join(actions[:8])}")
    if named:
        evidence.append(f"named: {', '.join(named[:6])}")
    return component(
        score, evidence=evidence, reasons=reasons,
        details={"numbers": sorted(numbers), "numbers_per_100_words": round(numbers_per_100, 2),
                 "named_things": named, "concrete_actions": actions,
                 "i_share": None if i_share is None else round(i_share, 3),
                 "parts": {k: round(v, 3) for k, v in parts.items()}},
    )
