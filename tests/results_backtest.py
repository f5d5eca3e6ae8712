"""The back test's mechanism: every leaf of the old (v0) results.json, found under its new key.

A mapping (`tests/data/results_v0_to_v1/<section>.yml`, one file per section) says where
each old figure went:

    records:   old v0 key (as in the old `figures`) -> new dotted path, or
               {to: new path, labels_of: <codebook variable>}: label keys (and code keys)
               of that variable below the record become `code_<n>`
    leaves:    old leaf path -> new leaf path, where a record changed shape
    dropped:   old leaves (or whole records/subtrees) deliberately not in v1
    resampled: old leaves (or subtrees) that are bootstrap percentiles: equal within
               RESAMPLED_TOL (relative), since how the bootstrap draws its random numbers
               may change (the Monte Carlo error of a 2.5 % percentile of 2,000 resamples is
               a few per cent); everything else must stay equal
    published: {decimals: [old leaves or subtrees]}: figures results.json now gives as the
               report prints them (`inputs.rounding.as_printed`): a number with those decimals
               within half a unit of the last decimal of the old value (if resampled too, within
               one unit or RESAMPLED_TOL)
    from_published: old leaves (or subtrees) now computed from published (rounded) figures, as a
               reader would reckon them (a ratio of the printed estimate): a `published` leaf
               within one unit of its last decimal

A leaf is a scalar, an empty list or an empty mapping, with its path (`a.b`, list items
`a[0]`); a record's leaves are found by the longest record key that prefixes the leaf.
Inside a record, `ci_low/ci_high/ci_level/ci_method` become `interval.low/high/level/
method` where the new figure has an `interval`. Values must be equal, floats within 1e-9.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from exploitation_report.inputs.rounding import as_printed

CI_FIELDS = {"ci_low": "low", "ci_high": "high", "ci_level": "level", "ci_method": "method"}
TOL = 1e-9
RESAMPLED_TOL = 0.06


@dataclass
class Record:
    to: str
    labels_of: str | None = None


@dataclass
class KeyMap:
    records: dict[str, Record] = field(default_factory=dict)
    leaves: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    resampled: list[str] = field(default_factory=list)
    published: dict[str, int] = field(default_factory=dict)   # old leaf or subtree -> decimals
    from_published: list[str] = field(default_factory=list)


def load_mapping(folder: Path) -> KeyMap:
    """All `<section>.yml` files of `folder` in one mapping; ValueError for a key given twice or a bad entry."""
    out = KeyMap()
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        unknown = set(data) - {"records", "leaves", "dropped", "resampled", "published", "from_published"}
        if unknown:
            raise ValueError(f"{path.name}: unknown part(s) {sorted(unknown)}")
        for old, spec in (data.get("records") or {}).items():
            if old in out.records:
                raise ValueError(f"{path.name}: record {old} is mapped twice")
            if isinstance(spec, str):
                out.records[old] = Record(spec)
            elif isinstance(spec, Mapping) and set(spec) <= {"to", "labels_of"} and "to" in spec:
                out.records[old] = Record(spec["to"], spec.get("labels_of"))
            else:
                raise ValueError(f"{path.name}: record {old}: expected a path or {{to, labels_of}}, found {spec!r}")
        for old, new in (data.get("leaves") or {}).items():
            if old in out.leaves:
                raise ValueError(f"{path.name}: leaf {old} is mapped twice")
            out.leaves[old] = new
        out.dropped.extend(data.get("dropped") or [])
        out.resampled.extend(data.get("resampled") or [])
        out.from_published.extend(data.get("from_published") or [])
        for decimals, entries in (data.get("published") or {}).items():
            if not isinstance(decimals, int) or isinstance(decimals, bool) or not isinstance(entries, list):
                raise ValueError(f"{path.name}: published: expected {{decimals: [paths]}}, found {decimals!r}")
            for entry in entries:
                if entry in out.published:
                    raise ValueError(f"{path.name}: published {entry} is given twice")
                out.published[entry] = decimals
    return out


def old_leaves(figures: Mapping[str, Any]) -> dict[str, Any]:
    """The old `figures` (flat keys) as {leaf path: value}."""
    out: dict[str, Any] = {}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, Mapping) and value:
            for key, sub in value.items():
                walk(sub, f"{path}.{key}")
        elif isinstance(value, list) and value:
            for i, sub in enumerate(value):
                walk(sub, f"{path}[{i}]")
        else:
            out[path] = value

    for key, value in figures.items():
        walk(value, key)
    return out


def resolve(document: Any, path: str) -> Any:
    """The value at `path` in a nested document; keys may hold dots (the longest key that fits
    is taken), list items are `[i]`. KeyError when there is none."""
    node, rest = document, path
    while rest:
        if isinstance(node, list):
            m = re.match(r"\[(\d+)\]\.?", rest) or re.match(r"(\d+)(?:\.|$)", rest)  # `[i]` or `.i`
            if not m or int(m.group(1)) >= len(node):
                raise KeyError(path)
            node, rest = node[int(m.group(1))], rest[m.end():]
            continue
        if not isinstance(node, Mapping):
            raise KeyError(path)
        fits = [k for k in node if rest == k or rest.startswith(k + ".") or rest.startswith(k + "[")]
        if not fits:
            raise KeyError(path)
        key = max(fits, key=len)
        node, rest = node[key], rest[len(key):].removeprefix(".")
    return node


def _segments(rest: str) -> list[str]:
    """`.a.b[0].c` as ['a', 'b', '[0]', 'c'] (keys with dots are not split: only the old
    label keys have them, and those are matched whole against the codebook's labels)."""
    return [s for s in re.split(r"\.|(\[\d+\])", rest) if s]


def _code_key(segment: str, codes: Mapping[int, str]) -> str:
    for code, label in codes.items():
        if segment == label:
            return f"code_{code}"
    if segment.isdigit() and int(segment) in codes:
        return f"code_{segment}"
    return segment


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        out += part if part.startswith("[") or not out else f".{part}"
    return out


def _under(leaf: str, entries: list[str]) -> bool:
    """`leaf` is one of `entries` or lies below one of them."""
    return any(leaf == e or leaf.startswith(e + ".") or leaf.startswith(e + "[") for e in entries)


class Translator:
    """Old leaf path -> new leaf path, by a mapping; `codes` ({variable: {code: label}}) serves `labels_of`."""

    def __init__(self, mapping: KeyMap, codes: Mapping[str, Mapping[int, str]], new_document: Any):
        self.mapping, self.codes, self.new = mapping, codes, new_document

    def dropped(self, leaf: str) -> bool:
        return _under(leaf, self.mapping.dropped)

    def resampled(self, leaf: str) -> bool:
        return _under(leaf, self.mapping.resampled)

    def from_published(self, leaf: str) -> bool:
        return _under(leaf, self.mapping.from_published)

    def decimals(self, leaf: str) -> int | None:
        """The decimals results.json now gives the leaf to, None where it is given as it was."""
        fits = [e for e in self.mapping.published if _under(leaf, [e])]
        return self.mapping.published[max(fits, key=len)] if fits else None

    def record_of(self, leaf: str) -> str | None:
        fits = [k for k in self.mapping.records if leaf == k or leaf.startswith(k + ".") or leaf.startswith(k + "[")]
        return max(fits, key=len) if fits else None

    def new_path(self, leaf: str) -> str | None:
        """The new leaf path of an old leaf, or None when the mapping does not say."""
        if leaf in self.mapping.leaves:
            return self.mapping.leaves[leaf]
        key = self.record_of(leaf)
        if key is None:
            return None
        record = self.mapping.records[key]
        rest = leaf[len(key):]
        if record.labels_of:
            if record.labels_of not in self.codes:
                raise KeyError(f"{key}: labels_of {record.labels_of} is no codebook variable with codes")
            labels = self.codes[record.labels_of]
            # Old label keys may hold dots: match them whole before splitting what is left.
            for label in sorted(labels.values(), key=len, reverse=True):
                rest = rest.replace(f".{label}.", f".{_code_key(label, labels)}.")
                if rest.endswith(f".{label}"):
                    rest = rest[: -len(label)] + _code_key(label, labels)
            parts = [_code_key(s, labels) for s in _segments(rest)]
        else:
            parts = _segments(rest)
        if parts and parts[-1] in CI_FIELDS:
            parent = _join([record.to, *parts[:-1]])
            try:
                figure = resolve(self.new, parent)
            except KeyError:
                figure = None
            if isinstance(figure, Mapping) and "interval" in figure:
                parts[-1:] = ["interval", CI_FIELDS[parts[-1]]]
        return _join([record.to, *parts])


def _matches(entry: str, leaves: Mapping[str, Any]) -> bool:
    return any(leaf == entry or leaf.startswith(entry + ".") or leaf.startswith(entry + "[") for leaf in leaves)


def _list_indices(mapping: KeyMap, leaves: Mapping[str, Any]) -> KeyMap:
    """A mapping whose old paths write list items as `.i` (not `[i]`) where no old leaf has that key."""
    def fix(entry: str) -> str:
        if _matches(entry, leaves):
            return entry
        out = ""
        for part in entry.split("."):
            dotted = f"{out}.{part}" if out else part
            out = f"{out}[{part}]" if part.isdigit() and out and not _matches(dotted, leaves) else dotted
        return out

    return KeyMap(records=mapping.records, leaves={fix(k): v for k, v in mapping.leaves.items()},
                  dropped=[fix(d) for d in mapping.dropped], resampled=[fix(r) for r in mapping.resampled],
                  published={fix(k): v for k, v in mapping.published.items()},
                  from_published=[fix(f) for f in mapping.from_published])


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def same_value(a: Any, b: Any, tol: float = TOL, abs_tol: float = TOL) -> bool:
    """Equal; numbers (not bools) within `tol`, relative, or `abs_tol` absolute."""
    if _number(a) and _number(b):
        return math.isclose(a, b, rel_tol=tol, abs_tol=abs_tol)
    return type(a) is type(b) and a == b


def backtest(old_figures: Mapping[str, Any], new_document: Any, mapping: KeyMap,
             codes: Mapping[str, Mapping[int, str]]) -> list[str]:
    """Every problem: old leaves the mapping does not place, leaves missing in the new
    document, values that differ, and dropped or mapped entries that match nothing."""
    leaves = old_leaves(old_figures)
    mapping = _list_indices(mapping, leaves)
    translator = Translator(mapping, codes, new_document)
    problems: list[str] = []
    for leaf, value in leaves.items():
        if translator.dropped(leaf):
            continue
        new = translator.new_path(leaf)
        if new is None:
            problems.append(f"{leaf}: not mapped (add its record to records/leaves, or list it under dropped)")
            continue
        try:
            found = resolve(new_document, new)
        except KeyError:
            problems.append(f"{leaf} -> {new}: not in the new results.json")
            continue
        resampled, decimals = translator.resampled(leaf), translator.decimals(leaf)
        if decimals is not None and _number(value) and _number(found):
            # The exact value so rounded: within half a unit of the last decimal of the old value (which
            # was the exact one to 12 decimals: 85.49999999999 was written 85.5 and is 85 now).
            unit = 10.0 ** -decimals
            loose = resampled or translator.from_published(leaf)
            same = found == as_printed(found, decimals) and same_value(
                value, found, RESAMPLED_TOL if resampled else TOL, (1.0 if loose else 0.5) * unit + TOL)
        else:
            same = same_value(value, found, RESAMPLED_TOL if resampled else TOL)
        if not same:
            problems.append(f"{leaf} -> {new}: was {value!r}, now {found!r}")
    for entry in [*mapping.records, *mapping.leaves, *mapping.dropped, *mapping.resampled, *mapping.published,
                  *mapping.from_published]:
        if not _matches(entry, leaves):
            problems.append(f"{entry}: in the mapping but no old figure has it")
    return problems
