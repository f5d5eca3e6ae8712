import re
from dataclasses import replace

import numpy as np
import pandas as pd
from places import ELSEWHERE, PLACE

from exploitation_report.chapters import dutch
from exploitation_report.chapters import estimation_text as text
from exploitation_report.stats import estimation as est


def ladder(form, central, low, high):
    return est.Ladder(form, central * 1.2, central * 0.6, central * 0.6, central, central * 1.4, low, high, 0.95,
                      minimum=central * 0.4, nonresponse=(0.0, 0.5, 1.0), typical=central * 1.4,
                      intervals={"typical": (low * 1.3, high * 1.5)})


LADDERS = {"any": ladder("any", 564.0, 326.0, 915.0), "sexual": ladder("sexual", 337.0, 196.0, 549.0),
           "criminal": ladder("criminal", 307.0, 88.0, 503.0)}
RANGES = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(1000, 1200, 1500))


def outcome(ladders, assumptions=RANGES):
    return text.outcome("2022–2023", ladders, "@tbl-a", "@fig-b", assumptions)


def test_factor_is_short_and_dutch():
    assert [text.factor(x) for x in (0.0, 0.5, 2.0, 1200, 0.1 + 0.2)] == ["0", "0,5", "2", "1.200", "0,3"]
    # An assumption is never shown as another value: 0.25 (say, an override) stays 0,25.
    assert text.factor(0.25) == "0,25" and text.factor(0.75) == "0,75"


def test_estimand_states_the_union_and_marks_synthetic():
    t = text.estimand("2022–2023", synthetic=True, place=PLACE)
    assert "niet de som" in t and "2022–2023" in t and "synthetische gegevens" in t
    assert "synthetic-notice" not in text.estimand("2022–2023", synthetic=False, place=PLACE)
    # Place-bound words come from the parameters: another municipality, no Groningen.
    elsewhere = text.estimand("2022–2023", synthetic=True, place=ELSEWHERE)
    assert "in de gemeente Voorbeeld" in elsewhere and "Groningen" not in elsewhere


def test_outcome_states_the_nonresponse_assumption_and_the_typical_figure():
    t = outcome(LADDERS)
    assert "0,5 keer zo vaak slachtoffers" in t and "Dat is niet gemeten" in t
    assert "dan gaat het om 790 vermoedelijke slachtoffers (95%-interval 424–1.373)" in t   # 1.372,5 rounded away from zero
    assert "Poisson" not in t
    # Widened below: the printed lower bound moved from the bootstrap's 330 to 326.
    few = {**LADDERS, "any": replace(LADDERS["any"], ci_method=est.WIDENED_METHOD, ci_bootstrap=(330.2, 915.0))}
    assert ("Aan de onderkant volgt het interval het exacte Poisson-interval van het aantal meldingen: dat is daar "
            "ruimer dan het interval uit de bootstrap (330–915).") in outcome(few)


def test_the_breadth_of_an_interval_the_poisson_bound_made_is_not_put_on_the_assumptions():
    # Nobody reported a victim: the bootstrap gives 0-0 with or without the assumptions, the exact
    # Poisson bound 0-5. Its breadth comes from the few reports, not from what was assumed.
    nothing = replace(ladder("any", 0.0, 0.0, 5.2), ci_method=est.WIDENED_METHOD, ci_bootstrap=(0.0, 0.0),
                      ci_sampling=(0.0, 0.0))
    t = outcome({form: replace(nothing, form=form) for form in est.FORMS})
    assert "helemaal van het kleine aantal meldingen" in t and "wat niet bekend is" not in t
    assert "**geen tot enkele**" in t
    # Widened at one end only: the breadth explained is the bootstrap's own, and it says so.
    some = replace(LADDERS["any"], ci_method=est.WIDENED_METHOD, ci_bootstrap=(330.2, 915.0), ci_sampling=(500.0, 640.0))
    t = outcome({**LADDERS, "any": some})
    assert "Het grootste deel van de breedte van het interval uit de bootstrap komt dus niet van het toeval" in t
    plain = outcome({**LADDERS, "any": replace(LADDERS["any"], ci_sampling=(500.0, 640.0))})
    assert "Het grootste deel van de breedte komt dus niet van het toeval" in plain


def test_outcome_magnitude_follows_the_interval():
    t = outcome(LADDERS)
    assert f"**{dutch.magnitude(326, 915)}**" in t
    assert "326–915" in t and "centraal 564" in t and "interval 88–503" in t
    low = {k: ladder(k, 60.0, 40.0, 120.0) for k in est.FORMS}
    assert "**tientallen tot honderden**" in outcome(low)


class Var:
    def __init__(self, codes, bands):
        self.codes, self.bands = codes, bands


class Book:
    variables = {"n_sexual": Var({1: "1", 2: "2–9", 3: "Tien of meer"}, {1: (1, 1), 2: (2, 9), 3: (10, None)}),
                 "n_other_professionals": Var({1: "Geen", 2: "Eén of meer", 3: "Weet ik niet"},
                                              {1: (0, 0), 2: (1, None)})}


def test_band_labels_follow_the_codebook():
    assert text.band_labels(Book.variables["n_sexual"]) == (["1", "2–9", "tien of meer"], "tien of meer")
    assert text.band_labels(Book.variables["n_other_professionals"]) == (["geen", "eén of meer"], "eén of meer")


def three_respondents(missing_counts: int, unknown_others: int) -> est.EstimationData:
    """Three respondents of two organisations, one of whom saw victims; no counts."""
    zero = est.Bounds(np.zeros(3), np.zeros(3))
    return est.EstimationData({"sexual": zero, "criminal": zero, "both": zero}, zero, np.array([0, 0, 1]),
                              np.array([True, False, False]), missing_counts=missing_counts,
                              unknown_others=unknown_others)


def test_method_names_every_assumption_and_its_range():
    data = three_respondents(missing_counts=2, unknown_others=1)
    a = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(1000, 1200, 1500), band_cap=(25, 30, 50),
                        others_cap=(6, 8, 16))
    t = text.method(data, a, Book(), resamples=2000, registered_years=[2022, 2023], place=PLACE,
                    threshold=1)
    for piece in ("2022 en 2023", "De drie respondenten", "één van hen zagen", "naar schatting 1.200",
                  "marge 1.000 tot 1.500", "0 (laag), 0,5 (centraal) of 1 (hoog)", "2.000 herhaalde trekkingen",
                  "twee organisaties", "antwoordcategorieën (1, 2–9, tien of meer)",
                  "‘tien of meer’ telt hoogstens als 30 (marge 25 tot 50)",
                  "‘eén of meer’ andere professionals hoogstens als 8 (marge 6 tot 16)", "Van twee respondenten",
                  "harmonisch gemiddelde", "eerder te laag dan te hoog"):
        assert piece in t, piece
    # Respondents drawn where no two organisations are named: the text said "(60 organisaties; ...)".
    alone = text.method(replace(data, by_organisation=False), a, Book(), resamples=2000,
                        registered_years=[2022, 2023], place=PLACE, threshold=1)
    assert "(bootstrap) van respondenten (de gegevens noemen geen twee of meer organisaties" in alone
    assert "organisaties;" not in alone


def test_method_says_fixed_where_an_assumption_has_no_margin():
    # A single number fixes an assumption (params: "a number or a range"): no "marge 1.200 tot 1.200".
    data = three_respondents(missing_counts=0, unknown_others=0)
    a = est.Assumptions(nonresponse=(0.5, 0.5, 0.5), population=(1200, 1200, 1200), band_cap=(30, 30, 30),
                        others_cap=(8, 8, 8))
    t = text.method(data, a, Book(), resamples=2000, registered_years=[2022], place=PLACE, threshold=1)
    assert "naar schatting 1.200 eerstelijns professionals in de gemeente (vast, zonder marge)" in t
    assert "slachtoffers zien met 0,5 keer de frequentie van respondenten, vast, zonder marge" in t
    assert "hoogstens als 30 (vast)" in t and "hoogstens als 8 (vast)" in t
    assert not re.search(r"(\d+(?:,\d+)?) tot \1\b|\(laag\)", t)


def test_texts_of_the_simulation_say_steeds_for_a_fixed_range():
    sim = study_table()
    sim.attrs["assumptions"] = {"nonresponse_factor": {"low": 0.5, "central": 0.5, "high": 0.5},
                                "first_line_professionals": {"low": 1200, "central": 1200, "high": 1200}}
    lim = unescaped(text.limitations(sim, "@sec-x", "nonresponse"))
    assert "(voor niet-respondenten steeds 0,5 keer zo vaak slachtoffers als respondenten)" in lim
    appendix = unescaped(text.simulation_appendix(sim, "@tbl-s"))
    assert "(steeds 0,5 keer)" in appendix and "(steeds 1.200)" in appendix
    assert "0,5 tot 0,5" not in lim + appendix and "1.200 tot 1.200" not in appendix


def test_sensitivity_names_only_assumptions_that_move_the_estimate():
    heavy = {"top": 0}
    fixed = pd.DataFrame([{"assumption": "nonresponse", "total_low": 167.2, "total_high": 167.4},
                          {"assumption": "population", "total_low": 167.3, "total_high": 167.3}])
    t = text.sensitivity(fixed, heavy, "@fig-t", "@tbl-s", "@tbl-b")
    assert "Geen aanname verschuift de schatting" in t and "167 tot 167" not in t
    one = pd.DataFrame([{"assumption": "nonresponse", "total_low": 145.0, "total_high": 793.0},
                        {"assumption": "population", "total_low": 403.0, "total_high": 403.0}])
    t = text.sensitivity(one, heavy, "@fig-t", "@tbl-s", "@tbl-b")
    assert "Alleen de aanname ‘hoe vaak niet-respondenten slachtoffers zien’ verschuift de schatting: tussen 145 en 793" in t
    assert "Daarna volgt" not in t
    # An assumption whose high end lowers the estimate: the range still reads low to high.
    down = pd.DataFrame([{"assumption": "others_position", "total_low": 201.0, "total_high": 146.0}])
    t = text.sensitivity(down, heavy, "@fig-t", "@tbl-s", "@tbl-b")
    assert "tussen 146 en 201" in t and "201 tot 146" not in t


def test_a_small_edition_names_its_rounding_unit():
    # stats.disclosure_rounding: in a small edition estimates for all professionals are rounded coarser.
    t = text.outcome("2022–2023", LADDERS, "@tbl-a", "@fig-b", RANGES, unit=100, respondents=29)
    assert "afgerond op 100" in t and "Met 29 respondenten" in t and "Wat de respondenten zelf kennen" in t
    assert "afgerond op" not in outcome(LADDERS)
    one = pd.DataFrame([{"assumption": "nonresponse", "total_low": 0.0, "total_high": 200.0},
                        {"assumption": "population", "total_low": 100.0, "total_high": 100.0}])
    t = text.sensitivity(one, {"top": 0}, "@fig-t", "@tbl-s", "@tbl-b", unit=100)
    assert "met minder dan de afronding op 100" in t and "één slachtoffer" not in t
    whole = text.sensitivity(one, {"top": 0}, "@fig-t", "@tbl-s", "@tbl-b")
    assert "met minder dan één slachtoffer" in whole


def test_outcome_splits_the_interval_into_sampling_and_assumptions():
    wide = ladder("any", 564.0, 326.0, 915.0)
    narrow = est.Ladder(**{**wide.__dict__, "ci_sampling": (480.0, 650.0)})
    t = outcome({"any": narrow, "sexual": narrow, "criminal": narrow})
    assert "zou het 480–650 zijn" in t and "niet van het toeval" in t        # 170 of 589 wide: assumptions
    mostly_sampling = est.Ladder(**{**wide.__dict__, "ci_sampling": (340.0, 900.0)})
    t = outcome({k: mostly_sampling for k in est.FORMS})
    assert "komt dus van het toeval, niet van de aannames" in t
    assert "zou het" not in outcome(LADDERS)   # no sampling interval given


def test_limitations_and_appendix_read_the_simulation_table(tmp_path):
    # A small study of the 2024 edition, as the build runs it (no study is committed).
    from exploitation_report.inputs.codebook import load_codebook
    from exploitation_report.inputs.params import load_params
    from exploitation_report.paths import params_path
    from exploitation_report.pipeline import simulation_study

    params = load_params(params_path(2024), ["estimation.simulation.replicates=2", "estimation.simulation.resamples=100"])
    sim = simulation_study.edition_study(params, load_codebook(params.input_path("codebook")), tmp_path)
    lim = unescaped(text.limitations(sim, "@sec-x", "nonresponse"))
    rnd = sim.set_index(["scenario", "form"]).loc[("random", "any")]
    assert f"in {dutch.percent(rnd['coverage'])} van de gevallen bij willekeurige respons" in lim and "@sec-x" in lim
    assert "(voor niet-respondenten 0 tot 1 keer zo vaak" in lim
    appendix = unescaped(text.simulation_appendix(sim, "@tbl-s"))
    assert f"{dutch.number(rnd['replicates'])} keer per scenario" in appendix
    assert f"{dutch.number(rnd['resamples'])} bootstraptrekkingen" in appendix
    assert "(0 tot 1 keer, centraal 0,5)" in appendix and "(1.000 tot 1.500)" in appendix
    assert "@sec-x" not in text.limitations(None, None, "population")


def test_limitations_name_the_nonresponse_assumption_as_strongest_only_when_it_is():
    assert "bepaalt de uitkomst het meest" in text.limitations(None, None, "nonresponse")
    assert "bepaalt de uitkomst het meest" not in text.limitations(None, None, "population")


def unescaped(markdown: str) -> str:
    """Markdown as it reads: backslash-escaped punctuation (literal input text) without the backslash."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def summary_rows(scenario, truth_mode, biases, coverages, **extra):
    """Rows of the study's table for one scenario: bias and coverage per form (sexual, criminal, any)."""
    return [{"scenario": scenario, "form": form, "truth_mode": truth_mode, "replicates": 200, "resamples": 1000,
             "level": 0.95, "organisations": 60, "response_rate": 0.18, "true_victims": 300.0, "respondents": 220.0,
             "response_odds": 1.0, "open_others": 0.05, "unknown_others": 0.1, "true_factor": 0.5,
             "bias": b, "bias_se": 0.011, "bias_at_truth": b, "bias_at_truth_se": 0.011, "coverage": c,
             "coverage_se": 0.014, "relative_width": 1.5, **extra}
            for form, b, c in zip(("sexual", "criminal", "any"), biases, coverages)]


def study_table(right_bias=0.01):
    sim = pd.DataFrame(summary_rows("random", "drawn", (0.07, 0.071, 0.063), (0.96, 0.96, 0.97))
                       + summary_rows("selected", "drawn", (0.1, 0.1, 0.1), (0.945, 0.925, 0.80), response_odds=3.0)
                       + summary_rows("right", "central", (0.016, 0.022, right_bias), (1.0, 1.0, 1.0))
                       + summary_rows("heavy", "central", (0.004, -0.008, -0.009), (1.0, 1.0, 1.0), open_others=0.7))
    sim.attrs["assumptions"] = {"nonresponse_factor": {"low": 0.0, "central": 0.3, "high": 1.0}}
    return sim


def test_limitations_give_the_coverage_with_the_truth_drawn_from_the_ranges():
    lim = unescaped(text.limitations(study_table(), "@sec-x", "nonresponse"))
    assert ("bevat het echte aantal dan in 97% van de gevallen bij willekeurige respons en in 80% van de gevallen "
            "bij zelfselectie (beloofd: 95%)") in lim
    assert "(voor niet-respondenten 0 tot 1 keer zo vaak slachtoffers als respondenten)" in lim
    assert "simulatie" not in text.limitations(None, None, "nonresponse")


def test_simulation_appendix_reads_every_scenario_and_form_from_the_table():
    appendix = unescaped(text.simulation_appendix(study_table(), "@tbl-s"))
    assert "200 keer per scenario" in appendix and "In de scenario's ‘Aannames kloppen’ en ‘Veel overlap’" in appendix
    assert ("- **Willekeurige respons.** Wie reageert, is toeval; de aannames zijn getrokken. De centrale schatting "
            "ligt gemiddeld 7% boven het echte aantal voor seksuele uitbuiting (± 1,1), 7% boven het echte aantal "
            "voor criminele uitbuiting (± 1,1) en 6% boven het echte aantal voor beide vormen samen (± 1,1).") in appendix
    assert ("in 96% van de gevallen voor seksuele uitbuiting (± 1,4), 96% van de gevallen voor criminele uitbuiting "
            "(± 1,4) en 97% van de gevallen voor beide vormen samen (± 1,4): zo vaak als beloofd.") in appendix
    assert "reageren vaker (een 3 keer zo grote kans, in odds)" in appendix
    assert "80% van de gevallen voor beide vormen samen (± 1,4): minder vaak dan beloofd." in appendix
    assert "70% van de melders zit in de open bovenste categorie" in appendix
    assert "bij zelfselectie in 80% van de gevallen, minder vaak dan beloofd" in appendix
    assert ("1% boven het echte aantal (‘Aannames kloppen’) en 1% onder het echte aantal (‘Veel overlap’): telkens "
            "binnen 10%") in appendix
    # A central estimate off by more than 10 % where the assumptions are right is said to be so.
    assert "niet telkens binnen 10%" in unescaped(text.simulation_appendix(study_table(right_bias=0.15), "@tbl-s"))


def test_coverage_words_allow_two_monte_carlo_errors():
    assert text.coverage_words(0.93, 0.015, 0.95) == "zo vaak als beloofd"
    assert text.coverage_words(0.90, 0.015, 0.95) == "minder vaak dan beloofd"
    assert text.coverage_words(1.0, 0.0, 0.95) == "vaker dan beloofd"


def test_sensitivity_names_the_two_strongest_assumptions_and_the_heaviest_reporters():
    table = pd.DataFrame([{"assumption": "nonresponse", "total_low": 145.0, "total_high": 793.0},
                          {"assumption": "population", "total_low": 403.0, "total_high": 568.0}])
    heavy = {"top": 7, "share": 0.05, "reporters": 127, "top_fraction": 0.27, "estimate_without_top": 341.0,
             "estimate": 469.0, "min_group": 5, "raised_to_min_group": False, "suppressed": False}
    t = text.sensitivity(table, heavy, "@fig-t", "@tbl-s", "@tbl-b")
    assert "‘hoe vaak niet-respondenten slachtoffers zien’: tussen 145 en 793" in t
    assert "‘aantal eerstelijns professionals’ (tussen 403 en 568)" in t
    assert "**De zwaarst wegende respondenten.** De zeven respondenten met de grootste bijdrage (5%, naar boven afgerond, van de 127" in t
    assert "goed voor 27% van de centrale schatting" in t and "341 zijn in plaats van 469" in t
    assert "zwaarst wegende" not in text.sensitivity(table, heavy | {"top": 0}, "@fig-t", "@tbl-s", "@tbl-b")
    # Raised to the suppression threshold: the text says why there are more than the share.
    raised = text.sensitivity(table, heavy | {"top": 10, "min_group": 10, "raised_to_min_group": True},
                              "@fig-t", "@tbl-s", "@tbl-b")
    assert "De tien respondenten met de grootste bijdrage (5% van de 127" in raised
    assert "naar boven afgerond, is minder dan 10, de ondergrens voor gepubliceerde aantallen; daarom zijn het er tien)" \
        in raised
    assert "zwaarst wegende" not in text.sensitivity(table, heavy | {"top": None, "suppressed": True}, "@fig-t", "@tbl-s",
                                                 "@tbl-b")


def test_method_states_the_one_item_bias_or_the_per_victim_weights():
    zero = est.Bounds(np.zeros(3), np.zeros(3))
    a = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(1000, 1200, 1500), per_victim=(1.0, 1.0, 1.3))
    one = est.EstimationData({"sexual": zero, "criminal": zero, "both": zero}, zero, np.array([0, 0, 1]),
                             np.array([True, True, False]))
    t = text.method(one, a, Book(), resamples=2000, registered_years=[2022], place=PLACE, threshold=1)
    assert "eerder te laag dan te hoog" in t and "tot 1,3 keer zo groot" in t and "per slachtoffer" in t
    grid = est.Bounds(np.array([[0.0, 1.0], [2.0, np.nan], [np.nan, np.nan]]),
                      np.array([[0.0, 1.0], [3.0, np.nan], [np.nan, np.nan]]))
    per_victim = est.EstimationData(one.victims, one.others, one.cluster, one.met_any, grid=grid)
    t = text.method(per_victim, a, Book(), resamples=2000, registered_years=[2022], place=PLACE, threshold=1)
    assert "(voor hun eerste twee slachtoffers)" in t and "twee respondenten deden dat" in t
    assert "eerder te laag" not in t and "na de eerste twee," in t


def test_sensitivity_shows_the_one_item_correction_when_it_is_a_row():
    table = pd.DataFrame([{"assumption": "nonresponse", "total_low": 145.0, "total_high": 793.0, "low": 0.0,
                           "central": 0.5, "high": 1.0, "total_central": 469.0},
                          {"assumption": "per_victim", "total_low": 469.0, "total_high": 609.7, "low": 1.0,
                           "central": 1.0, "high": 1.3, "total_central": 469.0}])
    heavy = {"top": 0}
    t = text.sensitivity(table, heavy, "@fig-t", "@tbl-s", "@tbl-b")
    assert "tot 1,3 keer het gewicht van één gebruikelijk aantal, dan wordt de schatting 610 in plaats van 469" in t
    assert "Eén aantal voor alle slachtoffers" not in text.sensitivity(table.iloc[:1].assign(
        assumption=["nonresponse"]).pipe(lambda d: pd.concat([d, d.assign(assumption="population")])), heavy,
        "@f", "@t", "@b")


def test_response_timing_paragraph_reads_the_comparison_or_says_there_are_no_dates():
    from exploitation_report.stats import response_timing as rt

    none = text.response_timing(None, 0.5, "@tbl-timing", 5)
    assert "niet wanneer respondenten de vragenlijst invulden" in none
    n = 120
    dates = pd.Series(pd.date_range("2026-02-02", periods=n, freq="8h").strftime("%Y-%m-%dT%H:%M"), dtype="string")
    met = np.arange(n) % 3 != 0
    met[-40:] = np.arange(40) % 4 == 0                      # late: fewer met victims
    timing = rt.compare(dates, met, met * 3.0, met * 1.5, resamples=500, seed=2)
    t = text.response_timing(rt.protect(timing, 5), 0.5, "@tbl-timing", 5)
    assert "het eerste derde" in t and "2 februari 2026 tot en met" in t and "elk 40 respondenten" in t
    assert text.timing_direction(timing["ratios"]["sirken_weight"]) == "lower"
    assert "Late respondenten zien dus minder slachtoffers" in t and "centrale aanname (0,5)" in t
    assert "geen meting" in t
    assert text.timing_direction((1.0, 0.8, 1.2)) == "same" and text.timing_direction((1.4, 1.1, 1.9)) == "higher"
    assert text.timing_direction((None, None, None)) is None


def reporters(n, met, unknown_others=0, missing_counts=0):
    """n respondents of n organisations, the first ``met`` of whom met victims; no counts."""
    zero = est.Bounds(np.zeros(n), np.zeros(n))
    return est.EstimationData({"sexual": zero, "criminal": zero, "both": zero}, zero, np.arange(n),
                              np.arange(n) < met, unknown_others=unknown_others, missing_counts=missing_counts)


def method_text(data, a=RANGES, threshold=5):
    return text.method(data, a, Book(), resamples=2000, registered_years=[2022], place=PLACE, threshold=threshold)


def test_method_never_gives_a_small_count_of_respondents_exactly():
    # suppression.min_count=25: 16 of 122 did not know how many others knew their victims.
    t = method_text(reporters(222, 122, unknown_others=16, missing_counts=3), threshold=25)
    assert "wisten minder dan 25 niet bij hoeveel anderen" in t and "16" not in t and "zestien" not in t
    assert "Van minder dan 25 respondenten ontbrak een aantal" in t
    assert "De 222 respondenten" in t and "122 van hen zagen" in t
    # The complement would give it away: 218 of 222 met victims, so 4 did not.
    t = method_text(reporters(222, 218, unknown_others=16), threshold=25)
    assert "een niet te publiceren aantal van hen zagen" in t and "218" not in t
    # Nobody is not a small group; it reads as a sentence, not 'wisten nul niet'.
    t = method_text(reporters(222, 122), threshold=25)
    assert "Alle respondenten die slachtoffers zagen, gaven aan bij hoeveel anderen" in t and "nul" not in t
    assert "ontbrak een aantal" not in t
    # Fewer respondents than the threshold: no "De minder dan 25 respondenten".
    t = method_text(reporters(20, 0), threshold=25)
    assert "De respondenten die in de gemeente werken (minder dan 25), gaven" in t and "De minder" not in t


def test_method_merges_scenarios_with_equal_factors():
    def step4(nonresponse):
        return method_text(reporters(10, 5), est.Assumptions(nonresponse=nonresponse, population=(1000, 1200, 1500)))
    assert "slachtoffers zien met 0 (laag en centraal) of 1 (hoog) keer de frequentie" in step4((0.0, 0.0, 1.0))
    assert "slachtoffers zien met 0 (laag) of 1 (centraal en hoog) keer de frequentie" in step4((0.0, 1.0, 1.0))
    assert "0 (laag), 0,5 (centraal) of 1 (hoog)" in step4((0.0, 0.5, 1.0))
    fixed = step4((0.0, 0.0, 0.0))
    assert "met 0 keer de frequentie van respondenten, vast, zonder marge" in fixed and "(laag" not in fixed
    assert [g["ends"] for g in text.scenario_groups((0.0, 0.0, 1.0))] == ["laag en centraal", "hoog"]
    assert text.scenario_groups((0.3, 0.3, 0.3))[0]["fixed"]


def test_the_assumption_sentence_does_not_repeat_the_estimate_at_factor_one():
    one = text.assumption_sentence(1.0, 281, 156, 488, 0.95, None)
    assert "even vaak slachtoffers zien als wie hem wel invulde. Dat is niet gemeten." in one
    assert "Zien zij even vaak" not in one and "281" not in one and "1 keer" not in one
    zero = text.assumption_sentence(0.0, 281, 156, 488, 0.95, None)
    assert "niet invulden geen slachtoffers zien" in zero and "0 keer" not in zero
    assert "Zien zij even vaak slachtoffers, dan gaat het om 281" in zero


def test_the_poisson_widening_is_named_only_where_it_moves_a_printed_bound():
    base = replace(LADDERS["any"], ci_low=41.2, ci_high=303.0, ci_method=est.WIDENED_METHOD)
    # Widened by less than the rounding: 41,2 and 41,4 both read 41.
    assert text.widening(replace(base, ci_bootstrap=(41.4, 303.0))) is None
    assert "Poisson" not in outcome({**LADDERS, "any": replace(base, ci_bootstrap=(41.4, 303.0))})
    moved = replace(base, ci_bootstrap=(42.1, 303.0))
    assert text.widening(moved) == {"side": "low", "bootstrap": (42.1, 303.0)}
    t = outcome({**LADDERS, "any": moved})
    assert "Aan de onderkant volgt het interval het exacte Poisson-interval" in t and "(42–303)" in t
    assert "weinig meldingen" not in t
    assert text.widening(replace(base, ci_bootstrap=(0.0, 0.0)))["side"] == "both"
    # From results.json (the summary): the same answer from the interval and the bootstrap's.
    record = {"interval": {"low": 41.2, "high": 303.0, "method": est.WIDENED_METHOD},
              "bootstrap_interval": {"low": 41.4, "high": 303.0}}
    assert text.record_widening(record) is None
    assert text.record_widening({"interval": {"low": 1, "high": 2, "method": "bootstrap"}}) is None


def test_the_one_item_correction_reads_as_it_is_used():
    one = reporters(3, 2)
    def pv(values):
        return method_text(one, est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(1000, 1200, 1500),
                                                per_victim=values))
    assert "gevoeligheidsanalyse laat zien wat een gewicht tot 1,3 keer zo groot betekent" in pv((1.0, 1.0, 1.3))
    none = pv((1.0, 1.0, 1.0))
    assert "niet te zeggen, en de schatting corrigeert er niet voor." in none and "gevoeligheidsanalyse" not in none
    fixed = pv((1.3, 1.3, 1.3))
    assert "de schatting rekent daarom met een 1,3 keer zo groot gewicht voor hun slachtoffers." in fixed
    assert "gevoeligheidsanalyse" not in fixed
    both = pv((1.0, 1.2, 1.5))
    assert "rekent daarom met een 1,2 keer zo groot gewicht voor hun slachtoffers; de gevoeligheidsanalyse laat " \
           "zien wat een gewicht tot 1,5 keer zo groot betekent" in both
    # The sensitivity paragraph with a central correction above 1: the estimate and the interval use it.
    table = pd.DataFrame([{"assumption": "per_victim", "total_low": 400.0, "total_high": 500.0, "low": 1.0,
                           "central": 1.2, "high": 1.5, "total_central": 450.0}])
    t = text.sensitivity(table, {"top": 0}, "@f", "@t", "@b")
    assert "De centrale schatting (450) geeft die slachtoffers 1,2 keer het gewicht van één gebruikelijk aantal; " \
           "bij 1 keer wordt ze 400, bij 1,5 keer 500." in t
    assert "Het interval rekent met 1,2 keer; de marge daaromheen zit er niet in" in t


def test_the_minimum_and_the_method_name_the_band_position_they_use():
    mid = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(1000, 1200, 1500), band_position=(0.5, 0.5, 0.5))
    t = outcome(LADDERS, mid)
    assert "(elk aantal slachtoffers in het midden van zijn categorie, zo veel mogelijk overlap" in t
    assert "op de ondergrens van zijn categorie" not in t
    assert "(elk aantal slachtoffers op de ondergrens van zijn categorie" in outcome(LADDERS)
    m = method_text(reporters(10, 5), mid)
    assert "Voor de centrale waarde en voor het minimum telt elk aantal in het midden van zijn categorie;" in m
    assert ("Voor de centrale waarde telt elk aantal in het midden van zijn categorie, voor het minimum op de "
            "ondergrens;") in method_text(reporters(10, 5))
    assert text.band_position(0.25) == "op 25% van de weg van ondergrens naar bovengrens"


def test_the_method_says_which_open_band_caps_are_drawn():
    def caps(band_cap, others_cap):
        return method_text(reporters(10, 5), est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(1000, 1200, 1500),
                                                              band_cap=band_cap, others_cap=others_cap))
    assert "ook die bovengrenzen worden in het interval binnen hun marge getrokken." in caps((25, 30, 50), (6, 8, 16))
    both_fixed = caps((30, 30, 30), (8, 8, 8))
    assert "bovengrens" not in both_fixed.split("Aantallen zijn")[1].replace("ondergrens", "")
    assert "hoogstens als 8 (vast)." in both_fixed
    one = caps((30, 30, 30), (6, 8, 16))
    assert "(marge 6 tot 16); de bovengrens met een marge wordt in het interval binnen die marge getrokken." in one


def test_the_heaviest_reporters_share_keeps_the_decimals_it_needs():
    assert [dutch.percent_decimals(x) for x in (0.05, 0.001, 0.0125, 0.25)] == [0, 1, 2, 0]
    heavy = {"top": 5, "share": 0.001, "reporters": 122, "top_fraction": 0.36, "estimate_without_top": 107.0,
             "estimate": 167.0, "min_group": 5, "raised_to_min_group": True, "suppressed": False}
    t = text.sensitivity(pd.DataFrame(columns=["assumption", "total_low", "total_high"]), heavy, "@f", "@t", "@b")
    assert "(0,1% van de 122 respondenten die slachtoffers meldden, naar boven afgerond, is minder dan 5" in t
    assert "daarom zijn het er vijf)" in t and "(0% " not in t
    # No assumption with a range: no figure or table to point to.
    assert "liggen alle aannames vast" in t and "@f" not in t and "@t " not in t


def test_the_timing_paragraph_gives_no_small_group_exactly():
    from exploitation_report.stats import response_timing as rt

    n = 30
    dates = pd.Series(pd.date_range("2026-02-02", periods=n, freq="8h").strftime("%Y-%m-%dT%H:%M"), dtype="string")
    dates[:4] = pd.NA                                        # four without a date
    met = np.arange(n) % 2 == 0
    timing = rt.protect(rt.compare(dates, met, met * 2.0, met * 1.0, resamples=100, seed=1), 10)
    t = text.response_timing(timing, 0.5, "@tbl-timing", 10)
    assert "elk minder dan 10 respondenten; minder dan 10 respondenten hadden geen datum" in t


def test_the_part_of_the_respondents_compared_in_words():
    # The note under the timing table once read "het eerste ('het', 'derde')".
    assert text.part_of_respondents(3, "eerst") == "het eerste derde"
    assert text.part_of_respondents(2, "laatst") == "de laatste helft"


def test_the_heaviest_reporters_without_their_number_where_it_is_hidden():
    heavy = {"top": 7, "share": 0.05, "reporters": None, "top_fraction": 0.27, "estimate_without_top": 341.0,
             "estimate": 469.0, "min_group": 5, "raised_to_min_group": False, "suppressed": False}
    t = text.sensitivity(pd.DataFrame(columns=["assumption", "total_low", "total_high"]), heavy, "@f", "@t", "@b")
    assert "(5%, naar boven afgerond, van de respondenten die slachtoffers meldden)" in t


def test_a_fixed_per_victim_correction_is_named_only_where_it_applies():
    fixed = est.Assumptions(nonresponse=(0.0, 0.5, 1.0), population=(1000, 1200, 1500), per_victim=(1.2, 1.2, 1.2))
    assert ("per_victim", 1.2) in text.fixed_assumptions(fixed)
    # Asked per victim (a multiplicity grid) of every reporter, the correction is ignored: not "vast (1,2)".
    assert "per_victim" not in dict(text.fixed_assumptions(fixed, per_victim_applies=False))


def test_limitations_speak_of_the_high_scenario_only_where_there_is_one():
    assert "hoger zijn dan het hoge scenario" in text.limitations(None, None, "nonresponse")
    fixed = text.limitations(None, None, "population", scenarios=False)
    assert "hoger zijn dan de schatting" in fixed and "hoge scenario" not in fixed


def test_the_undated_respondents_are_not_given_where_the_dated_are_few():
    # 7 dated of 100 at threshold 10: "93 hadden geen datum" beside "de 100 respondenten" gave the 7 back
    # (results.json hid both; the text checked only whether 93 itself was small).
    from exploitation_report.stats import response_timing as rt

    n = 100
    dates = pd.Series(pd.NA, index=range(n), dtype="string")
    dates[:7] = pd.date_range("2026-02-02", periods=7, freq="8h").strftime("%Y-%m-%dT%H:%M")
    met = np.arange(n) % 2 == 0
    timing = rt.protect(rt.compare(dates, met, met * 2.0, met * 1.0, parts=2, resamples=100, seed=1), 10)
    assert (timing["dated"], timing["undated"]) == (7, 93)
    t = text.response_timing(timing, 0.5, "@tbl-timing", 10)
    assert str(n - 7) not in t and "een niet te publiceren aantal respondenten hadden geen datum" in t
    from exploitation_report.pipeline import estimation_records as records

    assert records.response_timing(timing, "response_date", 10)["undated"]["value"] is None


def test_an_interval_reaching_below_the_minimum_says_why():
    # The minimum reads the answers as given; the interval also resamples who answered, so it can
    # reach lower: said so, not left as a contradiction (helper-52: interval 29-87 beside a minimum of 34).
    below = {**LADDERS, "any": ladder("any", 564.0, 200.0, 915.0)}        # minimum 225.6 > 200
    assert "Het interval reikt lager, omdat het ook het toeval meeneemt" in outcome(below)
    assert "reikt lager" not in outcome(LADDERS)                            # minimum 225.6 < 326
