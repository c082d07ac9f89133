"""The report pipeline on a real session: one answer spoken by a real person (Debian
pocketsphinx-testdata), one typed. Checks the HTML report, summary.json with provenance, and that
two deterministic runs give identical numbers."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from workbench import config
from workbench.report.pipeline import ReportError, finished_run, report_session
from workbench.report.sources import import_folder

pytestmark = [pytest.mark.slow, pytest.mark.notebook]
TYPED_ANSWER = (
    "Um, last year our release pipeline kept failing. I wrote a plan, I split the tests into fast and "
    "slow groups, and I added a nightly job. As a result the build time fell from forty to twelve minutes."
)


@pytest.fixture(scope="module")
def env(tmp_path_factory, real_speech_wav_module):
    root = tmp_path_factory.mktemp("report")
    patch = pytest.MonkeyPatch()
    patch.setenv("WORKBENCH_DATA_DIR", str(root / "data"))
    patch.setenv("WORKBENCH_REPORTS_DIR", str(root / "reports"))
    patch.setenv("WORKBENCH_KEEP_MEDIA", "1")  # both runs analyse the same media
    config.reload()
    folder = root / "recorded"
    folder.mkdir()
    shutil.copy(real_speech_wav_module, folder / "answer1.wav")
    (folder / "questions.yaml").write_text(
        "role: software engineer\nlevel: mid\nsession_id: report-test\ncandidate: student-01\nturns:\n"
        "  - question: Tell me about a project you are proud of.\n    answer: answer1.wav\n"
        f"  - question: Tell me about a time you fixed a slow process.\n    text: \"{TYPED_ANSWER}\"\n"
    )
    session_id = import_folder(folder)
    first = report_session(session_id)
    second = report_session(session_id)
    yield {"root": root, "session_id": session_id, "first": first, "second": second}
    patch.undo()
    config.reload()


@pytest.fixture(scope="module")
def real_speech_wav_module() -> Path:
    path = Path("/usr/share/pocketsphinx/test/data/cards/001.wav")
    if not path.is_file():
        pytest.fail(f"{path} missing: run `make setup`")
    return path


def test_report_folder_layout(env):
    first = env["first"]
    assert first.status == "ok"
    assert first.out_dir.parent.name == env["session_id"]
    for name in ("report.html", "summary.json", "provenance.json", "90_report.ipynb"):
        assert (first.out_dir / name).is_file(), name
    ran = [s for s in first.stages if s["status"] == "ok"]
    assert {"report", "html"} <= {s["name"] for s in ran}
    assert finished_run(env["session_id"]) in (first.out_dir, env["second"].out_dir)


def test_report_html_is_for_a_student(env):
    page = env["first"].html_path.read_text(encoding="utf-8")
    assert "Overview" in page and "Overall score" in page
    assert "Tell me about a project you are proud of." in page and "Answer 2" in page
    assert 'title="filler"' in page  # the typed answer's "Um" is highlighted
    assert "What each measure is compared with" in page and "words_per_minute" in page
    assert "data:image/png;base64" in page  # plots embedded, not linked
    assert "from workbench" not in page and "SessionStore()" not in page  # no code cells
    assert 'src="http' not in page  # nothing fetched from the network
    assert env["first"].run_id in page  # provenance shown


def test_summary_json_has_numbers_and_provenance(env):
    summary = json.loads(env["first"].summary_path.read_text())
    assert summary["status"] == "ok" and summary["session_id"] == env["session_id"]
    report = summary["report"]
    assert report["answers"] == 2 and len(report["turns"]) == 2
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
    assert one["numbers"] == two["numbers"]
    assert one["overall_score"] == two["overall_score"]
    assert one["strengths"] == two["strengths"]


def test_unknown_session_is_a_clear_error(env):
    from workbench.errors import InputError

    with pytest.raises(InputError, match="no session"):
        report_session("no-such-session")
    assert issubclass(ReportError, Exception)
