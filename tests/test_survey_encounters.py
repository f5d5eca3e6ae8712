"""Who met victims: groups, headline figures, the sector table and its audit, on hand-made data."""

import numpy as np
import pandas as pd
import pytest

from exploitation_report.chapters import survey_tables
from exploitation_report.stats import encounters as enc_mod

SECTORS = {1: "Zorg", 2: "Onderwijs", 3: "Politie", 4: "Anders"}


def respondents(spec):
    """spec: list of (sector, met_sexual, met_criminal, met_both, direct_contact, count)."""
    rows = []
    for sector, s, c, both, direct, n in spec:
        rows += [(sector, s, c, both, direct)] * n
    return pd.DataFrame(rows, columns=["sector", "met_sexual", "met_criminal", "met_both", "direct_contact"]).astype("Int64")


def test_classify_groups():
    df = respondents([(1, 1, 2, None, 1, 1), (1, 2, 1, None, 1, 1), (1, 1, 1, 1, 1, 1), (1, 1, 1, 3, 2, 1),
                      (1, 2, 3, None, None, 1), (1, None, None, None, None, 1), (1, None, 1, None, 1, 1)])
    assert enc_mod.classify(df).tolist() == ["only_sexual", "only_criminal", "both_linked", "both_other", "none",
                                             None, "only_criminal"]
    assert enc_mod.met_any(df).tolist() == [True, True, True, True, False, pd.NA, True]


BIG = [  # sector, sexual, criminal, both, direct, n
    (1, 1, 2, None, 1, 10), (1, 2, 1, None, 1, 10), (1, 1, 1, 1, 1, 10), (1, 1, 1, 2, 2, 6), (1, 2, 2, None, None, 20),
    (2, 1, 2, None, 1, 8), (2, 2, 1, None, 2, 7), (2, 1, 1, 1, 1, 6), (2, 1, 1, 2, 1, 5), (2, 2, 2, None, None, 15),
    (3, 1, 2, None, 1, 9), (3, 2, 1, None, 1, 12), (3, 1, 1, 1, 1, 5), (3, 1, 1, 2, 1, 6), (3, 2, 2, None, None, 11),
]


def test_headline_by_hand():
    df = respondents(BIG)
    enc = enc_mod.tabulate(df, df["sector"], SECTORS, set(), 5)
    assert not enc.hidden
    h = enc_mod.headline(df, enc)
    n = len(df)                                  # 140 answered
    met = n - 46                                 # 94 met a victim
    assert h["met_any"]["count"] == met and h["met_any"]["base"] == n
    assert h["met_sexual"]["count"] == 10 + 10 + 6 + 8 + 6 + 5 + 9 + 5 + 6
    assert h["met_criminal"]["count"] == 10 + 10 + 6 + 7 + 6 + 5 + 12 + 5 + 6
    assert h["met_both_forms"]["count"] == 10 + 6 + 6 + 5 + 5 + 6
    assert h["met_both"]["count"] == 21 and h["met_both"]["base"] == met  # of those who met a victim
    assert h["direct_contact"]["count"] == met - 6 - 7 and h["direct_contact"]["base"] == met
    assert h["indirect_only"]["count"] == 13
    assert h["met_any"]["estimate"] == pytest.approx(met / n)


def shown_vectors(enc):
    """The published encounter figures as sums of the (row, group) cells, as a reader can use them."""
    rows = list(enc.counts.index)
    k = len(enc_mod.GROUPS)
    index = {(r, g): i * k + j for i, r in enumerate(rows) for j, g in enumerate(enc_mod.GROUPS)}
    out = []
    for r in rows + [enc_mod.TOTAL]:
        members = rows if r == enc_mod.TOTAL else [r]
        measures = {**enc_mod.MEASURES, **(enc_mod.TOTAL_MEASURES if r == enc_mod.TOTAL else {}), "base": enc_mod.GROUPS}
        for m, groups in measures.items():
            if (r, m) in enc.hidden:
                continue
            v = np.zeros(len(rows) * k)
            for rr in members:
                for g in groups:
                    v[index[(rr, g)]] = 1
            out.append(v)
    return np.array(out), index


def test_a_small_group_cannot_be_computed_from_the_sector_table():
    # In sector 3 only 2 respondents met only sexual victims: "any" minus "criminal" would give them away.
    spec = [row if row[0] != 3 or row[1:4] != (1, 2, None) else (3, 1, 2, None, 1, 2) for row in BIG]
    df = respondents(spec)
    enc = enc_mod.tabulate(df, df["sector"], SECTORS, set(), 5)
    assert enc.counts.loc[3, "only_sexual"] == 2
    a, index = shown_vectors(enc)
    cell = np.zeros(a.shape[1])
    cell[index[(3, "only_sexual")]] = 1
    assert np.linalg.matrix_rank(np.vstack([a, cell])) > np.linalg.matrix_rank(a)
    rows = enc_mod.by_row(enc)
    assert any(rows[3][m]["suppressed"] for m in ("met_sexual", "met_criminal", "met_any"))
    # The headline share of those who met any victim survives: other figures go first.
    assert not rows["total"]["met_any"]["suppressed"]


def test_pooled_rows_and_merged_test_table():
    df = respondents(BIG + [(4, 1, 2, None, 1, 3), (4, 2, 2, None, None, 4)])
    enc = enc_mod.tabulate(df, df["sector"], SECTORS, {4}, 5, pool_below=0)
    assert list(enc.counts.index) == [1, 2, 3, enc_mod.POOLED]
    assert enc_mod.POOLED not in enc.labels and survey_tables.sector_label(enc_mod.POOLED, enc.labels) == "Overige sectoren"
    small = enc_mod.tabulate(df, df["sector"], SECTORS, set(), 5, pool_below=10)
    assert enc_mod.POOLED in small.counts.index and 4 not in small.counts.index
    table = enc_mod.crosstab(enc, "met_any")
    assert int(table.to_numpy().sum()) == len(df)
    merged = enc_mod.merged_rows(enc, "met_any")
    assert enc_mod.POOLED in merged  # 3 of 7 met a victim: hidden, so merged for the test
    assert "hidden" in table.index and not set(merged) & set(table.index)


def test_a_hidden_number_who_met_a_victim_hides_the_bases_that_equal_it():
    # Only 3 respondents met no victim: the share who met one is hidden (its complement is small), so
    # the shares among those who met a victim must not print their base (127 would give back 130 - 127).
    df = respondents([(1, 1, 2, None, 1, 40), (1, 2, 1, None, 1, 40), (1, 1, 1, 1, 1, 30), (1, 1, 1, 2, 2, 17),
                      (1, 2, 2, None, None, 3)])
    enc = enc_mod.tabulate(df, df["sector"], SECTORS, set(), 5)
    h = enc_mod.headline(df, enc)
    assert h["met_any"]["suppressed"] and h["met_any"]["count"] is None
    for key in ("direct_contact", "indirect_only", "met_both"):
        assert h[key]["suppressed"] and h[key]["base"] is None, key


def test_a_hidden_row_base_is_not_repeated_in_its_records():
    df = respondents(BIG + [(4, 1, 2, None, 1, 3), (4, 2, 2, None, None, 4)])
    enc = enc_mod.tabulate(df, df["sector"], SECTORS, {4}, 5, pool_below=0)
    enc.hidden.add((enc_mod.POOLED, "base"))  # as the audit may decide for the cheap pooled base
    row = enc_mod.by_row(enc)[enc_mod.POOLED]
    assert row["base"] is None
    assert all(row[m]["base"] is None and row[m]["suppressed"] for m in enc_mod.MEASURES)


def test_group_sizes_and_table():
    df = respondents(BIG)
    enc = enc_mod.tabulate(df, df["sector"], SECTORS, set(), 5)
    assert enc_mod.group_sizes(enc) == {"only_sexual": 27, "only_criminal": 29, "both_forms": 38}
    rows = enc_mod.by_row(enc)
    table = survey_tables.sector_table(rows, enc.labels, {"met_sexual": "Seksueel", "met_any": "Een van beide"})
    assert table.columns.tolist() == ["Sector", "n", "Seksueel", "Een van beide"]
    assert table.iloc[-1, 0] == "**Totaal**" and table.iloc[-1, 1] == "140"
    assert table.iloc[0, 1] == "56"
