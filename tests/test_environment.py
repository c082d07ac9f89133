"""The environment files agree, and the repository keeps generated and personal data out."""
from __future__ import annotations

import subprocess

import yaml

from workbench.config import PROJECT_ROOT


def _lock_pins() -> set[str]:
    lines = (PROJECT_ROOT / "requirements" / "lock.txt").read_text().splitlines()
    return {line.strip().lower() for line in lines if line.strip() and not line.startswith("#")}


def test_environment_yml_carries_the_same_pins_as_the_lock():
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    pip_section = next(item["pip"] for item in env["dependencies"] if isinstance(item, dict))
    assert "python=3.11" in env["dependencies"]
    assert {p.lower() for p in pip_section} == _lock_pins() | {"torch==2.13.0"}


def test_every_lock_line_is_an_exact_pin_and_torch_is_not_in_it():
    for pin in _lock_pins():
        assert "==" in pin, pin
        assert not pin.startswith(("torch==", "fer==")), "torch and fer are installed separately"


def test_gitignore_keeps_out_environments_models_reports_and_user_data():
    ignored = subprocess.run(
        ["git", "check-ignore", ".venv/x", "data/user/sessions.sqlite3", "reports/run/report.html",
         "model.gguf", "x/__pycache__/a.pyc", ".ipynb_checkpoints/a.ipynb"],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
    ).stdout.split()
    assert len(ignored) == 6


def test_no_large_or_generated_files_are_tracked():
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True).stdout.split(b"\0")
    for name in filter(None, tracked):
        path = PROJECT_ROOT / name.decode()
        assert not path.is_file() or path.stat().st_size < 5 * 2**20, f"{name} is over 5 MB"
        assert not name.decode().endswith((".gguf", ".bin", ".onnx", ".safetensors", ".sqlite3"))
