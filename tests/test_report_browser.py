"""The HTML caseload report in a real browser: headless Chromium (Debian's `chromium`, installed
by .ci/run where missing). It renders with no console error and no network request, its charts
are in the page, and a screenshot is kept as a test artifact."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .test_report import supervised

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("CASECLI_TEST_ARTIFACTS", ROOT / "test-artifacts"))


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("headless Chromium is not installed here (.ci/run installs Debian's chromium where it can)")


def run_browser(browser: str, *args: str) -> subprocess.CompletedProcess:
    flags = [
        "--headless",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
        "--disable-gpu",
        "--no-first-run",
        "--enable-logging=stderr",
        "--v=0",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # a page that asked for anything on a network would fail
    ]
    return subprocess.run([browser, *flags, *args], capture_output=True, text=True, timeout=180, check=False)


@pytest.mark.slow
def test_the_html_report_renders_offline_in_headless_chromium(home, monkeypatch, tmp_path):
    browser = chromium()
    _ana, marta = supervised(home, monkeypatch, cases=300)
    page = tmp_path / "caseload.html"
    marta.ok("report", "--format", "html", "--output", str(page))

    dom = run_browser(browser, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") == 4 and dom.stdout.count("<rect") >= 4
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "caseload-report.png"
    shot.unlink(missing_ok=True)
    drawn = run_browser(browser, f"--screenshot={shot}", "--window-size=1200,1800", page.as_uri())
    assert drawn.returncode == 0, drawn.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 10_000
    for log in (dom.stderr, drawn.stderr):
        console = [line for line in log.splitlines() if "CONSOLE" in line or "Uncaught" in line]
        assert console == [], console
        network = [line for line in log.splitlines() if "net::ERR" in line or "ERR_NAME_NOT_RESOLVED" in line]
        assert network == [], network
