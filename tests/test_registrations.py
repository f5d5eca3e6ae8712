import re

import pandas as pd
import pytest
from places import PLACE

from exploitation_report.chapters import estimation_figures, estimation_text
from exploitation_report.chapters.provenance_marks import Marks
from exploitation_report.inputs.errors import InputError
from exploitation_report.paths import REPORT_DIR
from exploitation_report.stats import registrations as reg
from exploitation_report.stats.estimation import Ladder


def frame(rows):
    return pd.DataFrame(rows, columns=["source", "year", "form", "status", "count", "synthetic", "source_note"])


REG = frame([
    ("ZVHG", 2022, "any", "suspected", 20, 0, "echt"),
    ("ZVHG", 2022, "any", "confirmed", 3, 0, "echt"),
    ("ZVHG", 2022, "sexual", "suspected", 8, 1, "SYNTH"),
    ("ZVHG", 2023, "any", "suspected", 30, 1, "SYNTH"),
    ("ZVHG", 2023, "any", "confirmed", 0, 1, "SYNTH"),
])
LADDER = Ladder("any", 150.0, 80.0, 80.0, 100.0, 140.0, 50.0, 200.0, 0.95)


def test_summary_hides_small_counts_and_marks_synthetic_cells():
    s = reg.summary(REG, 2022, threshold=5, source="ZVHG")
    assert s["suspected"]["count"] == 20 and not s["suspected"]["synthetic"]
    assert s["confirmed"] == {"count": None, "suppressed": True, "available": True, "synthetic": False,
                              "source_note": "echt"}
    assert s["by_form"]["sexual"]["synthetic"] and not s["by_form"]["criminal"]["available"]
    # Flag and note belong to each cell's own rows; the year joins them; no row, no figure: neither.
    assert (s["by_form"]["sexual"]["source_note"], s["suspected"]["source_note"]) == ("SYNTH", "echt")
    assert (s["synthetic"], s["source_note"]) == (True, "SYNTH; echt")
    assert (s["by_form"]["criminal"]["synthetic"], s["by_form"]["criminal"]["source_note"]) == (None, None)
    assert s["years_available"] == [2022, 2023]
    assert reg.summary(REG, 2023, 5, "ZVHG")["confirmed"]["count"] == 0     # zero says nothing about a person
    named = REG.copy()
    named.attrs["source"] = "data/reg.csv"          # read_registrations keeps the file name here
    with pytest.raises(InputError) as err:
        reg.summary(named, 1990, 5, "ZVHG")
    problem = err.value.problems[0]
    assert (problem.file, problem.column) == ("data/reg.csv", "year")
    assert "ZVHG in 1990 (estimation.registrations_year)" in problem.expected and "2022, 2023" in problem.found


def test_period_years_split_available_and_missing():
    assert reg.period_years(REG, 2022, 2024, "ZVHG") == {"available": [2022, 2023], "missing": [2024]}


def test_dark_number_per_year():
    d = reg.dark_number(LADDER, 25, 2022)
    assert (d["central"], d["ci_low"], d["ci_high"]) == pytest.approx((4, 2, 8))
    assert reg.dark_number(LADDER, None) is None


def test_period_dark_number_is_a_range_between_sum_and_largest_year():
    # 20 and 30 registered: between 30 (the same people again) and 50 (nobody twice) distinct persons.
    d = reg.period_dark_number(LADDER, {2022: 20, 2023: 30}, [])
    assert (d["registered_max"], d["registered_sum"]) == (30, 50)
    assert (d["central_low"], d["central_high"]) == pytest.approx((100 / 50, 100 / 30))
    assert (d["ci_low"], d["ci_high"]) == pytest.approx((50 / 50, 200 / 30))
    assert reg.period_dark_number(LADDER, {2022: 20, 2023: None}, []) is None   # a hidden count
    assert reg.period_dark_number(LADDER, {2022: 20}, [2023]) is None           # a year without data


def test_dark_number_record_with_a_suppressed_headline():
    small = frame([("ZVHG", 2022, "any", "suspected", 3, 0, "n"), ("ZVHG", 2023, "any", "suspected", 40, 0, "n")])
    by_year = {y: reg.summary(small, y, 5, "ZVHG") for y in (2022, 2023)}
    record = reg.dark_number_record(LADDER, by_year, by_year[2022], [])
    assert record["central"] is None and record["by_year"][2022] is None
    assert record["by_year"][2023]["central"] == pytest.approx(2.5)
    assert record["period"] is None                  # a ratio would reveal the hidden count


def test_headline_year_outside_the_period_stays_out_of_the_period_ratio():
    by_year = {2023: reg.summary(REG, 2023, 5, "ZVHG")}
    record = reg.dark_number_record(LADDER, by_year, reg.summary(REG, 2022, 5, "ZVHG"), [])
    assert record["year"] == 2022 and record["central"] == pytest.approx(100 / 20)
    assert record["period"]["years"] == [2023] and record["period"]["registered_sum"] == 30
    assert set(record["by_year"]) == {2022, 2023}


def test_shipped_context_has_sources_and_bad_context_is_rejected(tmp_path):
    ctx = reg.load_national_figures(REPORT_DIR / "national_figures.yml")
    nat = ctx.national_dark_number
    assert nat.ratio.low <= nat.ratio.high and nat.sources and all(s.url.startswith("https://") for s in nat.sources)
    bad = tmp_path / "national_figures.yml"
    bad.write_text("national_dark_number:\n  label: x\n  ratio: {low: 5, high: 4}\n  scope: y\n  sources: []\n",
                   encoding="utf-8")
    with pytest.raises(InputError) as err:
        reg.load_national_figures(bad)
    keys = {p.column for p in err.value.problems}
    assert "national_dark_number.ratio" in keys and "national_dark_number.sources" in keys


def test_comparison_text_and_table():
    by_year = {y: reg.summary(REG, y, 5, "ZVHG") for y in (2022, 2023)}
    record = reg.dark_number_record(LADDER, by_year, by_year[2022], [])
    nat = reg.load_national_figures(REPORT_DIR / "national_figures.yml").national_dark_number
    text = estimation_text.comparison(by_year[2022], by_year, record, nat, "2022–2023", "@tbl-x", PLACE)
    assert "registreerde vermoedelijke slachtoffers van seksuele of criminele uitbuiting in de gemeente Groningen: " \
           "20 in 2022 en 30 in 2023." in text
    assert "te klein om te publiceren" in text                    # 3 confirmed: hidden
    assert "minstens 30 en hoogstens 50" in text and "2,0–3,3" in text
    assert re.search(r"\(interval [\d,–]+\); die verhouding valt hoger uit omdat de schatting twee kalenderjaren "
                     r"beslaat\.", text)
    assert "landelijke context, geen cijfer over de gemeente Groningen" in text and "synthetisch" in text
    assert "(interval 1,0–6,7; @tbl-x)" in text                 # the reference stays a reference
    assert "Alleen de registratiecijfers met † in de tabel zijn echt gepubliceerd" in text
    marks = Marks(True)
    table = estimation_figures.comparison_table(by_year, record, "2022–2023", 0.95, marks)
    # Only the real 20 carries the mark: not the synthetic 30, not the derived range or ratios.
    assert table.iloc[0, 1] == "20†" and table.iloc[1, 1] == "30" and table.iloc[2, 1] == "30–50"
    assert "†" not in "".join(table.iloc[:, 2:].to_numpy().ravel())
    assert marks.note() == ("† Echt gepubliceerd cijfer; bron: echt. Alle andere cijfers in deze tabel zijn "
                            "synthetisch: verzonnen of berekend op synthetische gegevens.")
    # Every record of the ratio says where its registered count comes from.
    assert (record["registered_synthetic"], record["registered_source_note"]) == (False, "echt")
    assert record["by_year"][2023]["registered_synthetic"] and record["period"]["registered_synthetic"]
    assert table.columns[-1] == "95%-interval" and table.iloc[0, 2] == "5,0"
    # The table note explains the period's row only where the table has one.
    assert estimation_figures.shows_period(by_year, record)
    one = {2022: by_year[2022]}
    assert not estimation_figures.shows_period(one, reg.dark_number_record(LADDER, one, one[2022], []))


def test_comparison_text_without_a_period_ratio_and_with_a_hidden_headline():
    small = frame([("ZVHG", 2022, "any", "suspected", 3, 0, "n"), ("ZVHG", 2022, "any", "confirmed", 7, 0, "n")])
    by_year = {2022: reg.summary(small, 2022, 5, "ZVHG")}
    record = reg.dark_number_record(LADDER, by_year, by_year[2022], [2023])
    nat = reg.load_national_figures(REPORT_DIR / "national_figures.yml").national_dark_number
    text = estimation_text.comparison(by_year[2022], by_year, record, nat, "2022–2023", "@tbl-x", PLACE)
    assert "minder dan het publicatieminimum in 2022." in text
    assert "In 2022 waren er daarnaast 7 vastgestelde slachtoffers." in text
    assert "Voor 2023 zijn geen registratiecijfers beschikbaar" in text
    assert "daarom staat er geen verhouding" in text and "synthetisch" not in text
