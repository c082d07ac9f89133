"""The short voice, face and posture tables a student reads, built from the stored stage results.

Each row is a measure in plain words, its value with a unit, the norm it is compared with and a
verdict (``"in"``, ``"low"``, ``"high"``, ``"fair"`` or None where no norm exists). Voice norms
come from ``workbench.speech.norms.bands()`` and face norms from ``workbench.scoring.delivery.bands()``:
they are imported, never restated here. Posture has no norm from a source
(``vision.posture_measures.NO_NORM``): its rows carry the number against the person's own baseline and
no verdict. Everything else a stage stored stays available in the report's collapsed "all measures" section.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from workbench.scoring import delivery
from workbench.speech import norms as voice_norms
from workbench.speech.norms import Band
from workbench.vision import posture_measures, posture_quality
from workbench.vision.frames import FaceSummary

REPORT_CONTEXT = voice_norms.DEFAULT_CONTEXT  # an interview answer is conversational speech
PERCENT = 100.0  # fractions are shown as percentages
VALUE_DIGITS = 1  # ours: one decimal is finer than any band in speech.norms
SCALE_DIGITS = 2  # ours: a 0-1 scale (expressiveness) needs two decimals to tell its bands apart
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
# Face measures with a norm (the delivery score's bands, ``scoring.delivery.bands``): (key, plain label).
FACE_MEASURES = (
    ("face_visible_ratio", "Face visible"),
    ("eye_contact_ratio", "Eye contact (looking at the camera)"),
    ("expressiveness", "Facial expressiveness (a still face is low)"),
)
UNIT_LABELS = {"words/min": "words/min", "per 100 words": "per 100 words", "fraction": "%", "s": "s",
               "semitones": "semitones", "dB": "dB", "0-1 scale": "on a 0-1 scale"}
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
# Posture measures shown to the student (keys of ``vision.posture_measures.summarise``): (key, plain label, unit).
POSTURE_MEASURES = (
    ("lean_shoulder_width_change_pct", "Leaning (+ towards the camera, − away)", "signed %"),
    ("slouch_head_drop_pct", "Head sinking towards the shoulders (slouch)", "signed %"),
    ("shoulder_tilt_change_deg", "Shoulder tilt change", "signed deg"),
    ("gesturing_ratio", "Gesturing (hands moving above the waist)", "fraction"),
    ("fidget_energy", "Fidgeting (hands and shoulders moving, head still)", "(sw/s)²"),
    ("hand_to_face_touches", "Hand-to-face touches", "count"),
    ("crossed_arms_ratio", "Arms crossed", "fraction"),
)
POSTURE_BASELINE_WORDS = {
    posture_measures.BASELINE_FIRST_SECONDS: f"your first {posture_measures.BASELINE_WINDOW_S:g} seconds of the answer",
    posture_measures.BASELINE_ANSWER_MEDIAN: "your median over the answer",
    posture_measures.BASELINE_SESSION_MEDIAN: "your median over the session",
}
# Plain words for the posture stage's quality flags (workbench.vision.posture_quality).
POSTURE_FLAG_WORDS = {
    posture_quality.FLAG_NO_PERSON: "no person found",
    posture_quality.FLAG_NOT_IN_FRAME: "shoulders or head outside the picture",
    posture_quality.FLAG_LOW_VISIBILITY: "shoulders or head hidden",
    posture_quality.FLAG_TOO_SMALL: "body too small in the picture",
    posture_quality.FLAG_AT_EDGE: "points at the picture's edge left out",
    posture_quality.FLAG_SEVERAL_PEOPLE: "several people (the nearest was followed)",
}
FIDGET_DIGITS = 3  # ours: fidget energy of a still person is ~0.001-0.01 (sw/s)^2
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


def format_value(value: float | None, unit: str) -> str:
    shown = _shown(value, unit)
    if shown is None:
        return "not measurable"
    label = UNIT_LABELS.get(unit, unit)
    if label == "%":
        return f"{shown:.0f} %"
    return f"{shown:.{SCALE_DIGITS if unit == '0-1 scale' else VALUE_DIGITS}f} {label}"


def limit_text(value: float, unit: str) -> str:
    """A band limit with its unit, as short as it goes (``20 %``, ``70 words/min``)."""
    return f"{_shown(value, unit):g} {UNIT_LABELS.get(unit, unit)}"


def norm_text(low: float | None, high: float | None, unit: str) -> str:
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
    if not voice or not voice["speech_detected"]:
        return []
    in_force = {b.measure: b for b in voice_norms.bands(context)}
    rows = []
    for name, label in VOICE_MEASURES:
        band = in_force[name]
        value = _number(voice.get(name))
        rows.append(MeasureRow(label, format_value(value, band.unit), norm_text(band.low, band.high, band.unit),
                               band.classify(value), band.source))
    return rows


def _percent(value: float | None) -> str:
    return "not measurable" if value is None else f"{value * PERCENT:.0f} %"


def face_verdict(value: float | None, band: Band) -> str | None:
    """The band's verdict, with ``"fair"`` between the zero-credit limit and the band (partial credit)."""
    verdict = band.classify(value)
    if verdict == "low" and band.zero_low is not None and value is not None and value >= band.zero_low:
        return "fair"
    return verdict


def face_norm_text(band: Band) -> str:
    text = norm_text(band.low, band.high, band.unit)
    if band.zero_low is not None:
        text += f" (under {limit_text(band.zero_low, band.unit)} is low)"
    return text


def face_rows(face: dict[str, Any]) -> list[MeasureRow]:
    """The student's face table for one answer's ``turn.analysis["face"]`` (its ``summary``)."""
    if not (face or {}).get("summary"):
        return []
    summary = FaceSummary.from_json(face["summary"])
    in_force = {b.measure: b for b in delivery.bands()}
    rows = []
    for name, label in FACE_MEASURES:
        band = in_force[name]
        value = _number(getattr(summary, name))
        shown = _percent(value) if band.unit == "fraction" else format_value(value, band.unit)
        rows.append(MeasureRow(label, shown, face_norm_text(band), face_verdict(value, band), band.source))
    events = summary.looking_away_events
    if events is not None:
        longest = _number(summary.looking_away_longest_s)
        text = f"{events} time{'s' if events != 1 else ''}"
        text += f", longest {longest:.1f} s" if events and longest else ""
        rows.append(MeasureRow("Looking away (1 s or more)", text, "–", None))
    yaw_sd, pitch_sd = _number(summary.yaw_sd_deg), _number(summary.pitch_sd_deg)
    if yaw_sd is not None or pitch_sd is not None:
        parts = ([f"side to side ±{yaw_sd:.1f}°"] if yaw_sd is not None else []) + (
            [f"up and down ±{pitch_sd:.1f}°"] if pitch_sd is not None else [])
        rows.append(MeasureRow("Head movement (spread of the angle)", ", ".join(parts), "–", None))
    smile = _number(summary.smile_ratio)
    rows.append(MeasureRow("Smiling", f"{_percent(smile)} of the time" if smile is not None else "not measurable",
                           "–", None))
    dominant = summary.dominant_expression
    share = _number((summary.expression_distribution or {}).get(dominant)) if dominant else None
    rows.append(MeasureRow("Dominant expression (fer model)",
                           f"{dominant} ({share * PERCENT:.0f} % on average)" if dominant and share is not None
                           else str(dominant or "not measurable"), "–", None))
    return rows


def face_quality_note(face: dict[str, Any]) -> str:
    """How many sampled frames were usable, and why the others were not, in one sentence."""
    if not (face or {}).get("summary"):
        return "No frames could be read from this recording."
    summary = FaceSummary.from_json(face["summary"])
    quality, total, used = summary.quality, summary.frames_total, summary.frames_used
    if not total:
        return "No frames could be read from this recording."
    fps = summary.sampling_fps
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


def posture_value_text(value: float | None, unit: str) -> str:
    """A posture measure with its unit: signed where the sign is a direction."""
    if value is None:
        return "not measurable"
    if unit == "signed %":
        return f"{value:+.1f} %"
    if unit == "signed deg":
        return f"{value:+.1f}°"
    if unit == "fraction":
        return f"{value * PERCENT:.0f} % of the time"
    if unit == "count":
        return f"{value:.0f}"
    return f"{value:.{FIDGET_DIGITS}f} {unit}"


def posture_rows(posture: dict[str, Any]) -> list[MeasureRow]:
    """The student's posture table for one answer's ``turn.analysis["posture"]``: each measure against
    the person's own baseline, no verdict (no norm is known from a source). Empty when not measured."""
    summary = (posture or {}).get("summary") or {}
    if not summary.get("measured"):
        return []
    rows = [MeasureRow(label, posture_value_text(_number(summary.get(key)), unit), "–", None, summary["norm"])
            for key, label, unit in POSTURE_MEASURES]
    changes, steady = summary.get("posture_change_events"), _number(summary.get("longest_steady_posture_s"))
    if changes is not None:
        text = f"{changes} time{'s' if changes != 1 else ''}" + (f", longest steady {steady:.0f} s" if steady else "")
        rows.append(MeasureRow("Posture changes (held 1 s or more)", text, "–", None, summary["norm"]))
    return rows


def posture_quality_note(posture: dict[str, Any]) -> str:
    """What the posture numbers are measured against, how many frames were usable, and why not."""
    summary = (posture or {}).get("summary") or {}
    warnings = " ".join(str(w) for w in (posture or {}).get("warnings") or [])
    if not summary.get("measured"):
        reason = summary.get("not_measured_reason") or "not measured"
        return f"Posture {reason.removeprefix('posture ')}." + (f" {warnings}" if warnings and warnings not in reason
                                                                  else "")
    baseline = summary["baseline"]
    note = (f"Measured against {POSTURE_BASELINE_WORDS.get(baseline['kind'], baseline['kind'])}, "
            f"{summary['frames_used']} of {summary['frames_total']} sampled frames usable")
    quality = summary.get("quality") or {}
    reasons = [f"{POSTURE_FLAG_WORDS[flag]}: {quality[flag]}"
               for flag in posture_quality.ALL_FLAGS if quality.get(flag)]
    note += ("; " + ", ".join(reasons)) if reasons else ""
    return note + ". No norm from a source: the numbers, without a verdict." + (f" {warnings}" if warnings else "")
