"""Read a built edition as a reader would: the visible text of the HTML and of each PDF page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from pypdf import PdfReader
from pypdf.generic import ContentStream


class HtmlPage(HTMLParser):
    """Visible text (``parts``, without style and script) and every start tag with its attributes."""

    def __init__(self):
        super().__init__()
        self.parts, self.tags, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(path) -> str:
    parser = HtmlPage()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


def pdf_pages(path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]


def squash(text: str) -> str:
    # PDF text extraction breaks lines anywhere; compare without whitespace.
    return re.sub(r"\s+", "", text)


class _Toc(HTMLParser):
    """The entries of the table of contents (``<nav id="TOC">``), one string per link."""

    def __init__(self):
        super().__init__()
        self.entries, self._depth, self._link = [], 0, None

    def handle_starttag(self, tag, attrs):
        if tag == "nav" and dict(attrs).get("id") == "TOC":
            self._depth = 1
        elif self._depth and tag == "nav":
            self._depth += 1
        elif self._depth and tag == "a":
            self._link = []

    def handle_endtag(self, tag):
        if self._depth and tag == "nav":
            self._depth -= 1
        elif self._depth and tag == "a" and self._link is not None:
            self.entries.append(" ".join("".join(self._link).split()))
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link.append(data)


def html_toc(path) -> list[str]:
    parser = _Toc()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.entries


# Labelled numbers as a reader meets them: "Figuur 3", "Tabel 12", "Hoofdstuk 2",
# "Paragraaf 3.3.1", "Bijlage B".
_CONTINUED = re.compile(r"Tabel\s?\d+\s?\(vervolg\)")
_LABELLED = re.compile(r"(Figuur|Tabel|Hoofdstuk|Paragraaf|Bijlage)\s?(\d+(?:\.\d+)*|[A-Z]\b)")


def labelled_numbers(text: str) -> list[str]:
    """Every labelled number in reading order; words hyphenated at a line end are joined.

    A continued table's "Tabel n (vervolg)" is left out: where a table breaks depends on
    the page layout, which differs a little between Typst versions.
    """
    text = re.sub(r"-\s+", "-", text)
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", "", text)
    text = _CONTINUED.sub(" ", text)
    return [f"{word} {number}" for word, number in _LABELLED.findall(text)]


def pdf_toc(pages: list[str]) -> list[str]:
    """The PDF's table of contents as heading titles, without dot leaders and page numbers.

    ``pages`` as from :func:`pdf_pages`; the TOC runs from the page titled
    "Inhoudsopgave" over the pages that still have dot leaders.
    """
    start = next(i for i, page in enumerate(pages) if "Inhoudsopgave" in page)
    header, _, first = pages[start].partition("Inhoudsopgave")
    toc_pages = [first]
    for page in pages[start + 1:]:
        if not _LEADER.search(page):
            break
        toc_pages.append(page.removeprefix(header.strip()))
    # The page footer ("Pagina 2 van 45") would run into the first entry of the next page.
    text = _FOOTER.sub(" ", " ".join(toc_pages))
    return [" ".join(title.split()) for title, _ in _TOC_ENTRY.findall(text)]


_LEADER = re.compile(r"(?:\. ?){3,}\d")
_FOOTER = re.compile(r"Pagina \d+ van \d+")
_TOC_ENTRY = re.compile(r"(\S.*?)\s*(?:\.\s?){2,}\s*(\d+)")


@dataclass
class PageLayout:
    """Where a PDF page puts ink: text runs as (left, right, baseline), and graphics as
    (left, right, bottom, top), in points from the page's lower left corner. A graphic is a
    raster image, or what one outermost q ... Q block of the page draws with paths: a
    figure (Typst writes an SVG figure as one such block), a table rule, a box."""

    width: float
    height: float
    text: list[tuple[float, float, float, str]] = field(default_factory=list)
    graphics: list[tuple[float, float, float, float]] = field(default_factory=list)


def _multiply(a, b):
    """The PDF matrix product a x b of two [a b c d e f] matrices."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def _cid_widths(font) -> tuple[dict[int, float], float]:
    """Glyph widths (1/1000 em) of a Type0 font with 2-byte codes, as Typst writes its fonts."""
    descendant = font["/DescendantFonts"][0].get_object()
    widths, entries, i = {}, list(descendant.get("/W", [])), 0
    while i < len(entries):
        first, second = int(entries[i]), entries[i + 1]
        if isinstance(second, list) or hasattr(second, "__iter__"):
            for k, w in enumerate(second):
                widths[first + k] = float(w)
            i += 2
        else:
            for cid in range(first, int(second) + 1):
                widths[cid] = float(entries[i + 2])
            i += 3
    return widths, float(descendant.get("/DW", 1000))


def pdf_layout(path) -> list[PageLayout]:
    """Text runs with their extent and graphics with their box, page by page.

    Follows the operators a Typst PDF uses (q/Q, cm, BT/ET, Tf, Tm, TJ/Tj, Do, and the
    path operators m, l, c, v, y, re) and
    measures each run with its font's glyph widths, so a word that runs into the
    margin shows up with its real right edge.
    """
    reader = PdfReader(path)
    pages = []
    for page in reader.pages:
        layout = PageLayout(float(page.mediabox.width), float(page.mediabox.height))
        resources = page.get("/Resources") or {}
        fonts = {name: _cid_widths(ref.get_object()) for name, ref in (resources.get("/Font") or {}).items()
                 if ref.get_object().get("/Subtype") == "/Type0"}
        ctm, stack, tm, font, size = [1, 0, 0, 1, 0, 0], [], [1, 0, 0, 1, 0, 0], None, 0.0
        points: list[tuple[float, float]] = []   # path points of the outermost q ... Q block under way
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"q":  # the text font and size are part of the graphics state too
                stack.append((ctm, font, size))
            elif op == b"Q":
                ctm, font, size = stack.pop()
                if not stack and points:
                    xs, ys = [x for x, _ in points], [y for _, y in points]
                    layout.graphics.append((min(xs), max(xs), min(ys), max(ys)))
                    points = []
            elif op in (b"m", b"l", b"c", b"v", b"y", b"re"):
                values = [float(v) for v in operands]
                corners = ([(values[0], values[1]), (values[0] + values[2], values[1] + values[3])] if op == b"re"
                           else list(zip(values[::2], values[1::2])))
                points += [tuple(_multiply([1, 0, 0, 1, x, y], ctm)[4:]) for x, y in corners]
            elif op == b"cm":
                ctm = _multiply([float(v) for v in operands], ctm)
            elif op == b"BT":
                tm = [1, 0, 0, 1, 0, 0]
            elif op == b"Tm":
                tm = [float(v) for v in operands]
            elif op == b"Tf":
                font, size = fonts.get(operands[0]), float(operands[1])
            elif op in (b"TJ", b"Tj") and font is not None:
                widths, default = font
                advance, chars = 0.0, []
                for item in operands[0] if op == b"TJ" else operands:
                    if isinstance(item, (int, float)) or hasattr(item, "as_numeric"):
                        advance -= float(item) / 1000 * size
                        continue
                    # pypdf may read a string as UTF-16 and hand it back with a byte order mark.
                    raw = item.get_original_bytes() if hasattr(item, "get_original_bytes") else bytes(item)
                    raw = raw.removeprefix(b"\xfe\xff")
                    for k in range(0, len(raw) - 1, 2):
                        cid = raw[k] << 8 | raw[k + 1]
                        advance += widths.get(cid, default) / 1000 * size
                        chars.append(cid)
                matrix = _multiply(tm, ctm)
                x0, y = matrix[4], matrix[5]
                layout.text.append((x0, x0 + advance * matrix[0], y, f"{len(chars)} glyphs"))
            elif op == b"Do":
                box = [_multiply([1, 0, 0, 1, cx, cy], ctm)[4:] for cx in (0, 1) for cy in (0, 1)]
                xs, ys = [p[0] for p in box], [p[1] for p in box]
                layout.graphics.append((min(xs), max(xs), min(ys), max(ys)))
        pages.append(layout)
    return pages
