"""The machine-checkable rules of docs/stijlgids.md, on every template and on the built 2024 and 2026 texts.

What is checked: one voice (no 'je', 'we', 'u' ...), fixed words ('psychische', 'Eén van beide'), no prime for a
quote, no 'norm ... voldaan', no sentences about the generator, references by number, no variable names.
Table rows, block quotes (interview quotes) and the questionnaire appendix quote the questionnaire and the
interviewees literally and are left out.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from exploitation_report.paths import REPORT_DIR
from exploitation_report.pipeline.build import build

TEMPLATES = REPORT_DIR / "templates"

# (name, pattern, why): each pattern must not occur in running text.
FORBIDDEN = [
    ("voice", re.compile(r"\b(je|jij|jouw|we|wij|ons|onze|u|uw)\b", re.IGNORECASE),
     "one voice: impersonal, never 'je', 'we' or 'u' (stijlgids 1)"),
    ("psychiatrisch", re.compile(r"psychiatrisch", re.IGNORECASE), "'psychische', not 'psychiatrische' (stijlgids 7)"),
    ("een van beide", re.compile(r"\b[Ee]en van beide\b"), "'Eén van beide', 'één van beide' (stijlgids 7)"),
    ("prime", re.compile("[\u2032\u2033]"), "a prime is no quote mark (stijlgids 10)"),
    ("voldaan", re.compile(r"\bvoldaan\b", re.IGNORECASE), "a threshold is no target reached (stijlgids 9)"),
    ("machinery", re.compile(r"volgt uit de onder- en bovengrens|automatisch gegenereerd|\bhet woord ‘", re.IGNORECASE),
     "no sentences about how the text is made (stijlgids 5)"),
    ("title reference", re.compile(r"\b(hoofdstuk|bijlage|paragraaf) [A-Z]\w*"),
     "refer by number (@sec-...), not by title or letter (stijlgids 8)"),
    ("variable name", re.compile(r"(?<![\w@#-])[a-z]+_[a-z_]+\b"), "no variable names in the text (stijlgids 4)"),
]


def running_text(markdown: str) -> str:
    """The running text of a Markdown part: without table rows, block quotes, code, fenced divs and ids."""
    lines = []
    for line in markdown.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("|", ">", ":::", "```", "![", ": ")):
            continue
        lines.append(line)
    text = "\n".join(lines)
    text = re.sub(r"`[^`]*`", " ", text)                   # inline code
    text = re.sub(r"\{[#.][^}]*\}", " ", text)             # {#sec-x}, {.class}
    text = re.sub(r"\([^()]*\.(png|svg|pdf)\)", " ", text)  # figure paths
    return text.replace("\\", "")                            # Markdown escapes: 'Zorg\\- en' reads 'Zorg- en'


def template_text(source: str) -> str:
    """A template's own Dutch: the source without Jinja comments, statements and expressions."""
    source = re.sub(r"\{#.*?#\}", " ", source, flags=re.DOTALL)
    source = re.sub(r"\{%.*?%\}", " ", source, flags=re.DOTALL)
    source = re.sub(r"\{\{.*?\}\}", " X ", source, flags=re.DOTALL)
    return running_text(source)


def problems(text: str) -> list[str]:
    found = []
    for name, pattern, why in FORBIDDEN:
        for m in pattern.finditer(text):
            context = text[max(0, m.start() - 50):m.end() + 50].replace("\n", " ")
            found.append(f"{name}: {m.group(0)!r} in '...{context}...' ({why})")
    return found


def test_the_style_checks_catch_what_the_issue_found():
    """Each rule catches the sentence that the review of the 2024 edition quoted."""
    bad = ["Hoe lees je dit?", "Hoeveel, weten we niet.", "Weet u het?", "of psychiatrische problematiek",
           "Een van beide", "in een van beide metingen", "‘meer dan 20\u2032", "norm minstens 25%: voldaan",
           "Het woord ‘honderden’ volgt uit de onder- en bovengrens van het interval.",
           "zie hoofdstuk Omvang", "melden (action_reported_externally)"]
    for sentence in bad:
        assert problems(running_text(sentence)), sentence
    good = ("Van de respondenten zag ruim de helft een vermoedelijk slachtoffer: 55% (122 van 222; 95%-BI 48–61%). "
            "Eén van beide vormen, zie @sec-omvang en @tbl-encounters. Wie twijfelde, kon ‘weet ik niet’ antwoorden.")
    assert problems(running_text(good)) == []
    # A table row and a block quote are quoted material, not the report's own voice.
    assert problems(running_text("| Weet u waar u kunt melden\\? |\n> “Wij zien het vaak.”")) == []


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.j2")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_follow_the_style_guide(path: Path):
    assert problems(template_text(path.read_text(encoding="utf-8"))) == []


def test_recommendation_texts_follow_the_style_guide():
    text = (REPORT_DIR / "recommendations.yml").read_text(encoding="utf-8")
    prose = "\n".join(line.split(":", 1)[1] for line in text.splitlines()
                      if re.match(r"\s*(title|rationale|label|addressee):", line))
    assert problems(running_text(prose)) == []
    assert "'" not in prose.replace("\\'", ""), "typographic quotes (‘…’) in recommendations.yml (stijlgids 10)"


# ----------------------------------------------------------------------------- the built editions

def _parts(build_dir: Path) -> dict[str, str]:
    files = sorted((build_dir / "parts").glob("*.md")) + sorted((build_dir / "chapters").glob("*.md"))
    # The questionnaire appendix quotes the questions (in 'u') and their variable names on purpose.
    return {f.name: f.read_text(encoding="utf-8") for f in files if f.name != "bijlage-codebook.md"}


@pytest.mark.e2e
def test_built_2024_and_2026_texts_follow_the_style_guide(builtin_edition, tmp_path):
    root, _ = builtin_edition
    # 2026 reads the published 2024 edition; a copy keeps the shared 2024 folders as other tests expect them.
    shutil.copytree(root / "_output" / "2024", tmp_path / "_output" / "2024")
    build(2026, engine="builtin", output_root=tmp_path / "_output", build_root=tmp_path / "_build")
    for year, build_root in ((2024, root / "_build"), (2026, tmp_path / "_build")):
        parts = _parts(build_root / str(year))
        assert parts, f"no parts in {build_root / str(year)}"
        found = {name: p for name, text in parts.items() if (p := problems(running_text(text)))}
        assert found == {}, f"{year}: {found}"
        # The year-over-year table says which way its difference goes (stijlgids 3).
        if year == 2026:
            assert "Verschil 2026 min 2024 in procentpunten" in parts["ontwikkeling.md"]
            assert "een plusteken betekent een hoger aandeel in deze meting" in parts["ontwikkeling.md"]
