"""Follow-ups that probe the last answer.

Cheap rules find what the answer is missing (a result, specifics, numbers, the candidate's own
part); the LLM only phrases the probe, and a rule-written probe is the fallback when the LLM is
missing, slow or its output fails the guard. Deciding by rules first means no LLM call at all
when the answer has no gap, which keeps the silence before the next question short.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.interview import guard, prompts

MIN_PROBE_WORDS = 25  # ours: below this an answer is too brief to probe for detail; ask to expand
MIN_WE_FOR_GAP = 2  # ours: "we" at least twice with no "I" means the candidate's own part is unclear
FOLLOWUP_MAX_TOKENS = 40  # ours: a 25-word question is ~35 tokens; shorter means a faster reply
FOLLOWUP_STOPS = ("\n\n", "?")  # ours: the first question mark ends the one question we want (re-added)
PRIME_MAX_TOKENS = 1  # llama.cpp needs one generated token to evaluate (and cache) a prompt
PROBE_TYPES = ("behavioural", "situational", "technical", "system design", "motivation")

_RESULT = re.compile(
    r"\b(result\w*|outcome\w*|so that|which meant|led to|ended up|in the end|finally|achiev\w*|improv\w*|"
    r"reduc\w*|increas\w*|sav(ed|ing)|cut|grew|launched|delivered|shipped|resolved|fixed|solved|"
    r"recovered|learn(ed|t)|succeed\w*|success\w*|feedback was|impact)\b",
    re.IGNORECASE,
)  # ours: words that report what came of an action (the R of STAR)
_VAGUE = re.compile(
    r"\b(a lot|lots of|things|stuff|various|kind of|sort of|basically|somehow|helped (with|out)|"
    r"was involved|many things|and so on|etc\.?|in general|generally|some stuff|whatever)\b",
    re.IGNORECASE,
)  # ours: vague-language markers
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundred|thousand|million|half|double|twice|percent|dozen)\b",
    re.IGNORECASE,
)
_WE = re.compile(r"\b(we|our|us|we're|we've|ours)\b", re.IGNORECASE)
_I = re.compile(r"\b(i|my|me|i'm|i've|i'd|mine|myself)\b", re.IGNORECASE)


# What a good answer to each probe covers: a follow-up turn is scored against these (its own intent), not
# against the parent question's points, which the candidate was just told they had not covered (ours).
GAP_COVERS: dict[str, tuple[str, ...]] = {
    "too_short": ("a specific example", "the situation and your task", "what you did step by step", "the outcome"),
    "we_without_i": ("your own actions", "the decisions you made yourself", "your part in the team's work",
                     "what you were responsible for"),
    "missing_result": ("the result or outcome", "how you knew it had worked", "what changed afterwards",
                       "what you learned"),
    "no_numbers": ("a number, size or amount", "how long it took", "the scale of the problem",
                   "the measurable effect"),
    "vague_claim": ("the specific actions taken", "concrete details", "an example of what it involved",
                    "who did what"),
}


@dataclass(frozen=True)
class Gap:
    kind: str  # "too_short" | "we_without_i" | "missing_result" | "no_numbers" | "vague_claim"
    hint: str  # what the LLM is told the answer lacks
    template: str  # a rule-written probe, used when the LLM is missing or fails
    evidence: str = ""  # the phrase that triggered it, if any


def find_gaps(answer: str, *, question_type: str = "behavioural") -> list[Gap]:
    """Gaps in an answer, most important first. Empty for a complete answer (no follow-up)."""
    text = " ".join((answer or "").split())
    words = text.split()
    if not words:
        return []
    gaps: list[Gap] = []
    if len(words) < MIN_PROBE_WORDS:
        gaps.append(Gap("too_short", "the answer is very brief and gives no detail",
                        "Could you walk me through that in more detail, with a specific example?"))
        return gaps
    we_count, i_count = len(_WE.findall(text)), len(_I.findall(text))
    if we_count >= MIN_WE_FOR_GAP and i_count == 0:
        gaps.append(Gap("we_without_i", "it says what 'we' did but never what the candidate personally did",
                        "You described what the team did; what did you personally do?", "we"))
    if question_type in ("behavioural", "situational") and not _RESULT.search(text):
        gaps.append(Gap("missing_result", "it never says what the result or outcome was",
                        "What was the result, and how did you know it had worked?"))
    if not _NUMBER.search(text):
        gaps.append(Gap("no_numbers", "it gives no numbers, scale or measurable effect",
                        "Can you put a number on that: how much, how many, or how long?"))
    vague = _VAGUE.search(text)
    if vague:
        gaps.append(Gap("vague_claim", f"it makes a vague claim ('{vague.group(0)}') without specifics",
                        f"You mentioned '{vague.group(0)}'; what specifically did that involve?", vague.group(0)))
    return gaps


@dataclass(frozen=True)
class FollowUp:
    text: str
    gap: str  # the Gap.kind probed
    source: str  # "llm" | "template"
    rejected: str | None = None  # why the LLM's text was rejected, when it was

    def to_json(self) -> dict:
        return {"text": self.text, "gap": self.gap, "source": self.source, "rejected": self.rejected}


def make_followup(
    question: str,
    answer: str,
    *,
    question_type: str = "behavioural",
    llm=None,
    asked: Sequence[str] = (),
    seed: int = 0,
    temperature: float = 0.0,
) -> FollowUp | None:
    """One follow-up probing the first gap of the answer, or None when the answer has none.

    llm: a chat model (``workbench.llm``) to phrase the probe, or None for the rule-written one.
    Any LLM failure (exception, empty, junk, unsafe, repeat) falls back to the template.
    """
    gaps = find_gaps(answer, question_type=question_type)
    if not gaps:
        return None
    gap = gaps[0]
    if llm is None:
        return FollowUp(gap.template, gap.kind, "template")
    try:
        result = llm.chat(
            prompts.followup_messages(question, answer, gap.hint),
            max_tokens=FOLLOWUP_MAX_TOKENS, temperature=temperature, seed=seed, stop=list(FOLLOWUP_STOPS),
        )
        reply = (result.text or "").strip()
        if reply and not reply.endswith("?") and "\n" not in reply and result.completion_tokens < FOLLOWUP_MAX_TOKENS:
            reply += "?"  # stopped at the question mark: llama.cpp leaves the stop string out
    except Exception as error:  # noqa: BLE001 - any model failure falls back to the rule-written probe
        return FollowUp(gap.template, gap.kind, "template", rejected=f"LLM error: {error}")
    checked = guard.validate_question(reply, asked=asked, topic=f"{question} {answer} {gap.hint}")
    if not checked.ok:
        return FollowUp(gap.template, gap.kind, "template", rejected=checked.reason)
    return FollowUp(checked.text, gap.kind, "llm")


def prime(llm, question: str, answer_so_far: str, *, temperature: float = 0.0) -> None:
    """Evaluate the follow-up prompt for the answer heard so far, so llama.cpp's prompt cache holds
    it: at Stop only the answer's last words, the gap line and the instructions are new tokens.
    The follow-up prompt puts the answer before the gap hint, so a growing answer keeps the prefix."""
    llm.chat(prompts.followup_messages(question, answer_so_far, ""), max_tokens=PRIME_MAX_TOKENS,
             temperature=temperature, seed=0)
