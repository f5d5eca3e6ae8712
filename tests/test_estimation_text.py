import numpy as np
import pandas as pd

from exploitation_report import dutch
from exploitation_report import estimation as est
from exploitation_report import estimation_text as text
from exploitation_report.paths import REPORT_DIR


def ladder(form, central, low, high):
    return est.Ladder(form, central * 1.2, central * 0.6, central * 0.6, central, central * 1.4, low, high, 0.95,
                      minimum=central * 0.4, nonresponse=(0.0, 0.5, 1.0))


LADDERS = {"any": ladder("any", 564.0, 326.0, 915.0), "sexual": ladder("sexual", 337.0, 196.0, 549.0),
           "criminal": ladder("criminal", 307.0, 88.0, 503.0)}


def test_factor_is_short_and_dutch():
    assert [text.factor(x) for x in (0.0, 0.5, 2.0, 1200, 0.25)] == ["0", "0,5", "2", "1.200", "0,2"]


def test_estimand_states_the_union_and_marks_synthetic():
    t = text.estimand("2022–2023", synthetic=True)
    assert "niet de som" in t and "2022–2023" in t and "synthetische gegevens" in t
    assert "synthetic-notice" not in text.estimand("2022–2023", synthetic=False)


def test_outcome_magnitude_follows_the_interval():
    t = text.outcome("2022–2023", LADDERS, "@tbl-a", "@fig-b")
    assert f"**{dutch.magnitude(326, 915)}**" in t
    assert "326–915" in t and "centraal 564" in t and "interval 88–503" in t
    low = {k: ladder(k, 60.0, 40.0, 120.0) for k in est.FORMS}
    assert "**tientallen tot honderden**" in text.outcome("2022–2023", low, "@t", "@f")


def test_method_names_every_assumption_and_its_range():
    zero = est.Bounds(np.zeros(3), np.zeros(3))
    data = est.EstimationData({"sexual": zero, "criminal": zero, "both": zero}, zero, np.array([0, 0, 1]),
                              np.array([True, False, False]), missing_counts=2, unknown_others=1)
    a = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(1000, 1200, 1500))
    t = text.method(data, a, population=1200, respondents_met=1, cap=30, others_cap=8, resamples=2000,
                    registered_years=[2022, 2023])
    for piece in ("2022 en 2023", "marge 1.000 tot 1.500", "0 (laag), 0,5 (centraal) of 1 (hoog)",
                  "2.000 herhaalde trekkingen", "2 organisaties", "telt hoogstens als 30", "Van 2 respondenten"):
        assert piece in t, piece


def test_limitations_and_appendix_read_the_simulation_table():
    sim = pd.read_csv(REPORT_DIR / "simulation" / "simulation_results.csv")
    lim = text.limitations(sim, "@sec-x")
    rnd = sim.set_index("design").loc["random"]
    assert f"{dutch.percent(rnd['coverage'])} van de gevallen" in lim and "@sec-x" in lim
    appendix = text.simulation_appendix(sim, "@tbl-s")
    assert f"{dutch.number(rnd['replicates'])} keer per ontwerp" in appendix
    assert f"{dutch.number(rnd['resamples'])} bootstraptrekkingen" in appendix
    assert "@sec-x" not in text.limitations(None, None)
