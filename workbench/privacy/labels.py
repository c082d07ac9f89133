"""Candidate and class labels: pseudonyms, not identities.

A candidate label that looks like an e-mail address or a phone number is refused (it would put a
contact detail in every report and file name); one that looks like a person's name is allowed with a
warning (a teacher may choose to use first names). A class label is a short tag.

    warnings = check_candidate_label("student-07")     # [] ; raises InputError for "ann@school.org"
    check_class_label("year10-b")
"""
from __future__ import annotations

import re

from workbench.errors import InputError
from workbench.privacy.anonymise import MIN_PHONE_DIGITS, find_pii

MAX_LABEL_CHARS = 64  # ours: a label fits a table column and a file name
_NAME_LIKE = re.compile(r"^[A-Z][a-z]+(?:[ '-][A-Z][a-z]+)+$")  # ours: "Anna Schmidt", "Jean-Luc Picard"
_DIALLABLE = re.compile(r"^\+?[\d\s().-]+$")  # only what a phone number is written with
_CLASS = re.compile(r"^[\w][\w .-]{0,63}$")
REFUSED_TAGS = {"[EMAIL]": "an e-mail address", "[PHONE]": "a phone number"}
NAME_WARNING = ("the candidate label {label!r} looks like a person's name; a pseudonym (e.g. student-07) keeps "
                "reports anonymous")


def check_candidate_label(label: str | None) -> list[str]:
    """Warnings for ``label`` (none for a pseudonym); ``InputError`` for a contact detail or a bad label."""
    if label is None:
        return []
    text = label.strip()
    if not text or len(text) > MAX_LABEL_CHARS:
        raise InputError(f"a candidate label has 1 to {MAX_LABEL_CHARS} characters (got {len(text)})")
    tags = [tag for _, _, tag in find_pii(text, use_ner=False)]
    if _DIALLABLE.match(text) and sum(ch.isdigit() for ch in text) >= MIN_PHONE_DIGITS:
        tags.append("[PHONE]")
    for tag in tags:
        if tag in REFUSED_TAGS:
            raise InputError(f"the candidate label {text!r} looks like {REFUSED_TAGS[tag]}; use a pseudonym "
                             "such as student-07 (a label is printed in every report)")
    return [NAME_WARNING.format(label=text)] if _NAME_LIKE.match(text) else []


def check_class_label(label: str | None) -> None:
    """``InputError`` unless ``label`` is None or a short tag of letters, digits, spaces, '.', '-' or '_'."""
    if label is not None and not _CLASS.match(label.strip()):
        raise InputError(f"a class label is 1 to 64 letters, digits, spaces, '.', '-' or '_' (got {label!r})")
