"""The class view (notebook 75): every session of one class, per student over time, the class
distribution of each measure, who improved most on which criterion, and a CSV of the table.

    table = class_table(SessionStore(), "year10-b")              # one row per scored session
    plot_trends(table); plot_distributions(table); most_improved(table)

Students are shown as "student 1", "student 2"... by default (in the order of their first session);
``anonymise=False`` shows the stored labels (pseudonyms already: ``privacy.labels``).
"""
from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.errors import InputError
from workbench.scoring.api import session_overview
from workbench.scoring.overall import WEIGHTS
from workbench.session import Session
from workbench.stages.face import FACE_KEY
from workbench.store import SessionStore

COMPONENTS = tuple(WEIGHTS)  # the scoring components, in the scorer's order
DELIVERY = ("words_per_minute", "fillers_per_100_words", "eye_contact_ratio")  # the voice and face trends shown
STUDENT = "student"


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.fmean(present), 2) if present else None


def session_row(session: Session) -> dict[str, Any] | None:
    """One session's overall score (with its uncertainty), component means and delivery means; None unscored."""
    scores = [t.analysis["scores"] for t in session.turns if t.analysis.get("scores")]
    if not scores:
        return None
    overview = session_overview([{"overall": s["overall"], "uncertainty": s["uncertainty"]} for s in scores])
    row = {"session_id": session.id, "candidate": session.candidate or "(no label)", "created_at": session.created_at,
           "synthetic": session.synthetic, "answers": overview["turns_scored"], "overall": overview["overall_mean"],
           "uncertainty": overview["overall_uncertainty"], "band": overview["band"]}
    for name in COMPONENTS:
        row[name] = _mean([(s["components"].get(name) or {}).get("score") for s in scores])
    voices = [t.analysis.get("voice") or {} for t in session.turns]
    row["words_per_minute"] = _mean([v.get("words_per_minute") for v in voices])
    row["fillers_per_100_words"] = _mean([v.get("fillers_per_100_words") for v in voices])
    row["eye_contact_ratio"] = _mean([((t.analysis.get(FACE_KEY) or {}).get("summary") or {}).get("eye_contact_ratio")
                                      for t in session.turns])
    return row


def class_table(store: SessionStore, class_label: str, *, date_from: str = "", date_to: str = "",
                anonymise: bool = True) -> pd.DataFrame:
    """One row per scored session of ``class_label`` created within [date_from, date_to] (ISO dates)."""
    if not class_label:
        raise InputError("name the class (--class C); see `workbench session list`")
    rows = []
    for summary in store.list():
        day = summary.created_at[:10]
        if summary.class_label != class_label or (date_from and day < date_from) or (date_to and day > date_to):
            continue
        row = session_row(store.get(summary.id))
        if row is not None:
            rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table = table.sort_values(["created_at", "session_id"]).reset_index(drop=True)
    order = list(dict.fromkeys(table["candidate"]))
    table.insert(0, STUDENT, table["candidate"].map({c: f"student {i + 1}" for i, c in enumerate(order)})
                 if anonymise else table["candidate"])
    table.insert(1, "session", table.groupby(STUDENT).cumcount() + 1)
    return table.drop(columns=["candidate"]) if anonymise else table


def summary_line(table: pd.DataFrame, class_label: str) -> str:
    if table.empty:
        return f"No scored sessions for class {class_label!r} in this period: nothing to show yet."
    return (f"Class {class_label!r}: {table[STUDENT].nunique()} students, {len(table)} sessions, "
            f"{table['created_at'].min()[:10]} to {table['created_at'].max()[:10]}")


def plot_trends(table: pd.DataFrame) -> Any:
    """Each student's overall score by session, with its uncertainty, and pace/fillers/eye contact."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 1 + len(DELIVERY), figsize=(4 * (1 + len(DELIVERY)), 3.2))
    for student, rows in table.groupby(STUDENT, sort=False):
        axes[0].errorbar(rows["session"], rows["overall"], yerr=rows["uncertainty"], marker="o", capsize=3,
                         label=student)
        for ax, measure in zip(axes[1:], DELIVERY, strict=True):
            ax.plot(rows["session"], rows[measure], marker="o", label=student)
    axes[0].set_ylim(0, 100)
    for ax, title in zip(axes, ("overall score (± uncertainty)",) + DELIVERY, strict=True):
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("session")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_distributions(table: pd.DataFrame) -> Any:
    """The class distribution of each measure over its sessions (one box per measure)."""
    import matplotlib.pyplot as plt

    measures = [m for m in ("overall", *COMPONENTS, *DELIVERY) if table[m].notna().any()]
    fig, axes = plt.subplots(1, len(measures), figsize=(1.6 * len(measures), 3.2))
    for ax, measure in zip(axes, measures, strict=True):
        ax.boxplot(table[measure].dropna())
        ax.set_title(measure.replace("_", " "), fontsize=8)
        ax.set_xticks([])
    fig.tight_layout()
    return fig


def most_improved(table: pd.DataFrame) -> pd.DataFrame:
    """Per criterion, the student whose last session beat their first by the most (two sessions or more)."""
    rows = []
    for measure in ("overall", *COMPONENTS):
        changes = {student: s[measure].dropna().iloc[-1] - s[measure].dropna().iloc[0]
                   for student, s in table.groupby(STUDENT, sort=False) if s[measure].notna().sum() >= 2}
        if changes:
            best = max(changes, key=changes.get)
            rows.append({"criterion": measure, STUDENT: best, "change_points": round(float(changes[best]), 1)})
    return pd.DataFrame(rows, columns=["criterion", STUDENT, "change_points"])


XLSX_SHEET = "class"


def export_csv(table: pd.DataFrame, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False)
    return path


def export_xlsx(table: pd.DataFrame, path: Path) -> Path:
    """The same table as a spreadsheet (openpyxl, pinned): one sheet, the CSV's columns and rows."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_excel(path, index=False, sheet_name=XLSX_SHEET, engine="openpyxl")
    return path
