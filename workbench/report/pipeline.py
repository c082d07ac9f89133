"""One session in, one reproducible report out.

    result = report_session("sample-synthetic-swe")
    result.html_path      # reports/<session>/<run-id>/report.html (no code, plots embedded)
    result.summary_path   # reports/<session>/<run-id>/summary.json (numbers + provenance)

Runs the voice, face and scoring notebooks (20, 30, 40) and then ``90_report`` with papermill, each
in a fresh kernel, into ``reports/<session>/<run-id>/``. Voice and face run side by side (each
writes only its own key of ``turn.analysis``); as soon as voice is done, the LLM's written feedback is
written beside the face stage (``FEEDBACK_AFTER``); scoring, which reads both and reuses that feedback,
waits for them. A stage
notebook that does not exist yet is skipped with a note; a stage that fails stops the run with a
``ReportError`` naming the stage, after ``summary.json`` has recorded the failure. After the
analysis stages, media are discarded (data minimisation) unless ``keep_media``; the report reads
only the stored analysis.
"""
from __future__ import annotations

import json
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from workbench.config import DEFAULT_SEED, NOTEBOOKS_DIR, settings
from workbench.errors import ExitCode, WorkbenchError
from workbench.report import provenance as prov
from workbench.report.runner import NotebookError, notebook_to_html, run_notebook
from workbench.report.summary import build_summary
from workbench.session import check_session_id
from workbench.store import SessionStore

STAGES = (  # (stage name, notebook, key in turn.analysis it fills)
    ("voice", "20_voice_analysis.ipynb", "voice"),
    ("face", "30_facial_analysis.ipynb", "face"),
    ("scoring", "40_scoring.ipynb", "scores"),
)
STAGE_GROUPS = (("voice", "face"), ("scoring",))  # stages of a group run side by side, groups in turn.
# Ours, measured on the 2-core machine (a 2-minute answer, `workbench voice` and `workbench face`):
# face keeps about one core busy (mediapipe's graph), voice fits beside it: 38.3 s in turn, 28.3 s together
FEEDBACK_AFTER = "voice"  # the LLM's written feedback needs an answer's final words (the voice stage's
# transcript) but not the face: it is written as soon as voice is done, beside the face stage, and the scoring
# notebook reuses it (``scoring.feedback.feedback_key``: the same inputs give the same reply). Issue 19, item 1.
FEEDBACK_STAGE = "feedback"
PROGRESS_MESSAGES = len(STAGE_GROUPS) + 2  # at most: one per stage group, the feedback beside face, the report
REPORT_NOTEBOOK = "90_report.ipynb"
REPORT_HTML = "report.html"
SUMMARY_JSON = "summary.json"
PROVENANCE_JSON = "provenance.json"
ANONYMOUS_CANDIDATE = "Candidate"  # what an anonymised report calls the person
SUMMARY_VERSION = 1  # bump when the layout of summary.json changes


class ReportError(WorkbenchError):
    """A report could not be made; the message names the session and the stage that failed."""

    exit_code = ExitCode.REPORT_FAILED


@dataclass
class ReportResult:
    session_id: str
    run_id: str
    out_dir: Path
    status: str  # "ok" | "failed"
    html_path: Path | None = None
    summary_path: Path | None = None
    pdf_path: Path | None = None
    stages: list[dict[str, Any]] = field(default_factory=list)  # name, notebook, status, started_s,
    # duration_s, note
    duration_s: float = 0.0
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id, "run_id": self.run_id, "status": self.status,
            "out_dir": str(self.out_dir), "html_path": str(self.html_path) if self.html_path else None,
            "summary_path": str(self.summary_path) if self.summary_path else None,
            "pdf_path": str(self.pdf_path) if self.pdf_path else None,
            "stages": self.stages, "duration_s": round(self.duration_s, 2), "error": self.error,
        }


def new_run_id() -> str:
    """Sortable and unique: UTC time plus 4 random hex digits."""
    return datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)


def kernel_env(seed: int, deterministic: bool) -> dict[str, str]:
    """Environment for every kernel of a run: the seed, and in deterministic mode fixed hashing and
    deterministic TensorFlow kernels."""
    env = {"WORKBENCH_SEED": str(seed), "WORKBENCH_DETERMINISTIC": "1" if deterministic else "0"}
    if deterministic:
        env.update({"PYTHONHASHSEED": str(seed % 2**32), "TF_DETERMINISTIC_OPS": "1"})
    return env


def finished_run(session_id: str, reports_dir: Path | None = None) -> Path | None:
    """The newest run folder of a session whose summary says ``ok`` (used to resume batches)."""
    folder = (reports_dir or settings().reports_dir) / check_session_id(session_id)
    for run in sorted(folder.glob("*/" + SUMMARY_JSON), reverse=True):
        try:
            if json.loads(run.read_text(encoding="utf-8")).get("status") == "ok":
                return run.parent
        except (OSError, json.JSONDecodeError):
            continue
    return None


def _media_present(store: SessionStore, session_id: str) -> bool:
    session = store.get(session_id)
    return any(
        t.answer_media and (store.media_root / session_id / t.answer_media).is_file() for t in session.turns
    )


def write_feedback(session_id: str, *, store: SessionStore) -> None:
    """The LLM's written feedback of every answered turn, stored with the scores of its words and voice
    (``turn.analysis["scores"]``, replaced by the scoring notebook, which reuses the feedback). Feedback an
    earlier run wrote from the same inputs is kept."""
    from workbench.stages.scoring import run_scoring

    run_scoring(session_id, store=store, llm_feedback=True)


def _reusable(store: SessionStore, session_id: str, key: str) -> bool:
    """A media stage can be skipped when its media are gone but its results are stored."""
    session = store.get(session_id)
    with_media = [t for t in session.turns if t.answer_media]
    return bool(with_media) and not _media_present(store, session_id) and all(t.analysis.get(key) for t in with_media)


def _discard_media(store: SessionStore, session_id: str) -> str:
    discarded = store.discard_media(session_id)
    return "discarded after analysis" if discarded else "none left to discard"


def report_session(
    session_id: str,
    *,
    out_dir: Path | None = None,
    deterministic: bool = True,
    seed: int = DEFAULT_SEED,
    anonymise: bool = False,
    keep_media: bool | None = None,
    pdf: bool = False,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    progress: Callable[[str], None] | None = None,
) -> ReportResult:
    """Analyse one stored session and write its report into ``<out_dir or reports>/<session>/<run-id>/``.

    ``deterministic`` fixes seeds and hashing so two runs give identical numbers; ``anonymise``
    replaces the candidate's name and personal details in the report; ``keep_media`` overrides
    the setting of the same name. Raises ``ReportError`` (after writing ``summary.json``) when a
    stage fails, and ``InputError`` for an unknown session.
    """
    started = time.perf_counter()
    store = SessionStore()
    session = store.get(session_id)  # InputError if unknown
    run_id = new_run_id()
    run_dir = Path(out_dir or settings().reports_dir) / session.id / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    keep = settings().keep_media if keep_media is None else keep_media
    parameters = {"SESSION_ID": session.id, "OUTPUT_DIR": str(run_dir), "SEED": seed,
                  "DETERMINISTIC": deterministic, "ANONYMISE": anonymise}
    env = kernel_env(seed, deterministic)
    result = ReportResult(session_id=session.id, run_id=run_id, out_dir=run_dir, status="running")
    say = progress or (lambda message: None)

    def record(name: str, notebook: str, status: str, duration_s: float = 0.0, note: str = "",
               started_s: float | None = None) -> None:
        result.stages.append({"name": name, "notebook": notebook, "status": status,
                              "started_s": None if started_s is None else round(started_s, 3),
                              "duration_s": round(duration_s, 3), "note": note})

    def run_stage(notebook: str) -> tuple[float, Any]:
        stage_started = time.perf_counter() - started
        return stage_started, run_notebook(Path(notebooks_dir) / notebook, run_dir, parameters, env=env)

    scoring_due = any(name == "scoring" and (Path(notebooks_dir) / notebook).is_file() for name, notebook, _ in STAGES)

    def run_group_stage(name: str, notebook: str) -> tuple[float, Any]:
        stage_started, run = run_stage(notebook)
        if name == FEEDBACK_AFTER and scoring_due:
            say(f"{session.id}: written feedback (beside the face stage)")
            feedback_started = time.perf_counter()
            write_feedback(session.id, store=store)
            record(FEEDBACK_STAGE, "-", "ok", time.perf_counter() - feedback_started,
                   started_s=feedback_started - started, note=f"after {FEEDBACK_AFTER}, beside the other stages "
                   "of its group; the scoring notebook reuses it")
        return stage_started, run

    try:
        for group in STAGE_GROUPS:
            due = []
            for name, notebook, key in (stage for stage in STAGES if stage[0] in group):
                if not (Path(notebooks_dir) / notebook).is_file():
                    record(name, notebook, "skipped", note=f"{notebook} is not in this version of the workbench")
                elif _reusable(store, session.id, key):
                    record(name, notebook, "reused", note="media already discarded; stored results used")
                else:
                    due.append((name, notebook))
            if not due:
                continue
            say(f"{session.id}: {' + '.join(name for name, _ in due)}")
            with ThreadPoolExecutor(max_workers=len(due), thread_name_prefix="stage") as pool:
                futures = [(name, notebook, pool.submit(run_group_stage, name, notebook)) for name, notebook in due]
            errors = []  # every stage of the group has finished here; the first failure is reported
            for name, notebook, future in futures:
                try:
                    stage_started, run = future.result()
                    record(name, notebook, "ok", run.duration_s, started_s=stage_started)
                except (NotebookError, WorkbenchError) as error:
                    errors.append(error)
            if errors:
                raise errors[0]
        media_note = "kept (keep_media)" if keep else _discard_media(store, session.id)
        session = store.get(session.id)
        provenance = prov.collect(
            run_id=run_id, session_id=session.id, seed=seed, deterministic=deterministic,
            parameters={k: v for k, v in parameters.items() if k != "OUTPUT_DIR"},
            analyses=[t.analysis for t in session.turns],
        )
        provenance.stage_timings_s = {s["name"]: s["duration_s"] for s in result.stages}
        (run_dir / PROVENANCE_JSON).write_text(json.dumps(provenance.to_json(), indent=2), encoding="utf-8")
        say(f"{session.id}: report")
        report_started, run = run_stage(REPORT_NOTEBOOK)
        record("report", REPORT_NOTEBOOK, "ok", run.duration_s, started_s=report_started)
        html_started = time.perf_counter()
        result.html_path = notebook_to_html(run.executed_path, run_dir / REPORT_HTML,
                                            title=f"Interview report {session.id}")
        record("html", REPORT_HTML, "ok", time.perf_counter() - html_started)
        store.record_event("exported", session.id, format="html", anonymised=anonymise)
        if pdf:
            from workbench.report.pdf import html_to_pdf

            pdf_started = time.perf_counter()
            result.pdf_path = html_to_pdf(result.html_path, run_dir / "report.pdf")
            record("pdf", "report.pdf", "ok", time.perf_counter() - pdf_started)
            store.record_event("exported", session.id, format="pdf", anonymised=anonymise)
        result.status = "ok"
    except (NotebookError, WorkbenchError) as error:
        result.status, result.error = "failed", str(error)
        media_note = "kept (run failed)"
        provenance = None
    result.duration_s = time.perf_counter() - started
    result.summary_path = run_dir / SUMMARY_JSON
    _write_summary(result, store, provenance, media_note, anonymise)
    if result.status != "ok":
        raise ReportError(f"report of session {session.id} failed: {result.error} (see {result.summary_path})")
    return result


def _write_summary(
    result: ReportResult, store: SessionStore, provenance: Any, media_note: str, anonymise: bool
) -> Path:
    try:
        numbers = build_summary(store.get(result.session_id))
    except WorkbenchError as error:  # the session vanished mid-run
        numbers = {"error": str(error)}
    if anonymise and "error" not in numbers:
        from workbench.privacy.anonymise import anonymise_session_json

        numbers = anonymise_session_json(numbers)  # questions, sentences and candidate label redacted
        numbers["candidate"] = ANONYMOUS_CANDIDATE if numbers.get("candidate") else numbers.get("candidate")
    if provenance is not None:
        provenance.stage_timings_s = {s["name"]: s["duration_s"] for s in result.stages}
    summary = {
        "summary_version": SUMMARY_VERSION,
        **result.to_json(),
        "media": media_note,
        "provenance": provenance.to_json() if provenance is not None else None,
        "report": numbers,
    }
    path = result.out_dir / SUMMARY_JSON
    path.write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
    if result.status == "ok":
        store.record_event("exported", result.session_id, format="json", anonymised=anonymise)
    return path
