"""Notebooks 80 and 90 run alone under papermill: typed parameters with help, correct defaults."""
from __future__ import annotations

import json

import pytest

from workbench import config
from workbench.config import NOTEBOOKS_DIR
from workbench.report.runner import declared_parameters, notebook_to_html, run_notebook

pytestmark = pytest.mark.notebook


@pytest.mark.parametrize("name", ["80_validation.ipynb", "90_report.ipynb"])
def test_parameters_are_typed_literals_with_help(name):
    declared = declared_parameters(NOTEBOOKS_DIR / name)
    assert declared
    for parameter in declared.values():
        assert parameter["inferred_type_name"] in ("str", "bool", "int", "float"), parameter
        assert parameter["help"], parameter


def test_90_report_runs_alone_with_its_defaults(tmp_path, monkeypatch):
    """Its default SESSION_ID is the id the bundled sample is stored under; with the sample imported
    (not analysed) the notebook runs with no parameter at all and shows the one norms table."""
    from workbench.report.sources import import_sample

    data = tmp_path / "data"
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(data))
    config.reload()
    try:
        session_id = import_sample()
        assert json.loads(declared_parameters(NOTEBOOKS_DIR / "90_report.ipynb")["SESSION_ID"]["default"]) \
            == session_id
        run = run_notebook(NOTEBOOKS_DIR / "90_report.ipynb", tmp_path / "out", {},
                           env={"WORKBENCH_DATA_DIR": str(data)})
        page = notebook_to_html(run.executed_path, tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    finally:
        config.reload()
    assert "3 questions, 0 answers scored" in page
    assert page.count("What each measure is compared with") == 1
    assert "Speaking rate" in page and "Eye contact" in page and "Lucas 2004" in page
    assert "issue 3" not in page


def test_80_validation_runs_under_papermill_in_fast_mode(tmp_path):
    out = tmp_path / "validation"
    run = run_notebook(NOTEBOOKS_DIR / "80_validation.ipynb", out,
                       {"FAST": True, "AREAS": "scoring", "OUTPUT_DIR": str(out)})
    payload = json.loads((out / "validation.json").read_text())
    assert payload["parameters"] == {"FAST": True, "AREAS": "scoring"}
    assert payload["results"] and all(r["area"] == "scoring" for r in payload["results"])
    assert run.parameters["FAST"] is True


def test_90_report_draws_every_figure_as_a_picture(tmp_path, monkeypatch):
    """A stored, analysed session (stage results from the stages' code): each figure the notebook
    displays is a PNG, none is printed as ``<Figure size ...>`` text."""
    import nbformat

    import report_inputs as inputs
    from workbench.store import SessionStore

    data = tmp_path / "data"
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(data))
    config.reload()
    try:
        session = inputs.session_of(inputs.scored_turn(0), inputs.scored_turn(1), session_id="figures-test")
        SessionStore().save(session)
        run = run_notebook(NOTEBOOKS_DIR / "90_report.ipynb", tmp_path / "out", {"SESSION_ID": "figures-test"},
                           env={"WORKBENCH_DATA_DIR": str(data)})
    finally:
        config.reload()
    outputs = [o for cell in nbformat.read(str(run.executed_path), as_version=4).cells
               for o in cell.get("outputs", []) if o.get("output_type") == "display_data"]
    pictures = [o for o in outputs if "image/png" in o["data"]]
    as_text = [o for o in outputs if o["data"].get("text/plain", "").startswith("<Figure")
               and "image/png" not in o["data"]]
    assert not as_text, as_text
    assert len(pictures) == 2 + 2 * 2  # component chart, session timeline; voice and face per answer
