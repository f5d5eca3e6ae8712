import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from exploitation_report.stats.proportions import Proportion, proportion, wilson_interval


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_wilson_equals_statsmodels(level):
    rng = np.random.default_rng(1)
    base = rng.integers(1, 400, size=500)
    count = rng.integers(0, base + 1)
    # Include the edges where intervals are most often wrong.
    base = np.concatenate([base, [1, 1, 5, 220, 220]])
    count = np.concatenate([count, [0, 1, 5, 0, 220]])
    low, high = wilson_interval(count, base, level)
    ref_low, ref_high = proportion_confint(count, base, alpha=1 - level, method="wilson")
    np.testing.assert_allclose(low, np.clip(ref_low, 0, 1), rtol=0, atol=1e-12)
    np.testing.assert_allclose(high, np.clip(ref_high, 0, 1), rtol=0, atol=1e-12)


def test_wilson_hand_computed():
    # 121 of 220 at 95%: centre and half-width computed by hand with z = 1.959963984540054.
    z = 1.959963984540054
    p, n = 121 / 220, 220
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low, high = wilson_interval(121, 220)
    assert low == pytest.approx(centre - half, abs=1e-14)
    assert high == pytest.approx(centre + half, abs=1e-14)
    assert 0.48 < low < 0.55 < high < 0.62


def test_zero_base_gives_nan_and_bad_counts_raise():
    low, high = wilson_interval(0, 0)
    assert np.isnan(low) and np.isnan(high)
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


def test_proportion_from_masks_and_record():
    mask = pd.Series([True, False, True, pd.NA, True], dtype="boolean")
    prop = proportion(mask)
    assert (prop.count, prop.base) == (3, 4)
    rec = prop.as_record()
    assert rec["estimate"] == 0.75 and rec["ci_method"] == "wilson"
    assert rec["ci_low"] < 0.75 < rec["ci_high"]
    base = pd.Series([True, True, False, False, True])
    assert proportion(mask.fillna(False), base).base == 3
    with pytest.raises(ValueError):
        proportion(mask, pd.Series([True] * 5))  # NA inside the base


def test_proportion_is_frozen_value():
    assert Proportion(1, 2) == Proportion(1, 2)
