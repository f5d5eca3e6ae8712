"""Two measurement years side by side: the changes, their words and the table."""

from __future__ import annotations

import pytest

from exploitation_report.chapters import year_over_year as yoy
from exploitation_report.chapters.provenance_marks import Marks
from exploitation_report.inputs.params import load_params
from exploitation_report.paths import params_path
from exploitation_report.pipeline.previous import change_record
from exploitation_report.pipeline.results import share
from exploitation_report.pipeline.results_schema import validate
from exploitation_report.stats.change import difference, shares_over_years
from exploitation_report.stats.proportions import Proportion


def _share(count, base):
    return share(Proportion(count, base).as_record())


def _document(year, counts, estimate, registered):
    survey = {path.split(".")[1]: _share(*counts.get(path, (50, 100))) for path in yoy.KEY_SHARES}
    return {"edition": {"year": year, "reference_period": f"{year - 2}–{year - 1}", "synthetic": True},
            "survey": survey,
            "estimation": {"any": {"estimate": estimate, "interval": {"low": estimate / 2, "high": estimate * 2,
                                                                      "level": 0.95}},
                           # As in the shipped data: 2022's count is the real, published one.
                           "registered_by_year": {f"year_{y}": {"suspected": {"value": n, "suppressed": False,
                                                                              "synthetic": y != 2022}}
                                                  for y, n in registered.items()}}}


@pytest.fixture
def editions():
    previous = _document(2024, {"survey.knows_route": (100, 217)}, 167.0, {2022: 29, 2023: 34})
    current = _document(2026, {"survey.knows_route": (142, 244)}, 193.0, {2024: 38, 2025: 44})
    return previous, current


def test_changes_equal_a_hand_computation_and_are_worded_by_their_interval(editions):
    previous, current = editions
    changes = shares_over_years(current, previous, list(yoy.KEY_SHARES))
    route = changes["knows_route"]["change"]
    assert route["estimate"] == pytest.approx(142 / 244 - 100 / 217)
    assert route == {**difference(142, 244, 100, 217), "suppressed": False}
    assert route["direction"] == "increase" and changes["met_any"]["change"]["direction"] == "no_clear_change"
    text = yoy.chapter(changes, previous, current, "@tbl-a", "@tbl-b")
    assert "is het aandeel respondenten toegenomen bij:" in text and "- Weet waar een vermoeden te melden" in text
    assert "Afgenomen" not in text and "geen bevinding" in text
    assert "167" in text and "193" in text


def test_the_table_gives_both_shares_with_base_and_the_difference_with_its_interval(editions):
    previous, current = editions
    changes = shares_over_years(current, previous, list(yoy.KEY_SHARES))
    table = yoy.table(changes, 2024, 2026)
    row = table[table.iloc[:, 0] == yoy.KEY_SHARES["survey.knows_route"]].iloc[0]
    assert row["2024"].startswith("46% (") and row["2024"].endswith("n = 217")
    assert row["2026"].endswith("n = 244") and row.iloc[3].startswith("+12 (+")
    marks = Marks(True)
    regs = yoy.registrations_table(previous, current, "ZVHG", marks)
    assert list(regs["Jaar"]) == ["2022", "2023", "2024", "2025"]
    shown = dict(zip(regs["Jaar"], regs.iloc[:, 1]))
    assert shown == {"2022": "29†", "2023": "34", "2024": "38", "2025": "44"}
    assert all(("†" in cell) == (not cell_of(previous, current, year)["synthetic"]) for year, cell in shown.items())
    assert marks.note().startswith("† Echt gepubliceerd cijfer. Alle andere cijfers in deze tabel zijn synthetisch")


def cell_of(previous, current, year):
    """The suspected-victims record of ``year``, from the later edition that has it."""
    for document in (current, previous):
        found = document["estimation"].get("registered_by_year", {}).get(f"year_{year}")
        if found:
            return found["suspected"]
    raise KeyError(year)


def test_a_change_is_recorded_as_a_schema_figure(editions):
    previous, current = editions
    item = shares_over_years(current, previous, ["survey.knows_route"])["knows_route"]
    record = change_record(item, 2024)
    assert record["unit"] == "proportion_difference" and record["direction"] == "increase"
    document = {"schema_version": "1.0.0", "edition": {"year": 2026, "synthetic": True, "params_digest": "x",
                                                       "reference_period": "2024–2025", "inputs": {}},
                "survey": {}, "estimation": {}, "recommendations": {"year_over_year": {"knows_route": record}}}
    validate(document)


def test_the_2026_edition_names_2024_as_its_previous_one_and_a_later_year_is_refused():
    assert load_params(params_path(2026)).previous_edition == 2024
    assert load_params(params_path(2024)).previous_edition is None
    with pytest.raises(Exception, match="previous_edition"):
        load_params(params_path(2024), {"previous_edition": 2026})


def test_a_build_whose_previous_edition_is_not_published_stops_before_any_notebook(tmp_path):
    from exploitation_report.inputs.errors import InputError
    from exploitation_report.pipeline.build import build

    steps = []
    with pytest.raises(InputError, match=r"2024/results\.json.*build it first") as err:
        build(2026, engine="builtin", step=steps.append, output_root=tmp_path / "out", build_root=tmp_path / "b")
    assert "previous_edition" in str(err.value)
    assert not any(s.startswith("Running notebook") for s in steps) and not (tmp_path / "out" / "2026").exists()


def test_a_follow_up_file_is_checked_and_shown_beside_the_indicators_then_and_now(editions, tmp_path):

    from exploitation_report.chapters.recommendations import load_recommendations
    from exploitation_report.inputs.errors import InputError
    from exploitation_report.inputs.follow_up import load
    from exploitation_report.paths import PROJECT_ROOT
    from exploitation_report.pipeline.previous import check_follow_up

    follow_up = load(PROJECT_ROOT / "data" / "2026" / "follow_up_2024.yml")
    assert follow_up.synthetic and follow_up.edition == 2024
    previous, current = editions
    previous["recommendations"] = {"first_line_professionals": {"status": "supported",
                                                                "indicators": ["survey.knows_route"]}}
    bad = tmp_path / "follow_up.yml"
    bad.write_text((PROJECT_ROOT / "data" / "2026" / "follow_up_2024.yml").read_text(encoding="utf-8"),
                   encoding="utf-8")
    with pytest.raises(InputError, match=r"actions\.0\.recommendation.*first_line_professionals"):
        check_follow_up(load(bad), bad, previous)
    rules = load_recommendations(PROJECT_ROOT / "report" / "recommendations.yml")
    table = yoy.follow_up_table(previous, current, follow_up, rules)
    row = table.iloc[0]
    assert row["Aanbeveling"].startswith("Aanbeveling 2:") and row["Opvolging"].startswith("uitgevoerd:")
    assert "30 juni 2025" in row["Opvolging"] and row["Toen"].endswith("n = 217") and row["Nu"].endswith("n = 244")
    bad.write_text("edition: 2024\nsynthetic: true\nsource: x\nactions:\n  - recommendation: a\n    status: klaar\n"
                   "    action: x\n    owner: y\n    date: 2025-01-01\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"actions\.0\.status"):
        load(bad)
    assert yoy.follow_up_table(previous, current, None, rules).iloc[0]["Opvolging"] == "niet vastgelegd"


def _assumptions(nonresponse=(0.0, 0.5, 1.0), population=(1000.0, 1200.0, 1500.0), per_victim=(1.0, 1.0, 1.3)):
    """`estimation.assumptions` as results.json records it (the ranges and their distribution)."""
    ranges = {"nonresponse": nonresponse, "population": population, "per_victim": per_victim,
              "band_cap": (30.0, 30.0, 30.0)}
    return {"distribution": "triangular(low, central, high)",
            "ranges": {name: dict(zip(("low", "central", "high"), values)) for name, values in ranges.items()}}


def test_the_estimates_are_compared_with_each_its_own_interval_level(editions):
    # An 80% interval beside a 95% one read as two 95% intervals (only the first was labelled, and hard-coded).
    previous, current = editions
    current["estimation"]["any"]["interval"]["level"] = 0.8
    text = yoy.chapter(shares_over_years(current, previous, list(yoy.KEY_SHARES)), previous, current, "@t", "@r")
    assert "vorige meting 167 (95%-interval 84 tot 334) en is nu 193 (80%-interval 97 tot 386)." in text


def test_the_text_says_equal_assumptions_only_when_both_editions_recorded_equal_ones(editions):
    previous, current = editions
    changes = shares_over_years(current, previous, list(yoy.KEY_SHARES))
    # Not recorded (an edition without `estimation.assumptions`): no claim either way.
    assert yoy.assumptions_differing(previous, current) is None
    assert "dezelfde aannames" in (text := yoy.chapter(changes, previous, current, "@t", "@r")) and "Of beide" in text
    previous["estimation"]["assumptions"] = _assumptions()
    current["estimation"]["assumptions"] = _assumptions()
    assert yoy.assumptions_differing(previous, current) == []
    assert "Beide schattingen rusten op dezelfde aannames" in yoy.chapter(changes, previous, current, "@t", "@r")
    # A variant with another central non-response factor (and other ends of the per-victim correction, which
    # move only the sensitivity analysis) did not rest on the same assumptions.
    current["estimation"]["assumptions"] = _assumptions(nonresponse=(0.0, 0.3, 1.0), per_victim=(1.0, 1.0, 1.5))
    [differs] = yoy.assumptions_differing(previous, current)
    assert differs["label"] == "Hoe vaak niet-respondenten slachtoffers zien"
    text = yoy.chapter(changes, previous, current, "@t", "@r")
    assert "dezelfde aannames" not in text.replace("niet op dezelfde aannames", "")
    assert "De twee schattingen rusten niet op dezelfde aannames. Eén aanname is in deze meting anders dan in 2024:" \
        in text
    assert ("- Hoe vaak niet-respondenten slachtoffers zien: in 2024 centraal 0,5 (0 tot 1), nu centraal 0,3 (0 tot 1)"
            in text)
    # The list ends before the paragraph after it (a line right after an item would join the item).
    assert "nu centraal 0,3 (0 tot 1)\n\nHet verschil tussen de twee schattingen komt daarom deels" in text
    assert "@r geeft de registraties" in text
    # A fixed assumption reads 'vast', without a margin (docs/stijlgids.md).
    current["estimation"]["assumptions"]["ranges"]["band_cap"] = {"low": 40.0, "central": 40.0, "high": 40.0}
    text = yoy.chapter(changes, previous, current, "@t", "@r")
    assert "Twee aannames zijn" in text and "in 2024 vast 30, nu vast 40" in text
    # The per-victim correction's central value moves the estimate (its ends do not): then it differs too.
    current["estimation"]["assumptions"] = _assumptions(per_victim=(1.0, 1.2, 1.5))
    [differs] = yoy.assumptions_differing(previous, current)
    assert differs["label"] == "Correctie voor één gebruikelijk aantal andere professionals"


def _published_share(count, base):
    return share(Proportion(count, base).as_record())


def test_the_previous_editions_figures_are_shown_under_this_editions_threshold():
    """2024 at min_count 5 showed 82% (100 of 122) and 17% (21 of 122); their complements, 22 and 21
    persons, are below 25, so an edition at 25 must hide them, and every difference computed from them."""
    from exploitation_report.pipeline.previous import at_threshold
    from exploitation_report.stats.suppression import share_is_disclosive

    previous = _document(2024, {"survey.direct_contact": (100, 122), "survey.reported_externally": (21, 122),
                                "survey.met_any": (122, 222)}, 167.0, {2022: 29, 2023: 12})
    previous["estimation"]["registered_by_year"]["year_2023"]["suspected"] |= {"kind": "count", "unit": "persons"}
    previous["estimation"]["registered_by_year"]["year_2022"]["suspected"] |= {"kind": "count", "unit": "persons"}
    assert at_threshold(previous, 5) == previous   # the threshold it was published under: nothing more hidden
    hidden = at_threshold(previous, 25)
    for key in ("direct_contact", "reported_externally"):
        record = hidden["survey"][key]
        assert record["suppressed"] and record["count"] is None and record["estimate"] is None
        assert record["interval"]["low"] is None and record["base"] == 122   # the base (122 >= 25) stays
        assert share_is_disclosive(previous["survey"][key]["count"], 122, 25)   # the edition's own rule says so
    assert hidden["survey"]["met_any"] == previous["survey"]["met_any"]   # 122 and 100 of 222: both >= 25
    assert hidden["estimation"]["registered_by_year"]["year_2023"]["suspected"]["value"] is None
    assert hidden["estimation"]["registered_by_year"]["year_2022"]["suspected"]["value"] == 29
    assert previous["survey"]["direct_contact"]["count"] == 100   # a copy: the document read is unchanged
    current = _document(2026, {"survey.direct_contact": (125, 151)}, 193.0, {2024: 38, 2025: 44})
    changes = shares_over_years(current, hidden, list(yoy.KEY_SHARES))
    assert changes["direct_contact"]["change"]["suppressed"] and changes["reported_externally"]["change"]["suppressed"]
    table = yoy.table(changes, 2024, 2026).set_index("Cijfer (aandeel respondenten)")
    row = table.loc[yoy.KEY_SHARES["survey.direct_contact"]]
    assert row["2024"] == "x" and row.iloc[2] == "x" and row["p"] == "x" and row["2026"].endswith("n = 151")
    assert "82%" not in table.to_string() and "17%" not in table.to_string()
    regs = yoy.registrations_table(hidden, current, "ZVHG")
    assert dict(zip(regs["Jaar"], regs.iloc[:, 1]))["2023"] == "x"


def test_the_build_reads_the_previous_edition_under_its_own_threshold(tmp_path):
    import json

    from exploitation_report.pipeline.previous import read_and_check
    from exploitation_report.pipeline.results import SCHEMA_VERSION

    previous = {**_document(2024, {"survey.direct_contact": (100, 122)}, 167.0, {2022: 29}),
                "schema_version": SCHEMA_VERSION}
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "results.json").write_text(json.dumps(previous), encoding="utf-8")
    for min_count, hidden in ((5, False), (25, True)):
        params = load_params(params_path(2026), [f"suppression.min_count={min_count}", "inputs.follow_up=null"])
        read = read_and_check(params, tmp_path, None)
        assert read["survey"]["direct_contact"]["suppressed"] is hidden


def test_the_previous_editions_shares_are_hidden_together_where_one_would_give_another_back():
    from exploitation_report.pipeline.previous import at_threshold

    # met_any 95 of 100 is hidden at 10 (5 did not meet victims); direct contact "of those who met
    # victims" has base 95, which would give met_any back: it goes with its base.
    previous = _document(2024, {"survey.met_any": (95, 100), "survey.direct_contact": (60, 95),
                                "survey.knows_route": (60, 100)}, 167.0, {2022: 29})
    hidden = at_threshold(previous, 10)["survey"]
    assert hidden["met_any"]["suppressed"] and hidden["direct_contact"]["suppressed"]
    assert hidden["direct_contact"]["base"] is None and not hidden["knows_route"]["suppressed"]
    # Met any 60, sexual 53, criminal 40: "only criminal" is 60 - 53 = 7 < 10. The single forms go.
    previous = _document(2024, {"survey.met_any": (60, 200), "survey.met_sexual": (53, 200),
                                "survey.met_criminal": (40, 200)}, 167.0, {2022: 29})
    hidden = at_threshold(previous, 10)["survey"]
    assert hidden["met_sexual"]["suppressed"] and hidden["met_criminal"]["suppressed"]
    assert hidden["met_any"]["count"] == 60 and hidden["met_sexual"]["base"] == 200
    assert not at_threshold(previous, 5)["survey"]["met_sexual"]["suppressed"]    # 7 >= 5: as published
