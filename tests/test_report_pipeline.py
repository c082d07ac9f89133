"""The report pipeline on the bundled sample (three spoken answers with a video track, analysed by
the real voice, face and scoring stages). Checks the HTML a student reads (short voice and face
tables with verdicts, no raw keys outside the collapsed sections), summary.json with provenance,
that two deterministic runs give identical numbers, the export audit, and an anonymised re-run."""
from __future__ import annotations

import json
import re

import pytest

from workbench import config
from workbench.privacy import audit
from workbench.report.pipeline import ReportError, finished_run, report_session
from workbench.report.sources import import_sample
from workbench.store import SessionStore

pytestmark = [pytest.mark.slow, pytest.mark.notebook]
RAW_KEY = re.compile(r"\b\w*_\w*\.\w+|\b\w+\.\w*_\w*")  # a dotted key with an underscore on one side
KNOWN_RAW = ("bands.articulation_rate_wpm", "summary.expression_distribution", "transcript.beam_size")


def visible_part(page: str) -> str:
    """The page without its collapsed sections, scripts and styles: what a student sees at first."""
    page = re.sub(r"<(details|script|style)\b.*?</\1>", "", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    patch = pytest.MonkeyPatch()
    patch.setenv("WORKBENCH_DATA_DIR", str(root / "data"))
    patch.setenv("WORKBENCH_REPORTS_DIR", str(root / "reports"))
    patch.setenv("WORKBENCH_KEEP_MEDIA", "1")  # both runs analyse the same media
    config.reload()
    session_id = import_sample()
    first = report_session(session_id)
    second = report_session(session_id)
    yield {"root": root, "session_id": session_id, "first": first, "second": second}
    patch.undo()
    config.reload()


def test_report_folder_layout(env):
    first = env["first"]
    assert first.status == "ok"
    assert first.out_dir.parent.name == env["session_id"]
    for name in ("report.html", "summary.json", "provenance.json", "90_report.ipynb"):
        assert (first.out_dir / name).is_file(), name
    ran = [s for s in first.stages if s["status"] == "ok"]
    assert {"report", "html"} <= {s["name"] for s in ran}
    assert finished_run(env["session_id"]) in (first.out_dir, env["second"].out_dir)


def test_voice_and_face_run_side_by_side_and_keep_both_results(env):
    stages = {s["name"]: s for s in env["first"].stages}
    voice, face = stages["voice"], stages["face"]
    assert voice["status"] == face["status"] == "ok"
    voice_end, face_end = (s["started_s"] + s["duration_s"] for s in (voice, face))
    assert voice["started_s"] < face_end and face["started_s"] < voice_end  # the two overlapped
    assert stages["scoring"]["started_s"] >= max(voice_end, face_end) - 0.01  # scoring waited for both
    feedback = stages["feedback"]  # written as soon as voice was done, beside face, before scoring
    assert feedback["status"] == "ok" and feedback["started_s"] >= voice_end - 0.01
    assert stages["scoring"]["started_s"] >= feedback["started_s"] + feedback["duration_s"] - 0.01
    turns = SessionStore().get(env["session_id"]).turns
    written = [t.analysis["scores"]["feedback"] for t in turns if t.answer_media]
    llm = [f for f in written if f.get("source") == "llm"]
    assert llm and all(f.get("reused") for f in llm)  # the scoring notebook did not ask the LLM again
    assert all(t.analysis.get("voice") and t.analysis.get("face") for t in turns if t.answer_media)
    logs = env["first"].out_dir / "logs"
    assert {"20_voice_analysis.log", "30_facial_analysis.log"} <= {p.name for p in logs.iterdir()}


def test_report_html_is_for_a_student(env):
    page = env["first"].html_path.read_text(encoding="utf-8")
    assert "Overview" in page and "Overall score" in page and "Main strengths" in page
    assert "hardest production bug" in page and "Answer 3" in page
    assert "What each measure is compared with" in page
    assert "data:image/png;base64" in page  # plots embedded, not linked
    assert "&lt;Figure size" not in page  # every figure drawn as a picture, none printed as text
    assert "from workbench" not in page and "SessionStore()" not in page  # no code cells
    assert 'src="http' not in page  # nothing fetched from the network
    assert env["first"].run_id in page  # provenance shown (collapsed)


def test_voice_and_face_tables_with_verdicts(env):
    page = env["first"].html_path.read_text(encoding="utf-8")
    assert page.count("voice measure") == 3 and page.count("face measure") == 3  # one table each per answer
    assert "Speaking rate" in page and "words/min" in page and "Eye contact" in page
    verdicts = re.findall(r">(in band|low|high|fair)</span>", page)
    assert len(verdicts) >= 3 * 5  # most voice and face rows of three answers have a norm and a verdict
    assert "sampled frames were usable" in page  # the face quality note
    assert "All measures of this answer" in page  # the researchers' section is there, collapsed


def test_no_raw_keys_in_the_visible_part(env):
    visible = visible_part(env["first"].html_path.read_text(encoding="utf-8"))
    assert "Speaking rate" in visible  # the visible part is not empty
    for key in KNOWN_RAW:
        assert key not in visible, key
    assert not RAW_KEY.search(visible), RAW_KEY.search(visible).group()


def test_summary_tables_match_the_stage_verdicts(env):
    report = json.loads(env["first"].summary_path.read_text())["report"]
    session = SessionStore().get(env["session_id"])
    for turn, turn_summary in zip(session.turns, report["turns"], strict=True):
        stored = turn.analysis["voice"]["bands"]  # classified by the speech stage itself
        table = turn_summary["voice_table"]
        assert [row["verdict"] for row in table] == [stored[name]["band"] for name in (
            "words_per_minute", "articulation_rate_wpm", "fillers_per_100_words", "pause_ratio",
            "pause_longest_s", "pitch_variability_semitones", "loudness_variability_db")]
        assert turn_summary["face_table"][0]["measure"] == "Face visible"
    assert report["band"] in ("strong", "good", "developing", "needs work")
    assert 1 <= len(report["strengths"]) + len(report["improvements"]) <= 6


def test_summary_json_has_numbers_and_provenance(env):
    summary = json.loads(env["first"].summary_path.read_text())
    assert summary["status"] == "ok" and summary["session_id"] == env["session_id"]
    report = summary["report"]
    assert report["answers"] == 3 and len(report["turns"]) == 3
    prov = summary["provenance"]
    assert prov["seed"] == config.DEFAULT_SEED and prov["deterministic"] is True
    assert prov["git"]["commit"]
    assert prov["packages"]["papermill"] != "absent"
    whisper = [m for m in prov["models"] if m["id"] == "whisper-tiny.en"]
    assert whisper and len(whisper[0]["sha256"]) == 64
    assert set(prov["stage_timings_s"]) >= {"voice", "face", "scoring"}
    if summary["stages"][2]["status"] == "ok":  # scoring ran: the numbers are there
        assert report["overall_score"] is not None and 0 <= report["overall_score"] <= 100
        assert report["numbers"]


def test_deterministic_runs_give_identical_numbers(env):
    one = json.loads(env["first"].summary_path.read_text())["report"]
    two = json.loads(env["second"].summary_path.read_text())["report"]
    assert env["first"].run_id != env["second"].run_id
    for stage in ("voice", "face", "scores"):
        ones = {k: v for k, v in one["numbers"].items() if f".{stage}." in k}
        twos = {k: v for k, v in two["numbers"].items() if f".{stage}." in k}
        assert ones, stage
        differing = sorted(k for k in ones.keys() | twos.keys() if ones.get(k) != twos.get(k))
        assert not differing, f"{stage} differs between two deterministic runs: {differing[:8]}"
    assert one["overall_score"] == two["overall_score"]
    assert one["strengths"] == two["strengths"] and one["improvements"] == two["improvements"]


def test_exports_are_audited(env):
    events = [e for e in audit.read(session_id=env["session_id"]) if e["event"] == "exported"]
    html = [e for e in events if e.get("format") == "html"]
    assert len(html) >= 2 and all(e.get("anonymised") is False for e in html)


def test_anonymised_pdf_rerun_reuses_stored_results(env):
    store = SessionStore()
    store.discard_media(env["session_id"], force=True)
    result = report_session(env["session_id"], anonymise=True, pdf=True)
    assert {s["name"]: s["status"] for s in result.stages}["voice"] == "reused"
    summary = json.loads(result.summary_path.read_text())
    assert summary["report"]["anonymised"] is True and summary["report"]["candidate"] == "Candidate"
    page = result.html_path.read_text(encoding="utf-8")
    assert "synthetic-sample" not in visible_part(page) and "voice measure" in page
    events = [e for e in audit.read(session_id=env["session_id"]) if e["event"] == "exported"]
    assert any(e.get("format") == "html" and e.get("anonymised") is True for e in events)
    assert result.pdf_path.read_bytes()[:5] == b"%PDF-"  # --pdf, printed offline by the system chromium
    assert any(e.get("format") == "pdf" and e.get("anonymised") is True for e in events)


def test_unknown_session_is_a_clear_error(env):
    from workbench.errors import InputError

    with pytest.raises(InputError, match="no session"):
        report_session("no-such-session")
    assert issubclass(ReportError, Exception)
