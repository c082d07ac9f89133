"""Consent first (issue 20): the app shows what is recorded, kept, for how long, where and how to delete
it before anything is recorded; the choice is stored with the session and in the audit log, and a
text-only choice is held by the engine itself (no recording is stored, whatever the browser sends)."""
from __future__ import annotations

import pytest

from workbench import config
from workbench.errors import InputError
from workbench.interview.engine import InterviewConfig, InterviewEngine
from workbench.privacy import audit
from workbench.privacy.consent import (
    CONSENT_KEY, ConsentChoice, check_recording_allowed, consent_notice, parse_choice, recording_allowed,
)
from workbench.store import SessionStore
from workbench.widgets import InterviewApp

WAV_HEADER_ONLY = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40  # never decoded: refused before storage


@pytest.fixture
def engine(data_dir):
    return InterviewEngine(SessionStore(), llm_id="none", voice=False)


def test_the_notice_says_what_the_settings_say(data_dir, monkeypatch):
    monkeypatch.setenv("WORKBENCH_RETENTION_DAYS", "14")
    monkeypatch.setenv("WORKBENCH_KEEP_MEDIA", "0")
    config.reload()
    deleted = consent_notice()
    text = "\n".join(deleted.lines)
    assert "14 days" in text and str(data_dir) in text and "deleted as soon as" in text
    assert "workbench session delete" in text and "text-only" in text
    monkeypatch.setenv("WORKBENCH_KEEP_MEDIA", "1")
    monkeypatch.setenv("WORKBENCH_RETENTION_DAYS", "0")
    config.reload()
    kept = consent_notice()
    assert "are kept" in "\n".join(kept.lines) and "until you delete them" in "\n".join(kept.lines)
    assert kept.version != deleted.version  # another wording, another version


def test_the_app_opens_on_consent_and_will_not_start_without_it(engine):
    app = InterviewApp(engine, n_questions=1)
    assert app.screen == "consent"
    for line in app.consent_panel.notice.lines[:2]:
        assert line.split(":")[0] in app.consent_panel.text.value
    app.start_panel.start.click()  # a script or a stray click cannot skip the consent panel
    assert app.session is None and "agree" in app.start_panel.status.value


def test_text_only_records_nothing_and_is_stored_and_audited(engine, data_dir):
    app = InterviewApp(engine, n_questions=2, camera=True)
    app.consent_panel.text_only.click()
    assert app.screen == "start" and app.start_panel.camera.disabled and not app.start_panel.camera.value
    app.start_panel.candidate.value = "student-07"
    app.start_panel.class_label.value = "B2-morning"
    app.start_panel.start.click()
    assert app.errors == [] and app.screen == "question"
    assert app.question_view.recorder.layout.display == "none"  # no Record button at all
    stored = engine.store.get(app.session.id)
    assert stored.settings[CONSENT_KEY]["choice"] == "text_only" and stored.settings[CONSENT_KEY]["camera"] is False
    assert stored.candidate == "student-07" and stored.class_label == "B2-morning"
    events = [e for e in audit.read(data_dir, session_id=app.session.id) if e["event"] == "consent"]
    assert len(events) == 1 and events[0]["choice"] == "text_only"
    assert events[0]["notice"] == app.consent_panel.notice.version  # what was shown is what was agreed to

    # the hidden recorder sends a recording anyway: refused with the reason, nothing stored
    app.on_recording(type("Recording", (), {"data": WAV_HEADER_ONLY, "suffix": ".wav", "duration_s": 1.0,
                                            "stopped_at_max": False})())
    assert "text-only" in app.question_view.status.value
    assert engine.store.get(app.session.id).turns[0].answer_media is None
    assert not list((data_dir / "media").rglob("turn00*"))
    with pytest.raises(InputError, match="text-only"):
        engine.feed_audio(app.session, b"\x00" * 100)
    app.question_view.typed.value = "I kept the release notes for two years and nobody missed a change."
    app.question_view.submit_typed.click()  # typing still works
    assert len(app.errors) == 1 and engine.store.get(app.session.id).turns[0].answer_text


def test_agreeing_is_stored_with_the_camera_choice(engine, data_dir):
    app = InterviewApp(engine, n_questions=1)
    app.consent_panel.agree.click()
    assert not app.start_panel.camera.disabled
    app.start_panel.camera.value = True
    app.start_panel.start.click()
    assert app.errors == [] and app.question_view.recorder.layout.display is None
    record = engine.store.get(app.session.id).settings[CONSENT_KEY]
    assert record["choice"] == "record" and record["camera"] is True
    assert record["notice_version"] == app.consent_panel.notice.version
    assert recording_allowed(engine.store.get(app.session.id).settings)
    app.question_view.finish.click()
    app.summary_panel.restart.click()
    assert app.screen == "consent" and app.consent is None  # asked again for the next session


def test_sessions_started_without_the_app_keep_working(engine):
    session = engine.start(InterviewConfig(n_questions=1))  # the CLI, an import, the self-test
    assert CONSENT_KEY not in session.settings
    check_recording_allowed(session.settings)  # no error: the person running the command chose
    with pytest.raises(InputError, match="unknown consent choice"):
        engine.start(InterviewConfig(n_questions=1, consent="maybe"))
    assert parse_choice("record") is ConsentChoice.RECORD
