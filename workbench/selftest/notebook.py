"""What notebook 70 shows of a self-test run: the check table, the score of each persona, filler and
pause recovery, the wait after each answer, and the sessions it created. Tables are pandas frames,
plots matplotlib figures; nothing here runs a model except ``load_or_run``.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.selftest.checks import NEXT_QUESTION_TARGET_S, pause_errors


def load_or_run(*, results_json: str = "", personas: str = "", questions: int = 1, llm: str = "",
                voice: bool = True, seed: int | None = None, report: bool = False) -> dict[str, Any]:
    """A stored run (``results_json``), else a new run with these settings (``report``: each session through
    the report pipeline)."""
    if results_json:
        return json.loads(Path(results_json).read_text(encoding="utf-8"))
    from workbench.config import DEFAULT_SEED
    from workbench.selftest.run import SelfTestConfig, run_selftest

    return run_selftest(SelfTestConfig(personas=personas or None, questions=questions, llm_id=llm or None,
                                       voice=voice, seed=DEFAULT_SEED if seed is None else seed, report=report),
                        progress=True)


def checks_table(result: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame([{k: c[k] for k in ("name", "status", "measured", "tolerance", "reason")}
                         for c in result["checks"]])


def answers_frame(result: dict[str, Any]) -> pd.DataFrame:
    columns = ("persona", "index", "kind", "written_source", "voice", "overall", "band", "words_per_minute",
               "true_words_per_minute", "error")
    return pd.DataFrame([{k: r.get(k) for k in columns} for r in result["answers"]], columns=columns)


def plot_scores(result: dict[str, Any]) -> Any:
    """Each persona's overall scores, planned questions and follow-ups, in the expected order."""
    import matplotlib.pyplot as plt

    rows = [r for r in result["answers"] if r.get("overall") is not None]
    order = sorted({r["persona"]: r["expected_rank"] for r in rows}.items(), key=lambda kv: (kv[1], kv[0]))
    names = [name for name, _ in order]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(names) + 1.2))
    for y, name in enumerate(names):
        for r in rows:
            if r["persona"] == name:
                ax.scatter(r["overall"], y, marker="o" if r["kind"] == "question" else "x",
                           color="tab:blue" if r["kind"] == "question" else "tab:orange")
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("overall score (o: planned question, x: follow-up or patient line)")
    ax.set_title("Scores per persona, expected best at the top")
    fig.tight_layout()
    return fig


def recovery_table(result: dict[str, Any]) -> pd.DataFrame:
    """Per spoken answer: fillers inserted and found, pauses inserted and their edge errors."""
    from workbench.speech.synth_fillers import match_fillers

    out = []
    for r in result["answers"]:
        if r.get("found_fillers") is None:
            continue
        truth = r["truth"]
        fillers = [(f["start_s"], f["end_s"], f["word"]) for f in truth["fillers"]]
        hits, false_found, _ = match_fillers(fillers, r["found_fillers"])
        pauses = pause_errors(truth["pauses"], [tuple(p) for p in r.get("found_pauses") or []])
        errors = [e for p in pauses if p["found"] for e in (p["start_error_ms"], p["end_error_ms"])]
        out.append({"persona": r["persona"], "index": r["index"], "fillers_inserted": len(fillers),
                    "fillers_found": hits, "fillers_false": false_found, "pauses_inserted": len(pauses),
                    "pauses_found": sum(bool(p["found"]) for p in pauses),
                    "pause_edge_error_ms_max": max(errors, default=None)})
    return pd.DataFrame(out)


def plot_latency(result: dict[str, Any]) -> Any:
    """The wait from the end of each answer to the next question (transcription + follow-up)."""
    import matplotlib.pyplot as plt

    rows = [r for r in result["answers"] if "next_question_s" in r]
    fig, ax = plt.subplots(figsize=(8, 3))
    labels = [f"{r['persona']} {r['index']}" for r in rows]
    ax.bar(range(len(rows)), [r["submit_s"] for r in rows], label="answer stored + transcribed")
    ax.bar(range(len(rows)), [r["next_question_s"] for r in rows], bottom=[r["submit_s"] for r in rows],
           label="next question (follow-up)")
    ax.axhline(NEXT_QUESTION_TARGET_S, color="grey", ls="--", lw=1, label=f"{NEXT_QUESTION_TARGET_S:.0f} s target")
    ax.set_xticks(range(len(rows)), labels, rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("seconds")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def sessions_table(result: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(result["sessions"])
