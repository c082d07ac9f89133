"""The class view (issue 20 item 4): the bundled sample imported under two student labels in one class,
scored, and rendered by `workbench report --class` (notebook 75 through papermill)."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from workbench.cli.main import main
from workbench.interview.importer import SAMPLE_SESSION_DIR, import_folder
from workbench.report import classview
from workbench.stages.scoring import run_scoring
from workbench.store import SessionStore


def _class_of_two(store: SessionStore) -> list[str]:
    ids = []
    for i, candidate in enumerate(("student-a", "student-b", "student-a")):
        session = import_folder(SAMPLE_SESSION_DIR, store=store, session_id=f"class-sample-{i}")
        session.candidate, session.class_label = candidate, "10b"
        store.save(session)
        run_scoring(session.id, store=store, llm_feedback=False)
        ids.append(session.id)
    return ids


def test_the_table_has_one_row_per_scored_session_anonymised(data_dir):
    store = SessionStore(data_dir)
    _class_of_two(store)
    table = classview.class_table(store, "10b")
    assert list(table["student"]) == ["student 1", "student 2", "student 1"]
    assert list(table["session"]) == [1, 1, 2] and "candidate" not in table
    assert table["overall"].between(0, 100).all() and table["uncertainty"].notna().all()
    improved = classview.most_improved(table)
    assert set(improved["student"]) <= {"student 1"}  # the only student with two sessions
    named = classview.class_table(store, "10b", anonymise=False)
    assert set(named["student"]) == {"student-a", "student-b"}
    assert classview.class_table(store, "nobody").empty
    assert "No scored sessions" in classview.summary_line(classview.class_table(store, "nobody"), "nobody")


@pytest.mark.notebook
def test_report_class_renders_the_overview_and_the_csv(data_dir, tmp_path, capsys):
    _class_of_two(SessionStore(data_dir))
    assert main(["report", "--class", "10b", "--out", str(tmp_path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    html = open(payload["reports"][0]["html_path"], encoding="utf-8").read()
    assert "student 1" in html and "student-a" not in html and "<img" in html
    table = pd.read_csv(payload["csv_path"])
    assert len(table) == 3
    sheet = pd.read_excel(payload["xlsx_path"], sheet_name=classview.XLSX_SHEET, engine="openpyxl")
    assert list(sheet.columns) == list(table.columns) and sheet["overall"].round(6).tolist() == \
        table["overall"].round(6).tolist()
    assert main(["report", "--class", "empty-class", "--out", str(tmp_path), "--json"]) == 0  # an empty view
    empty = json.loads(capsys.readouterr().out)
    assert "nothing to show yet" in open(empty["reports"][0]["html_path"], encoding="utf-8").read()
