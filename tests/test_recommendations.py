import pytest
from places import GRONINGEN

from exploitation_report.chapters import recommendations as rc
from exploitation_report.inputs.errors import InputError
from exploitation_report.paths import REPORT_DIR
from exploitation_report.pipeline import estimation_records as records
from exploitation_report.stats.estimation import Ladder


def rec(estimate, count=50, base=100, suppressed=False):
    if suppressed:
        return {"count": None, "base": base, "estimate": None, "ci_low": None, "ci_high": None, "suppressed": True}
    return {"count": count, "base": base, "estimate": estimate, "ci_low": estimate - 0.1, "ci_high": estimate + 0.1,
            "ci_level": 0.95, "suppressed": False}


def test_shipped_rules_reference_three_recommendations():
    rules = rc.load_recommendations(REPORT_DIR / "recommendations.yml")
    assert [r.number for r in rules.recommendations] == [1, 2, 3]
    assert all(r.indicators for r in rules.recommendations)


def test_assessment_follows_thresholds_and_suppression():
    r = rc.Recommendation(id="x", number=1, title="T", rationale="R", supported_when="all", indicators=[
        rc.Indicator(key="s.a", label="A", op=">=", threshold=0.3),
        rc.Indicator(key="s.b", label="B", op="<=", threshold=0.5)])
    assert rc.assess(r, {"s.a": rec(0.4), "s.b": rec(0.2)})["status"] == "supported"
    assert rc.assess(r, {"s.a": rec(0.2), "s.b": rec(0.2)})["status"] == "not_supported"
    # A suppressed indicator is not counted as passing; with nothing left it cannot be judged.
    assert rc.assess(r, {"s.a": rec(None, suppressed=True), "s.b": rec(0.2)})["status"] == "supported"
    assert rc.assess(r, {"s.a": rec(None, suppressed=True), "s.b": rec(None, suppressed=True)})["status"] == "unknown"
    with pytest.raises(KeyError, match="s.b"):
        rc.assess(r, {"s.a": rec(0.4)})


# The estimate as results.json (v1) keeps it, made the way notebook 02 makes it.
EST = records.ladder(Ladder("any", 300.0, 200.0, 150.0, 469.0, 730.0, 196.0, 845.0, 0.95,
                            intervals={"typical": (310.0, 1290.0)}, nonresponse=(0.0, 0.5, 1.0), typical=730.0))
REG = {"year": 2022, "suspected": {"value": 29}}


def period(low: float, registered_sum: int, registered_max: int | None = None) -> dict:
    """The dark number over the period as results.json keeps it; the largest year is 34 unless given."""
    return {"period": {"interval": {"low": low}, "registered_sum": {"value": registered_sum},
                       "registered_max": {"value": 34 if registered_max is None else registered_max}}}


def test_indicator_line_is_dutch_with_base_and_interval():
    from types import SimpleNamespace
    rule = rc.Recommendation(id="x", number=1, title="T", rationale="R", indicators=[
        rc.Indicator(key="k", label="Kent de meldroute", op="<=", threshold=0.75),
        rc.Indicator(key="h", label="Verborgen", op=">=", threshold=0.5)])
    rules = rc.RecommendationSet(source="s", recommendations=[rule])
    figures = {"k": rec(0.62, 62, 100), "h": rec(None, suppressed=True)}
    p = SimpleNamespace(reference_period=SimpleNamespace(label="2022–2023"), municipality=GRONINGEN)
    text = rc.conclusions_markdown(p, lambda key: rec(0.58, 127, 220), EST, REG, [rc.assess(rule, figures.get)], rules)
    assert "- Kent de meldroute: 62% (62 van 100; 95%-BI" in text
    assert "Grens voor onderbouwing: hoogstens 75%; het cijfer ligt op of onder die grens en onderbouwt de aanbeveling wel." in text
    assert "voldaan" not in text
    assert "- Verborgen: niet gepubliceerd (ter bescherming van kleine groepen). Grens voor onderbouwing: minstens 50%." in text


@pytest.mark.parametrize(("change", "key", "words"), [
    (lambda d: d["recommendations"][0]["indicators"][0].update(threshold=True), "recommendations.0.indicators.0.threshold",
     "not a yes/no value"),
    (lambda d: d["recommendations"][0]["indicators"][0].update(threshold=25), "recommendations.0.indicators.0.threshold",
     "less than or equal to 1"),
    (lambda d: d["recommendations"][1].update(id=d["recommendations"][0]["id"]), None, "every id once"),
    (lambda d: d["recommendations"][1].update(number=d["recommendations"][0]["number"]), None, "every number once"),
])
def test_a_wrong_rules_file_is_refused_by_validate_naming_the_key(change, key, words, tmp_path):
    import yaml
    from typer.testing import CliRunner

    from exploitation_report.cli import app

    data = yaml.safe_load((REPORT_DIR / "recommendations.yml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as err:
        rc.load_recommendations(path)
    (problem,) = err.value.problems
    assert problem.column == key and words in problem.expected
    result = CliRunner().invoke(app, ["validate", "2024", "-p", f"inputs.recommendations={path}"])
    assert result.exit_code == 2 and "rules.yml" in result.output


def test_malformed_rules_file_names_file_and_key(tmp_path):
    bad = tmp_path / "recs.yml"
    bad.write_text("source: x\nrecommendations:\n  - id: a\n    number: one\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        rc.load_recommendations(bad)
    assert "recs.yml" in str(err.value)
    assert any(p.column == "recommendations.0.number" for p in err.value.problems)


def test_indicator_keys_are_checked_against_the_results_naming_file_and_key():
    rules = rc.RecommendationSet(source="s", recommendations=[rc.Recommendation(
        id="x", number=1, title="T", rationale="R", indicators=[
            rc.Indicator(key="survey.a", label="A", op=">=", threshold=0.3),
            rc.Indicator(key="survey.typo", label="B", op=">=", threshold=0.3),
            rc.Indicator(key="estimation.any", label="C", op=">=", threshold=0.3)])])
    figures = {"survey.a": rec(0.4), "estimation.any": {"scenario_central": 469.0}}
    with pytest.raises(InputError) as err:
        rc.check_indicators(rules, figures, "report/recommendations.yml")
    problems = err.value.problems
    assert [p.column for p in problems] == ["recommendations.0.indicators.1.key", "recommendations.0.indicators.2.key"]
    assert all(p.file == "report/recommendations.yml" for p in problems)
    assert "'survey.typo'" in str(problems[0]) and "holds no proportion" in str(problems[1])
    rc.check_indicators(rules.model_copy(update={"recommendations": [rules.recommendations[0].model_copy(
        update={"indicators": rules.recommendations[0].indicators[:1]})]}), figures, "r.yml")   # a valid set passes


def test_missing_rules_file_is_named(tmp_path):
    with pytest.raises(InputError, match="missing.yml"):
        rc.load_recommendations(tmp_path / "missing.yml")


def test_conclusions_speak_of_respondents_and_claim_a_gap_only_when_the_interval_shows_it():
    from types import SimpleNamespace
    p = SimpleNamespace(reference_period=SimpleNamespace(label="2022–2023"), synthetic=True, municipality=GRONINGEN)
    h = lambda key: rec(0.58, 127, 220)  # noqa: E731
    est, reg = EST, REG
    rules = rc.load_recommendations(REPORT_DIR / "recommendations.yml")
    assessed = [rc.assess(r, {i.key: rec(0.6) for i in r.indicators}) for r in rules.recommendations]
    text = rc.conclusions_markdown(p, h, est, reg, assessed, rules, period(196 / 63, 63))
    assert "Ruim de helft van de respondenten zag in 2022–2023" in text
    assert "(centraal 469; 95%-interval 196–845)" in text and "In 2022 registreerde het ZVHG 29 vermoedelijke slachtoffers." in text
    assert "hoogstens 63" in text and "opgave" in text
    # Over one registration year the registered persons are that year's count: no 'hoogstens 34' for 34–34.
    one_year = rc.conclusions_markdown(p, h, est, reg, assessed, rules, period(196 / 34, 34, 34))
    assert "over de hele periode (34). Er ligt" in one_year and "hoogstens 34" not in one_year
    assert "over de hele periode (34): een groot deel" in rc.summary_markdown(p, h, est, reg, assessed, True,
                                                                              dark=period(196 / 34, 34, 34))
    close = rc.conclusions_markdown(p, h, est, reg, assessed, rules, period(0.8, 245))
    assert "opgave" not in close and "opgave" not in rc.conclusions_markdown(p, h, est, reg, assessed, rules)
    summary = rc.summary_markdown(p, h, est, reg, assessed, synthetic=True)
    assert "synthetische gegevens" in summary and "in 2022–2023 één of meer vermoedelijke slachtoffers" in summary
    # The summary states what the estimate rests on, with the figure at factor 1, once (among the caveats).
    assert "0,5 keer zo vaak slachtoffers" in summary and "dan gaat het om 730" in summary
    assert summary.count("keer zo vaak slachtoffers") == 1
    # Synthetic status comes from the edition (inputs included), not from the parameters alone.
    marked_by_inputs = rc.summary_markdown(SimpleNamespace(reference_period=p.reference_period, synthetic=False,
                                                           municipality=GRONINGEN),
                                           h, est, reg, assessed, synthetic=True)
    assert "synthetische gegevens" in marked_by_inputs
    assert "synthetische gegevens" not in rc.summary_markdown(p, h, est, reg, assessed, synthetic=False)


def test_the_per_victim_item_is_recommended_for_the_next_wave_only_when_the_codebook_lacks_it():
    from types import SimpleNamespace

    from exploitation_report.chapters.markdown import literal
    rules = rc.load_recommendations(REPORT_DIR / "recommendations.yml")
    key = "estimation.assumptions.multiplicity.asked_per_victim"
    assert [n.when.key for n in rules.next_wave] == [key]
    one_item = rc.next_wave(rules, {key: False})
    assert [n["id"] for n in one_item] == ["per_victim_multiplicity"]
    assert "per slachtoffer" in one_item[0]["title"] and "te laag" in one_item[0]["rationale"]
    assert rc.next_wave(rules, {key: True}) == []
    assert rc.next_wave(rules, {key: 0}) == []                  # a value of another type never matches
    with pytest.raises(KeyError, match="per_victim_multiplicity"):
        rc.next_wave(rules, {})
    p = SimpleNamespace(reference_period=SimpleNamespace(label="2022–2023"), synthetic=True, municipality=GRONINGEN)
    h = lambda k: rec(0.58, 127, 220)  # noqa: E731
    assessed = [rc.assess(r, {i.key: rec(0.6) for i in r.indicators}) for r in rules.recommendations]
    text = rc.conclusions_markdown(p, h, EST, REG, assessed, rules, None, one_item)
    assert "### Voor de volgende meting" in text and literal(one_item[0]["title"]) in text
    assert "Voor de volgende meting" not in rc.conclusions_markdown(p, h, EST, REG, assessed, rules)
    summary = rc.summary_markdown(p, h, EST, REG, assessed, True, rules, next_wave=one_item)
    assert f"- {literal(one_item[0]['title'])}" in summary


def test_the_gap_with_the_registrations_is_decided_in_whole_persons_as_both_are_printed():
    # results.json gives the ratio's bound to one decimal (1.03 reads 1.0): the text decides on the persons.
    from types import SimpleNamespace
    p = SimpleNamespace(reference_period=SimpleNamespace(label="2022–2023"), synthetic=True, municipality=GRONINGEN)
    h = lambda key: rec(0.58, 127, 220)  # noqa: E731
    rules = rc.load_recommendations(REPORT_DIR / "recommendations.yml")
    assessed = [rc.assess(r, {i.key: rec(0.6) for i in r.indicators}) for r in rules.recommendations]
    assert "opgave" in rc.conclusions_markdown(p, h, EST, REG, assessed, rules, period(1.0, 190))   # 196 > 190
    assert "opgave" not in rc.conclusions_markdown(p, h, EST, REG, assessed, rules, period(1.0, 196))
    assert rc.whole_period(period(1.0, 190), EST)["above_registered"] and rc.whole_period(None, EST) is None


def test_an_edition_where_nobody_met_a_victim_says_so_and_no_more():
    # The follow-up questions went to no one: no 'not published to protect small groups', no claim that
    # professionals meet exploitation, and an estimate of 0-5 is 'geen tot enkele', not 'enkele'.
    from types import SimpleNamespace
    p = SimpleNamespace(reference_period=SimpleNamespace(label="2022–2023"), synthetic=True, municipality=GRONINGEN)
    none_met = {"met_any": {**rec(0.0, 0, 222), "ci_low": 0.0, "ci_high": 0.017}, "response_rate": rec(0.25, 222, 900),
                "training_wanted": rec(0.7, 150, 215)}
    h = lambda key: none_met.get(key, rec(0.46, 100, 217) if key == "knows_route" else rec(0, base=0,  # noqa: E731
                                                                                            suppressed=True))
    est = records.ladder(Ladder("any", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.2, 0.95, intervals={"typical": (0.0, 0.0)},
                                nonresponse=(0.0, 0.5, 1.0), typical=0.0))
    rules = rc.load_recommendations(REPORT_DIR / "recommendations.yml")
    assessed = [rc.assess(r, {i.key: h(i.key) for i in r.indicators}) for r in rules.recommendations]
    summary = rc.summary_markdown(p, h, est, REG, assessed, True, rules)
    conclusions = rc.conclusions_markdown(p, h, est, REG, assessed, rules)
    for text in (summary, conclusions):
        assert "Niemand van de respondenten" in text and "om **geen tot enkele** vermoedelijke" in text
        assert "krijgen te maken met" not in text
    assert "direct contact" not in summary and "zowel seksueel als crimineel" not in summary
    assert "door niemand beantwoord" in summary and "de meldroute: 46%" in summary
    assert "ter bescherming van kleine groepen" not in summary.split("Aanbevelingen")[0]


def test_summary_has_key_figures_box_conclusions_per_question_caveats_and_addressed_recommendations():
    import datetime as dt
    from types import SimpleNamespace
    p = SimpleNamespace(reference_period=SimpleNamespace(label="2022–2023", start=dt.date(2022, 1, 1),
                                                         end=dt.date(2023, 12, 31)), municipality=GRONINGEN)
    rules = rc.load_recommendations(REPORT_DIR / "recommendations.yml")
    assessed = [rc.assess(r, {i.key: rec(0.6) for i in r.indicators}) for r in rules.recommendations]
    by_year = {f"year_{y}": {"year": y, "suspected": {"value": v, "suppressed": v is None}}
               for y, v in ((2021, 11), (2022, 29), (2023, None))}
    text = rc.summary_markdown(p, lambda key: rec(0.58, 127, 220), EST, REG, assessed, False, rules, by_year,
                               period(196 / 63, 63))
    heads = [line for line in text.splitlines() if line.startswith("## ")]
    assert [h.split(" {")[0] for h in heads] == ["## Kerncijfers", "## Conclusies per onderzoeksvraag",
                                                 "## Belangrijkste kanttekeningen", "## Aanbevelingen"]
    box = text.split("::: {.key-figures}")[1].split(":::")[0]
    assert ("Geregistreerd door Zorg\\- en Veiligheidshuis Groningen (ZVHG): 29 vermoedelijke slachtoffers in "
            "2022 en een niet te publiceren aantal in 2023.") in box
    assert "2021" not in text   # only the years of the period
    assert "registreerde 29 vermoedelijke slachtoffers in 2022 en een niet te publiceren aantal in 2023." in text
    for number in range(1, 5):
        assert f"**{number}. " in text
    assert "ondergrens van de schatting ligt boven" in text and "hoogstens 63" in text
    assert "*Aanname bij de schatting.* Deze schatting rust op een aanname" in text
    assert text.count("*Aan: het college van burgemeester en wethouders.*") == len(rules.recommendations)
    assert "ondersteund door de gegevens" not in text and "synthetisch" not in text
