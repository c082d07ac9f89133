"""The model library (issue 16 item 1, first part): every model with its task, size, memory, this
machine's verdict and its install status here, on the real installed packages."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from workbench import config
from workbench.cli.main import main
from workbench.errors import UnknownModelError
from workbench.models.catalog import BUILTIN_MODELS
from workbench.models.hardware import FITS, NO_FIT, SLOW, Hardware, machine_verdict
from workbench.models.library import MISSING, VERIFIED, library, show


@pytest.fixture
def user_models(tmp_path, monkeypatch):
    path = tmp_path / "workbench.toml"
    path.write_text('[[models]]\nid = "my-gone-llm"\ntask = "llm"\nbackend = "llama.cpp"\npath = "/nowhere/x.gguf"\n'
                    'ram_mb = 3000\n')
    monkeypatch.setenv("WORKBENCH_CONFIG", str(path))
    config.reload()
    yield
    monkeypatch.delenv("WORKBENCH_CONFIG")
    config.reload()


def test_every_catalogue_model_is_listed_verified_with_its_needs():
    rows = {r["id"]: r for r in library()}
    assert set(rows) == {s.id for s in BUILTIN_MODELS}
    for spec in BUILTIN_MODELS:
        r = rows[spec.id]
        assert r["status"] == VERIFIED, r  # make setup installs every packaged model
        assert r["ram_mb"] == spec.ram_mb and r["licence"] == spec.licence and r["machine_verdict"] in (FITS, SLOW)
        assert r["install_command"] is None and not r["user_added"]
    assert [r["id"] for r in library(task="llm")][0] == "qwen2.5-1.5b-instruct-q4"  # the default first


def test_a_user_model_whose_file_is_gone_says_how_to_fix_it(user_models):
    mine = next(r for r in library(task="llm") if r["id"] == "my-gone-llm")
    assert mine["status"] == MISSING and mine["user_added"] and "/nowhere/x.gguf" in mine["install_command"]


def test_the_verdict_separates_fits_slow_and_does_not_fit():
    spec = next(s for s in BUILTIN_MODELS if s.id == "qwen2.5-1.5b-instruct-q4")
    roomy = Hardware(cpu_cores=8, cpu_flags_avx2=True, ram_total_mb=32000, ram_available_mb=20000,
                     disk_free_mb=50000, gpu=None, platform="test")
    assert machine_verdict(spec, roomy)[0] == FITS
    assert machine_verdict(spec, replace(roomy, ram_available_mb=500))[0] == SLOW
    assert machine_verdict(spec, replace(roomy, ram_total_mb=2000))[0] == NO_FIT


def test_cli_lists_and_shows(capsys):
    assert main(["models", "list", "--json", "--no-verify"]) == 0
    listed = json.loads(capsys.readouterr().out)["models"]
    assert {m["id"] for m in listed} >= {"whisper-tiny.en", "piper-joe-medium"}
    assert main(["models", "show", "whisper-tiny.en", "--json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert one["sha256"] and one["packages"] and one["weights_path"]
    assert main(["models", "show", "no-such-model"]) != 0
    assert "no-such-model" in capsys.readouterr().err
    with pytest.raises(UnknownModelError):
        show("no-such-model")
