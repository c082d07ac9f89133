"""The report's one norms table: every band a verdict or a score of the report is based on.

Built from the stages' own ``bands()`` lists (``workbench.speech.norms.bands`` for the voice,
``workbench.scoring.delivery.bands`` for the face), so it cannot drift from the code that applies them.
"""
from __future__ import annotations

from dataclasses import dataclass

from workbench.report.measures import (
    FACE_MEASURES, REPORT_CONTEXT, VOICE_MEASURES, face_norm_text, limit_text, norm_text,
)
from workbench.scoring import delivery
from workbench.speech import norms as voice_norms
from workbench.speech.norms import Band

HEADER = ("stage", "measure", "norm", "score credit reaches zero", "source")
# Bands that gate a score instead of ramping it (scoring.delivery: under the band, no delivery score).
GATE_NOTES = {"face_visible_ratio": "under the norm, camera presence is not scored"}


@dataclass(frozen=True)
class NormRow:
    """One line of the report's norms table: every band a verdict or a score of the report uses."""

    stage: str  # "voice" or "face"
    measure: str  # plain words
    norm: str  # formatted band
    no_credit: str  # where the score's credit reaches zero, or "not scored"
    source: str


def _no_credit_text(band: Band) -> str:
    sides = ([f"at or under {limit_text(band.zero_low, band.unit)}"] if band.zero_low is not None else []) + (
        [f"at or over {limit_text(band.zero_high, band.unit)}"] if band.zero_high is not None else [])
    return " or ".join(sides) if sides else GATE_NOTES.get(band.measure, "not scored (shown only)")


def norm_rows(context: str = REPORT_CONTEXT) -> list[NormRow]:
    """The one norms table: the voice stage's bands (``speech.norms.bands``) and the face bands of the
    delivery score (``scoring.delivery.bands``), each once, in the order of the student tables."""
    labels = dict(VOICE_MEASURES) | dict(FACE_MEASURES)
    rows = []
    for stage, in_force in (("voice", voice_norms.bands(context)), ("face", delivery.bands())):
        for band in in_force:
            norm = face_norm_text(band) if stage == "face" else norm_text(band.low, band.high, band.unit)
            rows.append(NormRow(stage, labels[band.measure], norm, _no_credit_text(band), band.source))
    return rows


def table_rows(rows: list[NormRow]) -> list[tuple[str, ...]]:
    """The rows as table cells, in ``HEADER`` order."""
    return [(row.stage, row.measure, row.norm, row.no_credit, row.source) for row in rows]
