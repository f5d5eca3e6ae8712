"""The one rule for marking real figures in a synthetic edition (chapters/provenance_marks.py)."""

from __future__ import annotations

from exploitation_report.chapters.provenance_marks import MARK, Marks, is_real, joined, source_of

RAADSBRIEF = "Raadsbrief gemeente Groningen, 9 oktober 2024 (kenmerk 291964-2024)"
REAL = {"count": 29, "suppressed": False, "available": True, "synthetic": False, "source_note": RAADSBRIEF}
SYNTHETIC = {"count": 34, "suppressed": False, "available": True, "synthetic": True, "source_note": "SYNTHETISCH"}


def test_only_a_shown_figure_flagged_real_is_real():
    assert is_real(REAL)
    assert is_real({"kind": "count", "value": 29, "suppressed": False, "synthetic": False})   # results.json shape
    assert not is_real(SYNTHETIC)
    assert not is_real(REAL | {"count": None, "suppressed": True})      # hidden: 'x', no figure to mark
    assert not is_real(REAL | {"count": None, "available": False})      # absent: '–'
    assert not is_real({"count": 29, "suppressed": False})              # no flag: never taken for real
    assert not is_real(REAL | {"synthetic": None}) and not is_real(None) and not is_real({})
    assert source_of(REAL) == RAADSBRIEF and source_of({"text": " t "}) == "t" and source_of({}) == ""


def test_a_synthetic_edition_marks_each_real_figure_and_words_one_note():
    marks = Marks(synthetic_edition=True)
    assert [marks("29", REAL), marks("34", SYNTHETIC), marks("x", REAL | {"count": None, "suppressed": True}),
            marks("29", REAL)] == ["29†", "34", "x", "29†"]
    assert MARK == "†" and marks.any and marks.marked == 2
    # One source, named once; plain for a figure, made literal for a Markdown table note.
    assert marks.note(markdown=False) == (f"† Echt gepubliceerd cijfer; bron: {RAADSBRIEF}. Alle andere cijfers in "
                                          "deze tabel zijn synthetisch: verzonnen of berekend op synthetische gegevens.")
    assert r"bron: Raadsbrief gemeente Groningen\, 9 oktober 2024 \(kenmerk 291964\-2024\)." in marks.note()
    assert marks.note("deze figuur", markdown=False).endswith("in deze figuur zijn synthetisch: verzonnen of "
                                                              "berekend op synthetische gegevens.")
    two = Marks(True)
    two("1", REAL), two("2", REAL | {"source_note": "Jaarverslag ZVHG"})
    assert f"bron: {RAADSBRIEF} en Jaarverslag ZVHG." in two.note(markdown=False)
    unnamed = Marks(True)
    unnamed("3", {"value": 3, "suppressed": False, "synthetic": False})
    assert unnamed.note().startswith("† Echt gepubliceerd cijfer. Alle andere")


def test_a_real_edition_marks_nothing_and_a_table_without_real_figures_has_no_note():
    real_edition = Marks(synthetic_edition=False)
    assert real_edition("29", REAL) == "29" and real_edition.note() is None and not real_edition.any
    none_real = Marks(True)
    assert none_real("34", SYNTHETIC) == "34" and none_real.note() is None


def test_joined_leaves_out_empty_notes():
    assert joined("a.", None, "", "b.") == "a.\n\nb." and joined(None, "") is None


def test_the_summary_marks_a_real_registration_and_its_caveat_names_the_mark():
    import datetime as dt
    from types import SimpleNamespace

    from test_recommendations import EST, GRONINGEN, REG, rec

    from exploitation_report.chapters import recommendations as rc
    p = SimpleNamespace(reference_period=SimpleNamespace(label="2022–2023", start=dt.date(2022, 1, 1),
                                                         end=dt.date(2023, 12, 31)), municipality=GRONINGEN)
    by_year = {f"year_{y}": {"year": y, "suspected": {"value": v, "suppressed": False, "synthetic": y != 2022}}
               for y, v in ((2022, 29), (2023, 34))}
    assert [r["mark"] for r in rc.registered_in_period(p, by_year, REG, synthetic=True)] == [MARK, ""]
    assert [r["mark"] for r in rc.registered_in_period(p, by_year, REG, synthetic=False)] == ["", ""]
    text = rc.summary_markdown(p, lambda key: rec(0.58, 127, 220), EST, REG, [], True, None, by_year)
    box = text.split("::: {.key-figures}")[1].split(":::")[0]
    assert "(ZVHG): 29† vermoedelijke slachtoffers in 2022 en 34 in 2023." in box
    assert ("Alle cijfers in deze editie zijn berekend op kunstmatig gegenereerde gegevens, behalve de "
            "registratiecijfers met †: die zijn echt gepubliceerd.") in text
    synthetic_only = {k: {**v, "suspected": {**v["suspected"], "synthetic": True}} for k, v in by_year.items()}
    text = rc.summary_markdown(p, lambda key: rec(0.58, 127, 220), EST, REG, [], True, None, synthetic_only)
    assert "†" not in text and "berekend op kunstmatig gegenereerde gegevens." in text
