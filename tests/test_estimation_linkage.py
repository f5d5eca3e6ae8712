"""The MSE section's presentation (linkage.py): overlaps with small cells hidden, models in words."""

from dataclasses import dataclass

import pandas as pd
from places import PLACE

from exploitation_report.chapters import mse_text as linkage


def capture():
    # Three lists; persons: A only 10, B only 6, C only 7, A+B 5, A+C 2, B+C 0, A+B+C 1.
    rows = [(1, 0, 0, 10), (0, 1, 0, 6), (0, 0, 1, 7), (1, 1, 0, 5), (1, 0, 1, 2), (0, 1, 1, 0), (1, 1, 1, 1)]
    return pd.DataFrame(rows, columns=["A", "B", "C", "count"]).assign(synthetic=1)


def test_overlaps_hand_counted():
    sizes, pairs, observed = linkage.overlaps(capture())
    assert sizes == {"A": 18, "B": 12, "C": 10}
    assert pairs == {("A", "B"): 6, ("A", "C"): 3, ("B", "C"): 1}
    assert observed == 31


def test_overlap_table_hides_small_cells_but_shows_zero():
    cap = capture()
    cap.loc[cap["A"].eq(1) & cap["B"].eq(0) & cap["C"].eq(1), "count"] = 0     # A and C now share 1 person
    table = linkage.overlap_table(cap, threshold=5)
    assert table.columns.tolist() == ["Lijst", "A", "B", "C"]
    assert table.iloc[0].tolist() == ["A", "16", "6", "x"]
    assert table.iloc[1, 3] == "x" and table.iloc[2, 2] == "x"                 # symmetric
    no_overlap = capture().assign(count=lambda d: d["count"].where(~(d["B"].eq(1) & d["C"].eq(1)), 0))
    assert linkage.overlap_table(no_overlap, 5).iloc[1, 3] == "0"


def test_suppressed_record_drops_small_overlaps():
    rec = linkage.suppressed_record({"estimate": 77.0, "overlaps": {"A:B": 7, "A:C": 3, "B:C": 0}}, 5)
    assert rec["overlaps"] == {"A:B": 7, "A:C": None, "B:C": 0}
    assert rec["overlaps_suppressed"] == ["A:C"] and rec["estimate"] == 77.0
    assert linkage.suppressed_record({"observed": 4, "overlaps": {}}, 5)["observed"] is None     # a small list
    assert linkage.suppressed_record({"observed": 48, "overlaps": {}}, 5)["observed"] == 48


def test_model_in_words():
    assert linkage.model_in_words("hoofdeffecten").startswith("geen samenhang")
    assert linkage.model_in_words("Politie:CoMensha") == "samenhang tussen Politie en CoMensha"
    assert linkage.model_in_words("A:B + A:B:C") == "samenhang tussen A en B en tussen A, B en C"
    # Three or more as a list, not 'en tussen ... en tussen'.
    assert (linkage.model_in_words("A:B + A:C + B:D")
            == "samenhang tussen A en B, tussen A en C en tussen B en D")


@dataclass
class Fit:
    name: str
    estimate: float
    unobserved: float
    bic: float
    aic: float
    deviance: float
    df: int

    def label(self):
        return self.name


@dataclass
class Result:
    best: Fit
    candidates: list
    method: str = "bic"
    level: float = 0.95
    max_order: int = 2
    models_admissible: int = 64
    resamples: int = 500
    profile: tuple = (58.0, 109.0)
    bootstrap: tuple = (60.0, 436.0)

    @property
    def estimate(self):
        return self.best.estimate

    @property
    def unobserved(self):
        return self.best.unobserved


def result():
    best = Fit("A:B", 77.4, 29.4, 67.04, 55.7, 12.28, 9)
    return Result(best, [best, Fit("A:B + B:C", 88.1, 40.1, 69.07, 56.0, 10.52, 8)])


def test_candidates_table_marks_the_chosen_model():
    table = linkage.candidates_table(result())
    assert table.iloc[0].tolist() == ["A:B (gekozen)", "77", "29", "67,0", "12,3 (9)"]
    assert table.columns[3] == "BIC" and table.iloc[1, 0] == "A:B + B:C"


def test_section_says_demo_and_gives_both_intervals():
    text = linkage.section(result(), capture(), 5, "2022–2023", True, "@tbl-l", "@tbl-m", PLACE)
    assert "Demonstratie op synthetische gegevens" in text
    assert "samen 31 verschillende personen" in text and "**77**" in text
    assert "58–109" in text and "60–436" in text and "laagste BIC" in text
    real = linkage.section(result(), capture(), 5, "2022–2023", False, "@tbl-l", "@tbl-m", PLACE)
    assert "synthetische" not in real


def test_section_on_the_shipped_demo_file_with_the_real_mse_module():
    from exploitation_report.paths import PROJECT_ROOT
    from exploitation_report.stats.mse import analysis as mse

    path = PROJECT_ROOT / "data" / "2024" / "linked_registrations_synthetic.csv"
    data = mse.read_capture_histories(path)
    res = mse.estimate(data, method="bic", max_order=2, resamples=100, seed=1)
    text = linkage.section(res, data, 5, "2022–2023", bool(data.attrs.get("synthetic")), "@tbl-l", "@tbl-m", PLACE)
    assert "Demonstratie op synthetische gegevens" in text
    rec = linkage.suppressed_record(res.as_record(), 5)
    assert all(v is None or v == 0 or v >= 5 for v in rec["overlaps"].values())


def test_section_and_tables_hide_the_persons_on_no_list_when_the_observed_are_hidden():
    # 31 persons observed, min_count 40: 77 estimated and 29 on no list would give the 31 back.
    text = linkage.section(result(), capture(), 40, "2022–2023", True, "@tbl-l", "@tbl-m", PLACE)
    assert "minder dan 40 verschillende personen" in text and "**77**" in text
    assert "van wie" not in text and "29" not in text and "wordt niet gepubliceerd" in text
    table = linkage.candidates_table(result(), hide_unobserved=True)
    assert "Op geen lijst" not in table.columns and "29" not in table.to_string()
    assert "Het aantal personen op geen enkele lijst ontbreekt" in linkage.candidates_note(result(), hide_unobserved=True)
    rec = linkage.suppressed_record({"observed": 31, "unobserved": 29.4, "estimate": 77.4, "overlaps": {},
                                     "candidates": [{"model": "A:B", "estimate": 77.4, "unobserved": 29.4}]}, 40)
    assert rec["unobserved"] is None and rec["candidates"][0]["unobserved"] is None and rec["estimate"] == 77.4
    assert linkage.suppressed_record({"observed": 31, "unobserved": 29.4, "overlaps": {}}, 5)["unobserved"] == 29.4


def test_stepwise_names_no_criterion_and_its_path():
    stepwise = Result(result().best, [Fit("hoofdeffecten", 68.0, 20.0, 73.6, 60.0, 22.8, 10), result().best],
                      method="stepwise", models_admissible=None)
    table = linkage.candidates_table(stepwise)
    assert table.columns.tolist() == ["Model (samenhang tussen lijsten)", "Geschat totaal", "Op geen lijst",
                                      "Deviantie (vrijheidsgraden)"]
    assert "(p < 0,02); de laatste rij is het gekozen model" in linkage.candidates_note(stepwise)
    assert "criterium" not in linkage.candidates_note(stepwise)
    assert linkage.candidates_note(result()).startswith("Lagere BIC:")
    text = linkage.section(stepwise, capture(), 5, "2022–2023", True, "@tbl-l", "@tbl-m", PLACE)
    assert "(p < 0,02)" in text and "@tbl-m laat de stappen van die keuze zien" in text


def test_one_model_is_no_choice():
    best = result().best
    only = Result(best, [best], max_order=1, models_admissible=1)
    assert not linkage.shows_candidates(only)
    text = linkage.section(only, capture(), 5, "2022–2023", True, "@tbl-l", "@tbl-m", PLACE)
    assert "er is dan één model, dat van onafhankelijke lijsten (alleen hoofdeffecten)" in text
    assert "Van de" not in text and "1 modellen" not in text and "1 lijsten" not in text
    assert "modelkeuze in elk van de" not in text and "met één model is er geen keuze om over te doen" in text
    assert "@tbl-m" not in text and "vergelijkt de methode modellen" not in text
    limited = linkage.section(Result(best, [best], models_admissible=1), capture(), 5, "2022–2023", True, "@tbl-l",
                              "@tbl-m", PLACE)
    assert "maar één model te schatten (met samenhang tussen hoogstens twee lijsten tegelijk toegestaan)" in limited
    plural = linkage.section(result(), capture(), 5, "2022–2023", True, "@tbl-l", "@tbl-m", PLACE)
    assert "Van de 64 modellen" in plural and "hoogstens twee lijsten tegelijk" in plural and "@tbl-m vergelijkt" in plural


def two_lists(overlap: int) -> pd.DataFrame:
    # Politie 43 and Zorg 28 persons, `overlap` of them on both.
    rows = [(1, 0, 43 - overlap), (0, 1, 28 - overlap), (1, 1, overlap)]
    return pd.DataFrame(rows, columns=["Politie", "Zorg", "count"]).assign(synthetic=1)


def test_two_lists_with_a_small_overlap_withhold_the_estimate_that_would_give_it_back():
    # Lincoln-Petersen: 43 * 28 / 401 gives the 3 back, and so does 43 + 28 - 68 observed.
    from exploitation_report.pipeline import estimation_records
    from exploitation_report.stats.mse import analysis as mse

    data = two_lists(3)
    res = mse.estimate(data, method="bic", max_order=2, resamples=50, seed=1)
    assert round(res.estimate) == 401 and res.observed == 68
    assert linkage.withheld(res.lists, res.overlaps, 5) and not linkage.withheld(res.lists, res.overlaps, 3)
    rec = linkage.suppressed_record(res.as_record(), 5)
    assert rec["withheld"] and rec["candidates"] == []
    assert all(rec[k] is None for k in ("estimate", "unobserved", "observed", "profile_low", "profile_high",
                                        "bootstrap_low", "bootstrap_high"))
    published = estimation_records.mse(res, 5)
    assert published["suppressed"] and published["estimate"] is None and published["observed"]["value"] is None
    assert published["interval"]["low"] is None and published["bootstrap_interval"]["high"] is None
    text = linkage.section(res, data, 5, "2022–2023", True, "@tbl-l", "@tbl-m", PLACE)
    assert "minder dan 5 personen gemeen" in text and "niet te schatten, en de methode neemt aan" in text
    assert not any(n in text for n in ("401", "68", "schat in totaal")) and "vergelijkt de methode modellen" not in text
    # Published as before once the overlap is no small count.
    shown = mse.estimate(two_lists(12), method="bic", max_order=2, resamples=50, seed=1)
    assert not linkage.suppressed_record(shown.as_record(), 5)["withheld"]
    assert "**100**" in linkage.section(shown, two_lists(12), 5, "2022–2023", True, "@tbl-l", "@tbl-m", PLACE)


def test_three_lists_keep_the_estimate_when_an_overlap_is_hidden():
    # The persons on all three lists are never published: they stand between the counts and a hidden pair.
    rec = linkage.suppressed_record({"lists": ["A", "B", "C"], "estimate": 77.0, "observed": 31,
                                     "overlaps": {"A:B": 7, "A:C": 3, "B:C": 1}}, 5)
    assert not rec["withheld"] and rec["estimate"] == 77.0 and rec["observed"] == 31
