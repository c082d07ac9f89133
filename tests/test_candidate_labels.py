"""Students and classes (issue 20 item 3): a candidate label is a pseudonym (contact details refused, a
name warned about), a session carries a class label, sessions list by class, and one command deletes
all of one candidate's sessions (each deletion audited)."""
from __future__ import annotations

import json

import pytest

from workbench.cli.main import main
from workbench.errors import InputError
from workbench.interview.engine import InterviewEngine
from workbench.interview.planning import InterviewConfig
from workbench.privacy import audit
from workbench.privacy.labels import check_candidate_label, check_class_label
from workbench.store import SessionStore


@pytest.mark.parametrize("label, what", [("ann.lee@school.org", "e-mail"), ("+44 7700 900123", "phone"),
                                         ("07700900123", "phone"), ("(020) 7946-0958", "phone")])
def test_contact_details_are_refused_with_the_reason(label, what):
    with pytest.raises(InputError, match=what):
        check_candidate_label(label)


def test_pseudonyms_pass_and_a_name_gets_a_warning():
    assert check_candidate_label("student-07") == [] and check_candidate_label("s 2024 11") == []
    assert "person's name" in check_candidate_label("Anna Schmidt")[0]
    with pytest.raises(InputError, match="class label"):
        check_class_label("year10/b; drop table")


def test_the_engine_refuses_before_anything_is_stored(data_dir):
    engine = InterviewEngine(SessionStore(data_dir), llm_id="none", voice=False)
    with pytest.raises(InputError, match="e-mail"):
        engine.start(InterviewConfig(n_questions=1, candidate="ann@school.org"))
    assert engine.store.list() == []
    named = engine.start(InterviewConfig(n_questions=1, candidate="Anna Schmidt", class_label="year10-b"))
    assert named.settings["label_warnings"] and named.class_label == "year10-b"


def test_cli_lists_by_class_and_deletes_one_candidates_sessions(data_dir, capsys):
    made = (("student-01", "10a"), ("student-01", "10a"), ("student-02", "10a"), ("student-03", "10b"))
    for candidate, klass in made:
        assert main(["session", "new", "-n", "1", "--candidate", candidate, "--class", klass, "--json"]) == 0
    capsys.readouterr()
    assert main(["session", "list", "--class", "10a", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["sessions"]
    assert sorted(s["candidate"] for s in listed) == ["student-01", "student-01", "student-02"]
    assert main(["session", "delete", "--candidate", "student-01", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["deleted"]) == 2
    assert {s.candidate for s in SessionStore(data_dir).list()} == {"student-02", "student-03"}
    assert [e["event"] for e in audit.read(data_dir)].count("deleted") == 2
    assert main(["session", "new", "-n", "1", "--candidate", "me@x.org"]) != 0
    assert "e-mail" in capsys.readouterr().err
