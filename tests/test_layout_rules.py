"""The layout rules both engines share are in place: the PDF look (ckm-report.typ)
and the HTML look (report.css). The built edition is checked in
test_layout_e2e.py."""

from __future__ import annotations

import re
from pathlib import Path

REPORT = Path(__file__).resolve().parents[1] / "report"
CSS = (REPORT / "html" / "report.css").read_text(encoding="utf-8")
TYP = (REPORT / "typst" / "ckm-report.typ").read_text(encoding="utf-8")


def test_typst_tables_break_between_rows_with_a_continuation_line():
    assert "set table.cell(breakable: false)" in TYP
    assert "show figure.caption: set block(sticky: true)" in TYP
    assert "(vervolg)" in TYP
    assert 'show regex("[^\\s_]+_"): box' in TYP     # underscore names may break, no character added
    assert "place.flush()" in TYP                          # floats stay in their chapter


def test_html_embeds_the_pdf_serif_and_downloads_nothing():
    family = re.search(r"body \{[^}]*font-family: ([^;]+);", CSS).group(1)
    assert family.startswith('"Libertinus Serif"') and family.rstrip().endswith("serif")
    assert '"Libertinus Serif"' in TYP                      # the same face as the PDF
    faces = re.findall(r"@font-face \{[^}]*font-style: (\w+);\s*font-weight: (\d+);[^}]*url\(\"([^\"]+)\"\)", CSS)
    assert {(style, weight) for style, weight, _ in faces} == {
        ("normal", "400"), ("italic", "400"), ("normal", "700"), ("italic", "700")}
    for *_, url in faces:                                  # shipped beside the CSS, inlined by both engines
        assert url.endswith(".woff2") and (REPORT / "html" / url).is_file(), url
    assert "SIL OPEN FONT LICENSE Version 1.1" in (REPORT / "html" / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    assert "@import" not in CSS and "url(http" not in CSS


def test_html_figures_take_the_column_width():
    # SVG figures come at their drawn size (16 cm, about 600 px); the PNGs before filled the column.
    assert re.search(r"^figure img \{ width: 100%; \}$", CSS, re.M)


def test_html_tables_scroll_in_their_own_box_and_jumps_clear_the_banner():
    narrow = re.search(r"@media screen and \(max-width: [\d.]+em\) \{(.*?)\n\}", CSS, re.S).group(1)
    assert re.search(r"table \{[^}]*display: block;[^}]*overflow-x: auto;", narrow)
    assert re.search(r":where\(\[id\]\) \{ scroll-margin-top: [\d.]+rem; \}", CSS)
