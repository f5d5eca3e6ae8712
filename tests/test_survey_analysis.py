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
    (None, "Een klein aantal respondenten (minder dan 5) werkt niet met cliënten in"),
    (0, "In totaal zijn 230 vragenlijsten ingevuld, alle door professionals die met cliënten in"),
    (8, "In totaal zijn 230 vragenlijsten ingevuld; acht respondenten werken niet met cliënten in"),
])
def test_the_response_paragraph_words_those_screened_out(screened, expected):
    share = {"estimate": 0.25, "count": 222, "base": 900, "ci_low": 0.22, "ci_high": 0.28, "suppressed": False}
    text = render("survey/methode_vragenlijst.md.j2", place="Groningen", period="2022–2024", period_length="twee jaar",
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
