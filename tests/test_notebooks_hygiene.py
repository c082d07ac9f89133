"""Every committed notebook is clean: no outputs (they can hold a face or a voice), no execution
counts, exactly one ``parameters`` cell of literal assignments, no ``def``/``class``, no sys.path."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pytest

from workbench.config import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, f"no notebooks in {NOTEBOOKS_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean(path: Path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    missing = [i for i, cell in enumerate(raw["cells"]) if "id" not in cell]
    assert not missing, f"{path.name}: cells {missing} have no id (nbformat 4.5 requires one; normalize the notebook)"
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert code_cells, f"{path.name} has no code"
    for cell in code_cells:
        assert not cell.outputs, f"{path.name}: a cell has outputs; clear them before committing"
        assert cell.execution_count is None, f"{path.name}: a cell has an execution count"
        tree = ast.parse(cell.source)  # also fails on syntax errors
        defined = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        assert not defined, f"{path.name}: def/class belongs in the workbench package"
        assert "sys.path" not in cell.source, f"{path.name}: no sys.path hacks; the package is installed"
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: exactly one cell must be tagged 'parameters', found {len(tagged)}"
    assert tagged[0].cell_type == "code"
    for statement in ast.parse(tagged[0].source).body:
        assert isinstance(statement, (ast.Assign, ast.AnnAssign)), \
            f"{path.name}: the parameters cell may only assign values"
        ast.literal_eval(statement.value)  # raises if a default is not a literal (no calls, no names)
