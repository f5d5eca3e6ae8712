import subprocess

import pytest

from exploitation_report.chapters import survey_text as txt


def rec(est, label, suppressed=False):
    return {"label": label, "estimate": None if suppressed else est, "suppressed": suppressed,
            "ci_low": est - 0.05, "ci_high": est + 0.05, "count": 1, "base": 100}


def test_top_options_skips_hidden_and_zero_and_orders():
    options = {"a": rec(0.2, "Schulden"), "b": rec(0.5, "Licht verstandelijke beperking (lvb)"),
               "c": rec(0.9, "Verslaving", suppressed=True), "d": rec(0.0, "Trauma"), "e": rec(0.3, "Nederland")}
    assert txt.top_options(options) == "- Licht verstandelijke beperking: 50%\n- Nederland: 30%\n- Schulden: 20%"
    assert txt.top_options(options, k=1) == "- Licht verstandelijke beperking: 50%"
    assert txt.top_options({}) == ""


def test_a_list_of_the_most_named_says_so_when_an_option_is_hidden():
    # 'Verslaving' named by 96 of 100 is hidden (4 did not name it): 'het vaakst genoemd' above
    # Schulden and Nederland claimed what the hidden figure contradicts.
    from exploitation_report.chapters.templates import render

    options = {"a": rec(0.2, "Schulden"), "c": rec(0.96, "Verslaving", suppressed=True), "e": rec(0.3, "Nederland")}
    listing = txt.top_options(options)
    assert listing.partial and "Verslaving" not in listing
    assert not txt.top_options({k: options[k] for k in ("a", "e")}).partial
    partial = render("survey/aard_signalen.md.j2", top=listing)
    assert "Bij de signalen zijn de grootste gepubliceerde aandelen" in partial and "vaakst" not in partial
    assert "De vaakst genoemde signalen, als aandeel" in render(
        "survey/aard_signalen.md.j2", top=txt.top_options({k: options[k] for k in ("a", "e")}))


def test_in_sentence_keeps_names_and_abbreviations():
    assert txt.in_sentence("Politie") == "politie"
    assert txt.in_sentence("Zorg- en Veiligheidshuis Groningen (ZVHG)") == "Zorg- en Veiligheidshuis Groningen"
    assert txt.in_sentence("EU-land") == "EU-land"
    assert txt.in_sentence("Veilig Thuis") == "Veilig Thuis"


def test_comparison_is_descriptive_and_silent_when_hidden():
    a, b = rec(0.8, "x"), rec(0.2, "y")
    text = txt.comparison("mannen", a, b, "alleen criminele uitbuiting zag", "alleen seksuele uitbuiting zag")
    assert text == ("Van wie alleen criminele uitbuiting zag, noemde 80% mannen, tegen 20% van wie alleen "
                    "seksuele uitbuiting zag.")
    assert "evenveel" in txt.comparison("mannen", a, rec(0.801, "z"), "A", "B")
    assert txt.comparison("mannen", a, rec(0.2, "y", suppressed=True), "A", "B") == ""
    assert txt.comparison("x", a, b, "A", "B", ref="@tbl-x").endswith("(@tbl-x).")


def test_extremes():
    rows = {"Zorg": rec(0.6, "Zorg"), "Onderwijs": rec(0.2, "Onderwijs"), "Politie": rec(0.7, "Politie", True)}
    (hi, hi_rec), (lo, lo_rec) = txt.extremes(rows)
    assert (hi, lo) == ("Zorg", "Onderwijs")
    assert txt.extremes({"Zorg": rec(0.6, "Zorg")}) is None


def test_extremes_sentence_claims_only_what_is_published():
    rows = {"Zorg (jeugdzorg, ggz)": rec(0.6, "Zorg"), "Onderwijs": rec(0.2, "Onderwijs")}
    assert txt.extremes_sentence(rows, "het aandeel") == ("Het aandeel is het hoogst in de sector zorg (60%) en het "
                                                          "laagst in de sector onderwijs (20%).")
    # A hidden sector may lie beyond either end, so the claim is limited to the published ones.
    hidden = {**rows, "Politie": rec(0.7, "Politie", suppressed=True)}
    assert txt.extremes_sentence(hidden, "het aandeel").startswith(
        "Van de sectoren waarvan het aandeel gepubliceerd is, is het aandeel het hoogst in de sector zorg (60%)")
    assert txt.extremes_sentence(rows, "het aandeel", incomplete=True).startswith("Van de sectoren waarvan")
    assert txt.extremes_sentence({"Zorg": rec(0.6, "Zorg")}, "het aandeel") == ""


def _escaped(text: str) -> str:
    from exploitation_report.chapters.markdown import literal
    return str(literal(text))


def test_questionnaire_in_dutch_with_question_numbers_and_codebook_for_the_companion():
    from exploitation_report.chapters.questionnaire_appendix import (
        codebook_markdown,
        markdown,
        question_numbers,
        routing_nl,
    )
    from exploitation_report.inputs.codebook import load_codebook
    from exploitation_report.paths import PROJECT_ROOT

    cb = load_codebook(PROJECT_ROOT / "data/codebook.yml")
    numbers = question_numbers(cb)
    assert "respondent_id" not in numbers and "synthetic" not in numbers     # technical columns are no questions
    assert numbers["sector"] == "V1" and numbers["victim_gender_female"] == numbers["victim_gender_male"]
    assert sorted(set(numbers.values()), key=lambda v: int(v[1:])) == [f"V{i}" for i in range(1, 32)]
    assert routing_nl(None, cb) == "iedereen"
    assert routing_nl("met_sexual == 1 or met_criminal == 1", cb) == "met_sexual = Ja of met_criminal = Ja"
    assert routing_nl("met_sexual == 1 or met_criminal == 1", cb, numbers) == \
        f"{numbers['met_sexual']} = Ja of {numbers['met_criminal']} = Ja"
    assert routing_nl("action_reported_externally == 0", cb) == "action_reported_externally = niet aangekruist"
    assert routing_nl("action_reported_externally == 0", cb, numbers) == \
        f"{numbers['action_reported_externally']}: ‘Extern gemeld’ niet aangekruist"
    report = markdown(cb)
    # The report's appendix names no variable and no code: questions, answers and routing in Dutch.
    assert "{#tbl-codebook}" in report and "==" not in report
    for name in ("met_sexual", "action_reported_externally", "respondent_id", "-9"):
        assert name not in report and _escaped(name) not in report, name
    companion = codebook_markdown(cb)
    assert "{#tbl-codeboek}" in companion   # variable names: in the plain text below
    text = companion
    # The codebook's texts are literal Markdown: read back by pandoc, they are the codebook's words.
    from exploitation_report.render.builtin import pandoc_path
    plain = subprocess.run([pandoc_path(), "--from", "markdown", "--to", "plain", "--wrap=none"], input=text,
                           capture_output=True, text=True, check=True).stdout
    assert "met_both = Ja" in plain and "-9 niet ingevuld; -8 niet van toepassing" in plain and "met_sexual" in plain


@pytest.mark.parametrize("label,short", [("Onderwijs (po, vo, mbo)", "Onderwijs"),
                                         ("Contacten met (veel) oudere personen", "Contacten met (veel) oudere personen"),
                                         ("Zorg (jeugdzorg, ggz, lvb-zorg)", "Zorg"), ("(Onbekend)", "(Onbekend)"),
                                         ("Anders", "Anders")])
def test_only_an_explanation_at_the_end_of_a_label_is_dropped(label, short):
    # 'Contacten met (veel) oudere personen' was listed as 'Contacten met'.
    assert txt.without_brackets(label) == short
