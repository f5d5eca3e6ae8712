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
            "estimation": {"any": {"estimate": estimate, "interval": {"low": estimate / 2, "high": estimate * 2}},
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
