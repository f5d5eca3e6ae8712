"""The period a question asks about, and a codebook whose counting questions ask about another one."""

from __future__ import annotations

import pytest
import yaml

from exploitation_report.inputs.edition import load_inputs
from exploitation_report.inputs.errors import InputError
from exploitation_report.inputs.params import load_params
from exploitation_report.inputs.question_period import asked_months
from exploitation_report.paths import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "params" / "2024.yml"
ONE_YEAR = ["reference_period.start=2023-01-01", "reference_period.end=2023-12-31", "reference_period.label=2023",
            "estimation.registrations_year=2023"]


@pytest.mark.parametrize("question,months", [
    ("Bent u in de afgelopen twee jaar in aanraking gekomen met slachtoffers?", 24),
    ("Zag u in het afgelopen jaar slachtoffers?", 12),
    ("Met hoeveel slachtoffers had u de laatste 6 maanden contact?", 6),
    ("Hoeveel slachtoffers zag u in de AFGELOPEN  Twaalf maanden?", 12),
    ("Zag u het afgelopen half jaar slachtoffers?", 6),
    ("Zag u de afgelopen anderhalf jaar slachtoffers?", 18),
    ("Zag u de afgelopen één maand slachtoffers?", 1),
    ("Bent u in de afgelopen 2 jaren slachtoffers tegengekomen?", 24),   # read as two months once
    ("Zag u in de afgelopen jaren slachtoffers?", None),         # no length: nothing to check (read as a month once)
    ("Zag u de afgelopen maanden slachtoffers?", None),
    ("Hoeveel slachtoffers zag u?", None),                       # no period: nothing to check
    ("Zag u de afgelopen paar jaar slachtoffers?", None),        # words not read: nothing to check
])
def test_the_period_a_question_names(question, months):
    assert asked_months(question) == months


@pytest.mark.parametrize("start,end,months", [("2022-01-01", "2023-12-31", 24), ("2023-10-01", "2023-12-31", 3),
                                              ("2023-04-01", "2023-12-31", 9), ("2022-10-01", "2023-12-31", 15),
                                              ("2022-07-01", "2023-12-31", 18), ("2022-01-15", "2023-12-31", 24)])
def test_a_period_is_counted_in_whole_months_from_its_days(start, end, months):
    # From the length in years (one decimal) three months read as two and nine as ten.
    label = "2022–2023" if start[:4] != end[:4] else end[:4]
    params = load_params(SHIPPED, [f"reference_period.start={start}", f"reference_period.end={end}",
                                   f"reference_period.label={label}", "estimation.registrations_year=2023"])
    assert params.reference_period.months == months


def test_the_shipped_codebook_asks_about_the_shipped_period():
    params = load_params(SHIPPED)
    assert params.reference_period.months == 24
    load_inputs(params)


def test_counting_questions_about_another_period_are_refused(tmp_path):
    # A one-year period with the two-year questions: every count was read as one year's, and the
    # report said "het afgelopen jaar" above the questionnaire's "in de afgelopen twee jaar".
    with pytest.raises(InputError) as err:
        load_inputs(load_params(SHIPPED, ONE_YEAR))
    keys = [p.key for p in err.value.problems]
    assert keys == ["variables.met_sexual.question", "variables.met_criminal.question",
                    "variables.n_sexual.question", "variables.n_criminal.question"]
    first = err.value.problems[0]
    assert first.file.endswith("codebook.yml") and "12 months (2023-01-01 to 2023-12-31" in first.expected
    assert "reference_period in the parameters" in first.expected
    assert first.found.startswith("24 months: 'Bent u in de afgelopen")

    # The same period with questions that ask about it passes.
    raw = yaml.safe_load((PROJECT_ROOT / "data" / "codebook.yml").read_text(encoding="utf-8"))
    for name in ("met_sexual", "met_criminal", "n_sexual", "n_criminal"):
        question = raw["variables"][name]["question"]
        raw["variables"][name]["question"] = question.replace("in de afgelopen twee jaar", "in het afgelopen jaar")
    codebook = tmp_path / "codebook.yml"
    codebook.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_inputs(load_params(SHIPPED, [*ONE_YEAR, f"inputs.codebook={codebook}"]))
