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


# --- the study as a build step (pipeline.simulation_study) --------------------------------------

QUICK = ["estimation.simulation.replicates=1", "estimation.simulation.resamples=100"]


@pytest.fixture(scope="module")
def codebook():
    from exploitation_report.inputs.codebook import load_codebook
    from exploitation_report.paths import PROJECT_ROOT

    return load_codebook(PROJECT_ROOT / "data" / "codebook.yml")


def settings(codebook, *overrides):
    from exploitation_report.inputs.params import load_params, params_path
    from exploitation_report.pipeline.simulation_study import StudySettings

    return StudySettings.from_edition(load_params(params_path(2024), QUICK + list(overrides)), codebook)


def test_study_reruns_when_what_it_reads_changes_and_is_reused_otherwise(codebook, tmp_path, monkeypatch):
    from exploitation_report.pipeline import simulation_study as study

    runs = []
    compute = study.compute
    monkeypatch.setattr(study, "compute", lambda s, folder: (runs.append(s), compute(s, folder)))
    cache = tmp_path / "cache"
    base = settings(codebook)
    first = study.run_study(base, tmp_path / "a" / "simulation", cache=cache)
    again = study.run_study(base, tmp_path / "b" / "simulation", cache=cache)    # another build root
    study.run_study(base, first, cache=cache)                                    # a rebuild
    assert len(runs) == 1
    assert (first / study.RESULTS).read_bytes() == (again / study.RESULTS).read_bytes()
    assert (cache / "simulation" / base.key() / study.RESULTS).is_file()

    # Parameters the study does not read leave it as it is (a variant of them reuses it) ...
    assert settings(codebook, "suppression.min_count=10", "estimation.registrations_year=2023",
                    "estimation.bootstrap.resamples=3000").key() == base.key()
    # ... those it reads make a new one, which says what it ran with.
    lower = settings(codebook, "estimation.nonresponse_factor.central=0.3")
    assert lower.key() != base.key()
    frame = study.load_study(study.run_study(lower, first, cache=cache))
    assert len(runs) == 2
    assert frame.attrs["assumptions"]["nonresponse_factor"] == {"low": 0.0, "central": 0.3, "high": 1.0}
    assert (frame["factor_central"] == 0.3).all() and (frame["replicates"] == 1).all()
    assert (frame.attrs["replicates"], frame.attrs["resamples"], frame.attrs["seed"]) == (1, 100, 20241009)
    for other in (settings(codebook, "estimation.simulation.seed=1"), settings(codebook, "estimation.open_band_cap.high=60"),
                  settings(codebook, "estimation.simulation.replicates=2")):
        assert other.key() not in (base.key(), lower.key())


def test_a_change_in_the_estimators_code_makes_a_new_study(codebook, tmp_path, monkeypatch):
    from exploitation_report.pipeline import simulation_study as study

    before = settings(codebook).key()
    copy = tmp_path / "estimation.py"
    copy.write_bytes(study.SOURCES[1].read_bytes())
    monkeypatch.setattr(study, "SOURCES", (study.SOURCES[0], copy))
    assert settings(codebook).key() == before
    copy.write_bytes(copy.read_bytes() + b"\n# changed\n")
    assert settings(codebook).key() != before


def test_results_record_keeps_labels_under_label(codebook, tmp_path):
    from exploitation_report.pipeline import simulation_study as study

    frame = study.load_study(study.run_study(settings(codebook), tmp_path / "s", cache=tmp_path / "c"))
    record = study.results_record(frame)
    assert [d["design"] for d in record["designs"]] == [d.name for d in sim.DESIGNS]
    assert record["designs"][0]["label"] == sim.DESIGNS[0].label and "design_label" not in record["designs"][0]
    assert record["replicates"] == 1 and "key" not in record   # provenance.json has it
