"""Every published estimate in tests/data/mse/published_anchors.csv, reproduced within its tolerance.

Each row of the anchors file gets a recipe: the method the publication used, run with
this package. Expected numbers are read from the anchors file (also the extra statistics
quoted in its text columns), never typed here.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pytest

from exploitation_report.stats.mse import analysis as mse
from exploitation_report.stats.mse.models import generators, parse_hierarchy

DATA = Path(__file__).parent / "data" / "mse"
ANCHORS = list(csv.DictReader((DATA / "published_anchors.csv").open(encoding="utf-8")))


@cache
def table(name: str):
    return mse.as_table(mse.read_capture_histories(DATA / name))


@cache
def ranked(name: str, max_order: int):
    return mse.search_models(table(name), max_order=max_order, criterion="bic")


def number(text: str) -> float | None:
    return float(text) if text.strip() else None


def pairs_of(name: str) -> list[str]:
    lists = table(name).lists
    return [f"{a}:{b}" for i, a in enumerate(lists) for b in lists[i + 1:]]


# --------------------------------------------------------------------------- recipes, one per anchor row
# Each returns (fit, interval or None, profile estimate or None).

def bhs(name):
    f = mse.bhs_stepwise(table(name), p=0.05)
    return f, None, None


def bhs_profile(name):
    f = mse.bhs_stepwise(table(name), p=0.05)
    prof = mse.multinomial_profile(table(name), f)
    return f, (prof.low, prof.high), prof.estimate


def main_profile(name):
    f = mse.fit_model(table(name))
    prof = mse.multinomial_profile(table(name), f)
    return f, (prof.low, prof.high), prof.estimate


def main_poisson_profile(name):
    f = mse.fit_model(table(name))
    prof = mse.poisson_profile(table(name), f)
    return f, (prof.low, prof.high), None


def all_pairs_profile(name):
    f = mse.fit_model(table(name), pairs_of(name))
    prof = mse.multinomial_profile(table(name), f)
    return f, (prof.low, prof.high), prof.estimate


def bic_best(max_order):
    def recipe(name):
        return ranked(name, max_order)[0], None, None
    return recipe


def downhill(name):
    return mse.downhill_search(table(name), max_order=4), None, None


def rcapture_rank(position):
    def recipe(name):
        f = ranked(name, 3)[position]   # Rcapture closedpMS.t: all hierarchical models up to order t - 1
        prof = mse.multinomial_profile(table(name), f)
        return f, (prof.low, prof.high), None
    return recipe


def csv_stepwise(name):
    return mse.stepwise(table(name), threshold=0.02), None, None


def main_wald(name):
    f = mse.fit_model(table(name))
    return f, mse.wald_interval(f), None


RECIPES = [
    ("uk_2013_6lists.csv", bhs),
    ("uk_2013_6lists.csv", bhs_profile),
    ("uk_2013_6lists.csv", bhs_profile),          # the Home Office range
    ("uk_2013_5lists.csv", bhs),
    ("uk_2013_5lists.csv", main_profile),
    ("uk_2013_5lists.csv", main_poisson_profile),
    ("uk_2013_5lists.csv", all_pairs_profile),
    ("uk_2013_5lists.csv", bic_best(2)),
    ("uk_2013_5lists.csv", bic_best(4)),
    ("uk_2013_5lists.csv", downhill),
    ("uk_2013_4lists.csv", rcapture_rank(0)),
    ("uk_2013_4lists.csv", rcapture_rank(1)),
    ("new_orleans_8lists_n185.csv", csv_stepwise),
    ("new_orleans_8lists_n185.csv", main_wald),
    ("new_orleans_5lists_n185.csv", csv_stepwise),
    ("new_orleans_8lists_n186.csv", csv_stepwise),
    ("new_orleans_5lists_n186.csv", bic_best(4)),
    ("us_western_site_5lists.csv", csv_stepwise),
    ("kosovo_1999_4lists.csv", bic_best(3)),
    ("kosovo_1999_4lists.csv", bic_best(2)),
    ("korea_comfort_women_3lists.csv", bic_best(2)),
    ("korea_comfort_women_3lists.csv", csv_stepwise),
    ("artificial_3lists_nonexistence.csv", None),  # status codes, tested below
]


def test_every_anchor_row_has_a_recipe():
    assert [r["dataset_file"] for r in ANCHORS] == [name for name, _ in RECIPES]


def _model_terms(text: str, name: str) -> set[frozenset[str]] | None:
    """The published model as a set of generators; None where the row names none."""
    text = text.strip()
    if not text or text in ("same",):
        return None
    lists = table(name).lists
    if text == "main effects":
        return set()
    if text.startswith("["):   # '[12;13;4] = LA:NG+LA:PFNCA': the R packages' notation decides
        masks = parse_hierarchy(text.split("=")[0], len(lists))
        return {frozenset(table(name).term_names(g)) for g in generators(masks)}
    if text == "(1+2+3+4+5)^2":
        return {frozenset(p.split(":")) for p in pairs_of(name)}
    m = re.fullmatch(r"all 2-way except (\S+)", text)
    if m:
        return {frozenset(p.split(":")) for p in pairs_of(name)} - {frozenset(m.group(1).split(":"))}
    text = re.sub(r"\([^)]*\)", "", text)   # "(+margins)" notes
    return {frozenset(t.strip().split(":")) for t in text.split("+") if t.strip()}


def _generators(f) -> set[frozenset[str]]:
    return set() if not f.interactions else {frozenset(g.split(":")) for g in f.label().split(" + ")}


ROWS = [pytest.param(i, row, id=f"{i}-{row['dataset_file'].removesuffix('.csv')}") for i, row in enumerate(ANCHORS)
        if RECIPES[i][1] is not None]


@pytest.mark.parametrize("i,row", ROWS)
def test_published_estimate(i, row):
    name, recipe = RECIPES[i]
    fit, interval, profile_estimate = recipe(name)
    assert fit.status == 0
    tol = number(row["suggested_test_tolerance"]) or 0.5
    published = row["published_estimate"]
    ci_type = row["ci_type"]
    if re.fullmatch(r"[\d.]+", published):
        value = float(published)
        # A profile-likelihood row publishes the profile's maximum, not the Poisson point.
        point = profile_estimate if "profile" in ci_type and profile_estimate is not None else fit.estimate
        if "confint" in ci_type:
            point = fit.estimate
        assert point == pytest.approx(value, abs=tol)
    else:  # a published range such as "10,000-13,000": our interval must round to it
        low, high = (float(x.replace(",", "")) for x in published.split("-"))
        step = 10 ** (len(str(int(low))) - 2)
        assert round(interval[0] / step) * step == low and round(interval[1] / step) * step == high
    low, high = number(row["published_ci_low"]), number(row["published_ci_high"])
    if low is not None and "BCa" not in ci_type:
        assert interval is not None
        assert interval[0] == pytest.approx(low, abs=tol)
        assert interval[1] == pytest.approx(high, abs=tol)
    expected = _model_terms(row["model"], name)
    if expected is not None:
        assert _generators(fit) == expected


def _printed(text: str, key: str) -> tuple[float, float] | None:
    """A statistic quoted in a text column ('stderr 809.2') and half a unit of its last printed digit."""
    m = re.search(rf"{key}\s+(-?[\d.]+)", text)
    if not m:
        return None
    digits = m.group(1).rstrip(".")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return float(digits), 0.5 * 10 ** -decimals + 1e-9


@pytest.mark.parametrize("i,row", [p for p in ROWS if re.search(r"(stderr|deviance|intercept)\s+\d",
                                                                 p.values[1]["ci_type"])])
def test_published_fit_statistics(i, row):
    """Rcapture's standard error, deviance, df, AIC and BIC (and the glm intercept) as printed."""
    name, recipe = RECIPES[i]
    fit = recipe(name)[0]
    text = row["ci_type"]
    checks = {"stderr": fit.stderr, "deviance": fit.deviance, "AIC": fit.aic, "BIC": fit.bic,
              "intercept": fit.intercept}
    compared = 0
    for key, ours in checks.items():
        printed = _printed(text, key)
        if printed is not None:
            assert ours == pytest.approx(printed[0], abs=printed[1]), key
            compared += 1
    df = re.search(r"df\s+(\d+)|on\s+(\d+)\s+df", text)
    if df:
        assert fit.df == int(df.group(1) or df.group(2))
        compared += 1
    assert compared >= 3


def test_all_pairs_poisson_point_differs_from_the_profile_maximum():
    """UK 5 lists, all ten pairs: the anchors note the Poisson point (11232.5) is not the profile MLE."""
    row = next(r for i, r in enumerate(ANCHORS) if RECIPES[i][1] is all_pairs_profile)
    poisson_point = float(re.search(r"Poisson point would be ([\d.]+)", row["reproduced"]).group(1))
    fit, _, profile_estimate = all_pairs_profile(row["dataset_file"])
    assert fit.estimate == pytest.approx(poisson_point, abs=0.05)
    assert fit.minus_infinity == (("LA", "GP"),)        # the empty overlap the anchors mention
    assert profile_estimate == pytest.approx(float(row["published_estimate"]), abs=0.05)


def test_downhill_reaches_the_same_local_minimum_up_to_order_two():
    row = next(r for i, r in enumerate(ANCHORS) if RECIPES[i][1] is downhill)
    f = mse.downhill_search(table(row["dataset_file"]), max_order=2)
    assert f.estimate == pytest.approx(float(row["published_estimate"]), abs=1)


def test_new_orleans_n186_downhill_equals_stepwise():
    """SCV 2024 Table 6 gives 1110 for both the stepwise rule and the downhill search."""
    row = next(r for r in ANCHORS if r["dataset_file"] == "new_orleans_8lists_n186.csv")
    f = mse.downhill_search(table("new_orleans_8lists_n186.csv"))
    assert f.estimate == pytest.approx(float(row["published_estimate"]), abs=0.5)


def test_new_orleans_n186_bic_order_two_equals_order_four():
    row = next(r for r in ANCHORS if r["dataset_file"] == "new_orleans_5lists_n186.csv")
    assert ranked("new_orleans_5lists_n186.csv", 2)[0].estimate == pytest.approx(
        float(row["published_estimate"]), abs=0.5)


@pytest.mark.parametrize("name,order", [("kosovo_1999_4lists.csv", 3), ("korea_comfort_women_3lists.csv", 2)])
def test_admissible_model_counts(name, order):
    """The anchors state 113 admissible models for Kosovo and 6 for Korea."""
    row = next(r for r in ANCHORS if r["dataset_file"] == name and "BIC" in r["method"])
    stated = int(re.search(r"(\d+) admissible models", row["reproduced"] + " " + row["ci_type"]).group(1))
    assert len(ranked(name, order)) == stated


def test_uk5_admissible_models_up_to_order_four():
    # tests/data/mse/README.md (from the shared reference): 6,519 admissible of 6,893 hierarchical models.
    from exploitation_report.stats.mse.search import hierarchical_models

    assert len(hierarchical_models(5, 4)) == 6893
    assert len(ranked("uk_2013_5lists.csv", 4)) == 6519


def test_artificial_status_codes():
    """CSV (2021) Table 2: [12,13,23] -> 2, [12,3] -> 1, [13,23,1,2] -> 0 (SparseMSE check_extended_MLE)."""
    row = ANCHORS[-1]
    data = table(row["dataset_file"])
    claims = re.findall(r"(\[[\d,]+\]) -> (\d)", row["model"])
    assert len(claims) == 3
    for hierarchy, status in claims:
        masks = parse_hierarchy(hierarchy, data.t)
        terms = [data.term_names(m) for m in masks]
        assert mse.check_existence(data, terms) == int(status), hierarchy
        assert mse.fit_model(data, terms).status == int(status), hierarchy
        if int(status):
            assert mse.fit_model(data, terms).estimate is None


@pytest.mark.parametrize("name,expected", [
    # tests/data/mse/README.md: counts of non-overlapping list pairs
    ("new_orleans_8lists_n185.csv", 18),
    ("uk_2013_6lists.csv", {("LA", "GP"), ("LA", "NCA")}),
    ("us_western_site_5lists.csv", {("A", "B"), ("B", "E")}),
    ("netherlands_2010_2015_6lists.csv", {("I", "K"), ("K", "R")}),
])
def test_non_overlapping_pairs(name, expected):
    empty = mse.empty_overlaps(table(name))
    if isinstance(expected, int):
        assert len(empty) == expected and len(mse.overlaps(table(name))) == 28
    else:
        assert set(empty) == expected


def test_version_matters_one_case_in_cell_cd():
    """New Orleans n=185 vs n=186 differ by one case in cell (C, D) and the estimate moves 6-7 %."""
    a, b = table("new_orleans_8lists_n185.csv"), table("new_orleans_8lists_n186.csv")
    diff = b.counts - a.counts
    assert diff.sum() == 1 and diff[a.term("C:D")] == 1
    ea, eb = mse.stepwise(a).estimate, mse.stepwise(b).estimate
    assert 0.05 < (ea - eb) / ea < 0.08
