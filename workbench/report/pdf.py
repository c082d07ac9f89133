"""Optional PDF of a report, printed offline by Debian's chromium through playwright.

nbconvert's ``webpdf`` exporter does the same print, but it launches playwright's own downloaded
browser (``chromium.launch()`` with no executable path), which cannot be fetched offline. So we
print the already self-contained ``report.html`` with the system chromium and the print settings
webpdf uses (print media, backgrounds on). No network: the page embeds everything it shows.
"""
from __future__ import annotations

from pathlib import Path

from workbench.errors import ExitCode, WorkbenchError

CHROMIUM_PATH = Path("/usr/bin/chromium")  # Debian package `chromium` (Makefile APT_PACKAGES)
CHROMIUM_FLAGS = [  # MODELS.md: the flags that worked headless, offline, as root
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
PRINT_TIMEOUT_MS = 120_000  # ours: a long report renders in a few seconds


class PdfError(WorkbenchError):
    """The PDF could not be printed (no chromium, or it failed); the HTML report is still there."""

    exit_code = ExitCode.PDF_FAILED


def html_to_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print ``html_path`` to ``pdf_path`` (A4, backgrounds) with the system chromium."""
    if not CHROMIUM_PATH.is_file():
        raise PdfError(f"PDF export needs Debian's chromium at {CHROMIUM_PATH} (apt-get install chromium)")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise PdfError("PDF export needs the playwright package (pip install playwright)") from error
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_FLAGS)
            try:
                page = browser.new_page()
                page.emulate_media(media="print")
                page.goto(html_path.as_uri(), wait_until="load", timeout=PRINT_TIMEOUT_MS)
                pdf_path.write_bytes(page.pdf(format="A4", print_background=True))
            finally:
                browser.close()
    except PlaywrightError as error:
        raise PdfError(f"chromium could not print {html_path.name}: {' '.join(str(error).split())[:300]}") from error
    return pdf_path
