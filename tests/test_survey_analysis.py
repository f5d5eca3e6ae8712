"""The survey analysis in one call, its results.json keys (v1) and its chapter text, on the 2024 inputs."""

import json
import re

import pytest

from exploitation_report.chapters.survey_chapter import SurveyChapter
from exploitation_report.chapters.templates import render
from exploitation_report.inputs.edition import load_inputs
from exploitation_report.inputs.params import load_params
from exploitation_report.inputs.result_paths import Figures
from exploitation_report.paths import PROJECT_ROOT
from exploitation_report.pipeline import survey_results
from exploitation_report.pipeline.results import Results, is_figure
from exploitation_report.stats.survey_analysis import analyse

V0 = json.loads((PROJECT_ROOT / "tests" / "data" / "results_2024_v0.json").read_text(encoding="utf-8"))["figures"]
KEY = re.compile(r"^[a-z][a-z0-9_]*$")


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(load_params(PROJECT_ROOT / "params" / "2024.yml"))


@pytest.fixture(scope="module")
def analysed(inputs):
    return analyse(inputs)


@pytest.fixture(scope="module")
def recorded(inputs, analysed):
    results = Results("survey")
    survey_results.record(results, analysed, inputs.codebook)
    return Figures({"survey": results._data})


def test_the_headline_figures_are_those_of_the_2024_edition(analysed):
    for key in ("met_any", "met_sexual", "met_criminal", "met_both", "direct_contact"):
        assert analysed.headline[key]["count"] == V0[f"survey.{key}"]["count"], key
        assert analysed.headline[key]["base"] == V0[f"survey.{key}"]["base"], key
    for key in ("victims_living_care", "victims_vulnerable", "criminal_victims_young", "criminal_victims_living_care",
                "reported_externally", "knows_route", "training_wanted", "training_received"):
        assert analysed.share(key)["estimate"] == pytest.approx(V0[f"survey.{key}"]["estimate"]), key


def _walk(value, path):
    if isinstance(value, dict):
        yield path, value
        for key, v in value.items():
            yield from _walk(v, path + [key])


def test_every_key_is_a_code_and_every_figure_has_a_unit(recorded):
    for key, value in recorded.items():
        assert all(KEY.match(part) for part in key.split(".")), key
        for path, node in _walk(value, key.split(".")):
            assert all(KEY.match(str(part)) for part in path), path
            if "estimate" in node or "value" in node:
                assert is_figure(node), path
    # Headline names other files use are kept; answer codes are code_<n>; strength is a code.
    for key in ("met_any", "reported_externally", "knows_route", "training_wanted", "victims_living_care",
                "criminal_victims_young", "response_rate", "coverage"):
        assert recorded[f"survey.{key}"]["unit"] == "proportion", key
    assert recorded["survey.respondents.sector"]["categories"]["code_1"]["label"].startswith("Zorg")
    assert recorded["survey.distribution.know_route"]["categories"]["code_1"]["label"] == "Ja"
    assert set(recorded["survey.profile_by_form.victim_age"]) == {"only_sexual", "only_criminal", "both_forms", "total"}
    assert recorded["survey.test_sector_met_any"]["strength"] == "weak"
    assert recorded["survey.response"]["analysed"] == {"kind": "count", "unit": "respondents", "value": 222,
                                                       "suppressed": False}


def test_the_v0_to_v1_map_names_every_old_survey_key(recorded):
    import yaml
    mapping = yaml.safe_load((PROJECT_ROOT / "tests" / "data" / "results_v0_to_v1" / "survey.yml").read_text())
    old = {key for key in V0 if key.startswith("survey.")}
    assert set(mapping["records"]) == old
    assert all(path in recorded for path in mapping["records"].values())


@pytest.mark.parametrize("screened,expected", [
    (None, "Minder dan 5 respondenten werken niet met cliënten in"),   # once 'Een klein aantal', also for 50
    (0, "In totaal zijn 230 vragenlijsten ingevuld, alle door professionals die met cliënten in"),
    (8, "In totaal zijn 230 vragenlijsten ingevuld; acht respondenten werken niet met cliënten in"),
])
def test_the_response_paragraph_words_those_screened_out(screened, expected):
    share = {"estimate": 0.25, "count": 222, "base": 900, "ci_low": 0.22, "ci_high": 0.28, "suppressed": False}
    text = render("survey/methode_vragenlijst.md.j2", place="Groningen", period="2022–2024",
                  past="de afgelopen twee jaar",
                  fields=["zorg"],
                  questions=30, invited=900, population=1200, source="schatting",
                  flow={"returned": 230, "screened_out": screened, "analysed": 222}, threshold=5, rate=share,
                  coverage=share)
    assert expected in text and re.search(r"(analyse|werken)\. Er blijven 222 respondenten over", text)


def test_the_chapter_renders_every_template(inputs, analysed, tmp_path, monkeypatch):
    emitted = []
    monkeypatch.setattr("exploitation_report.chapters.survey_chapter.emit",
                        lambda part, markdown: emitted.append((part, str(markdown))))
    captions = {}

    def shown(part, what, **kw):
        emitted.append((part, kw["id"]))
        captions[kw["id"]] = (kw["caption"], kw.get("alt", "alt"))

    monkeypatch.setattr("exploitation_report.chapters.survey_chapter.emit_table",
                        lambda part, table, **kw: shown(part, table, **kw))
    monkeypatch.setattr("exploitation_report.chapters.survey_chapter.emit_figure",
                        lambda part, fig, **kw: shown(part, fig, **kw))
    SurveyChapter(analysed, inputs, tmp_path).emit_all()
    text = "\n".join(t for _, t in emitted)
    for anchor in ("{#sec-vragenlijst}", "{#sec-respons}", "{#sec-contact}", "{#sec-sectoren}", "{#sec-melden}",
                   "{#sec-kennis}", "{#sec-indicatoren}", "tbl-appendix-answers"):
        assert anchor in text, anchor
    assert [p for p, _ in emitted][0] == "methode" and emitted[-1][0] == "bijlage-tabellen"
    assert "zwak" in text or "matig" in text or "sterk" in text  # strength codes are worded in Dutch
    # Every table and figure has its caption (and a figure its alt text) from survey/captions.md.j2.
    assert all(caption and alt for caption, alt in captions.values()), captions
    assert captions["tbl-encounters-sector"][0].startswith("Respondenten die vermoedelijke slachtoffers zagen, naar")


@pytest.mark.parametrize(("months", "words"), [(24, "de afgelopen twee jaar"), (12, "het afgelopen jaar"),
                                               (18, "de afgelopen anderhalf jaar"), (1, "de afgelopen maand"),
                                               (10, "de afgelopen tien maanden")])
def test_the_reference_period_is_named_as_dutch_says_it(months, words):
    # A one-year period read 'de afgelopen één jaar'.
    from exploitation_report.chapters import dutch
    from exploitation_report.chapters.survey_chapter import past_period

    assert past_period(dutch.period_length(months)) == words


HIDDEN = {"count": None, "base": 122, "estimate": None, "ci_low": None, "ci_high": None, "suppressed": True}
SHOWN = {"count": 100, "base": 122, "estimate": 100 / 122, "ci_low": 0.74, "ci_high": 0.88, "suppressed": False}


def test_a_hidden_share_is_said_once_in_a_sentence_of_its_own():
    """'had een (niet te publiceren) deel: een niet gepubliceerd deel' said the suppression twice."""
    h = {key: SHOWN for key in ("met_any", "met_sexual", "met_criminal", "met_both_forms", "met_both")}
    text = render("survey/aard_contact.md.j2", h={**h, "direct_contact": HIDDEN, "indirect_only": HIDDEN},
                  past="het afgelopen jaar")
    assert ("Hoeveel van wie een slachtoffer zag direct contact hadden met het slachtoffer, wordt niet gepubliceerd "
            "(ter bescherming van kleine groepen).") in text
    assert "Hoeveel van hen alleen indirect contact hadden" in text
    assert "kwam het merendeel in het afgelopen jaar in aanraking" in text
    assert "een (niet te publiceren) deel" not in text and "niet gepubliceerd deel" not in text
    assert "Van dezelfde groep kwam" in text and "82% (100 van 122" in text
    shares = {key: HIDDEN for key in ("signals_well", "route", "trained", "wanted")}
    knowledge = render("survey/aard_kennis.md.j2", **shares, training_test="")
    assert knowledge.count("wordt niet gepubliceerd (ter bescherming van kleine groepen).") == 4 and " deel" not in knowledge
    reporting = render("survey/aard_melden.md.j2", actions={"action_discussed": HIDDEN, "action_reported_internally":
                                                            SHOWN, "action_nothing": HIDDEN},
                       reported=HIDDEN, top_to="", top_why="", route_compare="", route_test="")
    assert "Hoeveel van hen niets deden, wordt niet gepubliceerd (ter bescherming van kleine groepen; @tbl-reporting" in reporting
    assert "niet te publiceren" not in reporting and "niet gepubliceerd deel" not in reporting


def test_the_summary_says_a_hidden_share_is_not_published_instead_of_een_deel():
    from types import SimpleNamespace

    from exploitation_report.chapters import recommendations as rc

    keys = rc.SUMMARY_SHARES
    shares = {key: {**SHOWN, "base": 222} for key in keys} | {"direct_contact": HIDDEN, "met_both": HIDDEN}
    p = SimpleNamespace(reference_period=SimpleNamespace(label="2022–2023", start=SimpleNamespace(year=2022),
                                                         end=SimpleNamespace(year=2023)),
                        municipality=load_params(PROJECT_ROOT / "params" / "2024.yml").municipality)
    est = {"estimate": 167.0, "interval": {"low": 65.0, "high": 336.0, "level": 0.95, "method": "bootstrap"},
           "intervals": {"typical": {"low": 1.0, "high": 4.0}}, "typical": 2.0, "nonresponse_factor": {"central": 0.5}}
    reg = {"year": 2022, "suspected": {"value": 29, "suppressed": False}}
    text = rc.summary_markdown(p, shares.__getitem__, est, reg, [], True)
    assert ("- Hoeveel van hen direct contact hadden met het slachtoffer, wordt niet gepubliceerd "
            "(ter bescherming van kleine groepen).") in text
    assert ("Hoeveel van wie een slachtoffer zag (ook) slachtoffers zagen die zowel seksueel als crimineel werden "
            "uitgebuit, wordt niet gepubliceerd (ter bescherming van kleine groepen).") in text
    assert "Een deel" not in text and "een deel" not in text and "niet gepubliceerd deel" not in text


@pytest.mark.parametrize(("threshold", "says", "never"), [
    (1, "geldt in deze editie niet: elk aantal wordt gepubliceerd", "1 tot en met 0"),
    (2, "worden aantallen van 1 persoon niet\ngepubliceerd", "1 tot en met 1"),
    (5, "worden aantallen van 1 tot en met 4 personen niet\ngepubliceerd", "geldt in deze editie niet"),
])
def test_the_disclosure_rule_is_worded_for_its_threshold(threshold, says, never):
    # At min_count 1 it read 'aantallen van 1 tot en met 0 personen niet gepubliceerd' (twice).
    text = render("survey/methode_analyse.md.j2", resamples=2000, alpha=0.05, threshold=threshold,
                  all_or_none=4 * threshold, pool_below=2 * threshold, compares_sectors=True)
    assert says in text and never not in text
    assert f"groepen van ten minste {4 * threshold} personen" in text.replace("\n", " ")


def test_the_sector_table_note_explains_overige_sectoren_only_when_the_table_has_that_row():
    from exploitation_report.chapters.survey_chapter import captions

    for pooled in (True, False):
        note = str(captions().tbl_encounters_sector_note(pool_below=6, pooled=pooled))
        assert ("Overige sectoren" in note) is pooled and "‘Beide vormen’" in note


@pytest.mark.parametrize("case", ["everyone knows the route", "nobody met a victim"])
def test_the_chapter_renders_when_a_comparison_group_is_empty(case, tmp_path, monkeypatch):
    # The comparison by knowledge of the reporting route read the shares of groups 1 and 2 and
    # stopped with a KeyError when nobody was in one of them.
    import pandas as pd

    survey = pd.read_csv(PROJECT_ROOT / "data" / "2024" / "survey_2024_synthetic.csv", dtype=str, keep_default_na=False)
    met = (survey["met_sexual"] == "1") | (survey["met_criminal"] == "1")
    if case == "everyone knows the route":
        survey.loc[met & survey["know_route"].isin(["2", "3"]), "know_route"] = "1"
    else:
        survey = survey[~met]
    path = tmp_path / "survey.csv"
    survey.to_csv(path, index=False)
    inputs = load_inputs(load_params(PROJECT_ROOT / "params" / "2024.yml", [f"inputs.survey={path}"]))
    emitted = []
    for name in ("emit", "emit_table", "emit_figure"):
        monkeypatch.setattr(f"exploitation_report.chapters.survey_chapter.{name}",
                            lambda part, what=None, **kw: emitted.append(part))
    SurveyChapter(analyse(inputs), inputs, tmp_path).emit_all()
    assert "aard" in emitted


def test_no_sector_table_when_every_sector_is_pooled(tmp_path, monkeypatch):
    # With every sector too small (here a threshold of 50: sectors below 100 pooled) the table had one row,
    # 'Overige sectoren', beside a total of the same people (an x there stood above its own value in the
    # total), a figure of one group and a table of four tests that could not be done.
    inputs = load_inputs(load_params(PROJECT_ROOT / "params" / "2024.yml", ["suppression.min_count=50"]))
    import matplotlib.pyplot as plt

    emitted = []
    for name in ("emit", "emit_table"):
        monkeypatch.setattr(f"exploitation_report.chapters.survey_chapter.{name}",
                            lambda part, what=None, **kw: emitted.append(kw.get("id") or str(what)))
    monkeypatch.setattr("exploitation_report.chapters.survey_chapter.emit_figure",
                        lambda part, fig, **kw: (plt.close(fig), emitted.append(kw["id"])))
    SurveyChapter(analyse(inputs), inputs, tmp_path).emit_all()
    text = "\n".join(emitted)
    assert not {"tbl-encounters-sector", "fig-encounters-sector", "tbl-sector-tests"} & set(emitted)
    assert "geen twee sectoren of groepen van\nsectoren met ten minste 100 respondenten" in text
    assert "samengevoegd tot ‘Overige sectoren’" not in text   # the method section names no comparison either
    assert "@tbl-encounters-sector" not in text and "@tbl-sector-tests" not in text


def test_the_victim_counts_of_appendix_b_are_hidden_whole(analysed):
    # With the band sums of the estimate (reported_raw, band_readings) the shown bands gave the hidden
    # ones back in the shipped edition; an item whose answers enter no sum keeps its audit.
    for name in ("n_sexual", "n_criminal"):
        dist = analysed.appendix[name]
        assert set(dist.variable.codes) <= dist.hidden and dist.shown_base is not None
