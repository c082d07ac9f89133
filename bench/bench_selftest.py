"""Self-test wall time (issue 17): seconds per simulated answer and per persona, spoken end to end
(LLM writes, piper speaks, the engine transcribes and asks the follow-up, the voice and scoring
stages run), with the typed path measured in the same run as the baseline (the same personas and
questions, no voice), so the ratio says what the spoken path costs. One question per persona, the
default LLM, a temporary data folder.
"""
from __future__ import annotations

import tempfile
import time

PERSONAS = "strong,weak,off_topic,rambling,empty,gibberish,injected,non_native,nervous"
QUESTIONS = 1


def _run(voice: bool, data_dir: str) -> dict:
    from workbench.selftest.run import SelfTestConfig, run_selftest
    from workbench.store import SessionStore

    started = time.perf_counter()
    result = run_selftest(SelfTestConfig(personas=PERSONAS, questions=QUESTIONS, voice=voice),
                          store=SessionStore(data_dir))
    return {"wall_s": time.perf_counter() - started, "result": result}


def run() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        typed = _run(False, folder + "/typed")
        spoken = _run(True, folder + "/spoken")
    figures: dict = {}
    for name, run_ in (("typed", typed), ("spoken", spoken)):
        result = run_["result"]
        figures[f"{name}_wall_s"] = round(run_["wall_s"], 1)
        figures[f"{name}_answers"] = result["timings"]["answers"]
        figures[f"{name}_per_answer_median_s"] = result["timings"]["per_answer_median_s"]
        figures[f"{name}_per_persona_s"] = result["timings"]["per_persona_s"]
    if figures["typed_per_answer_median_s"]:
        figures["spoken_per_answer_ratio_vs_typed"] = round(
            figures["spoken_per_answer_median_s"] / figures["typed_per_answer_median_s"], 2)
    figures["spoken_checks"] = {c["name"]: [c["status"], c["measured"]] for c in spoken["result"]["checks"]}
    return figures
