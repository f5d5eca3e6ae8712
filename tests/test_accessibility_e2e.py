"""axe-core on the built HTML (both engines): report.html and the technical
companion verantwoording.html published beside it have zero violations.

axe-core runs in headless Chromium from Debian's `chromium` package without
puppeteer: a copy of the page gets axe.min.js inlined and a script that writes
`axe.run`'s violations as JSON into the DOM, which `chromium --dump-dom` prints.
axe.min.js comes from npm (`.ci/run` installs it into `.cache/axe-core`, or point
$AXE_CORE_DIR at a folder holding it); without it or Chromium the test is skipped.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pytest
from chromium import CHROMIUM, SKIP_REASON, dump_dom

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
AXE_DIR = Path(os.environ.get("AXE_CORE_DIR") or ROOT / ".cache" / "axe-core")
AXE = next((p for p in (AXE_DIR / "axe.min.js", AXE_DIR / "node_modules" / "axe-core" / "axe.min.js")
            if p.is_file()), None)
PAGES = ("report.html", "verantwoording.html")

# Runs after load and web fonts (contrast depends on the rendered text); the
# violations go into <pre id="axe-results"> as JSON, shortened to what a
# failure message shows.
_RUN = """<script>
window.addEventListener("load", () => document.fonts.ready
  .then(() => axe.run(document, {resultTypes: ["violations"]}))
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
                                     nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
                                     why: (v.nodes[0] || {}).failureSummary || ""})))
  .catch(e => [{id: "axe-error", impact: "error", help: String(e), count: 0, nodes: []}])
  .then(out => {
    const pre = document.createElement("pre");
    pre.id = "axe-results";
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }));
</script>"""


def run_axe(page: Path, tmp_path: Path, width: int = 1280) -> list[dict]:
    """axe-core's violations on ``page`` in headless Chromium, ``width`` CSS pixels wide.

    Returns one dict per violated rule: ``id``, ``impact``, ``help``, ``count``
    (nodes), ``nodes`` (CSS selectors of the first three) and ``why`` (axe's
    failure summary of the first). Raises
    AssertionError with Chromium's stderr when no result comes back.
    """
    text = page.read_text(encoding="utf-8")
    # "</script" inside the inlined library would end the element early.
    library = AXE.read_text(encoding="utf-8").replace("</script", "<\\/script")
    copy = tmp_path / f"axe-{page.name}"
    copy.write_text(text.replace("</body>", f"<script>{library}</script>{_RUN}</body>", 1), encoding="utf-8")
    proc = dump_dom(copy, tmp_path, width, 60000)
    found = re.search(r'<pre id="axe-results">(.*?)</pre>', proc.stdout, re.S)
    assert found, f"no axe-core result from Chromium for {page}: {proc.stderr[-2000:]}"
    return json.loads(html.unescape(found.group(1)))


@pytest.fixture(scope="module", params=["builtin_edition", "quarto_edition"])
def edition(request):
    """The session's editions (no build of their own); Quarto's is skipped where Quarto is absent."""
    return request.getfixturevalue(request.param)[1]


@pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)
@pytest.mark.skipif(AXE is None, reason=f"no axe.min.js in {AXE_DIR} (npm install --prefix {AXE_DIR} axe-core@4, "
                                        "as .ci/run does, or set AXE_CORE_DIR)")
@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", PAGES)
def test_axe_core_finds_no_violations(edition, name, width, tmp_path):
    violations = run_axe(edition.output_dir / name, tmp_path, width)
    listing = "\n".join(f"{v['id']} ({v['impact']}, {v['count']} nodes): {v['help']}; e.g. {v['nodes']}: {v['why']}"
                        for v in violations)
    assert not violations, f"axe-core violations in {name} at {width} px:\n{listing}"
