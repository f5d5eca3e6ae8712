import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from exploitation_report.chapters import estimation_figures as figs
from exploitation_report.stats import estimation as est

LAD = est.Ladder("any", 100.0, 80.0, 80.0, 200.0, 300.0, 120.0, 380.0, 0.95,
                 intervals={"reported_raw": (90.0, 110.0), "scenario_central": (150.0, 260.0)},
                 minimum=60.0, nonresponse=(0.0, 0.5, 1.0))
REG = {"source": "ZVHG", "year": 2022, "synthetic": True, "suspected": {"count": 29},
       "by_form": {"any": {"available": True, "count": 29}, "sexual": {"available": True, "count": None}}}


def test_ladder_table_rows_intervals_and_registration_years():
    ladders = {f: LAD for f in est.FORMS}
    table = figs.ladder_table(ladders, REG, REG | {"year": 2023})
    assert table.columns[0] == "Trede"                          # no empty header cell (axe-core)
    assert table.iloc[0, 0] == "Geregistreerd ZVHG 2022"
    assert table.iloc[1, 0] == "Geregistreerd ZVHG 2023"
    assert table.iloc[0, 1] == "x" and table.iloc[0, 3] == "29"
    assert table.iloc[0, 2] == "–"                              # no registration of that form
    assert table.iloc[2, 3] == "100 (90–110)"            # reported, with its interval
    assert table.iloc[3, 3] == "80"                      # no interval given: the value alone
    assert table.iloc[5, 0] == "Scenario centraal (0,5 ×)"
    note = figs.ladder_note(LAD, "† Echt gepubliceerd cijfer.", None)
    assert "zien 0, 0,5 of 1 keer zoveel" in note and note.endswith(".\n\n† Echt gepubliceerd cijfer.")
    assert table.iloc[-1, 3] == "120–380"


def test_ladder_figure_marks_real_registrations_in_a_synthetic_edition():
    reg = {"year": 2022, "suspected": {"count": 29, "synthetic": False, "source_note": "Raadsbrief"},
           "by_form": {"sexual": {"count": 13, "synthetic": True}, "criminal": {"count": None}}}
    fig = figs.ladder_figure({f: LAD for f in est.FORMS}, reg, synthetic_edition=True)
    legends = [ax.get_legend() for ax in fig.axes]
    assert [t.get_text() for t in legends[0].get_texts()] == ["geregistreerd 2022:\n29†"]
    assert [t.get_text() for t in legends[1].get_texts()] == ["geregistreerd 2022:\n13"]
    assert legends[2] is None                                    # hidden count: no line
    assert "95%-interval" in fig._supxlabel.get_text()
    [note] = [t.get_text().replace("\n", " ") for t in fig.texts if "†" in t.get_text()]
    assert note.startswith("† Echt gepubliceerd cijfer; bron: Raadsbrief. Alle andere cijfers in deze figuur "
                           "zijn synthetisch")
    plt.close(fig)
    # A real edition marks nothing and needs no note.
    fig = figs.ladder_figure({f: LAD for f in est.FORMS}, reg)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["geregistreerd 2022:\n29"]
    assert not any("†" in t.get_text() for t in fig.texts)
    plt.close(fig)


def test_tornado_figure_draws_two_bars_per_assumption():
    table = pd.DataFrame([
        {"assumption": "nonresponse", "label": "Niet-respondenten", "low": 0.0, "central": 0.5, "high": 1.0,
         "total_low": 300.0, "total_central": 500.0, "total_high": 700.0, "swing": 400.0},
        {"assumption": "population", "label": "Professionals", "low": 1000, "central": 1200, "high": 1500,
         "total_low": 450.0, "total_central": 500.0, "total_high": 600.0, "swing": 150.0},
    ])
    fig = figs.tornado_figure(table)
    ax = fig.axes[0]
    widths = sorted(round(p.get_width()) for p in ax.patches)
    assert widths == [-200, -50, 100, 200]
    assert {t.get_text() for t in ax.texts} == {"0", "0,5", "1", "1.000", "1.500"} - {"0,5"}
    ticks = {round(pos): lab.get_text() for pos, lab in zip(ax.get_yticks(), ax.get_yticklabels())}
    assert ticks == {1: "Hoe vaak niet-respondenten\nslachtoffers zien",       # largest effect on top
                     0: "Aantal eerstelijns professionals"}
    assert any(p.get_hatch() for p in ax.patches)          # greyscale-safe: the low end is hatched
    plt.close(fig)
    sens = figs.sensitivity_table(table)
    assert sens.iloc[1].tolist() == ["Aantal eerstelijns professionals", "1.000 / 1.200 / 1.500", "450", "600", "150"]


def test_band_and_simulation_tables():
    readings = pd.DataFrame([
        {"reading": "lower", "position": 0.0, "reported_raw": 10.0, "known_dedup": 8.0, "estimate": 12.0},
        {"reading": "upper", "position": 1.0, "reported_raw": 14.0, "known_dedup": 11.0, "estimate": 16.0}])
    table = figs.band_table(readings, cap=30, open_band="meer dan 20")
    assert table.iloc[1, 0] == "Bovengrenzen (‘meer dan 20’ = 30)" and table.iloc[1, 3] == "16"
    sim = pd.DataFrame([{"scenario": sc, "form": f, "truth_mode": t, "level": 0.9, "bias": b, "bias_se": 0.0283,
                         "bias_at_truth": 0.0, "bias_at_truth_se": 0.011, "coverage": c, "coverage_se": 0.014,
                         "relative_width": 1.534}
                        for sc, f, t, b, c in (("random", "any", "drawn", 0.063, 0.97),
                                               ("heavy", "sexual", "central", -0.1, 1.0))])
    table = figs.simulation_table(sim)
    assert table.columns.tolist() == ["Scenario", "Aannames", "Vorm", "Afwijking centrale schatting",
                                      "Afwijking bij de echte waarden", "Dekking 90%-interval",   # the study's level
                                      "Breedte interval / echte aantal"]
    assert table.iloc[0].tolist() == ["Willekeurige respons", "getrokken", "samen (unie)", "+6% (± 2,8)",
                                      "0% (± 1,1)", "97% (± 1,4)", "1,53"]
    assert table.iloc[1, :4].tolist() == ["Veel overlap", "kloppen", "seksueel", "\u221210% (± 2,8)"]


def test_ladder_note_explains_a_low_scenario_below_the_known_number():
    assert "Het lage scenario ligt onder" not in figs.ladder_note(LAD, None, None)     # 80 = 80
    below = est.Ladder(**{**LAD.__dict__, "scenario_low": 60.0})
    assert "Het lage scenario ligt onder ‘bekend, ontdubbeld’" in figs.ladder_note(below, None, None)


def test_scenarios_with_equal_factors_share_one_row_in_the_table_the_note_and_the_figure():
    from dataclasses import replace

    merged = replace(LAD, nonresponse=(0.0, 0.0, 1.0), scenario_central=80.0)
    table = figs.ladder_table({f: merged for f in est.FORMS}, REG)
    labels = table["Trede"].tolist()
    assert "Scenario laag en centraal (0 ×)" in labels and "Scenario hoog (1 ×)" in labels
    assert not any(label.startswith("Scenario centraal") for label in labels)
    assert "zien 0 of 1 keer zoveel" in figs.ladder_note(merged, None, None)
    fixed = replace(LAD, nonresponse=(0.0, 0.0, 0.0), scenario_central=80.0, scenario_high=80.0)
    table = figs.ladder_table({f: fixed for f in est.FORMS}, REG)
    assert [lab for lab in table["Trede"] if lab.startswith("Scenario")] == ["Scenario (0 ×, vast)"]
    assert "Scenario: niet-respondenten zien 0 keer zoveel slachtoffers als respondenten (vast)." in \
        figs.ladder_note(fixed, None, None)
    fig = figs.ladder_figure({f: fixed for f in est.FORMS}, REG)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [
        "Gemeld, ruwe som", "Bekend, ontdubbeld", "Scenario", "Centrale schatting"]
    plt.close(fig)


def test_the_ladder_note_names_the_poisson_bound_only_where_it_moved_a_printed_bound():
    from dataclasses import replace

    widened = replace(LAD, ci_method=est.WIDENED_METHOD, ci_low=110.0, ci_bootstrap=(120.0, 380.0))
    assert "waar het exacte Poisson-interval van het aantal meldingen ruimer is, dat interval." in \
        figs.ladder_note(widened, None, None)
    same = replace(widened, ci_low=119.8)                     # 120 either way
    assert "Poisson" not in figs.ladder_note(same, None, None)
    assert "Poisson" in figs.ladder_note(same, None, None, widened=True)   # another form's bound moved


def test_sensitivity_note_names_the_fixed_assumptions_and_the_band_table_the_central_reading():
    note = figs.sensitivity_note([("band_cap", 30.0), ("others_cap", 8.0)])
    assert note.endswith("Vast in deze editie, zonder marge en daarom zonder rij: bovengrens van de open categorie "
                         "slachtoffers (30) en bovengrens van de open categorie andere professionals (8).")
    assert "Vast" not in figs.sensitivity_note([])
    readings = pd.DataFrame([{"reading": r, "position": p, "reported_raw": 1.0, "known_dedup": 1.0, "estimate": 1.0}
                             for r, p in (("lower", 0.0), ("midpoint", 0.5), ("upper", 1.0))])
    assert figs.band_table(readings, 30, "meer dan 20")["Antwoordcategorieën gelezen als"].tolist()[:2] == [
        "Ondergrenzen", "Middens (centraal)"]                  # the lower limits are no minimum
    assert figs.band_table(readings, 30, "meer dan 20", central=0.0).iloc[0, 0] == "Ondergrenzen (centraal)"


def test_the_timing_table_hides_a_small_group():
    from exploitation_report.stats import response_timing as rt

    n = 30
    dates = pd.Series(pd.date_range("2026-02-02", periods=n, freq="8h").strftime("%Y-%m-%dT%H:%M"), dtype="string")
    met = np.arange(n) % 2 == 0
    timing = rt.protect(rt.compare(dates, met, met * 2.0, met * 1.0, resamples=100, seed=1), 15)
    assert figs.timing_table(timing, 15)["Aantal"].tolist()[:2] == ["x", "x"]     # groups of ten
    assert figs.timing_table(timing, 5)["Aantal"].tolist()[:2] == ["10", "10"]


def test_the_figures_draw_whole_persons_as_the_tables_print_them():
    # An SVG keeps its coordinates: drawn exactly, the chart would tell what the table rounds away.
    from dataclasses import replace

    exact = replace(LAD, known_dedup=80.37, scenario_central=200.49, ci_low=119.6, ci_high=380.5,
                    intervals={"reported_raw": (90.0, 110.0), "scenario_central": (150.25, 259.75)})
    fig = figs.ladder_figure({f: exact for f in est.FORMS}, REG)
    xs = [x for ax in fig.axes for line in ax.lines for x in np.atleast_1d(line.get_xdata())]
    assert {200, 120, 381, 150, 260, 80} <= set(xs) and all(float(x).is_integer() for x in xs)
    plt.close(fig)
    table = pd.DataFrame([{"assumption": "nonresponse", "low": 0.0, "central": 0.5, "high": 1.0,
                           "total_low": 300.4, "total_central": 500.5, "total_high": 700.6, "swing": 400.2}])
    fig = figs.tornado_figure(table)
    ends = [p.get_x() + p.get_width() for p in fig.axes[0].patches if p.get_width()]
    assert [t.get_text() for t in fig.axes[0].texts] == ["0", "1"]
    assert sorted(ends) == [300, 701] and fig.axes[0].lines[0].get_xdata()[0] == 501
    plt.close(fig)


def test_an_assumption_that_does_not_move_the_estimate_gets_one_label_in_the_tornado():
    table = pd.DataFrame([{"assumption": "multiplicity_unknown", "low": 1.0, "central": 2.0, "high": 4.0,
                           "total_low": 167.2, "total_central": 167.2, "total_high": 166.9, "swing": 0.3}])
    fig = figs.tornado_figure(table)
    assert [t.get_text() for t in fig.axes[0].texts] == ["1 / 4"]       # not '1' and '4' on top of each other
    plt.close(fig)
