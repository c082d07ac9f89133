"""Local only: the package refuses outbound connections itself, and a real pipeline runs with no network."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

# A small real pipeline: store (encrypted), media, real speech transcribed by the packaged Whisper,
# anonymisation, audit and the purge CLI. Run in a child process so nothing is shared with pytest.
PIPELINE = textwrap.dedent("""
    import json, sys
    from workbench.cli import main
    from workbench.models import registry
    from workbench.privacy.anonymise import anonymise_session_json
    from workbench.privacy.inputs import check_media_file
    from workbench.session import Session, Turn, TurnState
    from workbench.store import SessionStore

    wav = sys.argv[1]
    check_media_file(wav, kind="audio")
    store = SessionStore()
    session = Session(candidate="Test Person", turns=[Turn(0, "Read the card")])
    store.save(session)
    name = store.write_media(session.id, "turn-0.wav", open(wav, "rb").read())
    model = registry.load("whisper-tiny.en")
    with store.media_file(session.id, name) as path:
        segments, _ = model.transcribe(str(path), beam_size=1, condition_on_previous_text=False)
        text = " ".join(s.text.strip() for s in segments)
    turn = session.turns[0]
    turn.answer_media, turn.answer_text, turn.state = name, text, TurnState.ANALYSED
    store.save(session)
    report = anonymise_session_json(store.get(session.id).to_json())
    assert main(["purge", "--dry-run", "--json"]) == 0
    print(json.dumps({"text": text, "media_left": store.list_media(session.id),
                      "candidate": report["candidate"]}))
""")


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=30)
    return probe.returncode == 0


def _env(data_dir) -> dict[str, str]:
    env = dict(os.environ, WORKBENCH_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1")
    env.pop("WORKBENCH_ALLOW_NETWORK", None)
    return env


def test_cli_refuses_outbound_connections_itself(tmp_path):
    """With the machine's network available, the workbench process still cannot connect out."""
    code = textwrap.dedent("""
        import socket
        from workbench.cli import main
        from workbench.errors import NetworkBlockedError
        main(["purge", "--dry-run", "--json"])
        outcomes = []
        for attempt in (lambda: socket.create_connection(("192.0.2.1", 80), timeout=1),
                        lambda: socket.getaddrinfo("pypi.org", 443),
                        lambda: socket.socket().connect_ex(("2001:db8::1", 443, 0, 0))):
            try:
                attempt()
                outcomes.append("connected")
            except NetworkBlockedError:
                outcomes.append("blocked")
            except OSError as error:
                outcomes.append(f"oserror {error}")
        print(outcomes)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env=_env(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['blocked', 'blocked', 'blocked']"


@pytest.mark.slow
def test_pipeline_runs_with_networking_unavailable(tmp_path, real_speech_wav):
    """The real pipeline in a network namespace with no interfaces but loopback (``unshare -rn``)."""
    if not _unshare_works():
        pytest.skip("unshare -rn is not permitted here; the in-process guard test still covers this")
    cmd = ["unshare", "-rn", sys.executable, "-c", PIPELINE, str(real_speech_wav)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=_env(tmp_path / "data"))
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(out["text"].split()) >= 2  # real speech was transcribed offline
    assert out["media_left"] == []  # raw audio discarded once analysed
    assert out["candidate"] == "[CANDIDATE]"
    # the namespace really had no network: the same child cannot reach anything even unguarded
    probe = subprocess.run(
        ["unshare", "-rn", sys.executable, "-c",
         "import socket\ntry:\n socket.create_connection(('192.0.2.1', 80), timeout=2); print('up')\n"
         "except OSError as e:\n print('down')"],
        capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == "down"
