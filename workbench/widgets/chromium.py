"""Debian's Chromium, headless, as the browser tests and the app bench drive it through Playwright
(never a downloaded browser): the flags that keep it offline and quiet, and fake media devices."""
from __future__ import annotations

from pathlib import Path

from workbench.errors import WorkbenchError

CHROMIUM = Path("/usr/bin/chromium")  # Debian's chromium package (make setup installs it)
OFFLINE_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required",
)
FAKE_DEVICES = "--use-fake-device-for-media-stream"  # a test pattern camera and a beeping (or file) microphone
AUTO_ACCEPT_MEDIA = "--use-fake-ui-for-media-stream"  # permission prompts accepted without a grant


def chromium_flags(*, fake_audio: Path | None = None, auto_accept: bool = True) -> list[str]:
    """Flags for a headless run with fake devices; ``fake_audio``: a WAV the fake microphone plays."""
    flags = [*OFFLINE_FLAGS, FAKE_DEVICES]
    if auto_accept:
        flags.append(AUTO_ACCEPT_MEDIA)
    if fake_audio is not None:
        flags.append(f"--use-file-for-fake-audio-capture={fake_audio}")
    return flags


def launch(playwright, **flag_options):
    """Debian's Chromium through Playwright, headless; WorkbenchError when it is not installed."""
    if not CHROMIUM.exists():
        raise WorkbenchError(f"{CHROMIUM} missing: run `make setup` (installs Debian chromium)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=chromium_flags(**flag_options),
                                      headless=True)
