"""Every ``from workbench... import name`` in the package, the tests, the benches, the tools and the notebooks
names something that exists, including imports inside functions, which only run when that path is taken
(a renamed constant otherwise fails at run time, e.g. only for one comparison task)."""
from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON_DIRS = ("workbench", "tests", "bench", "tools")


def _sources() -> list[tuple[str, str]]:
    found = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8"))
             for folder in PYTHON_DIRS for p in sorted((ROOT / folder).rglob("*.py"))]
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        found += [(f"{notebook.name} cell {i}", "".join(c["source"]))
                  for i, c in enumerate(cells) if c["cell_type"] == "code"]
    return found


def unresolved_imports(name: str, source: str) -> list[str]:
    """``from workbench.X import Y`` statements of ``source`` whose module or name does not exist."""
    problems = []
    for node in ast.walk(ast.parse(source, filename=name)):
        if not (isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("workbench")):
            continue
        module = importlib.import_module(node.module)
        for alias in node.names:
            if alias.name == "*" or hasattr(module, alias.name):
                continue
            try:
                importlib.import_module(f"{node.module}.{alias.name}")
            except ModuleNotFoundError:
                problems.append(f"{name}:{node.lineno}: from {node.module} import {alias.name}")
    return problems


def test_every_project_import_names_something_that_exists():
    problems = [p for name, source in _sources() for p in unresolved_imports(name, source)]
    assert not problems, "imports of names that do not exist:\n" + "\n".join(problems)


def test_the_check_finds_a_missing_name():
    assert unresolved_imports("x.py", "def f():\n    from workbench.media_limits import SAMPLE_RATE\n") == [
        "x.py:2: from workbench.media_limits import SAMPLE_RATE"]
