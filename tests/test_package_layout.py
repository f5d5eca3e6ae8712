"""The package's folders say where things live, and imports point one way.

inputs (read and check) <- stats (no Dutch, no Markdown) <- chapters (everything Dutch)
<- render / pipeline <- cli. synth writes inputs-shaped data from stats and inputs.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "exploitation_report"

# What each layer may import from the package (besides itself and `paths`).
ALLOWED = {
    "inputs": set(),
    "stats": {"inputs"},
    "chapters": {"inputs", "stats"},
    "synth": {"inputs", "stats"},
    "render": {"inputs", "chapters"},
    "pipeline": {"inputs", "stats", "chapters", "render", "synth"},
    "cli": {"inputs", "stats", "chapters", "render", "pipeline", "synth"},
    "paths": set(),
}

# Imports against the direction that are still to be moved; this list only shrinks.
KNOWN = {
    ("chapters.compare_text", "pipeline.compare"),  # the comparison's types; compare itself holds no Dutch
}


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("exploitation_report"):
            base = node.module.removeprefix("exploitation_report").lstrip(".")
            for alias in node.names:
                found.add(f"{base}.{alias.name}".lstrip(".") if base in ("", "stats", "inputs", "chapters",
                                                                        "pipeline", "synth", "stats.mse")
                          else base)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import; the package uses absolute imports")
    return found


def _layer(module: str) -> str:
    return module.split(".")[0]


def test_no_flat_modules_left_at_the_top():
    top = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert top == {"cli", "paths"}, top


def test_imports_point_one_way():
    wrong = set()
    for path in PACKAGE.rglob("*.py"):
        module = _module(path)
        layer = _layer(module)
        for target in _imports(path):
            other = _layer(target)
            if other in (layer, "paths") or other in ALLOWED[layer]:
                continue
            wrong.add((module, target))
    assert wrong <= KNOWN, f"imports against the layering: {sorted(wrong - KNOWN)}"
    assert KNOWN <= wrong, f"moved already, drop from KNOWN: {sorted(KNOWN - wrong)}"


def test_statistics_hold_no_dutch_report_text():
    """stats/ returns numbers and codes; words for the report are made in chapters/."""
    offenders = []
    for path in (PACKAGE / "stats").rglob("*.py"):
        module = _module(path)
        if any(module == m for m, _ in KNOWN):
            continue
        if "import Markup" in path.read_text(encoding="utf-8"):
            offenders.append(module)
    assert not offenders
