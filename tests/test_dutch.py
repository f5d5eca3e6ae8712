import math

import pytest

from exploitation_report import dutch


def test_numbers_use_decimal_comma_and_thousands_point():
    assert dutch.number(1234567.891, 2) == "1.234.567,89"
    assert dutch.number(0.5, 1) == "0,5"
    assert dutch.number(29) == "29"
    assert dutch.number(float("nan")) == "–"
    assert dutch.percent(0.5483) == "55%"
    assert dutch.percent(0.5483, 1) == "54,8%"
    assert dutch.percent_range(0.4812, 0.6149) == "48–61%"
    assert dutch.number_range(1200.2, 15000) == "1.200–15.000"


def test_share_with_base():
    rec = {"estimate": 0.55, "count": 121, "base": 220, "ci_low": 0.4838, "ci_high": 0.6143, "ci_level": 0.95}
    assert dutch.share_with_base(rec) == "55% (121 van 220; 95%-BI 48–61%)"
    assert "niet gepubliceerd" in dutch.say({"suppressed": True})


@pytest.mark.parametrize("share,word", [
    (0.0, "niemand"), (0.004, "niemand"), (0.03, "vrijwel niemand"), (0.10, "een klein deel"),
    (0.24, "bijna een kwart"), (0.25, "ongeveer een kwart"), (0.30, "ruim een kwart"),
    (0.34, "ongeveer een derde"), (0.41, "ruim een derde"), (0.48, "bijna de helft"),
    (0.50, "de helft"), (0.55, "ruim de helft"), (0.594, "ruim de helft"), (0.60, "een meerderheid"),
    (0.82, "het merendeel"), (0.97, "vrijwel iedereen"), (1.0, "iedereen"),
])
def test_quantifiers(share, word):
    assert dutch.quantifier(share) == word


def test_quantifier_follows_the_rounded_percentage_shown():
    # 49.6% is shown as "50%", so the text must not say "bijna de helft".
    assert dutch.percent(0.496) == "50%"
    assert dutch.quantifier(0.496) == "de helft"
    assert dutch.quantifier(0.5949) == "ruim de helft"
    assert dutch.quantifier(0.5951) == "een meerderheid"


def test_quantifier_rejects_bad_input():
    with pytest.raises(ValueError):
        dutch.quantifier(1.2)
    with pytest.raises(ValueError):
        dutch.quantifier(math.nan)


@pytest.mark.parametrize("low,high,phrase", [
    (3, 8, "enkele"), (12, 95, "tientallen"), (40, 350, "tientallen tot honderden"),
    (150, 900, "honderden"), (400, 2500, "honderden tot duizenden"),
])
def test_magnitude(low, high, phrase):
    assert dutch.magnitude(low, high) == phrase
