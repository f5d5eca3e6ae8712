"""The synthetic data generator: reproducible, internally consistent and calibrated."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exploitation_report.inputs import published
from exploitation_report.inputs.codebook import load_codebook
from exploitation_report.inputs.readers import read_registrations, read_survey
from exploitation_report.paths import PROJECT_ROOT
from exploitation_report.stats import encounters
from exploitation_report.synth.generate import (
    COLUMNS,
    CONDITIONED,
    GROUPS,
    OPTIONAL_COLUMNS,
    PUBLISHED_2024,
    SHIPPED_N,
    TARGET_DIRECT,
    TARGET_MET_ANY,
    TARGET_MET_BOTH,
    generate_registrations,
    generate_survey,
    realised,
    write_synthetic,
)
from exploitation_report.synth.worlds import world_for

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK = ROOT / "data" / "codebook.yml"
SHIPPED = ROOT / "data" / "2024"


@pytest.fixture(scope="module")
def cb():
    return load_codebook(CODEBOOK)


@pytest.fixture(scope="module")
def figures():
    return published.load(PUBLISHED_2024)


def _shares(frame: pd.DataFrame) -> tuple[float, float, float, int, int]:
    an = frame[frame["works_in_municipality"] == 1]
    met_any = ((an["met_sexual"] == 1) | (an["met_criminal"] == 1)).fillna(False).astype(bool)
    met = an[met_any]
    # Shares over everyone in the base: NA (not asked) counts as "not 1".
    direct = (met["direct_contact"] == 1).fillna(False).mean()
    both = (met["met_both"] == 1).fillna(False).mean()
    return float(met_any.mean()), float(direct), float(both), len(an), int(met_any.sum())


def test_columns_follow_codebook(cb):
    frame = generate_survey(seed=3)
    assert list(cb.variables) == COLUMNS
    # The 2024 world records no response dates: that optional column is left out.
    assert list(frame.columns) == [c for c in COLUMNS if c not in OPTIONAL_COLUMNS]
    for name, var in cb.variables.items():
        if name in frame:
            assert str(frame[name].dtype) == ("Int64" if var.coded else "string"), name


def test_response_dates_and_grid_come_from_streams_of_their_own(cb):
    # The 2026 world records when each respondent answered; the grid is appended on request.
    plain = generate_survey(seed=5, n=120, world=world_for(2026))
    full = generate_survey(seed=5, n=120, world=world_for(2026), grid=3)
    assert list(full.columns) == COLUMNS + ["others_victim_1", "others_victim_2", "others_victim_3"]
    pd.testing.assert_frame_equal(full[plain.columns], plain)      # nothing else moved
    dates = pd.to_datetime(full["response_date"], format="ISO8601")
    assert dates.min() >= pd.Timestamp("2026-02-02") and dates.max() < pd.Timestamp("2026-03-16")
    met = ((full["met_sexual"] == 1) | (full["met_criminal"] == 1)).fillna(False)
    grid = full[["others_victim_1", "others_victim_2", "others_victim_3"]]
    assert grid[~met].isna().all().all() and grid.loc[met, "others_victim_1"].notna().all()
    assert set(grid.stack().dropna().unique()) <= set(cb.variables["n_other_professionals"].codes)


def test_reproducible_files(tmp_path):
    a = write_synthetic(tmp_path / "a", seed=7, n=120)
    b = write_synthetic(tmp_path / "b", seed=7, n=120)
    c = write_synthetic(tmp_path / "c", seed=8, n=120)
    assert [p.name for p in a] == ["survey_2024_synthetic.csv", "registrations_2024.csv", "README.md",
                                  "linked_registrations_synthetic.csv"]
    for pa_, pb_ in zip(a, b):
        assert pa_.read_bytes() == pb_.read_bytes()
    assert a[0].read_bytes() != c[0].read_bytes()
    assert a[0].read_bytes().decode("utf-8").count("\r") == 0


def test_shipped_files_are_the_generator_output(tmp_path, figures):
    fresh = write_synthetic(tmp_path, seed=2024, n=SHIPPED_N, figures=PUBLISHED_2024)
    for path in fresh:
        assert (SHIPPED / path.name).read_bytes() == path.read_bytes(), path.name
    readme = (SHIPPED / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in readme and "SYNTHETISCH" in readme
    # The README names every figure the data were made to match, with its source.
    assert "data/2024/published_figures.yml" in readme
    for figure in figures.figures.values():
        assert f"{figure.published_as} (bron: {figures.sources[figure.source].title_nl})" in readme or \
            figure.result is None, figure.label


@pytest.mark.parametrize("seed, conditioned", [(2024, True), (1, False), (99, False), (99, True)])
def test_consistency(seed, conditioned, cb, tmp_path):
    n, file = (SHIPPED_N, PUBLISHED_2024) if conditioned else (228, None)
    raw = generate_survey(seed=seed, n=n, figures=published.load(file) if file else None)
    path = write_synthetic(tmp_path, seed=seed, n=n, figures=file)[0]
    df = read_survey(path, cb)  # passes every codebook and skip-logic check
    assert len(df) == n and (df["synthetic"] == 1).all() and df.attrs["synthetic"]

    # Screened out: ~8 respondents, every later item empty.
    out = df["works_in_municipality"] == 2
    assert out.sum() == 8
    later = [c for c in COLUMNS[COLUMNS.index("works_in_municipality") + 1:] if c in df]
    assert df.loc[out, later].isna().all().all()

    met_any = ((df["met_sexual"] == 1) | (df["met_criminal"] == 1)).fillna(False)
    victim_items = ["direct_contact", "n_other_professionals"] + [m for g in (
        "victim_gender", "victim_age", "victim_origin", "vulnerability", "living_situation", "signals", "actions")
        for m in GROUPS[g]]
    assert df.loc[~met_any, victim_items].isna().all().all()  # no details without a victim
    assert df.loc[met_any, "direct_contact"].notna().all()

    both = df["met_both"] == 1
    assert ((df.loc[both.fillna(False), "met_sexual"] == 1) & (df.loc[both.fillna(False), "met_criminal"] == 1)).all()
    sub = df[df["n_both"].notna()]
    assert (sub["n_both"] <= np.minimum(sub["n_sexual"], sub["n_criminal"])).all()

    # Every asked multi-response group has at least one option ticked.
    for group in GROUPS.values():
        block = df[group]
        asked = block.notna().any(axis=1)
        assert block[asked].notna().all().all()
        assert (block[asked].sum(axis=1) >= 1).all(), group
    for exclusive, group in [("action_nothing", "actions"), ("vuln_none_known", "vulnerability"),
                             ("living_unknown", "living_situation"), ("victim_origin_unknown", "victim_origin")]:
        alone = (df[exclusive] == 1).fillna(False)
        others = [m for m in GROUPS[group] if m != exclusive]
        assert (df.loc[alone, others] == 0).all().all(), exclusive

    ext = df["action_reported_externally"]
    report = df[GROUPS["reported_to"]].notna().any(axis=1)
    noreport = df[GROUPS["reasons_not_reported"]].notna().any(axis=1)
    assert (report == (ext == 1).fillna(False)).all()
    assert (noreport == (ext == 0).fillna(False)).all()
    assert df.loc[df["noreport_other_text"].notna(), "noreport_other"].eq(1).all()
    assert df.loc[df["sector_other"].notna(), "sector"].eq(9).all()
    assert df.loc[df["sector"] == 9, "sector_other"].str.contains("SYNTHETISCH").all()

    # Organisations nested in sectors, several respondents each.
    per_org = raw.groupby("organisation_id")["sector"].nunique()
    assert (per_org == 1).all()
    assert raw["organisation_id"].value_counts().min() >= 2
    assert raw["organisation_id"].str.match(r"^ORG-\d{3}$").all()
    # Item non-response and "weet ik niet" exist.
    assert (raw[["years_experience", "caseload", "know_signals", "training_wanted"]] == -9).any().any()
    assert ((raw["met_sexual"] == 3) | (raw["met_criminal"] == 3)).any()


def test_plausible_profile():
    frames = [read for read in (generate_survey(seed=s) for s in range(5))]
    df = pd.concat(frames, ignore_index=True)
    sizes = df["sector"].value_counts()
    assert sizes.idxmax() == 1 and sizes[4] > sizes[2] and sizes[8] < sizes[2]
    an = df[df["works_in_municipality"] == 1]
    met_any = ((an["met_sexual"] == 1) | (an["met_criminal"] == 1)).fillna(False)
    rate = met_any.groupby(an["sector"]).mean()
    assert rate[8] > rate[2] + 0.3 and rate[3] > rate[6] and rate[7] > rate[2]
    met = an[met_any]
    share = lambda c: (met[c] == 1).mean()  # noqa: E731
    for c in ("living_care_institution", "living_supported_housing", "vuln_lvb", "vuln_debts",
              "vuln_psychiatric", "victim_age_minor"):
        assert share(c) > 0.25, c
    assert share("action_reported_externally") < 0.5  # a minority reports externally
    assert (an["training_wanted"] == 1).mean() > 0.5
    bands = pd.concat([an["n_sexual"], an["n_criminal"]]).dropna()
    assert bands.isin([1, 2]).mean() > 0.5 and bands.isin([5, 6]).any()


def test_calibrated_to_published_figures():
    # Expected shares are exact by construction (brentq on the drawn sector mix).
    cal = generate_survey(seed=11).attrs["calibration"]
    assert cal["expected_met_any"] == pytest.approx(TARGET_MET_ANY, abs=1e-9)
    assert cal["expected_direct_given_any"] == pytest.approx(TARGET_DIRECT, abs=1e-9)
    assert cal["expected_met_both_given_any"] == pytest.approx(TARGET_MET_BOTH, abs=1e-9)

    # Realised shares averaged over 20 seeds. Each share is a mean of Bernoulli draws
    # whose probabilities average to the target, so its variance is at most binomial:
    # SE = sqrt(p(1-p) / (seeds * base)), base = 220 analysed respondents resp. the
    # ~121 who met a victim. Tolerance 3 SE (about 0.023 / 0.026 / 0.033): a real
    # calibration error of a few points fails, sampling noise does not.
    seeds = range(20)
    results = [_shares(generate_survey(seed=s)) for s in seeds]
    k = len(results)
    met_any, direct, both = (float(np.mean([r[i] for r in results])) for i in range(3))
    n_an = np.mean([r[3] for r in results])
    n_met = np.mean([r[4] for r in results])
    se = lambda p, base: math.sqrt(p * (1 - p) / (k * base))  # noqa: E731
    assert abs(met_any - TARGET_MET_ANY) < 3 * se(TARGET_MET_ANY, n_an)
    assert abs(direct - TARGET_DIRECT) < 3 * se(TARGET_DIRECT, n_met)
    assert abs(both - TARGET_MET_BOTH) < 3 * se(TARGET_MET_BOTH, n_met)
    # Having both forms is more common than answering met_both = 1.
    df = generate_survey(seed=2024)
    met = df[((df["met_sexual"] == 1) | (df["met_criminal"] == 1)).fillna(False)]
    assert ((met["met_sexual"] == 1) & (met["met_criminal"] == 1)).mean() > TARGET_MET_BOTH + 0.05


@pytest.mark.parametrize("seed", [2024, 1, 7, 99, 12345])
def test_conditioned_shares_read_as_published(seed, figures):
    df = generate_survey(seed=seed, n=SHIPPED_N, figures=figures)
    found = realised(df)
    assert set(found) == set(CONDITIONED)
    assert found["respondents"] == (222, 222)
    assert (df["works_in_municipality"] == 2).sum() == SHIPPED_N - 222
    for key, (count, base) in found.items():
        figure = figures.figures[key]
        if figure.precision != "exact":
            assert published.shown_as_published(count / base, figure), (seed, key, count, base)
    # Whole percentages exactly as published, on the published number of respondents.
    assert found["met_any"] == (122, 222)
    assert [found[k][0] for k in ("direct_contact", "met_both", "reported_formally", "discussed")] == [100, 50, 21, 99]
    # 'Nothing' stands alone, so it gets what discussing leaves: 23 of 122 (19 %, about 20 %).
    assert found["did_nothing"] == (23, 122)


def test_conditioned_counts_match_the_report_definitions(figures):
    # realised() computes the figures as the report does (encounters.headline for the encounter figures).
    df = generate_survey(seed=2024, n=SHIPPED_N, figures=figures)
    an = df[df["works_in_municipality"] == 1]
    group = encounters.classify(an)
    assert group.notna().all()  # every respondent answered an encounter item: base 222
    met = encounters.met_any(an).astype(bool)
    assert int(met.sum()) == realised(df)["met_any"][0]
    assert (group.eq("both_linked").sum(), int(met.sum())) == realised(df)["met_both"]


def test_conditioned_draw_stays_heterogeneous_by_sector(figures):
    frames = [generate_survey(seed=s, n=SHIPPED_N, figures=figures) for s in range(5)]
    df = pd.concat(frames, ignore_index=True)
    an = df[df["works_in_municipality"] == 1]
    met = ((an["met_sexual"] == 1) | (an["met_criminal"] == 1)).fillna(False)
    rate = met.groupby(an["sector"]).mean()
    assert rate[8] > rate[2] + 0.3 and rate[3] > rate[6] and rate[7] > rate[2]
    ext = an.loc[met, "action_reported_externally"].eq(1).groupby(an.loc[met, "sector"]).mean()
    assert ext[3] > ext[6]  # police report externally more often than health care


def test_conditioning_is_reproducible_and_refuses_impossible_figures(figures):
    a = generate_survey(seed=5, n=SHIPPED_N, figures=figures)
    b = generate_survey(seed=5, n=SHIPPED_N, figures=figures)
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ValueError, match="cannot hold 222"):
        generate_survey(seed=5, n=200, figures=figures)
    # 81 % discussing and 25 % doing nothing cannot both hold when 'nothing' stands alone.
    data = figures.model_dump()
    data["figures"]["did_nothing"].update(value=0.25, precision="percent")
    impossible = published.PublishedFigures.model_validate(data)
    with pytest.raises(ValueError, match="did_nothing"):
        generate_survey(seed=5, n=SHIPPED_N, figures=impossible)


def test_registrations(tmp_path):
    regs = generate_registrations()
    real = regs[regs["synthetic"] == 0]
    assert len(real) == 2
    assert real.set_index("status")["count"].to_dict() == {"suspected": 29, "confirmed": 3}
    assert (real["source_note"] == "Raadsbrief gemeente Groningen, 9 oktober 2024 (kenmerk 291964-2024)").all()
    fake = regs[regs["synthetic"] == 1]
    assert fake["source_note"].str.contains("SYNTHETISCH").all()
    assert set(fake["year"]) == {2022, 2023} and {"sexual", "criminal"} <= set(fake["form"])
    loaded = read_registrations(SHIPPED / "registrations_2024.csv")
    pd.testing.assert_frame_equal(loaded.astype(object), regs.astype(object), check_dtype=False)


def test_the_2026_world_is_a_plausible_second_wave_and_the_shipped_2026_files_are_its_output(tmp_path):
    """More trained, more reporting, more registrations than 2024; `synth --year 2026` writes the shipped files."""
    from exploitation_report.synth.worlds import WORLDS

    w24, w26 = WORLDS[2024], WORLDS[2026]
    assert w26.training_received > w24.training_received and w26.registrations_factor > 1
    assert world_for(2030).published_figures is None and world_for(2030).seed == 2030

    def shares(folder, year):
        d = pd.read_csv(folder / f"survey_{year}_synthetic.csv")
        an = d[d.works_in_municipality == 1]
        met = an[(an.met_sexual == 1) | (an.met_criminal == 1)]
        return (an.training_received == 1).mean(), (met.action_reported_externally == 1).mean()

    data = PROJECT_ROOT / "data"
    (trained24, reported24), (trained26, reported26) = shares(data / "2024", 2024), shares(data / "2026", 2026)
    assert trained26 > trained24 + 0.05 and reported26 > reported24 + 0.03
    regs = pd.read_csv(data / "2026" / "registrations_2026.csv")
    assert sorted(regs.year.unique()) == [2024, 2025] and (regs.synthetic == 1).all()
    written = write_synthetic(tmp_path, seed=w26.seed, n=w26.returned, year=2026)
    for path in written:
        assert path.read_bytes() == (data / "2026" / path.name).read_bytes(), path.name


def test_the_2026_edition_names_its_own_files_years_and_no_published_figures():
    from exploitation_report.inputs.edition import load_inputs
    from exploitation_report.inputs.params import load_params
    from exploitation_report.paths import params_path

    params = load_params(params_path(2026))
    assert params.year == 2026 and params.synthetic and params.inputs.published_figures is None
    assert params.reference_period.label == "2024–2025" and params.estimation.registrations_year == 2024
    inputs = load_inputs(params)
    assert inputs.synthetic and sorted(inputs.registrations["year"].unique()) == [2024, 2025]
    assert all("2026" in str(params.input_path(name)) for name in ("survey", "registrations"))
