"""Sentence embeddings from a packaged sentence-transformers model, run on ONNX Runtime.

Scoring embeds a question, its concepts and every sentence of an answer, about ten short texts
per answer, one at a time on one thread. On the 2-core machine (``make bench``, scoring area: the
embedding step of 30 validity answers, median per answer) ONNX Runtime takes 49.5 ms and PyTorch
79.7 ms for the same vectors (cosine >= 0.99999).

The ONNX copy is made once from the packaged weights: the transformer is traced with
``torch.onnx`` into ``<cache>/derived/<model id>/<first 12 of the weights' SHA-256>/model.onnx``
and checked against the PyTorch model on probe texts (``MIN_PROBE_COSINE``) before it is used.
Mean pooling and normalisation are done here in NumPy, as sentence-transformers does them.
Where no ONNX copy can be made (a pipeline other than transformer + mean pooling, no fast
tokenizer, the ``onnx`` package missing, a failed check), PyTorch serves the same vectors,
slower; ``SentenceEncoder.backend`` says which one runs.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ONNX_OPSET = 17  # ours: supported by every onnxruntime since 1.13
MIN_PROBE_COSINE = 0.9999  # ours: the ONNX copy must give the PyTorch vectors (measured >= 0.99999)
THREADS = 1  # ours, measured on the 2-core machine: one thread per embedding call; torch's default
# two threads spin against other processes (1,150 ms per answer under load instead of 200 ms)
TORCH_BATCH_SIZE = 2  # ours, measured for the PyTorch fallback: batch 1: 190, 2: 155, 4: 186 ms per answer
PROBE_TEXTS = (
    "",
    "Hello.",
    "Tell me about a time you led a team through a difficult deadline.",
    "I reduced the build time from 40 to 12 minutes by caching dependencies, and the team shipped on Friday.",
    "Über-naïve café résumé 🙂 — ¿qué tal? 東京",
    "word " * 400,  # longer than the model's window: the cut must match
)


def unit_mean(tokens: np.ndarray) -> np.ndarray:
    """Mean over token embeddings (rows), scaled to unit length: sentence-transformers' mean pooling."""
    vector = tokens.mean(axis=0)
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm > 0 else vector).astype(np.float32)


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def onnx_unsupported_reason(folder: Path) -> str | None:
    """Why ``folder`` cannot run on the ONNX path, or None when it can."""
    modules = _read_json(folder / "modules.json")
    types = [m.get("type", "").rsplit(".", 1)[-1] for m in modules] if isinstance(modules, list) else []
    if types[:2] != ["Transformer", "Pooling"] or any(t != "Normalize" for t in types[2:]):
        return f"pipeline {types or 'unknown'} is not transformer + pooling (+ normalise)"
    pooling = _read_json(folder / modules[1].get("path", "1_Pooling") / "config.json")
    modes = [key for key, on in pooling.items() if key.startswith("pooling_mode") and on]
    if modes != ["pooling_mode_mean_tokens"]:
        return f"pooling {modes} is not mean pooling"
    if not (folder / "tokenizer.json").is_file():
        return "no tokenizer.json (fast tokenizer) in the model folder"
    return None


def max_tokens_of(folder: Path) -> int:
    """The model's window in tokens (sentence-transformers' ``max_seq_length``)."""
    return int(_read_json(folder / "sentence_bert_config.json").get("max_seq_length", 256))


class _TorchTokens:
    """Token embeddings from the PyTorch model (the fallback and the reference for the check)."""

    def __init__(self, folder: Path):
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        self._lock = threading.Lock()

    def __call__(self, texts: list[str]) -> list[np.ndarray]:
        import torch

        with self._lock:  # the thread count is process-wide: one call at a time
            previous = torch.get_num_threads()
            torch.set_num_threads(THREADS)
            try:
                out = self.model.encode(texts, batch_size=TORCH_BATCH_SIZE, output_value="token_embeddings",
                                        show_progress_bar=False)
            finally:
                torch.set_num_threads(previous)
        return [np.asarray(t.float().numpy(), dtype=np.float32) for t in out]


class _OnnxTokens:
    """Token embeddings from the exported transformer on ONNX Runtime, one text per run (no padding)."""

    def __init__(self, onnx_file: Path, folder: Path):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = THREADS
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # errors only: no graph-optimisation chatter on the terminal
        self.session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=max_tokens_of(folder))

    def __call__(self, texts: list[str]) -> list[np.ndarray]:
        tokens = []
        for encoding in self.tokenizer.encode_batch(list(texts)):
            ids = np.asarray([encoding.ids], dtype=np.int64)
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0]
            tokens.append(np.asarray(hidden[0], dtype=np.float32))
        return tokens


def _probe_cosine(candidate, reference) -> float:
    """The lowest cosine between the two backends' sentence vectors over ``PROBE_TEXTS``."""
    ours = [unit_mean(t) for t in candidate(list(PROBE_TEXTS))]
    theirs = [unit_mean(t) for t in reference(list(PROBE_TEXTS))]
    return float(min(a @ b for a, b in zip(ours, theirs, strict=True)))


def export_onnx(folder: Path, target: Path, reference: _TorchTokens | None = None) -> dict:
    """Trace the transformer in ``folder`` to ``target`` (atomically) and check it on the probes.

    Returns the record written beside it (``check.json``); raises ``RuntimeError`` when the check fails.
    """
    import torch

    reference = reference or _TorchTokens(folder)
    transformer = reference.model[0].auto_model.eval()

    class HiddenStates(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    example = torch.ones((1, 8), dtype=torch.int64)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # tracer notes about Python control flow on shapes
            torch.onnx.export(HiddenStates(transformer), (example, example), str(partial),
                              input_names=["input_ids", "attention_mask"], output_names=["hidden"],
                              dynamic_axes={name: {0: "batch", 1: "tokens"}
                                            for name in ("input_ids", "attention_mask", "hidden")},
                              opset_version=ONNX_OPSET, dynamo=False)
        cosine = _probe_cosine(_OnnxTokens(partial, folder), reference)
        if not cosine >= MIN_PROBE_COSINE:
            raise RuntimeError(f"the ONNX copy gives different vectors (lowest probe cosine {cosine:.6f})")
        stat = partial.stat()
        record = {"probe_min_cosine": round(cosine, 7), "opset": ONNX_OPSET, "torch": torch.__version__,
                  "size": stat.st_size}
        os.replace(partial, target)
        record["mtime_ns"] = target.stat().st_mtime_ns
        (target.parent / "check.json").write_text(json.dumps(record, indent=1))
        return record
    finally:
        partial.unlink(missing_ok=True)


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """One exporter at a time for ``folder``, across threads and processes (batch workers start together):
    each call opens the lock file anew, and ``flock`` locks of separate opens exclude each other."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".export.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _checked_copy(target: Path) -> bool:
    """True when ``target`` is the file that passed the check (same size and modification time)."""
    record = _read_json(target.parent / "check.json")
    try:
        stat = target.stat()
    except OSError:
        return False
    return record.get("size") == stat.st_size and record.get("mtime_ns") == stat.st_mtime_ns


class SentenceEncoder:
    """``encode(texts)`` gives unit vectors; ``token_embeddings(texts)`` the per-token vectors they pool.

    Open with ``SentenceEncoder.open(folder, onnx_file, name)``; ``onnx_file=None`` runs PyTorch.
    """

    def __init__(self, tokens_fn, backend: str, note: str = ""):
        self._tokens = tokens_fn
        self.backend = backend  # "onnxruntime" or "torch"
        self.note = note  # why PyTorch runs, when it does

    @classmethod
    def open(cls, folder: Path, onnx_file: Path | None, name: str = "") -> SentenceEncoder:
        reason = onnx_unsupported_reason(folder) if onnx_file else "ONNX disabled"
        if reason is None:
            try:
                with _exclusive(onnx_file.parent):
                    if not _checked_copy(onnx_file):
                        print(f"Preparing the ONNX copy of {name or folder.name} (once, a few seconds)...",
                              file=sys.stderr, flush=True)
                        export_onnx(folder, onnx_file)
                return cls(_OnnxTokens(onnx_file, folder), "onnxruntime")
            except Exception as error:  # noqa: BLE001 - any export failure falls back to the same vectors
                reason = f"ONNX copy unavailable ({type(error).__name__}: {error})"
                warnings.warn(f"sentence embeddings run on PyTorch (slower): {reason}", stacklevel=2)
        return cls(_TorchTokens(folder), "torch", reason or "")

    def token_embeddings(self, texts: list[str]) -> list[np.ndarray]:
        """Per text, its (tokens, dim) embeddings, special tokens included, cut to the model's window."""
        return self._tokens(list(texts)) if texts else []

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length sentence vectors, shape (len(texts), dim)."""
        tokens = self.token_embeddings(texts)
        if not tokens:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([unit_mean(t) for t in tokens])


def derived_onnx_path(cache_dir: Path, model_id: str, weights_sha256: str) -> Path:
    """Where the ONNX copy of ``model_id`` with these weights lives in the cache."""
    return cache_dir / "derived" / model_id / weights_sha256[:12] / "model.onnx"

