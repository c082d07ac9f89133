"""The short voice and face tables a student reads, built from the stored stage results.

Each row is a measure in plain words, its value with a unit, the norm it is compared with and a
verdict (``"in"``, ``"low"``, ``"high"``, ``"fair"`` or None where no norm exists). Voice norms
come from ``workbench.speech.norms.bands()`` and face norms from the scoring stage's delivery
thresholds: they are read, never restated here. Everything else a stage stored stays available
in the report's collapsed "all measures" section.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

REPORT_CONTEXT = "conversation"  # an interview answer is conversational speech (speech.norms' default)
PERCENT = 100.0  # fractions are shown as percentages
VALUE_DIGITS = 1  # ours: one decimal is finer than any band in speech.norms
# Voice measures shown to the student, in reading order: (band name in speech.norms, plain label).
VOICE_MEASURES = (
    ("words_per_minute", "Speaking rate"),
    ("articulation_rate_wpm", "Speaking rate, pauses left out"),
    ("fillers_per_100_words", "Fillers (um, uh, like, you know)"),
    ("pause_ratio", "Share of the answer spent in pauses"),
    ("pause_longest_s", "Longest pause"),
    ("pitch_variability_semitones", "Pitch variation (a flat voice is low)"),
    ("loudness_variability_db", "Loudness variation"),
)
UNIT_LABELS = {"words/min": "words/min", "per 100 words": "per 100 words", "fraction": "%", "s": "s",
               "semitones": "semitones", "dB": "dB"}
# Plain words for the face stage's quality flags (workbench.vision.quality).
QUALITY_FLAG_WORDS = {
    "no_face": "no face found",
    "face_too_small": "face too small in the picture",
    "too_dark": "face too dark",
    "blurred": "picture blurred",
    "low_confidence": "face detection unsure",
    "extreme_pose": "head turned too far from the camera",
    "multiple_faces": "more than one face (the main one was followed)",
    "face_partly_outside": "face partly outside the picture",
}
VERDICT_WORDS = {"in": "in band", "low": "low", "high": "high", "fair": "fair", None: "–"}


@dataclass(frozen=True)
class MeasureRow:
    """One line of a student table."""

    measure: str  # plain words
    value: str  # formatted, with unit
    norm: str  # formatted band, or "–"
    verdict: str | None  # "in" | "low" | "high" | "fair" | None (no norm, or not measurable)
    source: str = ""  # where the norm comes from

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _shown(value: float | None, unit: str) -> float | None:
    return None if value is None else value * PERCENT if unit == "fraction" else value


def _format(value: float | None, unit: str) -> str:
    shown = _shown(value, unit)
    if shown is None:
        return "not measurable"
    label = UNIT_LABELS.get(unit, unit)
    return f"{shown:.{VALUE_DIGITS}f} {label}" if label != "%" else f"{shown:.0f} %"


def _norm_text(low: float | None, high: float | None, unit: str) -> str:
    label = UNIT_LABELS.get(unit, unit)
    low, high = _shown(low, unit), _shown(high, unit)

    def number(value: float) -> str:
        return f"{value:g}"

    if low is not None and high is not None:
        return f"{number(low)}–{number(high)} {label}"
    if high is not None:
        return f"at most {number(high)} {label}"
    if low is not None:
        return f"at least {number(low)} {label}"
    return "–"


def voice_rows(voice: dict[str, Any], context: str = REPORT_CONTEXT) -> list[MeasureRow]:
    """The student's voice table for one answer's ``turn.analysis["voice"]`` (empty if no speech)."""
    from workbench.speech.norms import bands

    if not voice or not voice.get("speech_detected", True):
        return []
    in_force = bands(context)
    rows = []
    for name, label in VOICE_MEASURES:
        band = in_force.get(name)
        if band is None:
            continue
        value = _number(voice.get(name))
        rows.append(MeasureRow(label, _format(value, band.unit), _norm_text(band.low, band.high, band.unit),
                               band.classify(value), band.source))
    return rows


def _delivery_norms() -> dict[str, float] | None:
    try:
        from workbench.scoring import delivery
    except ImportError:
        return None
    return {"visible_min": delivery.MIN_FACE_VISIBLE_RATIO, "eye_good": delivery.EYE_CONTACT_GOOD,
            "eye_poor": delivery.EYE_CONTACT_POOR}


def _percent(value: float | None) -> str:
    return "not measurable" if value is None else f"{value * PERCENT:.0f} %"


def face_rows(face: dict[str, Any]) -> list[MeasureRow]:
    """The student's face table for one answer's ``turn.analysis["face"]`` (its ``summary``)."""
    summary = (face or {}).get("summary") or {}
    if not summary:
        return []
    norms = _delivery_norms()
    source = "ours (scoring.delivery thresholds)"
    rows = []
    visible = _number(summary.get("face_visible_ratio"))
    if norms:
        verdict = None if visible is None else ("in" if visible >= norms["visible_min"] else "low")
        rows.append(MeasureRow("Face visible", _percent(visible),
                               f"at least {norms['visible_min'] * PERCENT:g} % of the time", verdict, source))
    else:
        rows.append(MeasureRow("Face visible", _percent(visible), "–", None))
    eye = _number(summary.get("eye_contact_ratio"))
    if norms:
        verdict = None if eye is None else (
            "in" if eye >= norms["eye_good"] else "low" if eye < norms["eye_poor"] else "fair")
        rows.append(MeasureRow("Eye contact (looking at the camera)", _percent(eye),
                               f"at least {norms['eye_good'] * PERCENT:g} % (under {norms['eye_poor'] * PERCENT:g} % is low)",
                               verdict, source))
    else:
        rows.append(MeasureRow("Eye contact (looking at the camera)", _percent(eye), "–", None))
    events = summary.get("looking_away_events")
    if events is not None:
        longest = _number(summary.get("looking_away_longest_s"))
        text = f"{events} time{'s' if events != 1 else ''}" + (f", longest {longest:.1f} s" if events and longest else "")
        rows.append(MeasureRow("Looking away (1 s or more)", text, "–", None))
    yaw_sd, pitch_sd = _number(summary.get("yaw_sd_deg")), _number(summary.get("pitch_sd_deg"))
    if yaw_sd is not None or pitch_sd is not None:
        parts = ([f"side to side ±{yaw_sd:.1f}°"] if yaw_sd is not None else []) + (
            [f"up and down ±{pitch_sd:.1f}°"] if pitch_sd is not None else [])
        rows.append(MeasureRow("Head movement (spread of the angle)", ", ".join(parts), "–", None))
    smile = _number(summary.get("smile_ratio"))
    rows.append(MeasureRow("Smiling", f"{_percent(smile)} of the time" if smile is not None else "not measurable",
                           "–", None))
    dominant = summary.get("dominant_expression")
    share = _number((summary.get("expression_distribution") or {}).get(dominant)) if dominant else None
    rows.append(MeasureRow("Dominant expression (fer model)",
                           f"{dominant} ({share * PERCENT:.0f} % on average)" if dominant and share is not None
                           else str(dominant or "not measurable"), "–", None))
    return rows


def face_quality_note(face: dict[str, Any]) -> str:
    """How many sampled frames were usable, and why the others were not, in one sentence."""
    summary = (face or {}).get("summary") or {}
    quality = summary.get("quality") or {}
    total = summary.get("frames_total") or quality.get("frames_total")
    used = summary.get("frames_used", quality.get("frames_used"))
    if not total:
        return "No frames could be read from this recording."
    fps = summary.get("sampling_fps")
    note = f"{used} of {total} sampled frames were usable" + (f" ({fps:g} per second)" if fps else "")
    reasons = [f"{QUALITY_FLAG_WORDS.get(flag, flag.replace('_', ' '))}: {count}"
               for flag, count in quality.items()
               if flag not in ("frames_used", "frames_total") and isinstance(count, int) and count > 0]
    note += "; frames left out or flagged — " + ", ".join(reasons) if reasons else "; no quality problems found"
    warnings = [str(w) for w in (face or {}).get("warnings") or []]
    return note + "." + (" " + " ".join(warnings) if warnings else "")


def verdict_counts(rows: list[MeasureRow]) -> dict[str, int]:
    """How many rows are in band, low, high or fair (rows without a norm are not counted)."""
    counts: dict[str, int] = {}
    for row in rows:
        if row.verdict is not None:
            counts[row.verdict] = counts.get(row.verdict, 0) + 1
    return counts


def norm_rows(context: str = REPORT_CONTEXT) -> list[tuple[str, str, str]]:
    """(measure in plain words, norm, source) for every measure of the student tables that has a norm."""
    from workbench.speech.norms import bands

    in_force = bands(context)
    rows = [(label, _norm_text(in_force[name].low, in_force[name].high, in_force[name].unit), in_force[name].source)
            for name, label in VOICE_MEASURES if name in in_force]
    norms = _delivery_norms()
    if norms:
        rows += [(row.measure, row.norm, row.source) for row in face_rows({"summary": {"frames_total": 0}})
                 if row.norm != "–"]
    return rows
