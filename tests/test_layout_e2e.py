"""The built editions (both engines) on paper and on a phone: page fill and margins
of the PDF, and no sideways scrolling of the HTML in a narrow window."""

from __future__ import annotations

import re

import pytest
from chromium import CHROMIUM, SKIP_REASON, dump_dom
from pypdf import PdfReader
from report_text import pdf_layout

pytestmark = pytest.mark.e2e

MM = 72 / 25.4
# report/typst/ckm-report.typ: page margins (left, right, top, bottom) in mm.
MARGIN = {"left": 25, "right": 25, "top": 30, "bottom": 25}
# Typst hangs punctuation and hyphens a little into the margin (overhang); more is an overflow.
OVERHANG = 2 * MM
FULL_PAGE_FIGURE = 0.6  # a graphic this tall (share of the text area) makes a full-page figure


def _chapter_starts(path) -> set[int]:
    """0-based page indices where a level-1 heading (chapter, summary, appendices) starts."""
    reader = PdfReader(path)
    return {reader.get_destination_page_number(entry) for entry in reader.outline if not isinstance(entry, list)}


@pytest.fixture(scope="module", params=["builtin_edition", "quarto_edition"])
def edition(request):
    """The session's editions (no build of their own); Quarto's is skipped where Quarto is absent."""
    return request.getfixturevalue(request.param)[1]


@pytest.fixture(scope="module")
def pdf(edition):
    path = edition.output_dir / "report.pdf"
    return path, pdf_layout(path)


def test_no_text_or_graphic_in_the_side_margins(pdf):
    path, pages = pdf
    # The figures are seen (vector drawings, whichever way Typst writes them): a page has a tall
    # graphic for each figure caption on it (a caption starts a line; the list of figures bullets them).
    captions = [len(re.findall(r"^Figuur \d+:", page.extract_text() or "", re.M)) for page in PdfReader(path).pages]
    tall = [sum(g[3] - g[2] > 30 * MM for g in page.graphics) for page in pages]
    assert sum(captions) >= 5, captions
    assert all(seen >= shown for seen, shown in zip(tall, captions)), list(zip(captions, tall))
    out = []
    for number, page in enumerate(pages, 1):
        left, right = MARGIN["left"] * MM - OVERHANG, page.width - MARGIN["right"] * MM + OVERHANG
        boxes = [(x0, x1) for x0, x1, *_ in page.text] + [(x0, x1) for x0, x1, *_ in page.graphics]
        out += [(number, round(x0 / MM, 1), round(x1 / MM, 1)) for x0, x1 in boxes if x0 < left or x1 > right]
    assert not out, f"(page, left mm, right mm) beyond the text area: {out[:10]}"


def test_no_page_less_than_half_full_except_before_a_chapter_or_a_full_page_figure(pdf):
    path, pages = pdf
    starts = _chapter_starts(path)
    assert len(starts) >= 5, starts
    top_of = lambda page: page.height - MARGIN["top"] * MM  # noqa: E731
    bottom = MARGIN["bottom"] * MM

    def fill(page) -> float:
        ink = [y for *_, y, _ in page.text if bottom < y < top_of(page)] + [y0 for _, _, y0, _ in page.graphics]
        return (top_of(page) - min(ink)) / (top_of(page) - bottom) if ink else 0.0

    def full_page_figure(page) -> bool:
        return any((y1 - y0) >= FULL_PAGE_FIGURE * (top_of(page) - bottom) for _, _, y0, y1 in page.graphics)

    thin = []
    for i, page in enumerate(pages[:-1]):
        if i + 1 in starts or full_page_figure(pages[i + 1]) or full_page_figure(page):
            continue
        if fill(page) < 0.5:
            thin.append((i + 1, round(fill(page), 2)))
    assert not thin, f"(page, share filled) of pages less than half full: {thin}"


def test_no_table_caption_left_alone_at_the_foot_of_a_page(pdf):
    """Tables are captioned above: a caption among a page's last lines means its table went on alone."""
    orphans = []
    for number, page in enumerate(PdfReader(pdf[0]).pages, 1):
        lines = [line.strip() for line in (page.extract_text() or "").splitlines()
                 if line.strip() and not line.startswith("Pagina") and "SYNTHETISCH" not in line.upper()]
        orphans += [(number, line[:60]) for line in lines[-2:]
                    if re.match(r"^Tabel \d+[:.] ", line) and "(vervolg)" not in line]
    assert not orphans, f"(page, caption) at the foot of a page: {orphans}"


def test_continued_tables_say_so(pdf):
    text = " ".join(page.extract_text() or "" for page in PdfReader(pdf[0]).pages)
    assert re.search(r"Tabel \d+ \(vervolg\)", text)


# A script appended to a copy of the page: after load and fonts, it writes what
# sticks out of a 390 px wide page (tables scroll inside their own box), and which
# embedded Libertinus Serif faces the page loaded, into the DOM.
_MEASURE = """<style>html { width: 390px; }</style><script>
window.addEventListener("load", () => document.fonts.ready.then(() => {
  const wide = [...document.querySelectorAll("body *")].filter(e =>
    getComputedStyle(e).position !== "fixed" && !e.closest("table, .synthetic-banner")
    && e.getBoundingClientRect().right > 391).map(e => e.tagName + (e.id ? "#" + e.id : ""));
  const tables = [...document.querySelectorAll("table")].filter(t => t.getBoundingClientRect().right > 391);
  const out = document.createElement("pre");
  const faces = [...document.fonts].filter(f => f.family.replace(/"/g, "") === "Libertinus Serif"
    && f.status === "loaded").map(f => f.style + " " + f.weight);
  out.textContent = "MEASURED " + JSON.stringify({wide: wide.slice(0, 10), tables: tables.length, faces,
    body: getComputedStyle(document.body).fontFamily});
  document.body.appendChild(out);
}));</script>"""


@pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)
def test_html_does_not_scroll_sideways_at_390_px_and_loads_the_embedded_serif(edition, tmp_path):
    import json

    html = (edition.output_dir / "report.html").read_text(encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text(html.replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
    proc = dump_dom(page, tmp_path, 390, 3000)
    found = re.search(r"MEASURED (\{.*?\})\s*</pre>", proc.stdout)
    assert found, proc.stderr[-2000:]
    measured = json.loads(found.group(1).replace("&quot;", '"'))
    assert measured["wide"] == [], measured
    assert measured["tables"] == 0, measured
    # The PDF's serif, embedded (report/html/fonts): the body asks for it first and it loads.
    assert measured["body"].startswith('"Libertinus Serif"'), measured["body"]
    assert {"normal 400", "normal 700", "italic 400"} <= set(measured["faces"]), measured["faces"]
