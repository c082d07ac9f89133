"""The sentence encoder: an ONNX copy of the packaged all-MiniLM-L6-v2, made once and checked,
that gives the PyTorch model's vectors; and the answer vector pooled from its sentences' tokens."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from workbench.models.catalog import get_spec
from workbench.models.sentence_encoder import (
    SentenceEncoder, derived_onnx_path, onnx_unsupported_reason, unit_mean,
)
from workbench.models.weights import resolve

MODEL_ID = "all-minilm-l6-v2"
TEXTS = [
    "Tell me about a time you disagreed with a colleague.",
    "We agreed to run both designs for a week and compare the error rates.",
    "I like turtles.",
    "",
    "um uh so like",
]


@pytest.fixture(scope="module")
def folder():
    return resolve(get_spec(MODEL_ID)).path


@pytest.fixture(scope="module")
def reference(folder):
    """sentence-transformers itself, the vectors every backend must give."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    return model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)


@pytest.fixture(scope="module")
def onnx_copy(folder, tmp_path_factory):
    target = derived_onnx_path(tmp_path_factory.mktemp("cache"), MODEL_ID, get_spec(MODEL_ID).sha256)
    encoder = SentenceEncoder.open(folder, target, MODEL_ID)
    return encoder, target


def test_onnx_copy_is_made_once_checked_and_gives_the_pytorch_vectors(onnx_copy, folder, reference):
    encoder, target = onnx_copy
    assert encoder.backend == "onnxruntime", encoder.note
    record = json.loads((target.parent / "check.json").read_text())
    assert record["probe_min_cosine"] >= 0.9999 and record["size"] == target.stat().st_size
    vectors = encoder.encode(TEXTS)
    assert vectors.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = (vectors * reference).sum(axis=1)
    assert cosines.min() >= 0.9999, cosines
    mtime = target.stat().st_mtime_ns
    again = SentenceEncoder.open(folder, target, MODEL_ID)
    assert again.backend == "onnxruntime" and target.stat().st_mtime_ns == mtime  # reused, not re-exported


def test_a_damaged_onnx_copy_is_made_again(onnx_copy, folder, reference):
    _, target = onnx_copy
    with open(target, "r+b") as handle:
        handle.truncate(target.stat().st_size // 2)
    encoder = SentenceEncoder.open(folder, target, MODEL_ID)
    assert encoder.backend == "onnxruntime"
    assert target.stat().st_size == json.loads((target.parent / "check.json").read_text())["size"]
    assert (encoder.encode(TEXTS) * reference).sum(axis=1).min() >= 0.9999


def test_pytorch_fallback_gives_the_same_vectors_and_says_why(folder, reference):
    encoder = SentenceEncoder.open(folder, None, MODEL_ID)
    assert encoder.backend == "torch" and encoder.note
    assert (encoder.encode(TEXTS) * reference).sum(axis=1).min() >= 0.9999
    tokens = encoder.token_embeddings(TEXTS[:2])
    assert [t.shape[1] for t in tokens] == [384, 384] and tokens[0].shape[0] > 5
    assert np.allclose(unit_mean(tokens[0]), reference[0], atol=1e-4)


def test_pipelines_the_onnx_path_cannot_run_are_named(folder, tmp_path):
    assert onnx_unsupported_reason(folder) is None
    copy = tmp_path / "model"
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("*.safetensors"))
    pooling = copy / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    config.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    pooling.write_text(json.dumps(config))
    assert "mean pooling" in onnx_unsupported_reason(copy)
    (copy / "tokenizer.json").unlink()
    config.update(pooling_mode_mean_tokens=True, pooling_mode_cls_token=False)
    pooling.write_text(json.dumps(config))
    assert "tokenizer.json" in onnx_unsupported_reason(copy)


def test_the_answer_vector_pools_every_sentence_past_the_model_window():
    from workbench.scoring.nlp import embed_tokens
    from workbench.scoring.prepared import prepare

    story = " ".join(f"In week {n} I reviewed the supplier contracts with the finance team." for n in range(30))
    assert sum(len(t) for t in embed_tokens([story])) <= 256  # the model alone would cut this answer
    base = prepare("How do you handle conflict?", story + " Then we resolved the conflict by talking openly.")
    other = prepare("How do you handle conflict?", story + " Then I adopted a small grey kitten named Pixel.")
    assert len(base.sentences) == 31
    assert float(base.answer_vec @ other.answer_vec) < 0.99999  # the last sentence still counts
    tokens = embed_tokens(base.sentences)
    assert np.allclose(base.answer_vec, unit_mean(np.concatenate(tokens)), atol=1e-5)
    assert float(base.answer_vec @ base.question_vec) > float(other.answer_vec @ other.question_vec)


def _open_in_process(folder: str, target: str, start, results) -> None:
    import contextlib
    import io
    from pathlib import Path

    printed = io.StringIO()
    start.wait(timeout=60)
    with contextlib.redirect_stderr(printed):
        encoder = SentenceEncoder.open(Path(folder), Path(target), MODEL_ID)
    results.put((encoder.backend, "Preparing the ONNX copy" in printed.getvalue()))


def test_processes_starting_together_export_once_and_agree(folder, tmp_path):
    import multiprocessing

    from workbench.models.sentence_encoder import _checked_copy

    target = derived_onnx_path(tmp_path, MODEL_ID, get_spec(MODEL_ID).sha256)
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(2), spawn.Queue()
    workers = [spawn.Process(target=_open_in_process, args=(str(folder), str(target), start, results))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=240) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(outcomes) == [("onnxruntime", False), ("onnxruntime", True)]  # one exported, one reused
    assert _checked_copy(target)
