"""Headless Chromium from Debian's `chromium` package, for the HTML e2e tests
(test_layout_e2e.py, test_accessibility_e2e.py): a page's DOM after its scripts ran."""

from __future__ import annotations

import subprocess
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
SKIP_REASON = "no Chromium at /usr/bin/chromium (Debian's chromium package)"


def dump_dom(page: Path, tmp_path: Path, width: int, budget_ms: int) -> subprocess.CompletedProcess:
    """Load ``page`` in headless Chromium ``width`` CSS pixels wide, let its scripts run
    for up to ``budget_ms`` of virtual time, and return the finished process:
    ``stdout`` holds the serialised DOM, ``stderr`` Chromium's log. A fresh profile in
    ``tmp_path``; nothing is fetched from the network. Raises
    subprocess.TimeoutExpired after 240 s of real time."""
    return subprocess.run(
        [str(CHROMIUM), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={width},900",
         f"--virtual-time-budget={budget_ms}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=240)
