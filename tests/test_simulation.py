"""A fast, small check of the simulation study's code (not the study itself)."""

import numpy as np
import pandas as pd
import pytest

from exploitation_report.stats import estimation as est
from exploitation_report.stats import simulation as sim

BANDS = {1: (1, 1), 2: (2, 3), 3: (4, 5), 4: (6, 10), 5: (11, 20), 6: (21, None)}
ALL_BANDS = {"n_sexual": BANDS, "n_criminal": BANDS, "n_both": BANDS,
             "n_other_professionals": {1: (0, 0), 2: (1, 1), 3: (2, 3), 4: (4, None)}}
SMALL = sim.World(professionals=150, organisations=10, victims=40, response_rate=0.4)
ASSUME = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(1000, 1200, 1500))


def test_band_code():
    codes = sim.band_code(np.array([0, 1, 3, 7, 25]), BANDS)
    assert np.isnan(codes[0]) and codes[1:].tolist() == [1, 2, 4, 6]


def hand_population():
    # Victim 0 (sexual) known to professionals 0 and 1; victim 1 (both) to 1; victim 2 (criminal) to 2.
    return sim.Population(link_professional=np.array([0, 1, 1, 2]), link_victim=np.array([0, 0, 1, 2]),
                          victim_form=np.array([0, 2, 1]), multiplicity=np.array([2, 1, 1]),
                          organisation=np.array([0, 0, 1, 1]), respondent=np.array([True, True, False, True]))


def test_survey_answers_code_what_respondents_know():
    answers = sim.survey_answers(hand_population(), ALL_BANDS, 0.0, np.random.default_rng(0))
    assert answers["respondent_id"].tolist() == ["S00000", "S00001", "S00003"]
    assert answers["met_sexual"].tolist() == [1, 1, 2] and answers["met_criminal"].tolist() == [2, 1, 2]
    assert answers["n_sexual"].tolist()[:2] == [1, 2]          # professional 1 knows 2 sexual victims: band 2-3
    assert answers["met_both"].tolist()[1] == 1 and answers["n_both"].tolist()[1] == 1
    # Typical others: professional 0's victim has one other professional; professional 1's median is 0.5 -> 1.
    assert answers["n_other_professionals"].tolist()[:2] == [2, 2]
    assert answers["n_other_professionals"].isna().tolist()[2]   # met nobody: not asked


def test_truth_counts_distinct_victims_and_the_real_factor():
    t = sim.truth(hand_population())
    assert t["victims"] == 3 and t["known"] == 2 and t["respondents"] == 3
    # Sirken weights: p0 = 1/2, p1 = 1/2 + 1, p2 (non-respondent) = 1; respondents' mean = (0.5 + 1.5 + 0) / 3.
    assert t["factor"] == pytest.approx(1 / (2 / 3))


def test_population_links_are_distinct_professionals_per_victim():
    pop = sim.draw_population(SMALL, sim.DESIGNS[0], np.random.default_rng(5))
    assert len(pop.link_victim) == pop.multiplicity.sum()
    pairs = pd.DataFrame({"v": pop.link_victim, "p": pop.link_professional})
    assert not pairs.duplicated().any()
    assert 0 < pop.respondent.sum() < SMALL.professionals


def test_run_is_deterministic_and_summarises_every_design():
    args = dict(world=SMALL, designs=sim.DESIGNS[:2], assumptions=ASSUME, bands=ALL_BANDS,
                replicates=2, resamples=200, seed=11)
    reps, summary = sim.run(**args)
    reps2, summary2 = sim.run(**args)
    pd.testing.assert_frame_equal(summary, summary2)
    assert len(reps) == 4 and summary["design"].tolist() == ["random", "meeters_more"]
    assert summary["coverage"].between(0, 1).all()
    g = reps[reps["design"] == "random"]
    expected = ((g["known_dedup"] - g["true_victims"]) / g["true_victims"]).mean()
    assert summary.loc[0, "bias_known_dedup"] == pytest.approx(expected)
    assert (reps["reported_raw"] >= reps["known_dedup"]).all()
    assert (summary["true_victims"] == SMALL.victims).all() and (summary["resamples"] == 200).all()
    at_truth = ((g["at_true_factor"] - g["true_victims"]) / g["true_victims"]).mean()
    assert summary.loc[0, "bias_at_true_factor"] == pytest.approx(at_truth)
    covered = ((g["ci_true_factor_low"] <= g["true_victims"]) & (g["true_victims"] <= g["ci_true_factor_high"])).mean()
    assert summary.loc[0, "coverage_at_true_factor"] == pytest.approx(covered)
    assert (summary[["level", "factor_low", "factor_central", "factor_high"]] == [0.95, 0.0, 0.5, 1.0]).all().all()


def test_estimator_is_exact_at_the_true_factor_whoever_responds():
    # Exact answers (one report per professional-victim link, with that victim's own multiplicity)
    # and the true non-response factor recover the number of victims, also when those who met
    # victims answer more or less often: the factor means what the estimator assumes it means.
    for d, design in enumerate(sim.DESIGNS):
        pop = sim.draw_population(SMALL, design, np.random.default_rng([3, d]))
        t = sim.truth(pop)
        reported = pop.respondent[pop.link_professional]
        m = pop.multiplicity[pop.link_victim][reported]
        total = est.population_total(np.ones(m.size), m, t["factor"], t["respondents"], SMALL.professionals)
        assert total == pytest.approx(t["victims"]), design.name
