"""HTML building blocks of the report a student reads (used by ``notebooks/90_report.ipynb``).

Every function takes plain dicts (``summary.build_summary`` output, stored analysis dicts,
``provenance.json``) and returns an HTML string; all text is escaped, so a hostile transcript
cannot inject markup into the report.
"""
from __future__ import annotations

import html
import re
from typing import Any, Callable, Iterable

from workbench.privacy.anonymise import anonymise_text as anonymise_text_of
from workbench.report.measures import (
    VERDICT_WORDS, face_quality_note, face_rows, posture_quality_note, posture_rows, voice_rows,
)
from workbench.report.summary import scalars
from workbench.scoring.feedback import FEEDBACK_TITLES, UNVERIFIED_QUOTE
from workbench.session import Turn
from workbench.speech.lexicon import FILLED_PAUSES

CARD_STYLE = (
    "border:1px solid #d0d7de;border-radius:8px;padding:12px 16px;margin:12px 0;"
    "font-family:system-ui,sans-serif;line-height:1.5"
)
FILLER_STYLE = "background:#fff3b0;border-radius:3px;padding:0 2px"
PAUSE_STYLE = "color:#8250df;font-size:0.85em;padding:0 3px"
NOTE_STYLE = "color:#57606a;font-size:0.85em"
VERDICT_STYLE = "border-radius:4px;padding:0 6px;"
REASONS_SHOWN = 3  # ours: a card names at most three reasons per criterion (the voice reasons come last)
VERDICT_COLOURS = {"in": "#c9f2cf", "low": "#ffd8b5", "high": "#ffd8b5", "fair": "#fff3b0"}  # green / orange / amber


def anonymiser(enabled: bool) -> Callable[[str], str] | None:
    """``workbench.privacy.anonymise.anonymise_text`` when ``enabled`` (None otherwise)."""
    return anonymise_text_of if enabled else None


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def fmt(value: Any, digits: int = 2, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}{unit}"
    return f"{value}{unit}"


def transcript_html(text: str | None, voice: dict[str, Any] | None = None) -> str:
    """The answer with fillers highlighted and the voice stage's silent pauses marked ``[pause 1.4 s]``.

    ``voice`` is the stored voice analysis (``VoiceAnalysis.to_json``): its ``transcript.words`` and
    ``pauses`` are used when present (pauses need times); else fillers are marked in the plain text.
    """
    words = (voice or {}).get("transcript", {}).get("words") or []
    pieces: list[str] = []
    if words:
        pauses = sorted((voice or {}).get("pauses") or [], key=lambda p: p["start_s"])
        pending = 0
        for word in words:
            while pending < len(pauses) and pauses[pending]["start_s"] < word["start_s"]:
                seconds = pauses[pending]["duration_s"]
                pieces.append(f'<span style="{PAUSE_STYLE}" title="pause">[pause {seconds:.1f} s]</span>')
                pending += 1
            pieces.append(_mark(word["text"].strip()))
    elif text:
        pieces = [_mark(token) for token in text.split()]
    if not pieces:
        return "<p><em>No answer was recorded for this question.</em></p>"
    return "<p>" + " ".join(pieces) + "</p>"


def _mark(token: str) -> str:
    bare = re.sub(r"[^\w']", "", token.lower())
    if bare in FILLED_PAUSES:
        return f'<span style="{FILLER_STYLE}" title="filler">{esc(token)}</span>'
    return esc(token)


def table_html(rows: Iterable[tuple[Any, ...]], header: tuple[str, ...]) -> str:
    head = "".join(f"<th style='text-align:left;padding:2px 10px'>{esc(h)}</th>" for h in header)
    cell = "<td style='text-align:left;padding:2px 10px'>{}</td>"
    body = "".join("<tr>" + "".join(cell.format(esc(fmt(c))) for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def overview_html(summary: dict[str, Any], points: dict[str, list[str]] | None = None, *,
                  band: str | None = None, candidate_label: str | None = None, anonymise_text: Any = None) -> str:
    """Overall score with its uncertainty and band, and the main strengths and improvements as
    sentences (``overview.strengths_and_improvements``), in a card."""
    clean = anonymise_text or (lambda text: text)
    score, spread = summary.get("overall_score"), summary.get("overall_uncertainty")
    score_text = "not scored" if score is None else (
        f"{score:.0f} / 100" + (f" ± {spread:.0f}" if spread is not None else ""))
    band_text = f' <span style="{VERDICT_STYLE}background:#ddf4ff">{esc(band)}</span>' if band else ""
    who = candidate_label or summary.get("candidate") or "the candidate"
    points = points or {"strengths": [], "improvements": []}
    strengths = "".join(f"<li>{esc(clean(s))}</li>" for s in points.get("strengths", [])) or "<li>–</li>"
    improve = "".join(f"<li>{esc(clean(s))}</li>" for s in points.get("improvements", [])) or "<li>–</li>"
    scored = sum(1 for t in summary.get("turns", []) if t.get("overall_score") is not None)
    scored_text = f"{scored} answer{'' if scored == 1 else 's'} scored"
    return (
        f'<div style="{CARD_STYLE}"><h2 style="margin-top:0">Overview</h2>'
        f"<p>Practice session of {esc(who)} for the role <b>{esc(summary.get('role'))}</b>"
        f" ({esc(summary.get('level'))} level): {esc(summary.get('answers'))} questions, {scored_text}.</p>"
        f"<p style='font-size:1.6em;margin:4px 0'><b>Overall score: {esc(score_text)}</b>{band_text}</p>"
        "<p style='color:#57606a;font-size:0.9em'>The ± is the uncertainty of the score: another equally fair "
        "marking of the same answers could land anywhere in that range.</p>"
        "<div style='display:flex;gap:40px;flex-wrap:wrap'>"
        f"<div style='flex:1;min-width:300px'><h3>Main strengths</h3><ul>{strengths}</ul></div>"
        f"<div style='flex:1;min-width:300px'><h3>What to work on</h3><ul>{improve}</ul></div></div></div>"
    )


def measure_table_html(rows: Iterable[Any], *, title: str) -> str:
    """A student table of ``measures.MeasureRow``: measure, value, norm, verdict (coloured)."""
    head = "".join(f"<th style='text-align:left;padding:2px 10px'>{esc(h)}</th>"
                   for h in (title, "you", "norm", "verdict"))
    body = []
    for row in rows:
        colour = VERDICT_COLOURS.get(row.verdict, "")
        verdict = (f'<span style="{VERDICT_STYLE}background:{colour}">{esc(VERDICT_WORDS[row.verdict])}</span>'
                   if row.verdict else "–")
        title_attr = f" title='source: {esc(row.source)}'" if row.source else ""
        body.append(f"<tr><td style='text-align:left;padding:2px 10px'>{esc(row.measure)}</td>"
                    f"<td style='text-align:left;padding:2px 10px'>{esc(row.value)}</td>"
                    f"<td style='text-align:left;padding:2px 10px'{title_attr}>{esc(row.norm)}</td>"
                    f"<td style='text-align:left;padding:2px 10px'>{verdict}</td></tr>")
    return f"<table class='measures'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def details_html(summary_text: str, inner_html: str) -> str:
    """A collapsed section (``<details>``): for researchers, closed in the student's view."""
    return f"<details><summary>{esc(summary_text)}</summary>{inner_html}</details>"


def feedback_lists_html(feedback: dict[str, Any], anonymise_text: Any = None) -> str:
    """The scoring stage's ``{"strengths": [{"point", "quote"}], "improvements": [...]}`` as two lists."""
    clean = anonymise_text or (lambda text: text)
    blocks = []
    for key, title in FEEDBACK_TITLES.items():
        items = []
        for item in feedback[key]:
            point, quote = item["point"], item.get("quote")
            line = esc(clean(str(point)))
            if quote:
                line += f' — <q style="color:#57606a">{esc(clean(str(quote)))}</q>'
            elif feedback.get("source") == "llm":
                line += f' <span style="{NOTE_STYLE}">({UNVERIFIED_QUOTE})</span>'
            items.append(f"<li>{line}</li>")
        if items:
            blocks.append(f"<p><b>{title}</b></p><ul>{''.join(items)}</ul>")
        elif key == "strengths" and feedback.get("strengths_withheld"):
            blocks.append(f"<p style='{NOTE_STYLE}'>{esc(feedback['strengths_withheld'])}.</p>")
    source = feedback.get("source")
    if source:
        blocks.append(f"<p style='font-size:0.8em;color:#57606a'>feedback source: {esc(source)}</p>")
    return "".join(blocks)


COMPONENT_LABELS = {  # scoring component names (workbench.scoring.api) in plain words
    "relevance": "On the question", "coverage": "Points covered", "structure": "Structure (STAR)",
    "specificity": "Concrete details", "communication": "Clear sentences", "delivery": "Camera presence",
}


def _scores_rows(scores: dict[str, Any], turn_summary: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(criterion, score, the scoring stage's first reasons) per component of ``AnswerScores.to_json``."""
    rows = []
    for name, value in sorted(turn_summary["components"].items(), key=lambda item: -item[1]):
        reasons = scores["components"][name]["reasons"]
        rows.append((COMPONENT_LABELS[name], f"{value:.0f} / 100",
                     "; ".join(str(r) for r in reasons[:REASONS_SHOWN]) or "–"))
    return rows


def _all_measures_html(turn: Turn, turn_summary: dict[str, Any]) -> str:
    """Every scalar the stages stored for this answer, by its key (for researchers)."""
    blocks = []
    for name, key in (("Voice", "voice"), ("Face", "face"), ("Posture", "posture")):
        values = turn_summary.get(key) or {}
        if values:
            blocks.append(f"<h5>{name}</h5>" + table_html(sorted(values.items()), ("key", "value")))
    scores = turn.analysis.get("scores") or {}
    if scores:
        blocks.append("<h5>Scores</h5>" + table_html(sorted(scalars(scores).items()), ("key", "value")))
        flags = scores.get("flags") or []
        if flags:
            blocks.append(f"<p>scoring flags: {esc(', '.join(map(str, flags)))}</p>")
    return details_html("All measures of this answer (for researchers)", "".join(blocks)) if blocks else ""


def answer_card_html(turn: Turn, turn_summary: dict[str, Any], *, anonymise_text: Any = None) -> str:
    """One answer: question, marked transcript, scores, the short voice and face tables with their
    verdicts, then every stored measure in a collapsed section (plots follow the card)."""
    voice = turn.analysis.get("voice") or {}
    face = turn.analysis.get("face") or {}
    scores = turn.analysis.get("scores") or {}
    text = turn.answer_text
    # the timed words mark pauses only when they are the words that were scored (one transcript)
    heard = ((voice.get("transcript") or {}).get("text") or "").strip()
    marked_voice = voice if heard and heard == (text or "").strip() else {}
    if anonymise_text is not None and text:
        text = anonymise_text(text)
        marked_voice = {}  # timed words would re-identify: show the anonymised plain text instead
    score = turn_summary.get("overall_score")
    spread = turn_summary.get("overall_uncertainty")
    header = f"Answer {turn.index + 1}"
    if score is not None:
        header += f" — score {score:.0f} / 100" + (f" ± {spread:.0f}" if spread is not None else "")
        header += f" ({scores['band']})"
    parts = [f'<div style="{CARD_STYLE}"><h3 style="margin-top:0">{esc(header)}</h3>',
             f"<p><b>Question.</b> {esc(turn.question)}</p>",
             "<p><b>Your answer</b> (<span style='" + FILLER_STYLE + "'>fillers</span> highlighted, "
             f"<span style='{PAUSE_STYLE}'>[pause]</span> marked):</p>",
             transcript_html(text, marked_voice)]
    if turn_summary.get("components"):
        parts.append("<h4>Scores</h4>" + table_html(_scores_rows(scores, turn_summary), ("criterion", "score", "why")))
    feedback = scores.get("feedback") if scores else None
    if feedback and (feedback["strengths"] or feedback["improvements"]):
        parts.append("<h4>Feedback</h4>" + feedback_lists_html(feedback, anonymise_text))
    rows = voice_rows(voice)
    if rows:
        spoken = f"{voice['word_count']} words in {voice['speaking_time_s']:.0f} s"
        parts.append(f"<h4>Voice</h4><p style='color:#57606a'>{esc(spoken)}, "
                     f"{esc(voice['filler_count'])} fillers, {esc(voice['pause_count'])} pauses.</p>"
                     + measure_table_html(rows, title="voice measure"))
    elif voice:
        parts.append("<p><em>Voice: no speech was found in this recording.</em></p>")
    else:
        parts.append("<p><em>Voice: not analysed for this answer (typed answer, or no recording).</em></p>")
    rows = face_rows(face)
    if rows:
        parts.append("<h4>Face</h4>" + measure_table_html(rows, title="face measure")
                     + f"<p style='color:#57606a;font-size:0.9em'>{esc(face_quality_note(face))}</p>")
    else:
        parts.append("<p><em>Face: not analysed for this answer (no video, or the stage did not run).</em></p>")
    posture = turn.analysis.get("posture")
    if posture:
        rows = posture_rows(posture)
        note = f"<p style='color:#57606a;font-size:0.9em'>{esc(posture_quality_note(posture))}</p>"
        parts.append("<h4>Posture</h4>" + (measure_table_html(rows, title="posture measure") if rows else "") + note)
    parts.append(_all_measures_html(turn, turn_summary))
    parts.append("</div>")
    return "".join(parts)


def provenance_html(provenance: dict[str, Any] | None, stages: list[dict[str, Any]] | None = None) -> str:
    """How the numbers were made: seed, commit, models with checksums, packages, stage timings."""
    if not provenance:
        return "<p><em>No provenance recorded.</em></p>"
    git = provenance.get("git", {})
    models = [(m.get("id"), m.get("task"), (m.get("sha256") or "–")[:16]) for m in provenance.get("models", [])]
    timings = sorted((provenance.get("stage_timings_s") or {}).items())
    return (
        f"<p>Run <code>{esc(provenance.get('run_id'))}</code>, {esc(provenance.get('created_at'))}; seed "
        f"{esc(provenance.get('seed'))}, deterministic: {esc(provenance.get('deterministic'))}; git commit "
        f"<code>{esc(str(git.get('commit'))[:12])}</code>{' (with local changes)' if git.get('dirty') else ''}.</p>"
        "<h4>Parameters</h4>" + table_html(sorted(provenance.get("parameters", {}).items()), ("name", "value"))
        + "<h4>Models</h4>" + table_html(models, ("model", "task", "sha256 (first 16)"))
        + "<h4>Stage timings</h4>" + table_html(timings, ("stage", "seconds"))
        + "<h4>Packages</h4>" + table_html(sorted(provenance.get("packages", {}).items()), ("package", "version"))
    )
