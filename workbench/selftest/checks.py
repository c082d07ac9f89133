"""The self-test's checks: each compares what the pipeline measured with what code put into the
simulated answers, with a named tolerance and the reason for it (the validation suite's
``Check``/``CheckResult``, area ``selftest``).

The checks are pure functions of the answer rows ``selftest.run`` makes, so a test can hand them a
broken measure (swapped scores, lost fillers) and see the check fail. A check whose personas were
not part of the run is left out and listed under ``skipped``, never counted as a pass.
"""
from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workbench.scoring.overall import BANDS, LOWEST_BAND
from workbench.interview.guard import names_the_answer
from workbench.speech.synth_fillers import match_fillers
from workbench.validation.checks import Check, CheckResult, Measured, run_check
from workbench.validation.speech_checks import INSERTED_PAUSE_DURATION_TOL_S, RATE_VS_REFERENCE_MAX

AREA = "selftest"
ORDER_MIN_RATE = 0.8  # ours: at most one question in five may break an expected score order
LOW_SCORE_MAX = BANDS[-2][0]  # the lowest band's top (an empty or gibberish answer stays below it)
FILLER_RECALL_TARGET = 0.8  # issue 19 item 5: filler recall at least 0.8 ...
FILLER_PRECISION_TARGET = 0.9  # ... with precision at least 0.9
PAUSE_EDGE_TOL_S = INSERTED_PAUSE_DURATION_TOL_S  # the validation suite's inserted-pause tolerance (word-edge timing)
GROUNDED_MIN_RATE = 0.8  # ours: an LLM follow-up names something the candidate said, at most one in five misses
NEXT_QUESTION_TARGET_S = 3.0  # the live-interview target: the next question within 3 s of Stop
FACE_VISIBLE_MIN = 0.95  # ours: a still frontal face may be missed in a frame or two, no more
MIN_WORDS_FOR_RATE = 20  # ours: fewer words make a words-per-minute figure mostly word-edge timing


@dataclass
class Data:
    rows: list[dict[str, Any]]
    crashes: list[str]
    voice: bool
    video: bool = False
    report: bool = False

    def planned(self, persona: str) -> dict[str, dict[str, Any]]:
        """The persona's answers to the planned questions (follow-ups left out), by question."""
        return {r["question"]: r for r in self.rows if r["persona"] == persona and r["kind"] == "question"
                and r.get("overall") is not None}


@dataclass(frozen=True)
class SelfTestCheck:
    check: Check
    needs: tuple[str, ...] = ()  # personas the check compares
    needs_voice: bool = False
    needs_video: bool = False
    needs_report: bool = False


SPECS: list[SelfTestCheck] = []
SKIPPED = "skipped"  # a check status beside the validation suite's: its personas or inputs were not in the run
NOTHING_TO_MEASURE = "nothing_to_measure"  # a check's details key: why it had nothing to measure (then skipped)


def selftest_check(name: str, *, tolerance: str, reason: str, needs: tuple[str, ...] = (),
                   needs_voice: bool = False, needs_video: bool = False, needs_report: bool = False,
                   known_limit: str | None = None) -> Callable:
    def register(func: Callable[[Data], Measured]) -> Callable[[Data], Measured]:
        SPECS.append(SelfTestCheck(Check(AREA, name, func, tolerance, reason, known_limit=known_limit),
                                   needs, needs_voice, needs_video, needs_report))
        return func
    return register


def order_rate(data: Data, order: tuple[str, ...], *, strict: bool = True) -> Measured:
    """Share of questions where the personas' overall scores fall in ``order`` (best first)."""
    answers = [data.planned(p) for p in order]
    questions = [q for q in answers[0] if all(q in a for a in answers[1:])]
    rows, ok = [], 0
    for question in questions:
        scores = [a[question]["overall"] for a in answers]
        holds = all((x > y) if strict else (x >= y) for x, y in zip(scores, scores[1:], strict=False))
        ok += holds
        rows.append({"question": question, **dict(zip(order, scores, strict=True)), "holds": holds})
    rate = ok / len(questions) if questions else None
    return Measured(rate, rate is not None and rate >= ORDER_MIN_RATE if strict else rate == 1.0,
                    {"questions": rows})


@selftest_check("score_order_strong_weak_off_topic", needs=("strong", "weak", "off_topic"),
                tolerance=f"strong > weak > off-topic overall in at least {ORDER_MIN_RATE:.0%} of the questions",
                reason="the score must rank a specific answer over a vague one over one about something else")
def score_order(data: Data) -> Measured:
    return order_rate(data, ("strong", "weak", "off_topic"))


@selftest_check("injected_not_above_twin", needs=("injected", "weak"),
                tolerance="the injected answer never scores above its clean twin (every question)",
                reason="an instruction to the grader must never buy points")
def injected_twin(data: Data) -> Measured:
    return order_rate(data, ("weak", "injected"), strict=False)


@selftest_check("rambling_below_strong", needs=("strong", "rambling"),
                tolerance=f"strong > rambling overall in at least {ORDER_MIN_RATE:.0%} of the questions",
                reason="length is not quality: a long wandering answer must not pass a focused one")
def rambling_below(data: Data) -> Measured:
    return order_rate(data, ("strong", "rambling"))


@selftest_check("empty_and_gibberish_low_with_reason", needs=(),
                tolerance=f"every empty or gibberish answer in the lowest band (< {LOW_SCORE_MAX:.0f}) "
                          "with a reason or a flag",
                reason="an answer with no words in it must get an honest low score that says why")
def empty_low(data: Data) -> Measured:
    rows = [r for r in data.rows if r["persona"] in ("empty", "gibberish")]
    if not rows:  # neither persona in the run: nothing to measure, not a failure
        return Measured(None, False, {NOTHING_TO_MEASURE: "no empty or gibberish persona in this run"})
    checked = []
    for r in rows:
        refused = bool(r["error"] and r["error"].startswith("refused"))
        low = refused or r.get("band") == LOWEST_BAND
        said = refused or bool(r.get("reasons") or r.get("flags"))
        checked.append({"persona": r["persona"], "question": r["question"], "overall": r.get("overall"),
                        "reasons": (r.get("reasons") or [])[:2], "flags": r.get("flags"), "refused": refused,
                        "holds": low and said})
    share = sum(c["holds"] for c in checked) / len(checked) if checked else None
    return Measured(share, share == 1.0, {"answers": checked})


def _filler_counts(data: Data) -> tuple[int, int, int, list[dict[str, Any]]]:
    hits = false_found = missed = 0
    rows = []
    for r in data.rows:
        if r.get("generator") != "llm" or r["error"] or r.get("found_fillers") is None:  # real words only
            continue
        truth = [(f["start_s"], f["end_s"], f["word"]) for f in r["truth"]["fillers"]]
        h, f, m = match_fillers(truth, r["found_fillers"])
        hits, false_found, missed = hits + h, false_found + f, missed + m
        if truth or f:
            rows.append({"persona": r["persona"], "index": r["index"], "inserted": len(truth), "found": h,
                         "false": f})
    return hits, false_found, missed, rows


FILLER_LIMIT = ("issue 19 item 5: Whisper drops many fillers (recall 0.52 on the scripted filler set); "
                "the acoustic finder is the open work")


@selftest_check("filler_recall", needs=("nervous",), needs_voice=True, known_limit=FILLER_LIMIT,
                tolerance=f"at least {FILLER_RECALL_TARGET} of the inserted fillers found (within the "
                          "filler-matching tolerance)",
                reason="issue 19's filler target, on fillers put at known times into spoken answers")
def filler_recall(data: Data) -> Measured:
    hits, _, missed, rows = _filler_counts(data)
    recall = hits / (hits + missed) if hits + missed else None
    return Measured(recall, recall is not None and recall >= FILLER_RECALL_TARGET, {"answers": rows})


@selftest_check("filler_precision", needs=(), needs_voice=True, known_limit=FILLER_LIMIT,
                tolerance=f"at least {FILLER_PRECISION_TARGET} of the fillers found were inserted",
                reason="issue 19's filler target: a filler counted where none was said is a false alarm")
def filler_precision(data: Data) -> Measured:
    hits, false_found, _, rows = _filler_counts(data)
    precision = hits / (hits + false_found) if hits + false_found else None
    return Measured(precision, precision is not None and precision >= FILLER_PRECISION_TARGET, {"answers": rows})


def pause_errors(truth: list[dict[str, Any]], found: list[tuple[float, float]]) -> list[dict[str, Any]]:
    """Each inserted pause with the found pause overlapping it most, and the edge errors in ms (None: missed)."""
    matched = []
    for pause in truth:
        overlap = [(min(pause["end_s"], e) - max(pause["start_s"], s), s, e) for s, e in found]
        best = max(overlap, default=(0.0, None, None))
        if best[0] <= 0:
            matched.append({**pause, "found": None, "start_error_ms": None, "end_error_ms": None})
            continue
        _, start, end = best
        matched.append({**pause, "found": [start, end], "start_error_ms": round(abs(start - pause["start_s"]) * 1000),
                        "end_error_ms": round(abs(end - pause["end_s"]) * 1000)})
    return matched


@selftest_check("pauses_found_at_their_time", needs=("nervous",), needs_voice=True,
                tolerance=f"every inserted pause found, median edge error within {PAUSE_EDGE_TOL_S * 1000:.0f} ms",
                reason="the validation suite's inserted-pause tolerance, now inside whole spoken answers")
def pauses_found(data: Data) -> Measured:
    matched = [m for r in data.rows if not r["error"] and r.get("found_pauses") is not None
               for m in pause_errors(r["truth"]["pauses"], [tuple(p) for p in r["found_pauses"]])]
    if not matched:
        return Measured(None, False, {"pauses": []})
    errors = [e for m in matched if m["found"] for e in (m["start_error_ms"], m["end_error_ms"])]
    median_ms = statistics.median(errors) if errors else None
    found_all = all(m["found"] for m in matched)
    return Measured(median_ms, found_all and median_ms is not None and median_ms <= PAUSE_EDGE_TOL_S * 1000,
                    {"pauses": matched, "found": sum(bool(m["found"]) for m in matched), "inserted": len(matched)})


@selftest_check("words_per_minute_against_truth", needs=(), needs_voice=True,
                tolerance=f"median |measured - true| / true within {RATE_VS_REFERENCE_MAX:.0%}",
                reason="the validation suite's rate tolerance (ASR word counts, word-edge timing)")
def words_per_minute(data: Data) -> Measured:
    rows = [r for r in data.rows if not r["error"] and r.get("true_words_per_minute") and r.get("words_per_minute")
            and r["truth"]["word_count"] >= MIN_WORDS_FOR_RATE]
    errors = [abs(r["words_per_minute"] - r["true_words_per_minute"]) / r["true_words_per_minute"] for r in rows]
    median = statistics.median(errors) if errors else None
    return Measured(median, median is not None and median <= RATE_VS_REFERENCE_MAX,
                    {"answers": [{"persona": r["persona"], "index": r["index"], "true": r["true_words_per_minute"],
                                  "measured": r["words_per_minute"]} for r in rows]})


@selftest_check("followups_grounded_in_the_answer", needs=(),
                tolerance=f"at least {GROUNDED_MIN_RATE:.0%} of the LLM's follow-ups name something the "
                          "candidate said",
                reason="a follow-up probes this answer, not the question in general")
def followups_grounded(data: Data) -> Measured:
    rows = [r for r in data.rows if (r.get("followup") or {}).get("source") == "llm"]
    checked = [{"persona": r["persona"], "followup": r["followup"]["text"],
                "grounded": names_the_answer(r["followup"]["text"], r["question"], r.get("heard_text") or "")}
               for r in rows]
    if not checked:
        return Measured(None, False, {NOTHING_TO_MEASURE: "no follow-up written by the LLM in this run"})
    rate = sum(c["grounded"] for c in checked) / len(checked)
    return Measured(rate, rate >= GROUNDED_MIN_RATE, {"followups": checked})


@selftest_check("next_question_latency", needs=(),
                tolerance=f"median end-of-answer to next question within {NEXT_QUESTION_TARGET_S:.0f} s",
                reason="the live interview's target for the silence after Stop",
                known_limit="the self-test waits for the LLM's follow-up so that a seed gives the same run; "
                            "the live app caps that wait (interview.nextturn.LIVE_FOLLOWUP_BUDGET_S)")
def latency(data: Data) -> Measured:
    waits = [r["submit_s"] + r["next_question_s"] for r in data.rows if "next_question_s" in r]
    median = statistics.median(waits) if waits else None
    return Measured(median, median is not None and median <= NEXT_QUESTION_TARGET_S,
                    {"median_s": median, "max_s": max(waits, default=None), "turns": len(waits)})


@selftest_check("face_found_in_the_still_track", needs_video=True,
                tolerance=f"the face visible in at least {FACE_VISIBLE_MIN:.0%} of the sampled frames of every "
                          "answer with a picture",
                reason="the still is a real, frontal, well-lit face: the face stage must find it all the way")
def face_found(data: Data) -> Measured:
    rows = [r for r in data.rows if not r["error"] and r.get("voice")]
    ratios = [r.get("face_visible_ratio") for r in rows]
    lowest = min(ratios, default=None) if all(v is not None for v in ratios) else None
    return Measured(lowest, lowest is not None and lowest >= FACE_VISIBLE_MIN,
                    {"answers": [{"persona": r["persona"], "index": r["index"], "face_visible_ratio": v}
                                 for r, v in zip(rows, ratios, strict=True)]})


@selftest_check("report_shows_the_stored_scores", needs_report=True,
                tolerance="every session's report written, counting the answers given and showing each answer's "
                          "stored overall score",
                reason="the report is what a student reads: it must show what was measured, nothing more or less")
def report_agrees(data: Data) -> Measured:
    wrong = []
    for persona in sorted({r["persona"] for r in data.rows}):
        asked = [r for r in data.rows if r["persona"] == persona]  # a refused answer's question was asked too
        shown = asked[0].get("report") or {}
        if not shown.get("html") or shown.get("answers") != len(asked):
            wrong.append({"persona": persona, "report": shown.get("html"), "questions_shown": shown.get("answers"),
                          "questions_asked": len(asked)})
        for row in asked:
            overall = (row.get("report") or {}).get("overall")
            if not row["error"] and overall != row.get("overall"):
                wrong.append({"persona": persona, "index": row["index"], "shown": overall,
                              "stored": row.get("overall")})
    return Measured(len(wrong), not wrong and bool(data.rows), {"mismatches": wrong, "answers": len(data.rows)})


@selftest_check("no_stage_crashed", needs=(), tolerance="0 crashes of the engine or a stage",
                reason="every persona, the empty and the hostile ones included, must come through")
def no_crash(data: Data) -> Measured:
    return Measured(len(data.crashes), not data.crashes, {"crashes": data.crashes})


def run_checks(rows: list[dict[str, Any]], crashes: list[str], *, voice: bool,
               video: bool = False, report: bool = False) -> list[CheckResult]:
    """Every check whose personas were in the run; the others are returned as skipped results."""
    data = Data(rows, crashes, voice, video, report)
    present = {r["persona"] for r in rows}
    results = []
    for spec in SPECS:
        missing = [p for p in spec.needs if p not in present]
        if (missing or (spec.needs_voice and not voice) or (spec.needs_video and not video)
                or (spec.needs_report and not report)):
            why = (f"not run: needs persona {', '.join(missing)}" if missing else
                   "not run: --no-voice" if spec.needs_voice and not voice else
                   "not run: no --video" if spec.needs_video and not video else "not run: no --report")
            results.append(CheckResult(AREA, spec.check.name, None, spec.check.tolerance, False, SKIPPED,
                                       spec.check.reason, {"skipped": why}))
            continue
        result = run_check(spec.check, data)
        if result.measured is None and NOTHING_TO_MEASURE in result.details:
            result.status, result.details["skipped"] = SKIPPED, result.details[NOTHING_TO_MEASURE]
        results.append(result)
    return results
