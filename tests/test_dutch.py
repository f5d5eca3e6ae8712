import math

import pytest

from exploitation_report.chapters import dutch


def test_numbers_use_decimal_comma_and_thousands_point():
    assert dutch.number(1234567.891, 2) == "1.234.567,89"
    assert dutch.number(0.5, 1) == "0,5"
    assert dutch.number(29) == "29"
    assert dutch.number(float("nan")) == "–"
    assert dutch.percent(0.5483) == "55%"
    assert dutch.percent(0.5483, 1) == "54,8%"
    assert dutch.percent_range(0.4812, 0.6149) == "48–61%"
    assert dutch.number_range(1200.2, 15000) == "1.200–15.000"


@pytest.mark.parametrize("x,decimals,text", [
    (132.5, 0, "133"), (133.5, 0, "134"), (-132.5, 0, "\u2212133"), (0.125, 2, "0,13"),
    (2.675, 2, "2,68"),        # stored as 2.67499...: rounded as written, as a reader would
    (1234.45, 1, "1.234,5"), (-0.4, 0, "0"), (10**20, 0, "100.000.000.000.000.000.000"),
])
def test_numbers_round_a_half_away_from_zero(x, decimals, text):
    # CBS practice; Python's formatting rounds a half to even (f"{132.5:.0f}" == "132").
    assert dutch.number(x, decimals) == text


def test_percentages_round_the_share_as_written():
    # 29 of 200 is 14,5%: 100 * 0.145 is 14.4999... in binary, and must still read 15%.
    assert dutch.percent(29 / 200) == "15%" and dutch.shown_percent(29 / 200) == 15
    assert dutch.percent_range(0.125, 0.145) == "13\u201315%"
    assert dutch.percent(0.0125, 1) == "1,3%"
    assert dutch.number(0.145, 0, shift=2) == "15"
    with pytest.raises(ValueError, match="finite"):
        dutch.number(math.inf)


def test_table_cells_mark_hidden_numbers():
    assert dutch.cell(1234) == "1.234" and dutch.cell(0) == "0" and dutch.cell(None) == "x"


def test_share_with_base():
    rec = {"estimate": 0.55, "count": 121, "base": 220, "ci_low": 0.4838, "ci_high": 0.6143, "ci_level": 0.95}
    assert dutch.share_with_base(rec) == "55% (121 van 220; 95%-BI 48–61%)"
    assert "niet gepubliceerd" in dutch.say({"suppressed": True})
    assert dutch.share_short(rec) == "55% (48–61%)"
    assert dutch.share_short({"suppressed": True, "estimate": None}) == "x"


# Every boundary of the quantifier ladder, on both sides, as the percentage the reader sees.
@pytest.mark.parametrize("shown,word", [
    (1, "vrijwel niemand"), (4, "vrijwel niemand"), (5, "een klein deel"), (8, "een klein deel"),
    (9, "ongeveer een op de tien"), (11, "ongeveer een op de tien"), (12, "ruim een op de tien"),
    (17, "ruim een op de tien"), (18, "bijna een vijfde"), (19, "bijna een vijfde"), (20, "ongeveer een vijfde"),
    (21, "ongeveer een vijfde"), (22, "ruim een vijfde"), (23, "bijna een kwart"), (24, "bijna een kwart"),
    (25, "ongeveer een kwart"), (26, "ongeveer een kwart"), (27, "ruim een kwart"), (30, "ruim een kwart"),
    (31, "bijna een derde"), (32, "bijna een derde"), (33, "ongeveer een derde"), (34, "ongeveer een derde"),
    (35, "ruim een derde"), (39, "ruim een derde"), (40, "ongeveer twee op de vijf"),
    (44, "ongeveer twee op de vijf"), (45, "bijna de helft"), (49, "bijna de helft"), (50, "de helft"),
    (51, "ruim de helft"), (55, "ruim de helft"), (59, "ruim de helft"), (60, "een meerderheid"),
    (64, "een meerderheid"), (65, "ongeveer twee derde"), (68, "ongeveer twee derde"), (69, "ruim twee derde"),
    (72, "ruim twee derde"), (73, "bijna driekwart"), (74, "bijna driekwart"), (75, "ongeveer driekwart"),
    (77, "ongeveer driekwart"), (78, "het merendeel"), (82, "het merendeel"), (94, "het merendeel"),
    (95, "vrijwel iedereen"), (99, "vrijwel iedereen"),
])
def test_quantifier_boundaries(shown, word):
    assert dutch.quantifier(shown / 100) == word


def test_published_figures_get_the_published_words():
    assert dutch.quantifier(0.55) == "ruim de helft"      # council letter: "ruim de helft"
    assert dutch.quantifier(0.82) == "het merendeel"      # council letter: "het merendeel"


def test_quantifier_extremes_never_overstate():
    assert dutch.quantifier(0.0) == "niemand" and dutch.quantifier(1.0) == "iedereen"
    # Shown as 0% or 100%, but not exactly nobody or everybody.
    assert dutch.quantifier(0.004) == "vrijwel niemand"
    assert dutch.quantifier(0.996) == "vrijwel iedereen"


def test_quantifier_follows_the_rounded_percentage_shown():
    # 49.6% is shown as "50%", so the text must not say "bijna de helft".
    assert dutch.percent(0.496) == "50%"
    assert dutch.quantifier(0.496) == "de helft"
    assert dutch.quantifier(0.5949) == "ruim de helft"
    assert dutch.quantifier(0.5951) == "een meerderheid"
    for share in (0.0449, 0.0451, 0.1749, 0.1751, 0.7749, 0.7751):
        assert dutch.shown_percent(share) == int(dutch.percent(share).rstrip("%"))


def test_quantifier_rejects_bad_input():
    with pytest.raises(ValueError):
        dutch.quantifier(1.2)
    with pytest.raises(ValueError):
        dutch.quantifier(math.nan)


def test_count_hides_small_groups():
    assert dutch.count(3, 5) == "minder dan 5"
    assert dutch.count(0, 5) == "0"
    assert dutch.count(1234, 5) == "1.234"
    assert "niet" in dutch.count(None, 5)


@pytest.mark.parametrize("p,text", [(0.0004, "p < 0,001"), (0.001, "p = 0,001"), (0.0123, "p = 0,012"),
                                    (0.5, "p = 0,500")])
def test_p_values(p, text):
    assert dutch.p_value(p) == text


def test_listing():
    assert dutch.listing([]) == ""
    assert dutch.listing(["a"]) == "a"
    assert dutch.listing(["a", "b"]) == "a en b"
    assert dutch.listing(["a", "b", "c"], "of") == "a, b of c"


@pytest.mark.parametrize("low,high,phrase", [
    (3, 8, "enkele"), (12, 95, "tientallen"), (40, 350, "tientallen tot honderden"),
    (150, 900, "honderden"), (400, 2500, "honderden tot duizenden"),
    # A bound that prints as 0 is no 'enkele' (an edition where nobody met a victim: 0-5).
    (0, 5, "geen tot enkele"), (0.4, 30, "geen tot tientallen"), (0.5, 5, "enkele"), (0, 0.3, "geen"),
    # Classed as printed: 9,6 prints as 10, 999,5 as 1.000.
    (9.6, 80, "tientallen"), (9.4, 80, "enkele tot tientallen"), (200, 999.5, "honderden tot duizenden"),
])
def test_magnitude(low, high, phrase):
    assert dutch.magnitude(low, high) == phrase


def test_negative_numbers_use_a_minus_sign_and_no_negative_zero():
    assert dutch.number(-1234.5, 1) == "\u22121.234,5"
    assert dutch.percent(-0.45) == "\u221245%"
    assert dutch.number(-0.4) == "0"
    assert dutch.number(-0.04, 1) == "0,0"


def test_number_word_follows_the_house_rule_words_to_twelve_digits_after():
    from exploitation_report.chapters.dutch import number_word
    assert [number_word(n) for n in (0, 1, 3, 12, 13, 1200)] == ["nul", "één", "drie", "twaalf", "13", "1.200"]
    assert number_word(4.0) == "vier"
    with pytest.raises(ValueError, match="whole count"):
        number_word(2.5)


@pytest.mark.parametrize("months,words", [(24, "twee jaar"), (12, "één jaar"), (36, "drie jaar"), (18, "anderhalf jaar"),
                                          (10, "tien maanden"), (30, "30 maanden"), (1, "één maand")])
def test_a_reference_period_is_worded_by_its_length(months, words):
    assert dutch.period_length(months) == words


def test_a_period_under_a_month_is_refused():
    with pytest.raises(ValueError, match="at least a month"):
        dutch.period_length(0)


def test_a_level_keeps_its_decimals_and_never_reads_100():
    assert [dutch.level(x) for x in (0.95, 0.8, 0.999, 0.9995)] == ["95%", "80%", "99,9%", "99,95%"]
    assert [dutch.level(x) for x in (0.99995, 0.99999)] == ["99,995%", "99,999%"]   # not "100%" at two decimals
    record = {"estimate": 0.5, "count": 50, "base": 100, "ci_low": 0.4, "ci_high": 0.6, "ci_level": 0.999}
    assert "99,9%-BI" in dutch.share_with_base(record)
