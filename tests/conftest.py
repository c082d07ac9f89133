"""Shared fixtures. Every test runs with the network blocked (loopback allowed) and, where it
touches user data, with its own temporary data directory."""
from __future__ import annotations

from pathlib import Path

import pytest

from workbench import config
from workbench.offline import block_network

REAL_SPEECH_DIR = Path("/usr/share/pocketsphinx/test/data/cards")  # Debian pocketsphinx-testdata
ALSA_VOICE_DIR = Path("/usr/share/sounds/alsa")  # Debian alsa-utils: a real voice naming each file


def pytest_configure(config):  # noqa: ARG001 - pytest hook signature
    block_network()


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A fresh, empty user-data directory for this test (settings reloaded to point at it)."""
    folder = tmp_path / "userdata"
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(folder))
    config.reload()
    yield folder
    monkeypatch.delenv("WORKBENCH_DATA_DIR", raising=False)
    config.reload()


@pytest.fixture(scope="session")
def astronaut_rgb():
    """skimage's public-domain astronaut photo (a real, smiling face), RGB uint8 512x512."""
    from skimage import data

    return data.astronaut()


@pytest.fixture(scope="session")
def real_speech_wav() -> Path:
    path = REAL_SPEECH_DIR / "001.wav"
    if not path.is_file():
        pytest.fail(f"{path} missing: run `make setup` (installs Debian pocketsphinx-testdata)")
    return path
