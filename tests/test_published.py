"""The file of REAL published figures and the checks of an edition against it (no build)."""

from __future__ import annotations

import json

import pytest

from exploitation_report.chapters import published_text
from exploitation_report.chapters.provenance_marks import Marks
from exploitation_report.inputs import published
from exploitation_report.inputs.errors import InputError
from exploitation_report.inputs.result_paths import unflatten
from exploitation_report.paths import PROJECT_ROOT

FILE = PROJECT_ROOT / "data" / "2024" / "published_figures.yml"


def rec(count, base, suppressed=False, **extra):
    return {"count": count, "base": base, "estimate": count / base, "ci_low": 0.0, "ci_high": 1.0,
            "suppressed": suppressed, **extra}


@pytest.fixture(scope="module")
def real():
    return published.load(FILE)


def test_file_holds_the_published_figures_with_sources(real):
    assert real.real is True
    f = real.figures
    assert {k: f[k].value for k in ("respondents", "met_any", "direct_contact", "met_both", "reported_formally",
                                    "discussed", "did_nothing", "zvhg_2022_suspected", "zvhg_2022_confirmed",
                                    "interviews")} == {
        "respondents": 222, "met_any": 0.55, "direct_contact": 0.82, "met_both": 0.41, "reported_formally": 0.17,
        "discussed": 0.81, "did_nothing": 0.20, "zvhg_2022_suspected": 29, "zvhg_2022_confirmed": 3, "interviews": 12}
    assert f["met_any"].published_as.startswith("ruim de helft") and f["direct_contact"].published_as.startswith(
        "het merendeel")
    assert f["estimate_two_years"].published_as.startswith("tientallen en mogelijk zelfs honderden")
    assert f["criminal_victims_care_housing"].precision == "more_than"
    assert {fig.source for fig in f.values()} == {"raadsbrief", "press"}
    assert "09" in real.sources["raadsbrief"].date and "oktober 2024" in real.sources["press"].title_nl
    # The council letter is the source of the figures it holds.
    letter = (PROJECT_ROOT.parent / "shared" / "seed" / "raadsbrief-groningen-2024-10-09.txt")
    if letter.exists():
        text = letter.read_text(encoding="utf-8")
        for key in ("met_any", "direct_contact", "met_both"):
            assert f"{round(100 * f[key].value)}%" in text
        assert "29 vermoedelijke slachtoffers en 3 vastgestelde" in text


def test_file_is_checked(tmp_path):
    bad = tmp_path / "figures.yml"
    bad.write_text(FILE.read_text(encoding="utf-8").replace("source: press", "source: newspaper", 1),
                   encoding="utf-8")
    with pytest.raises(InputError, match="newspaper"):
        published.load(bad)
    bad.write_text(FILE.read_text(encoding="utf-8").replace("value: 0.55", "value: 55", 1), encoding="utf-8")
    with pytest.raises(InputError, match="between 0 and 1"):
        published.load(bad)


OK = {"survey.met_any": rec(122, 222), "survey.direct_contact": rec(100, 122), "survey.met_both": rec(50, 122),
      "survey.reported_externally": rec(21, 122),
      "survey.items.actions": {"options": {"action_nothing": rec(23, 122), "action_discussed": rec(99, 122)}},
      "survey.criminal_victims_living_care": rec(62, 98), "survey.response": {"analysed": {"value": 222}},
      "estimation.any": {"ci_low": 75.0, "ci_high": 370.0, "suppressed": False},
      "estimation.registered": {"suspected": {"count": 29, "suppressed": False},
                                "confirmed": {"count": None, "suppressed": True}},
      "estimation.registered_by_year.year_2022": {"suspected": {"count": 29, "suppressed": False},
                                                  "confirmed": {"count": None, "suppressed": True}}}
# results.json is nested; the figures above are given by their paths.
OK = unflatten(OK)


def test_check_reads_each_figure_as_published(real):
    f = real.figures
    ok = OK
    assert all(published_text.check(figure, ok) is None for figure in f.values())
    for key in ("met_any", "did_nothing", "criminal_victims_care_housing", "respondents", "estimate_two_years",
                "zvhg_2022_suspected", "zvhg_2022_confirmed", "interviews"):
        assert published_text.check(f[key], ok) is None, key
    wrong = {"survey.met_any": rec(127, 220), "survey.items.actions": {"options": {"action_nothing": rec(28, 122)}},
             "survey.criminal_victims_living_care": rec(49, 98), "survey.response": {"analysed": {"value": 220}},
             "estimation.any": {"ci_low": 195.0, "ci_high": 845.0, "suppressed": False},
             "estimation.registered_by_year.year_2022": {"suspected": {"count": 30, "suppressed": False},
                                                         "confirmed": {"count": 3, "suppressed": False}}}
    wrong = unflatten(wrong)
    for key in ("met_any", "did_nothing", "criminal_victims_care_housing", "respondents", "estimate_two_years",
                "zvhg_2022_suspected", "zvhg_2022_confirmed"):
        assert published_text.check(f[key], wrong), key
    assert "suppressed" in published_text.check(f["met_any"], {"survey": {"met_any": rec(122, 222, suppressed=True)}})


def test_shares_as_published_at_the_edges(real):
    f = real.figures
    assert published.shown_as_published(0.5495, f["met_any"]) and not published.shown_as_published(0.5449, f["met_any"])
    assert published.shown_as_published(0.176, f["did_nothing"])
    assert not published.shown_as_published(0.174, f["did_nothing"])
    # "More than half" as the reader sees it: 50.3 % prints as 50 %.
    assert not published.shown_as_published(0.503, f["criminal_victims_care_housing"])
    assert published.shown_as_published(0.506, f["criminal_victims_care_housing"])


def test_count_for_prints_the_published_percentage():
    assert published.count_for(0.55, 222) == 122  # 54.95 % prints as 55 %
    assert published.count_for(0.82, 122) == 100
    assert published.count_for(0.41, 122) == 50
    for share in (0.17, 0.81, 0.2, 0.5):
        for base in (100, 122, 197, 222):  # from 100 on, every whole percentage has a count
            assert round(100 * published.count_for(share, base) / base) == round(100 * share)
    with pytest.raises(ValueError, match="no count of 50 prints as 17%"):
        published.count_for(0.17, 50)  # 8 of 50 is 16 %, 9 of 50 is 18 %


def test_appendix_lists_every_figure_with_source_and_this_edition(real):
    table = published_text.appendix_table(real, OK)
    assert list(table["Cijfer"]) == [f.label for f in real.figures.values()]
    row = table.set_index("Cijfer").loc[real.figures["met_any"].label]
    assert (row["Gepubliceerd"], row["Deze editie"]) == ("ruim de helft (55%)", "55% (122 van 222)")
    assert row["Bron"] == real.sources["raadsbrief"].title_nl
    shown = dict(zip(table["Cijfer"], table["Deze editie"]))
    assert shown[real.figures["interviews"].label] == "niet in de gegevens"
    assert shown[real.figures["zvhg_2022_confirmed"].label] == "niet gepubliceerd (klein aantal)"
    assert shown[real.figures["estimate_two_years"].label] == "tientallen tot honderden (75–370)"
    text = published_text.methods_paragraph(real, "@sec-x")
    assert "@sec-x" in text and "synthetische" in text.lower() and real.sources["raadsbrief"].title_nl in text


def test_appendix_marks_the_figure_this_edition_shows_from_real_data(real):
    results = json.loads(json.dumps(OK))
    results["estimation"]["registered_by_year"]["year_2022"]["suspected"] |= {"synthetic": False,
                                                                              "text": "Raadsbrief Groningen"}
    marks = Marks(True)
    shown = dict(zip(*published_text.appendix_table(real, results, marks)[["Cijfer", "Deze editie"]].T.to_numpy()))
    assert shown[real.figures["zvhg_2022_suspected"].label] == "29†"
    assert [label for label, cell in shown.items() if "†" in cell] == [real.figures["zvhg_2022_suspected"].label]
    note = published_text.appendix_note(marks)
    assert "Deze editie: berekend op de synthetische gegevens, behalve de cijfers met †." in note
    assert "† Echt gepubliceerd cijfer; bron: Raadsbrief Groningen. Alle andere cijfers in de kolom" in note
    # Without a real figure (or in a real edition) no mark and no note on it.
    assert published_text.appendix_note(Marks(True)) == ("Gepubliceerd: de cijfers van het echte onderzoek. Deze "
                                                          "editie: berekend op de synthetische gegevens.")
    unmarked = Marks(False)
    assert "†" not in "".join(published_text.appendix_table(real, results, unmarked)["Deze editie"])


def test_the_percentage_a_share_reads_as_is_the_reports_own():
    # A published "15%" is met by 29 of 200 (14,5 %, which the report prints as 15%), not only by 30 of 200.
    from exploitation_report.chapters import dutch

    fifteen = published.Figure(label="x", value=0.15, published_as="15%", precision="percent", base=None,
                               source="raadsbrief", result="survey.x", variables=None, mapping=None)
    assert dutch.percent(29 / 200) == "15%" and published.shown_as_published(29 / 200, fifteen)
    assert not published.shown_as_published(0.1449, fifteen)


def test_v1_figures_read_as_published(real):
    # A count figure keeps its number in `value`, an estimate its interval in `interval`.
    results = {"estimation": {"any": {"kind": "estimate", "unit": "persons", "estimate": 160.0, "suppressed": False,
                                      "interval": {"low": 75.0, "high": 370.0, "level": 0.95, "method": "bootstrap"}},
                              "registered_by_year": {"year_2022": {"suspected": {
                                  "kind": "count", "unit": "persons", "value": 29, "suppressed": False}}}}}
    f = real.figures
    assert published_text.check(f["estimate_two_years"], results) is None
    assert published_text.check(f["zvhg_2022_suspected"], results) is None
    assert published_text.shown_in_edition(f["zvhg_2022_suspected"], results) == "29"


def test_a_result_path_the_edition_cannot_read_names_the_file_and_figure(real):
    """A typo in `result` failed in notebook 03 as a KeyError naming neither file nor figure."""
    published_text.check_results(real, OK, FILE)   # the shipped file reads from the edition's results
    wrong = real.model_copy(update={"figures": {
        **real.figures,
        "met_any": real.figures["met_any"].model_copy(update={"result": "survey.met_anyy"}),
        "direct_contact": real.figures["direct_contact"].model_copy(update={"result": "survey.response"})}})
    with pytest.raises(InputError) as err:
        published_text.check_results(wrong, OK, FILE)
    by_key = {p.key: p for p in err.value.problems}
    assert set(by_key) == {"figures.met_any.result", "figures.direct_contact.result"}
    assert "met_anyy" in by_key["figures.met_any.result"].found
    assert "precision percent" in by_key["figures.direct_contact.result"].expected
    assert all(p.file == str(FILE) for p in err.value.problems)


def test_a_published_figure_of_a_year_is_compared_with_the_editions_figure_of_that_year(real):
    """With `estimation.registrations_year=2023` appendix D set the edition's 2023 count (34) beside the
    published 2022 figure (29): the figure names its year, whatever year the edition headlines."""
    results = json.loads(json.dumps(OK))
    results["estimation"]["registered"] = {"year": 2023, "suspected": {"count": 34, "suppressed": False},
                                           "confirmed": {"count": 6, "suppressed": False}}
    results["estimation"]["registered_by_year"]["year_2023"] = results["estimation"]["registered"]
    suspected, confirmed = real.figures["zvhg_2022_suspected"], real.figures["zvhg_2022_confirmed"]
    assert suspected.result == "estimation.registered_by_year.year_2022.suspected"
    assert published_text.shown_in_edition(suspected, results) == "29"
    assert published_text.check(suspected, results) is None and published_text.check(confirmed, results) is None
    shown = dict(zip(*published_text.appendix_table(real, results)[["Cijfer", "Deze editie"]].T.to_numpy()))
    assert shown[suspected.label] == "29" and shown[confirmed.label] == "niet gepubliceerd (klein aantal)"


def test_an_edition_without_the_figures_year_says_so_and_is_no_wrong_path(real):
    # A reference period of 2023 alone holds no registrations of 2022: nothing to compare, and no typo either.
    results = json.loads(json.dumps(OK))
    results["estimation"]["registered_by_year"] = {"year_2023": {"suspected": {"count": 34, "suppressed": False}}}
    suspected = real.figures["zvhg_2022_suspected"]
    assert published_text.missing_year(suspected, results) == 2022
    assert published_text.shown_in_edition(suspected, results) == "niet in deze editie (geen cijfer over 2022)"
    assert "no figures of 2022" in published_text.check(suspected, results)
    published_text.check_results(real, results, FILE)   # no problem
    shown = dict(zip(*published_text.appendix_table(real, results, Marks(True))[["Cijfer", "Deze editie"]]
                     .T.to_numpy()))
    assert shown[suspected.label] == "niet in deze editie (geen cijfer over 2022)"
    # Without the section of years at all the path is wrong, and said so.
    del results["estimation"]["registered_by_year"]
    assert published_text.missing_year(suspected, results) is None
    with pytest.raises(InputError, match="zvhg_2022_suspected"):
        published_text.check_results(real, results, FILE)
