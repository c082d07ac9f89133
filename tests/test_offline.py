"""The offline guarantee: no outbound connection, and the doctor works with no network at all."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.errors import NetworkBlockedError

WORKBENCH = str(Path(sys.executable).parent / "workbench")


def test_outbound_connections_are_refused_in_process():
    with pytest.raises(NetworkBlockedError, match="blocked"):
        socket.create_connection(("93.184.216.34", 80), timeout=1)
    with pytest.raises(NetworkBlockedError):
        socket.getaddrinfo("huggingface.co", 443)


def test_loopback_stays_open():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=2)
    client.close()
    server.close()


def test_hub_libraries_are_in_offline_mode():
    import os

    import workbench  # noqa: F401 - importing sets the flags

    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs util-linux unshare")
def test_doctor_passes_in_a_network_namespace_with_no_network():
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.fail(f"cannot create a network namespace here: {probe.stderr.decode()}")
    done = subprocess.run(
        ["unshare", "-rn", WORKBENCH, "doctor", "--json", "--model", "whisper-tiny.en",
         "--model", "all-minilm-l6-v2", "--model", "qwen2.5-0.5b-instruct-q4"],
        capture_output=True, text=True, timeout=600,
    )
    report = json.loads(done.stdout)
    assert done.returncode == 0, done.stderr[-2000:]
    assert report["all_ok"] and all(m["loads"] for m in report["models"])
