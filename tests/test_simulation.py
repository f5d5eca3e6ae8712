"""A fast, small check of the simulation study's code (not the study itself)."""

import multiprocessing

import numpy as np
import pandas as pd
import pytest

from exploitation_report.stats import estimation as est
from exploitation_report.stats import simulation as sim

BANDS = {1: (1, 1), 2: (2, 3), 3: (4, 5), 4: (6, 10), 5: (11, 20), 6: (21, None)}
ALL_BANDS = {"n_sexual": BANDS, "n_criminal": BANDS, "n_both": BANDS,
             "n_other_professionals": {1: (0, 0), 2: (1, 1), 3: (2, 3), 4: (4, None)}}
ASSUME = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(1000, 1200, 1500))


def test_band_code():
    codes = sim.band_code(np.array([0, 1, 3, 7, 25]), BANDS)
    assert np.isnan(codes[0]) and codes[1:].tolist() == [1, 2, 4, 6]


def test_at_position_puts_values_where_the_truth_says_within_their_band():
    rng = np.random.default_rng(1)
    values = np.repeat([0, 2, 3, 25], 4000)
    out = sim.at_position(values, BANDS, 0.25, 41, rng)
    assert (out[:4000] == 0).all()                                    # outside every band: kept
    assert set(out[4000:12000]) <= {2, 3} and out[4000:12000].mean() == pytest.approx(2.25, abs=0.03)
    assert set(out[12000:]) <= set(range(21, 42)) and out[12000:].mean() == pytest.approx(26, abs=0.03)
    assert (sim.at_position(values, BANDS, 1.0, 41, rng)[12000:] == 41).all()   # the open band ends at the cap


def test_true_values_follow_the_editions_ranges():
    rng = np.random.default_rng(2)
    wide = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(1000, 1200, 1500), band_cap=(25, 30, 50))
    draws = pd.DataFrame([sim.true_values(sim.Scenario("x"), wide, rng) for _ in range(3000)])
    for name in est.ASSUMPTIONS:
        low, central, high = getattr(wide, name)
        assert draws[name].between(low, high).all(), name
        # The triangular distribution's mean, as the interval draws it.
        assert draws[name].mean() == pytest.approx((low + central + high) / 3, abs=0.05 * (high - low) + 1e-9), name
    assert sim.true_values(sim.Scenario("x", truth="central"), wide, rng) == wide.central()
    with pytest.raises(ValueError, match="truth"):
        sim.Scenario("x", truth="fixed")


def truth_at(**values):
    return ASSUME.central() | values


def test_population_is_built_so_that_the_drawn_truth_holds():
    theta = truth_at(population=1300.4, others_position=1.0, others_cap=9.0, band_position=0.0, nonresponse=0.3)
    pop = sim.draw_population(sim.World(), sim.Scenario("h", heavy_others=0.8), theta, ALL_BANDS,
                              np.random.default_rng(4))
    assert pop.professionals == 1300
    # Others at the upper end of their band, the open band ending at the cap; counts at the lower limits.
    assert set(np.unique(pop.others)) <= {0, 1, 3, 9} and (pop.others == 9).mean() > 0.5
    counts = pop.slots[pop.respondent]
    sexual = counts[:, 0] + counts[:, 2]
    assert set(np.unique(sexual)) <= {0, 1, 2, 4, 6, 11, 21}
    # Every victim is known to as many professionals as their class says (up to one remainder per class and form).
    assert pop.victim_multiplicity.sum() == pop.slots.sum()
    assert np.isin(pop.victim_multiplicity, 1 + pop.others).mean() > 0.97


def test_non_respondents_meet_victims_at_the_drawn_factor_on_average():
    for scenario in (sim.Scenario("r"), sim.Scenario("s", response_odds=3.0)):
        factors = [sim.truth(sim.draw_population(sim.World(), scenario, truth_at(nonresponse=0.4), ALL_BANDS,
                                                 np.random.default_rng([7, r])))["factor"] for r in range(30)]
        assert np.mean(factors) == pytest.approx(0.4, abs=0.05), scenario.name


def test_sirken_weights_at_the_realised_factor_give_the_number_of_victims():
    # Exact answers (each respondent's victims with their class) at the realised factor recover the truth,
    # also with self-selected response: the world is the estimator's model.
    for r, scenario in enumerate((sim.Scenario("r"), sim.Scenario("s", response_odds=3.0))):
        pop = sim.draw_population(sim.World(), scenario, truth_at(nonresponse=0.7), ALL_BANDS,
                                  np.random.default_rng([3, r]))
        t = sim.truth(pop)
        v = pop.slots[pop.respondent].sum(axis=1)
        total = est.population_total(v, 1.0 + pop.others[pop.respondent], t["factor"], t["respondents"],
                                     pop.professionals)
        assert total == pytest.approx(t["victims"]["any"], rel=0.02), scenario.name


def hand_population():
    # Professionals 0, 1 respond; 2 does not. Professional 0 knows 2 sexual-only victims, professional 1 one of
    # both forms and one criminal-only; each victim is known to the number of professionals in their class.
    return sim.Population(organisation=np.array([0, 0, 1]), respondent=np.array([True, True, False]),
                          others=np.array([1, 0, 0]), slots=np.array([[2, 0, 0], [0, 1, 1], [0, 3, 0]]),
                          victim_form=np.array([0, 1, 2, 1, 1]), victim_multiplicity=np.array([2, 1, 1, 1, 1]),
                          victim_known=np.array([True, True, True, False, False]))


def test_survey_answers_code_what_respondents_know():
    answers = sim.survey_answers(hand_population(), ALL_BANDS, 0.0, 0.0, np.random.default_rng(0))
    assert answers["respondent_id"].tolist() == ["S00000", "S00001"]
    assert answers["met_sexual"].tolist() == [1, 1] and answers["met_criminal"].tolist() == [2, 1]
    assert answers["n_sexual"].tolist() == [2, 1] and answers["n_criminal"].isna().tolist() == [True, False]
    assert answers["met_both"].tolist()[1] == 1 and answers["n_both"].tolist()[1] == 1
    assert answers["n_other_professionals"].tolist() == [2, 1]
    skipped = sim.survey_answers(hand_population(), ALL_BANDS, 0.0, 1.0, np.random.default_rng(0))
    assert skipped["n_other_professionals"].isna().all()
    unknown = sim.survey_answers(hand_population(), ALL_BANDS, 1.0, 0.0, np.random.default_rng(0))
    assert unknown["n_other_professionals"].tolist() == [5, 5]     # "weet ik niet": the code after the bands


def test_truth_counts_distinct_victims_per_form_and_the_realised_factor():
    t = sim.truth(hand_population())
    assert t["victims"] == {"sexual": 2, "criminal": 4, "any": 5} and t["respondents"] == 2
    assert t["known"] == {"sexual": 2, "criminal": 2, "any": 3}
    # Sirken weights: p0 = 2/2, p1 = 2/1, p2 (non-respondent) = 3/1; respondents' mean 1.5.
    assert t["factor"] == pytest.approx(2.0)


def test_run_is_deterministic_and_summarises_every_scenario_and_form():
    args = dict(world=sim.World(victims=60), scenarios=sim.SCENARIOS[:2], assumptions=ASSUME, bands=ALL_BANDS,
                replicates=2, resamples=200, seed=11)
    reps, summary = sim.run(**args)
    assert "fork" in multiprocessing.get_all_start_methods()   # else processes=2 would run one after another
    reps2, summary2 = sim.run(**args, processes=2)     # replicates in two forked workers: the same rows
    pd.testing.assert_frame_equal(reps, reps2)
    pd.testing.assert_frame_equal(summary, summary2)
    assert len(reps) == 2 * 2 * 3
    assert list(zip(summary["scenario"], summary["form"])) == [(s, f) for s in ("random", "selected")
                                                              for f in ("sexual", "criminal", "any")]
    g = reps[(reps["scenario"] == "random") & (reps["form"] == "any")]
    rel = (g["estimate"] - g["truth"]) / g["truth"]
    row = summary.iloc[2]
    assert row["bias"] == pytest.approx(rel.mean()) and row["bias_se"] == pytest.approx(rel.std() / np.sqrt(2))
    covered = ((g["ci_low"] <= g["truth"]) & (g["truth"] <= g["ci_high"])).sum()
    assert row["covered"] == covered and row["coverage"] == covered / 2
    adjusted = (covered + 2) / 6                                   # Agresti-Coull: never an error of 0
    assert row["coverage_se"] == pytest.approx(np.sqrt(adjusted * (1 - adjusted) / 2))
    assert (summary["resamples"] == 200).all() and (summary["level"] == 0.95).all()
    # Every replicate drew its own truth from the ranges.
    assert g["true_nonresponse"].nunique() == 2 and g["true_nonresponse"].between(0, 1).all()


def test_a_wide_population_range_runs_although_a_municipality_has_more_respondents_than_its_low_end():
    # Drawn near 2,000, about 18 % respond: more than the 100 the range allows at its low end. The
    # estimate once refused that ("must hold at least the ... respondents") and the build stopped.
    wide = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(100, 1800, 2000))
    reps, _ = sim.run(world=sim.World(victims=60), scenarios=sim.SCENARIOS[:1], assumptions=wide, bands=ALL_BANDS,
                      replicates=2, resamples=100, seed=3)
    assert (reps["respondents"] > 100).all() and reps["estimate"].notna().all()


def test_a_small_study_covers_near_nominal_and_is_unbiased_when_the_assumptions_are_right():
    # 60 municipalities with the truth drawn from the ranges, 40 with the assumptions right. Generous
    # tolerances: the Monte-Carlo error of a coverage of 95 % over 60 replicates is 2.8 points.
    _, drawn = sim.run(sim.World(), (sim.Scenario("random"),), ASSUME, ALL_BANDS, replicates=60, resamples=300,
                       seed=5)
    assert drawn["coverage"].between(0.85, 1.0).all()
    assert drawn["bias_at_truth"].abs().max() < 0.05
    _, right = sim.run(sim.World(), (sim.Scenario("right", truth="central"),), ASSUME, ALL_BANDS, replicates=40,
                       resamples=300, seed=6)
    assert right["bias"].abs().max() < 0.10
    assert (right["coverage"] >= 0.9).all()


# --- the study as a build step (pipeline.simulation_study) --------------------------------------

QUICK = ["estimation.simulation.replicates=2", "estimation.simulation.resamples=100"]


@pytest.fixture(scope="module")
def codebook():
    from exploitation_report.inputs.codebook import load_codebook
    from exploitation_report.paths import PROJECT_ROOT

    return load_codebook(PROJECT_ROOT / "data" / "codebook.yml")


def settings(codebook, *overrides):
    from exploitation_report.inputs.params import load_params
    from exploitation_report.paths import params_path
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
    assert (frame["replicates"] == 2).all() and len(frame) == len(sim.SCENARIOS) * 3
    assert (frame.attrs["replicates"], frame.attrs["resamples"], frame.attrs["seed"]) == (2, 100, 20241009)
    for other in (settings(codebook, "estimation.simulation.seed=1"), settings(codebook, "estimation.open_band_cap.high=60"),
                  settings(codebook, "estimation.simulation.replicates=3")):
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


def test_results_record_gives_every_figure_its_unit(codebook, tmp_path):
    from exploitation_report.chapters.estimation_text import SCENARIO_LABELS
    from exploitation_report.pipeline import simulation_study as study
    from exploitation_report.pipeline.results_schema import validate

    frame = study.load_study(study.run_study(settings(codebook), tmp_path / "s", cache=tmp_path / "c"))
    record = study.results_record(frame)
    assert [d["design"] for d in record["designs"]] == [s.name for s in sim.SCENARIOS]
    first = record["designs"][0]
    assert first["label"] == SCENARIO_LABELS["random"] and first["truth"] == "drawn"
    assert record["replicates"] == 2 and "key" not in record   # provenance.json has it
    any_form = first["forms"]["any"]
    assert any_form["bias"]["unit"] == "relative_error" and any_form["bias"]["interval"]["method"] == "monte_carlo_normal"
    assert any_form["coverage"]["unit"] == "proportion" and any_form["coverage"]["base_unit"] == "replicates"
    assert any_form["coverage"]["base"] == 2 and any_form["true_victims"]["unit"] == "persons"
    row = frame[(frame["scenario"] == "random") & (frame["form"] == "any")].iloc[0]
    assert any_form["bias"]["estimate"] == pytest.approx(row["bias"], abs=1e-6)
    # The record is valid where the notebook puts it.
    doc = {"schema_version": "1.0.0", "edition": {"year": 2024, "synthetic": True, "reference_period": "x",
                                                   "params_digest": "x", "inputs": {}},
           "survey": {}, "estimation": {"simulation": record}, "recommendations": {}}
    assert validate(doc) == []
