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
    (left, right, bottom, top), in points from the page's lower left corner.

    A graphic is an XObject drawn with ``Do`` (a raster image, or an SVG figure as Typst 0.13
    writes it, a form), everything one outermost q ... Q block without text paints with
    paths (an SVG figure as Typst 0.14 and later write it), or else one painted path (a
    table rule, a box)."""

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


# The path-painting operators (stroke, fill, both); `n` ends a path without painting it.
_PAINT = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}


def _apply(matrix, x, y) -> tuple[float, float]:
    """The point (x, y) under the PDF matrix [a b c d e f]."""
    moved = _multiply([1, 0, 0, 1, x, y], matrix)
    return moved[4], moved[5]


def _box(points) -> tuple[float, float, float, float]:
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), max(xs), min(ys), max(ys)


@dataclass
class _Block:
    """The paths an outermost q ... Q block painted, and whether it wrote text."""

    paths: list[tuple[float, float, float, float]] = field(default_factory=list)
    text: bool = False

    def graphics(self) -> list[tuple[float, float, float, float]]:
        """One graphic for a block of paths only (a drawing), else one per path: a block that
        also writes text may hold a whole page (Typst 0.13 puts the page body in one)."""
        if self.text or not self.paths:
            return list(self.paths)
        return [_box([(x, y) for x0, x1, y0, y1 in self.paths for x in (x0, x1) for y in (y0, y1)])]


def pdf_layout(path) -> list[PageLayout]:
    """Text runs with their extent and graphics with their box, page by page.

    Follows the operators a Typst PDF uses (q/Q, cm, BT/ET, Tf, Tm, TJ/Tj, Do, the path
    operators m, l, c, v, y, re and the painting ones) and measures each run with its
    font's glyph widths, so a word that runs into the margin shows up with its real right
    edge.
    """
    reader = PdfReader(path)
    pages = []
    for page in reader.pages:
        layout = PageLayout(float(page.mediabox.width), float(page.mediabox.height))
        resources = page.get("/Resources") or {}
        fonts = {name: _cid_widths(ref.get_object()) for name, ref in (resources.get("/Font") or {}).items()
                 if ref.get_object().get("/Subtype") == "/Type0"}
        xobjects = {name: ref.get_object() for name, ref in (resources.get("/XObject") or {}).items()}
        ctm, stack, tm, font, size = [1, 0, 0, 1, 0, 0], [], [1, 0, 0, 1, 0, 0], None, 0.0
        path: list[tuple[float, float]] = []   # the points of the path being built
        block = _Block()                       # what the outermost q ... Q block under way painted
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"q":  # the text font and size are part of the graphics state too
                stack.append((ctm, font, size))
            elif op == b"Q":
                ctm, font, size = stack.pop()
                if not stack:
                    layout.graphics += block.graphics()
                    block = _Block()
            elif op in (b"m", b"l", b"c", b"v", b"y", b"re"):
                values = [float(v) for v in operands]
                x, y = values[:2]
                corners = ([(x, y), (x + values[2], y), (x, y + values[3]), (x + values[2], y + values[3])]
                           if op == b"re" else list(zip(values[::2], values[1::2])))
                path += [_apply(ctm, cx, cy) for cx, cy in corners]
            elif op in _PAINT:
                if path:
                    (block.paths if stack else layout.graphics).append(_box(path))
                path = []
            elif op == b"n":  # a clipping path, not painted
                path = []
            elif op == b"cm":
                ctm = _multiply([float(v) for v in operands], ctm)
            elif op == b"BT":
                tm = [1, 0, 0, 1, 0, 0]
                block.text = True
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
                xobject = xobjects.get(operands[0])
                if xobject is not None and xobject.get("/Subtype") == "/Form":   # its box, in its own space
                    x0, y0, x1, y1 = (float(v) for v in xobject["/BBox"])
                    matrix = _multiply([float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])], ctm)
                else:                                                               # an image fills the unit square
                    x0, y0, x1, y1, matrix = 0, 0, 1, 1, ctm
                layout.graphics.append(_box([_apply(matrix, x, y) for x in (x0, x1) for y in (y0, y1)]))
        layout.graphics += block.graphics()   # a page whose last block was left open
        pages.append(layout)
    return pages
