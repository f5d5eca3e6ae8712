"""Read a built edition as a reader would: the visible text of the HTML and of each PDF page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from pypdf import PdfReader


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(path) -> str:
    parser = _Text()
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
_LABELLED = re.compile(r"(Figuur|Tabel|Hoofdstuk|Paragraaf|Bijlage)\s?(\d+(?:\.\d+)*|[A-Z]\b)")


def labelled_numbers(text: str) -> list[str]:
    """Every labelled number in reading order; words hyphenated at a line end are joined."""
    text = re.sub(r"-\s+", "-", text)
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", "", text)
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
    return [" ".join(title.split()) for title, _ in _TOC_ENTRY.findall(" ".join(toc_pages))]


_LEADER = re.compile(r"(?:\. ?){3,}\d")
_TOC_ENTRY = re.compile(r"(\S.*?)\s*(?:\.\s?){2,}\s*(\d+)")
