import subprocess

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


def test_codebook_routing_in_dutch():
    from exploitation_report.chapters.questionnaire_appendix import markdown, routing_nl
    from exploitation_report.inputs.codebook import load_codebook
    from exploitation_report.paths import PROJECT_ROOT

    cb = load_codebook(PROJECT_ROOT / "data/codebook.yml")
    assert routing_nl(None, cb) == "iedereen"
    assert routing_nl("met_sexual == 1 or met_criminal == 1", cb) == "met_sexual = Ja of met_criminal = Ja"
    assert routing_nl("action_reported_externally == 0", cb) == "action_reported_externally = niet aangekruist"
    text = markdown(cb)
    assert "{#tbl-codebook}" in text and "==" not in text
    # The codebook's texts are literal Markdown: read back by pandoc, they are the codebook's words.
    from exploitation_report.render.builtin import pandoc_path
    plain = subprocess.run([pandoc_path(), "--from", "markdown", "--to", "plain", "--wrap=none"], input=text,
                           capture_output=True, text=True, check=True).stdout
    assert "met_both = Ja" in plain and "-9 niet ingevuld; -8 niet van toepassing" in plain
