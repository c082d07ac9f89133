"""Consent before anything is recorded: what the candidate is told, the choice they make, and the rule
that holds the engine to it.

    notice = consent_notice()                     # from the settings in force: keep_media, retention_days
    notice.lines                                  # what will be recorded, kept, for how long, where, how to delete
    record = consent_record(ConsentChoice.TEXT_ONLY, notice, camera=False, at=now_iso())
    session.settings[CONSENT_KEY] = record        # stored with the session (the engine does this on start)
    check_recording_allowed(session.settings)     # InputError when the candidate chose text-only

The notice is built from the settings (never a second copy of them), and its ``version`` (a hash of
the words shown) is stored with the choice, so one can tell later exactly what a candidate agreed to.
A session with no consent record was not started from the app or the live notebook (the CLI, an
import, the self-test): the person running the command is the one who chose to record.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from workbench.errors import InputError

CONSENT_KEY = "consent"  # session.settings[CONSENT_KEY]: the stored choice
VERSION_CHARS = 12  # ours: enough of the SHA-256 of the notice to tell two wordings apart


class ConsentChoice(StrEnum):
    RECORD = "record"  # the candidate agreed to be recorded (microphone, and the camera when chosen)
    TEXT_ONLY = "text_only"  # nothing is recorded: typed answers only


@dataclass(frozen=True)
class ConsentNotice:
    """What the candidate is told before anything is recorded."""

    keep_media: bool
    retention_days: int
    data_dir: Path

    @property
    def lines(self) -> tuple[str, ...]:
        recorded = "your voice (the microphone) and, when you turn it on, your face (the camera)"
        if self.keep_media:
            kept = ("The recordings are kept, encrypted, with the transcript and the measures "
                    "(keep_media is on in the settings).")
        else:
            kept = ("The recordings are deleted as soon as your answers are analysed; the transcript, "
                    "the measures and the scores are kept, encrypted.")
        how_long = (f"Sessions are deleted automatically {self.retention_days} days after they were stored."
                    if self.retention_days > 0 else "Sessions are kept until you delete them (retention is off).")
        return (
            f"What is recorded: {recorded}, while you answer; your typed answers.",
            kept,
            how_long,
            f"Where: only on this computer, in {self.data_dir}. Nothing is sent anywhere.",
            "How to delete: `workbench session delete <session id>`, every session under your label with "
            "`workbench session delete --candidate <label>`, or ask whoever runs this computer.",
            "You can continue text-only: nothing is recorded and you type your answers.",
        )

    @property
    def version(self) -> str:
        return hashlib.sha256("\n".join(self.lines).encode("utf-8")).hexdigest()[:VERSION_CHARS]


def consent_notice() -> ConsentNotice:
    """The notice for the settings in force (``workbench.config.settings()``)."""
    from workbench.config import settings

    current = settings()
    return ConsentNotice(keep_media=current.keep_media,
                         retention_days=current.retention_days, data_dir=current.data_dir)


def parse_choice(value: str | ConsentChoice | None) -> ConsentChoice | None:
    """A choice from its name ("record", "text_only"); None stays None (consent not asked here)."""
    if value is None or isinstance(value, ConsentChoice):
        return value
    try:
        return ConsentChoice(str(value))
    except ValueError:
        known = ", ".join(c.value for c in ConsentChoice)
        raise InputError(f"unknown consent choice {value!r}; use one of: {known}") from None


def consent_record(choice: ConsentChoice, notice: ConsentNotice, *, camera: bool, at: str) -> dict[str, Any]:
    """What is stored with the session: the choice, when, whether the camera was on, and the notice's
    version and terms. The camera is never on with text-only."""
    return {"choice": choice.value, "at": at, "notice_version": notice.version,
            "camera": bool(camera) and choice == ConsentChoice.RECORD,
            "keep_media": notice.keep_media, "retention_days": notice.retention_days}


def recording_allowed(settings: dict[str, Any]) -> bool:
    """Whether a session (its ``settings``) may store recordings: yes unless the candidate chose text-only."""
    stored = settings.get(CONSENT_KEY) or {}
    return stored.get("choice") != ConsentChoice.TEXT_ONLY.value


def check_recording_allowed(settings: dict[str, Any]) -> None:
    if not recording_allowed(settings):
        raise InputError("nothing is recorded in this session: you chose to continue text-only. "
                         "Type your answer instead (or start a new interview and agree to recording).")
