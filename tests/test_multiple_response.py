"""Multiple-response items on a hand-made frame: bases, both percentages, suppression."""

import numpy as np
import pandas as pd
import pytest

from exploitation_report.chapters import survey_tables
from exploitation_report.inputs.codebook import Group
from exploitation_report.stats import multiple_response as mr

GROUP = Group("signals", "Signalen", "Welke signalen?", {"sig_a": "Geld", "sig_b": "Telefoons", "sig_c": "Anders"})


def frame(rows):
    return pd.DataFrame(rows, columns=["met", "sig_a", "sig_b", "sig_c"]).astype("Int64")


def test_base_is_respondents_asked_who_answered():
    df = frame([[1, 1, 1, 0], [1, 1, 0, 0], [1, None, None, None], [0, None, None, None], [1, 0, 0, 1]])
    item = mr.tabulate(df, GROUP, df["met"].eq(1))
    assert item.respondents == 3                      # row 3 skipped the group, row 4 was not asked
    assert item.ticked == {"sig_a": 2, "sig_b": 1, "sig_c": 1}
    assert item.answers == 4
    assert item.proportion("sig_a").estimate == pytest.approx(2 / 3)      # on respondents
    assert item.share_of_answers("sig_a") == pytest.approx(2 / 4)         # on answers
    assert mr.any_ticked(df, ["sig_b", "sig_c"], df["met"].eq(1)).count == 2


def big(counts, base):
    # base respondents; option j ticked by the first counts[j] of them.
    rows = [[1] + [int(i < c) for c in counts] for i in range(base)]
    return frame(rows)


def test_shares_of_respondents_and_of_answers_with_no_small_cells():
    df = big([30, 20, 10], 40)
    item = mr.tabulate(df, GROUP, df["met"].eq(1))
    rec = mr.records(item, 5)
    assert rec["base"] == 40 and rec["answers"] == 60 and rec["percentaged_on"] == "respondents"
    a = rec["options"]["sig_a"]
    assert a["count"] == 30 and a["estimate"] == pytest.approx(0.75) and a["share_of_answers"] == pytest.approx(0.5)
    assert sum(o["share_of_answers"] for o in rec["options"].values()) == pytest.approx(1.0)
    table = survey_tables.mr_table([(item, rec)])
    assert table.columns.tolist() == ["Antwoord", "n", "% van respondenten", "95%-BI", "% van antwoorden"]
    assert table.iloc[0].tolist() == ["Geld", "30", "75%", "60–86%", "50%"]
    assert table.iloc[-1, 1] == "60"


def test_small_option_and_the_answers_total_are_hidden():
    # "Anders" ticked by 3: hidden; with the number of answers shown it could be recovered,
    # so the (cheaper) answers total goes rather than a substantive option.
    df = big([30, 20, 3], 40)
    item = mr.tabulate(df, GROUP, df["met"].eq(1))
    rec = mr.records(item, 5)
    assert rec["options"]["sig_c"]["suppressed"] and rec["options"]["sig_c"]["count"] is None
    assert not rec["options"]["sig_a"]["suppressed"] and not rec["options"]["sig_b"]["suppressed"]
    assert rec["answers"] is None
    assert all(o["share_of_answers"] is None for o in rec["options"].values())
    table = survey_tables.mr_table([(item, rec)])
    assert "3" not in table["n"].tolist()
    assert table.iloc[2].tolist() == ["Anders", "x", "x", "x", "x"]


def test_complement_is_hidden():
    df = big([38, 20, 10], 40)  # 38 of 40: the 2 who did not tick are a small group
    rec = mr.records(mr.tabulate(df, GROUP, df["met"].eq(1)), 5)
    assert rec["options"]["sig_a"]["suppressed"]


def test_hidden_base_hides_everything():
    df = big([30, 20, 10], 40)
    rec = mr.records(mr.tabulate(df, GROUP, df["met"].eq(1)), 5, base_hidden=True)
    assert rec["base"] is None and rec["answers"] is None
    assert all(o["suppressed"] for o in rec["options"].values())
    assert all(o["base"] is None for o in rec["options"].values())  # not given back per option


def test_panel_title_gives_the_base_or_x():
    df = big([30, 20, 10], 40)
    item = mr.tabulate(df, GROUP, df["met"].eq(1))
    title, options = survey_tables.panel(item, mr.records(item, 5))
    assert title == "Signalen (n = 40)" and list(options) == ["Geld", "Telefoons", "Anders"]
    assert survey_tables.panel(item, mr.records(item, 5, base_hidden=True))[0] == "Signalen (n = x)"


def test_empty_base_does_not_crash():
    df = frame([[0, None, None, None]])
    item = mr.tabulate(df, GROUP, df["met"].eq(1))
    rec = mr.records(item, 5)
    assert item.respondents == 0 and rec["base"] == 0
    assert survey_tables.mr_table([(item, rec)]).iloc[0, 0] == "geen respondenten"


def test_compare_groups_protects_rows_and_honours_hidden_totals():
    rng = np.random.default_rng(1)
    rows = []
    for grp, n, p in (("a", 30, (0.9, 0.5, 0.05)), ("b", 25, (0.3, 0.5, 0.3)), ("c", 40, (0.6, 0.5, 0.2))):
        for _ in range(n):
            rows.append([grp] + [int(rng.random() < q) for q in p])
    df = pd.DataFrame(rows, columns=["grp", "sig_a", "sig_b", "sig_c"])
    for c in ("sig_a", "sig_b", "sig_c"):
        df[c] = df[c].astype("Int64")
    among = {g: df["grp"].eq(g) for g in ("a", "b", "c")}
    tabs, hidden = mr.compare(df, GROUP, among, 5)
    assert tabs[mr.TOTAL].respondents == 95
    for col in GROUP.members:
        ticks = {g: tabs[g].ticked[col] for g in among}
        small = [g for g, t in ticks.items() if 0 < t < 5 or 0 < tabs[g].respondents - t < 5]
        hidden_in_row = [g for g in among if (g, col) in hidden]
        assert set(small) <= set(hidden_in_row)
        # The total column is shown, so a row never hides exactly one group.
        assert len(hidden_in_row) != 1
    # A group size hidden elsewhere takes its whole column along, and the total keeps what the item hid.
    tabs, hidden = mr.compare(df, GROUP, among, 5, hidden_groups={"b"}, total_hidden={"sig_c"})
    assert all(("b", col) in hidden for col in GROUP.members)
    assert (mr.TOTAL, "sig_c") in hidden
    recs = mr.compare_records(tabs, hidden, 5)
    assert recs["b"]["base"] is None and recs[mr.TOTAL]["options"]["sig_c"]["suppressed"]
    assert all(o["base"] is None for o in recs["b"]["options"].values())
    # The total column goes as a whole when the item's own base is hidden.
    tabs, hidden = mr.compare(df, GROUP, among, 5, hidden_groups={mr.TOTAL})
    recs = mr.compare_records(tabs, hidden, 5)
    assert recs[mr.TOTAL]["base"] is None
    assert all(o["suppressed"] and o["base"] is None for o in recs[mr.TOTAL]["options"].values())
    table = survey_tables.compare_table([(tabs[mr.TOTAL], recs)])
    assert table.columns.tolist() == ["Kenmerk", "a", "b", "c", "Totaal"]
    assert table.iloc[0, 2] == "n = x"
