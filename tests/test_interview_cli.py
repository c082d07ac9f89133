"""workbench ask and workbench session through the real CLI entry point (bank only: no LLM)."""
from __future__ import annotations

import json

from workbench.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out


def test_session_lifecycle(data_dir, capsys):
    code, out = run(capsys, "session", "import", "data/sample_session", "--json")
    assert code == 0 and json.loads(out.out)["id"] == "sample-synthetic-swe"
    code, out = run(capsys, "session", "new", "--role", "teacher", "--level", "junior", "-n", "2", "--json")
    new_id = json.loads(out.out)["id"]
    assert code == 0 and len(json.loads(out.out)["turns"]) == 2
    code, out = run(capsys, "session", "list", "--json")
    assert {s["id"] for s in json.loads(out.out)["sessions"]} == {"sample-synthetic-swe", new_id}
    code, out = run(capsys, "session", "show", "sample-synthetic-swe")
    assert code == 0 and "SYNTHETIC" in out.out and "turn00.webm" in out.out
    code, out = run(capsys, "session", "delete", new_id, "--json")
    assert code == 0
    code, out = run(capsys, "session", "show", new_id, "--json")
    assert code == 2 and "no session" in json.loads(out.out)["error"] and "Traceback" not in out.err


def test_ask_question_and_followup_without_llm(data_dir, capsys):
    code, out = run(capsys, "ask", "--role", "nurse", "--level", "mid", "--type", "technical", "--model", "none",
                    "--json")
    result = json.loads(out.out)
    assert code == 0 and result["kind"] == "question" and result["source"] == "bank" and result["question_id"]
    code, out = run(capsys, "ask", "--role", "nurse", "--level", "mid", "--model", "none", "--json",
                     "--after", "We handled it as a team and we did a lot of stuff that shift, and our ward "
                     "coped with everything that came through the doors that night without any real issue.")
    result = json.loads(out.out)
    assert result["kind"] == "follow_up" and result["gap"] == "we_without_i"
    code, out = run(capsys, "ask", "--role", "pilot", "--level", "mid", "--model", "none")
    assert code == 2 and "choose one of" in out.err
    code, out = run(capsys, "ask", "--role", "nurse", "--level", "mid", "--jd", "/no/such/file", "--model", "none")
    assert code == 2 and "no such file" in out.err
