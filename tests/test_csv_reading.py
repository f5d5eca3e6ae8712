"""The fast CSV path (pandas' C parser) reads exactly what the careful line-by-line path reads.

`_fast_table` is only an optimisation: on any table it accepts, header, cells and line
numbers must equal those of `_checked_table` (Python's csv module); on a malformed table
it must decline so that the careful path reports the line.
"""

from __future__ import annotations

import csv
import io
import random

import pytest

from exploitation_report.inputs.readers import _checked_table, _fast_table

TRICKY = ["", "1", "2", "-8", "3,0", " 4 ", "a;b", 'say "hi"', "two\nlines", "tab\there", "é ö", "  ", ",",
          '"', "x\r\ny", "#N/A", "1e3", "0012"]


def _table(rng: random.Random, sep: str) -> str:
    width = rng.randint(1, 6)
    rows = [[f"col{i}" for i in range(width)]]
    rows += [[rng.choice(TRICKY) for _ in range(width)] for _ in range(rng.randint(1, 12))]
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator=rng.choice(["\n", "\r\n"])).writerows(rows)
    lines = out.getvalue().split("\n")
    for _ in range(rng.randint(0, 3)):  # blank lines and lines of only separators
        lines.insert(rng.randint(1, len(lines)), rng.choice(["", sep * (width - 1), " "]))
    return "\n".join(lines) + rng.choice(["", "\n"])


@pytest.mark.parametrize("seed", range(300))
def test_fast_path_reads_what_the_careful_path_reads(seed):
    rng = random.Random(seed)
    sep = rng.choice([",", ";", "\t"])
    body = _table(rng, sep)
    careful = _checked_table(body, sep, "t.csv", 1)
    fast = _fast_table(body, sep, 1)
    if fast is None:  # declining is always allowed; accepting must agree exactly
        return
    header, header_line, frame, rows = fast
    assert header == careful[0] and header_line == careful[1] and rows == careful[3]
    frame.columns = careful[2].columns
    assert frame.values.tolist() == careful[2].values.tolist()


def test_fast_path_accepts_an_ordinary_export():
    body = 'id,a,b\r\nR1,1,"x, ""y"""\r\n\r\n,,\r\nR2,,"two\nlines"\r\nR3,3,z\r\n'
    header, header_line, frame, rows = _fast_table(body, ",", 2)
    assert header == ["id", "a", "b"] and header_line == 2
    assert rows == [3, 6, 8]  # the quoted line break counts as a line
    assert frame.values.tolist() == [["R1", "1", 'x, "y"'], ["R2", "", "two\nlines"], ["R3", "3", "z"]]


@pytest.mark.parametrize("body", [
    "a,b,c\n1,2\n3,4,5\n",      # a short line: the C parser would pad it silently
    "a,b\n1,2,3\n",             # a long line
    'a,b\n1,"2\n3,4\n',         # an unclosed quote
    "a,b\r1,2\r3,4\r",          # old Mac line ends
])
def test_fast_path_declines_what_it_cannot_vouch_for(body):
    assert _fast_table(body, ",", 1) is None


@pytest.mark.parametrize("seed", range(200))
def test_stray_quotes_are_never_read_differently(seed):
    """Cells joined without CSV quoting: quotes in odd places, as hand-edited files have them."""
    rng = random.Random(seed)
    pool = ["1", "", 'x"y', '"z', 'w"', '""', '"a,b"', "q", '"', "c d"]
    width = rng.randint(1, 4)
    lines = [",".join(f"h{i}" for i in range(width))]
    lines += [",".join(rng.choice(pool) for _ in range(width)) for _ in range(rng.randint(1, 8))]
    body = "\n".join(lines) + "\n"
    fast = _fast_table(body, ",", 1)
    if fast is None:
        return
    careful = _checked_table(body, ",", "t.csv", 1)  # accepting implies the careful path accepts too
    assert fast[0] == careful[0] and fast[3] == careful[3]
    assert fast[2].values.tolist() == careful[2].values.tolist()


def test_counts_in_messages_take_the_number_of_their_noun():
    from exploitation_report.inputs.errors import counted

    assert (counted(1, "field"), counted(36, "field"), counted(0, "column")) == ("1 field", "36 fields", "0 columns")
