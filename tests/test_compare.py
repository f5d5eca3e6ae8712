"""Comparing editions (compare.py), its Dutch appendix text and the variant names and files."""

import copy
import json

import pytest
from typer.testing import CliRunner

from exploitation_report.chapters.compare_text import overridden_notice, variant_appendix, variant_notice
from exploitation_report.cli import app
from exploitation_report.inputs.errors import InputError
from exploitation_report.pipeline.compare import (
    Departures,
    EditionData,
    ParamChange,
    compare_editions,
    file_departures,
    param_changes,
    read_edition,
    shown,
)
from exploitation_report.pipeline.editions import edition_id, parse_edition_id
from exploitation_report.pipeline.results import count, estimate, share
from exploitation_report.pipeline.variants import load_variant, merged_overrides

MET_ANY = share({"base": 222, "count": 122, "estimate": 0.5495, "ci_low": 0.4838, "ci_high": 0.6136,
                 "ci_method": "wilson"})
POLICE = share({"base": 21, "count": 6, "estimate": 0.2857, "ci_low": 0.14, "ci_high": 0.5, "ci_method": "wilson"},
               label="Politie [regio]")
RESULTS = {
    "schema_version": "1.0.0",
    "edition": {"year": 2024, "synthetic": True},
    "survey": {
        "met_any": MET_ANY,
        "items": {"reported_to": {"text": "Waar gemeld?", "base": count(21, "respondents"),
                                  "options": {"report_police": POLICE}}},
    },
    "estimation": {"any": estimate(166.7, 62.6, 336.6, unit="persons", method="bootstrap")},
    "recommendations": {"care_institutions": {"status": "supported", "indicators": ["survey.met_any"]}},
}
# The same figures as results.json wrote them before schema 1.0.0: flat keys, records without a unit.
RESULTS_V0 = {
    "meta": {"year": 2024, "synthetic": True},
    "figures": {
        "survey.met_any": {"base": 222, "count": 122, "estimate": 0.5495, "ci_low": 0.4838, "ci_high": 0.6136,
                           "suppressed": False},
        "survey.items.reported_to": {
            "question": "Waar gemeld?", "base": 21,
            "options": {"report_police": {"label": "Politie [regio]", "base": 21, "count": 6, "estimate": 0.2857,
                                          "suppressed": False}}},
        "estimation.any": {"scenario_central": 166.7, "ci_low": 62.6, "ci_high": 336.6,
                           "intervals": {"scenario_central": [94.7, 285.2]}},
        "recommendations.care_institutions": {"triggered": True, "threshold": 0.5},
    },
}
PROV = {"edition": "2024", "year": 2024, "params_digest": "abc", "engine": "builtin",
        "effective_params": {"year": 2024, "suppression": {"min_count": 5},
                             "estimation": {"nonresponse_factor": {"low": 0.0, "central": 0.5, "high": 1.0}}}}


def edition(results=RESULTS, prov=PROV, name="2024"):
    return EditionData(name, None, results, prov)


def write_edition(folder, results=RESULTS, prov=PROV):
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps(results), encoding="utf-8")
    (folder / "provenance.json").write_text(json.dumps(prov), encoding="utf-8")
    return folder


def test_an_edition_compared_with_itself_lists_nothing():
    comparison = compare_editions(edition(), edition(copy.deepcopy(RESULTS), copy.deepcopy(PROV)))
    assert comparison.params == [] and comparison.figures == []
    # The answer option is a figure of its own, as are the question's text and base and the rule's two values.
    assert comparison.compared == 7


def test_editions_from_before_schema_1_are_compared_by_the_same_paths():
    comparison = compare_editions(edition(RESULTS_V0), edition(copy.deepcopy(RESULTS_V0)))
    assert comparison.figures == [] and comparison.compared == 7
    results = copy.deepcopy(RESULTS_V0)
    results["figures"]["survey.met_any"].update(estimate=0.6, ci_low=0.53, ci_high=0.66)
    results["figures"]["survey.items.reported_to"]["options"]["report_police"].update(suppressed=True, count=None)
    moved = {c.key: c for c in compare_editions(edition(RESULTS_V0), edition(results)).figures}
    assert set(moved) == {"survey.met_any", "survey.items.reported_to.options.report_police"}
    assert (moved["survey.met_any"].old_interval, moved["survey.met_any"].new_interval) == (
        (0.4838, 0.6136), (0.53, 0.66))
    assert moved["survey.items.reported_to.options.report_police"].suppression == "hidden"
    # Without an interval of its own, the one kept for the value shown.
    results["figures"]["estimation.any"].update(scenario_central=100.0, intervals={"scenario_central": [50.0, 200.0]})
    del results["figures"]["estimation.any"]["ci_low"], results["figures"]["estimation.any"]["ci_high"]
    assert {c.key: c for c in compare_editions(edition(RESULTS_V0), edition(results)).figures}[
        "estimation.any"].new_interval == (50.0, 200.0)


def test_differences_within_the_tolerance_are_no_change():
    results = copy.deepcopy(RESULTS)
    results["survey"]["met_any"]["estimate"] *= 1 + 1e-12
    assert compare_editions(edition(), edition(results)).figures == []


def test_a_planted_change_is_found_with_old_and_new_values():
    results = copy.deepcopy(RESULTS)
    results["survey"]["met_any"].update(estimate=0.6, interval={"low": 0.53, "high": 0.66, "level": 0.95,
                                                                "method": "wilson"})
    results["survey"]["items"]["reported_to"]["options"]["report_police"].update(suppressed=True, count=None,
                                                                                  estimate=None)
    prov = copy.deepcopy(PROV)
    prov["effective_params"]["suppression"]["min_count"] = 10
    comparison = compare_editions(edition(), edition(results, prov, "2024--mincount"))
    assert [(p.key, p.old, p.new) for p in comparison.params] == [("suppression.min_count", 5, 10)]
    moved = {c.key: c for c in comparison.figures}
    assert set(moved) == {"survey.met_any", "survey.items.reported_to.options.report_police"}
    met = moved["survey.met_any"]
    assert (met.old, met.new, met.old_interval, met.new_interval) == (0.5495, 0.6, (0.4838, 0.6136), (0.53, 0.66))
    assert met.suppression is None and met.chapter == "survey"
    police = moved["survey.items.reported_to.options.report_police"]
    assert police.label == "Politie [regio]" and police.suppression == "hidden"
    assert list(comparison.by_chapter()) == ["survey"]


def test_intervals_are_the_figures_own_and_added_figures_are_listed():
    results = copy.deepcopy(RESULTS)
    results["estimation"]["any"] = estimate(100.0, 50.0, 200.0, unit="persons", method="bootstrap")
    results["estimation"]["new"] = estimate(3.0, None, None, unit="ratio")
    del results["recommendations"]["care_institutions"]
    moved = {c.key: c for c in compare_editions(edition(), edition(results)).figures}
    assert moved["estimation.any"].old_interval == (62.6, 336.6) and moved["estimation.any"].new == 100.0
    assert moved["estimation.any"].new_interval == (50.0, 200.0)
    assert moved["estimation.new"].status == "added" and moved["estimation.new"].new == 3.0
    assert {moved[k].status for k in moved if k.startswith("recommendations.")} == {"removed"}


def test_param_changes_of_nested_parameters():
    a = {"estimation": {"bootstrap": {"resamples": 2000}, "factor": [1, 2]}, "title": "x"}
    b = {"estimation": {"bootstrap": {"resamples": 4000}, "factor": [1, 3]}, "title": "x"}
    assert [(c.key, c.old, c.new) for c in param_changes(a, b)] == [
        ("estimation.bootstrap.resamples", 2000, 4000), ("estimation.factor[1]", 2, 3)]


def test_compare_cli_json_parses_and_markdown_lists_the_change(tmp_path):
    results = copy.deepcopy(RESULTS)
    results["survey"]["met_any"]["estimate"] = 0.6
    a = write_edition(tmp_path / "2024")
    b = write_edition(tmp_path / "2024--other", results, {**PROV, "edition": "2024--other"})
    runner = CliRunner()
    result = runner.invoke(app, ["compare", "2024", "2024--other", "--json", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [c["key"] for c in data["chapters"]["survey"]] == ["survey.met_any"]
    assert data["chapters"]["survey"][0]["old"] == 0.5495 and data["chapters"]["survey"][0]["new"] == 0.6
    result = runner.invoke(app, ["compare", str(a), str(b), "--markdown"])
    assert result.exit_code == 0 and "| survey.met_any |" in result.output
    result = runner.invoke(app, ["compare", str(a), str(a)])
    assert result.exit_code == 0 and "0 of 7 figures moved" in result.output
    result = runner.invoke(app, ["compare", "2024", "2031", "--output", str(tmp_path)])
    assert result.exit_code == 1 and "2031 is not built" in result.output


def test_list_shows_editions_and_variants(tmp_path):
    write_edition(tmp_path / "2024")
    write_edition(tmp_path / "2024--lowfactor", RESULTS, {**PROV, "params_digest": "def", "edition": "2024--lowfactor"})
    (tmp_path / ".2024.staging").mkdir()
    result = CliRunner().invoke(app, ["list", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if "2024" in line and "Editions" not in line]
    assert len(rows) == 2 and "lowfactor" in rows[1] and "def" in rows[1] and "builtin" in rows[0]


def test_the_appendix_says_plainly_when_the_base_edition_is_missing_and_escapes_inputs():
    assert "niet gebouwd" in variant_appendix(None, 2024)
    results = copy.deepcopy(RESULTS)
    results["survey"]["items"]["reported_to"]["options"]["report_police"]["estimate"] = 0.5
    text = variant_appendix(compare_editions(edition(), edition(results, name="2024--x")), 2024)
    assert "Politie \\[regio\\]" in text and "28\\,6\\%" in text and "50\\,0\\%" in text
    notice = variant_notice("x", 2024, "Zie *dit*", [])
    assert "\\*dit\\*" in notice


def test_a_variant_cover_names_the_parameter_files_values_or_says_that_it_changes_nothing():
    """The cover lists a variant's changes against the parameter file (the base edition may have been
    built otherwise: appendix E says so), and a variant whose overrides change nothing says that."""
    change = ParamChange("estimation.nonresponse_factor.central", 0.5, 0.3)
    assert variant_notice("x", 2024, "", [change]) == (
        "Dit is de variant x van de editie 2024, niet de basiseditie. Gewijzigde parameters: "
        "estimation\\.nonresponse\\_factor\\.central = 0\\,300 (parameterbestand: 0\\,500). "
        "Bijlage E zegt welke cijfers daardoor veranderen.")
    assert variant_notice("same", 2024, "Gelijk.", []) == (
        "Dit is de variant same van de editie 2024, niet de basiseditie. Gelijk\\. Gewijzigde parameters: geen; "
        "deze variant wijkt in geen enkele parameter af van het parameterbestand, dus haar cijfers zijn die van "
        "de editie van dat bestand. Bijlage E vergelijkt haar met de basiseditie.")
    assert overridden_notice(2024, "params/2024.yml", [change]) == (
        "Deze editie 2024 is gebouwd met parameters die afwijken van params\\/2024\\.yml: "
        "estimation\\.nonresponse\\_factor\\.central = 0\\,300 (parameterbestand: 0\\,500). "
        "Het is daarom niet de editie die dat parameterbestand beschrijft.")


def test_departures_say_how_the_variant_and_its_base_edition_depart_from_the_parameter_file():
    file_params = PROV["effective_params"]
    overridden = {**PROV, "overrides": {"estimation.nonresponse_factor.central": 0.3},
                  "effective_params": {**file_params, "estimation": {"nonresponse_factor": {
                      "low": 0.0, "central": 0.3, "high": 1.0}}}}
    same = {**PROV, "overrides": {"suppression.min_count": 5}}
    variant = {**PROV, "overrides": {"suppression.min_count": 10},
               "effective_params": {**file_params, "suppression": {"min_count": 10}}}
    assert file_departures(file_params, overridden) == [ParamChange("estimation.nonresponse_factor.central", 0.5, 0.3)]
    assert file_departures(file_params, same) == []
    assert file_departures(file_params, {"edition": "2024"}) is None   # a provenance without parameters: unknown
    departures = Departures.of("params/2024.yml", file_params, variant, overridden)
    assert departures.variant == [ParamChange("suppression.min_count", 5, 10)]
    assert departures.given == ["suppression.min_count"]
    assert departures.base == [ParamChange("estimation.nonresponse_factor.central", 0.5, 0.3)]
    assert departures.base_overridden
    unbuilt = Departures.of("params/2024.yml", file_params, same, None)
    assert (unbuilt.variant, unbuilt.given, unbuilt.base, unbuilt.base_overridden) == (
        [], ["suppression.min_count"], None, False)
    # A provenance without effective parameters says nothing: not that the variant changes nothing.
    unknown = Departures.of("params/2024.yml", file_params, {"edition": "2024--x"}, None)
    assert unknown.variant is None and "geen enkele parameter" not in variant_appendix(None, 2024, unknown)


def test_the_appendix_compares_with_a_base_edition_built_with_overrides_and_says_so():
    results = copy.deepcopy(RESULTS)
    results["estimation"]["any"]["estimate"] = 120.0
    base_prov = {**PROV, "overrides": {"estimation.nonresponse_factor.central": 0.3},
                 "effective_params": {**PROV["effective_params"], "estimation": {"nonresponse_factor": {
                     "low": 0.0, "central": 0.3, "high": 1.0}}}}
    variant_prov = {**PROV, "edition": "2024--same", "overrides": {"estimation.nonresponse_factor.central": 0.5}}
    base, variant = edition(results, base_prov), edition(RESULTS, variant_prov, name="2024--same")
    departures = Departures.of("params/2024.yml", PROV["effective_params"], variant_prov, base_prov)
    paragraphs = variant_appendix(compare_editions(base, variant), 2024, departures).split("\n\n")
    assert paragraphs[1] == (
        "Let op: de basiseditie 2024 is zelf gebouwd met aangepaste parameters (`-p`) en is dus niet de editie "
        "van params\\/2024\\.yml. Ze wijkt daarvan af in: estimation\\.nonresponse\\_factor\\.central = 0\\,300 "
        "(parameterbestand: 0\\,500). De cijfers in deze bijlage vergelijken deze variant met die basiseditie; de "
        "voorpagina noemt wat deze variant wijzigt ten opzichte van params\\/2024\\.yml. Bouw de basiseditie "
        "opnieuw (`exploitation-report build 2024`, zonder `-p`) en daarna deze variant om te vergelijken met de "
        "editie van params\\/2024\\.yml.")
    assert paragraphs[2] == (
        "Deze variant wijkt in geen enkele parameter af van params\\/2024\\.yml: elke parameter die ze opgeeft "
        "(estimation\\.nonresponse\\_factor\\.central), heeft daar al dezelfde waarde. Haar cijfers zijn dus die "
        "van de editie van params\\/2024\\.yml.")
    # The variant differs from this base edition in that parameter, and one figure moved.
    assert "| estimation\\.nonresponse\\_factor\\.central | 0\\,300 | 0\\,500 |" in paragraphs[3]
    assert paragraphs[5].startswith("Van de 7 vastgelegde cijfers verandert er 1. Per onderdeel:")



# --------------------------------------------------------------------------- hidden figures, parts and brackets


def _moved(base, variant):
    comparison = compare_editions(edition(base), edition(variant, name="2024--x"))
    return comparison, {c.key: c for c in comparison.figures}


def _row(text, key):
    """The appendix row of the figure `key` (keys are escaped Markdown there)."""
    escaped = key.replace(".", "\\.").replace("_", "\\_")
    return next(line for line in text.splitlines() if line.startswith(f"| {escaped}"))


def test_a_figure_hidden_in_the_base_and_missing_from_the_variant_is_removed_not_shown():
    base = copy.deepcopy(RESULTS)
    base["survey"]["sector_3"] = {"label": "Politie", "base": count(19, "respondents"),
                                  "met_both": share({"base": 19, "count": None, "estimate": None, "suppressed": True})}
    comparison, moved = _moved(base, copy.deepcopy(RESULTS))
    hidden = moved["survey.sector_3.met_both"]
    assert hidden.status == "removed" and hidden.suppression is None
    assert hidden.old_hidden and not hidden.new_hidden
    assert moved["survey.sector_3.base"].suppression is None
    assert (shown(hidden, "old"), shown(hidden, "new")) == ("hidden", "-")
    markdown = comparison.to_markdown()
    assert "| survey.sector_3.met_both | Politie | hidden | - |  |" in markdown
    assert "shown" not in markdown and "values changed" not in markdown
    row = _row(variant_appendix(comparison, 2024), "survey.sector_3.met_both")
    assert "| verborgen | niet in deze editie |" in row
    assert "gepubliceerd" not in row and "waarden anders" not in row
    # The other way round: a figure new in the variant and hidden there is added, not hidden.
    _, moved = _moved(copy.deepcopy(RESULTS), base)
    added = moved["survey.sector_3.met_both"]
    assert added.status == "added" and added.suppression is None and added.new_hidden
    assert (shown(added, "old"), shown(added, "new")) == ("-", "hidden")


def test_a_hidden_side_reads_hidden_not_a_count_of_changed_values():
    variant = copy.deepcopy(RESULTS)
    variant["survey"]["items"]["reported_to"]["options"]["report_police"].update(
        suppressed=True, count=None, estimate=None, interval={"low": None, "high": None, "level": 0.95,
                                                                "method": "wilson"})
    variant["survey"]["items"]["reported_to"]["base"] = count(None, "respondents")
    comparison, moved = _moved(RESULTS, variant)
    police = moved["survey.items.reported_to.options.report_police"]
    assert police.suppression == "hidden" and police.new_hidden and not police.old_hidden
    assert shown(police, "old") == "0.2857 [0.14, 0.5]" and shown(police, "new") == "hidden"
    assert shown(moved["survey.items.reported_to.base"], "new") == "hidden"
    markdown = comparison.to_markdown()
    assert "values changed" not in markdown
    text = variant_appendix(comparison, 2024)
    assert "waarden anders" not in text
    assert _row(text, "survey.items.reported_to.options.report_police").endswith(
        "| 28\\,6\\% \\(14\\,0–50\\,0\\%\\) | verborgen | nu niet gepubliceerd |")
    # And back: the base's hidden side reads hidden, the variant's value is shown.
    comparison, moved = _moved(variant, RESULTS)
    police = moved["survey.items.reported_to.options.report_police"]
    assert police.suppression == "shown" and shown(police, "old") == "hidden"
    assert "| verborgen | 28\\,6\\%" in _row(variant_appendix(comparison, 2024), police.key)


def test_a_row_whose_sides_show_the_same_says_which_part_moved():
    mse = estimate(76.6, 58.0, 109.3, unit="persons", method="profile_likelihood",
                   overlaps=[{"lists": ["a", "b"], **count(7, "persons")}, {"lists": ["a", "c"], **count(3, "persons")}])
    base = copy.deepcopy(RESULTS)
    base["estimation"]["mse"] = mse
    base["survey"]["items"]["reported_to"]["options"]["report_police"]["share_of_answers"] = 0.494
    base["survey"]["pooled"] = share({"base": None, "count": None, "estimate": None, "suppressed": True})
    variant = copy.deepcopy(base)
    variant["estimation"]["mse"]["overlaps"][0].update(value=None, suppressed=True)
    variant["survey"]["items"]["reported_to"]["options"]["report_police"]["share_of_answers"] = None
    variant["survey"]["pooled"]["base"] = 50
    comparison, moved = _moved(base, variant)
    mse_change = moved["estimation.mse"]
    assert [(d.part, d.kind) for d in mse_change.details()] == [("overlaps[0]", "hidden")]
    assert shown(mse_change, "old") == "76.6 [58, 109.3]"
    assert shown(mse_change, "new") == "76.6 [58, 109.3]; also: overlaps[0] now hidden"
    police = moved["survey.items.reported_to.options.report_police"]
    assert shown(police, "new").endswith("; also: share_of_answers: 0.494 -> not published")
    pooled = moved["survey.pooled"]
    assert shown(pooled, "new") == "hidden; also: base: not published -> 50"
    text = variant_appendix(comparison, 2024)
    assert _row(text, "estimation.mse").endswith("| alleen een onderdeel verandert: overlaps\\[0\\] nu niet gepubliceerd |")
    assert "share\\_of\\_answers\\: 0\\,494 → niet gepubliceerd" in _row(text, police.key)
    assert _row(text, "survey.pooled").endswith("| verborgen | verborgen | alleen een onderdeel verandert: base\\: "
                                                "niet gepubliceerd → 50 |")
    # A row whose value moved needs no such note.
    assert moved["estimation.mse"].details() and not compare_editions(
        edition(), edition({**RESULTS, "survey": {**RESULTS["survey"], "met_any": {**MET_ANY, "estimate": 0.6}}})
    ).figures[0].details()


def test_a_test_is_read_by_its_p_value():
    test = {"kind": "test", "unit": "p_value", "method": "chi2", "p_value": 0.017, "n": 222, "dof": 6,
            "suppressed": False}
    base = {**RESULTS, "survey": {**RESULTS["survey"], "test_sector": test}}
    variant = {**RESULTS, "survey": {**RESULTS["survey"], "test_sector": {**test, "p_value": 0.005, "dof": 4}}}
    change = compare_editions(edition(base), edition(variant)).figures[0]
    assert (change.old, change.new) == (0.017, 0.005)


def test_the_brackets_say_which_are_confidence_intervals_and_which_are_ranges():
    base = copy.deepcopy(RESULTS)
    base["estimation"]["sensitivity"] = {"band_cap": estimate(166.7, 162.7, 182.8, unit="persons", level=None,
                                                              method="one_at_a_time", label="Bovengrens")}
    base["estimation"]["bias"] = estimate(0.0915, 0.0228, 0.1603, unit="relative_error", level=0.95,
                                          method="monte_carlo_normal")
    base["estimation"]["ratio90"] = estimate(2.0, 1.5, 2.5, unit="ratio", level=0.9, method="bootstrap")
    variant = copy.deepcopy(base)
    variant["estimation"]["sensitivity"]["band_cap"] = estimate(120.8, 117.9, 132.6, unit="persons", level=None,
                                                                method="one_at_a_time", label="Bovengrens")
    variant["estimation"]["bias"] = estimate(-0.1137, -0.1685, -0.0589, unit="relative_error", level=0.95,
                                             method="monte_carlo_normal")
    variant["estimation"]["ratio90"] = estimate(3.0, 2.5, 3.5, unit="ratio", level=0.9, method="bootstrap")
    variant["estimation"]["any"] = estimate(100.0, 50.0, 200.0, unit="persons", method="bootstrap")
    comparison, moved = _moved(base, variant)
    cap = moved["estimation.sensitivity.band_cap"]
    assert (cap.interval_kind, cap.interval_level, cap.interval_method) == ("range", None, "one_at_a_time")
    assert moved["estimation.bias"].interval_kind == "monte_carlo"
    assert moved["estimation.any"].interval_kind == "confidence"
    assert shown(cap, "new") == "120.8 [117.9, 132.6] (range: one_at_a_time)"
    assert shown(moved["estimation.bias"], "new").endswith("(95% Monte Carlo)")
    assert shown(moved["estimation.ratio90"], "new") == "3 [2.5, 3.5] (90% CI)"
    assert shown(moved["estimation.any"], "new") == "100 [50, 200]"
    text = variant_appendix(comparison, 2024)
    assert "\\(bereik 163–183\\) | 121 \\(bereik 118–133\\)" in _row(text, "estimation.sensitivity.band_cap")
    assert "MC\\-interval" in _row(text, "estimation.bias")
    assert "90\\%\\-BI 2\\,500–3\\,500" in _row(text, "estimation.ratio90")
    assert "| 100 \\(50\\,0–200\\) |" in _row(text, "estimation.any")
    intro = text.split("\n")[0]
    assert "„bereik” is geen betrouwbaarheidsinterval" in intro and "gevoeligheidsanalyse" in intro
    assert "MC-interval (Monte Carlo)" in intro and "90%-BI" in intro
    # With only 95% confidence intervals the sentence says just that.
    only_ci = variant_appendix(compare_editions(edition(), edition(
        {**RESULTS, "survey": {**RESULTS["survey"], "met_any": {**MET_ANY, "estimate": 0.6}}})), 2024)
    assert only_ci.split("\n")[0].endswith("Tussen haakjes staat het 95%-betrouwbaarheidsinterval, "
                                           "waar het cijfer er een heeft.")


# --------------------------------------------------------------------------- variant names and files


@pytest.mark.parametrize("name", ["lowfactor", "min-count-10", "a", "x2"])
def test_safe_variant_names(name):
    assert edition_id(2024, name) == f"2024--{name}"
    assert parse_edition_id(f"2024--{name}") == (2024, name)


@pytest.mark.parametrize("name", ["", "../2023", "Low", "a--b", "-a", "a-", "a b", "a/b", "x" * 41, "ü"])
def test_unsafe_variant_names_are_refused(name):
    with pytest.raises(InputError, match="variant name"):
        edition_id(2024, name)


def test_edition_ids():
    assert edition_id(2024) == "2024" and parse_edition_id("2024") == (2024, None)
    with pytest.raises(ValueError):
        parse_edition_id("latest")


def test_a_variant_file_holds_the_overrides_and_the_command_line_adds_to_them(tmp_path):
    (tmp_path / "low.yml").write_text("description: Lager\noverrides:\n  a.b: 0.3\n  c: 1\n", encoding="utf-8")
    variant = load_variant("low", tmp_path)
    assert variant.description == "Lager" and variant.overrides == {"a.b": 0.3, "c": 1}
    assert merged_overrides(variant, {"c": 2, "d": 3}) == {"a.b": 0.3, "c": 2, "d": 3}
    assert load_variant("none", tmp_path).overrides == {}
    (tmp_path / "bad.yml").write_text("overide: {}\n", encoding="utf-8")
    with pytest.raises(InputError, match="overide"):
        load_variant("bad", tmp_path)


def test_the_shipped_variant_file_is_valid():
    assert load_variant("lowfactor").overrides == {"estimation.nonresponse_factor.central": 0.3}


def test_read_edition_of_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="not built"):
        read_edition("2024", tmp_path)


def test_a_seed_or_a_year_is_written_without_thousands_points():
    from exploitation_report.pipeline.compare import ParamChange

    assert " = 7 (parameterbestand: 20241009). " in variant_notice(
        "x", 2024, "", [ParamChange("estimation.bootstrap.seed", 20241009, 7)])
    assert r"1\.500 (parameterbestand: 1\.200)" in variant_notice(
        "x", 2024, "", [ParamChange("population.first_line_professionals", 1200, 1500)])
    # Also where appendix E lists a figure that echoes a parameter.
    from exploitation_report.chapters.compare_text import _value_with_interval
    from exploitation_report.pipeline.compare import FigureChange

    seed = FigureChange("estimation.assumptions.simulation.seed", None, "changed", old=20241009, new=20241010)
    assert (_value_with_interval(seed, "old"), _value_with_interval(seed, "new")) == ("20241009", "20241010")
