"""The inputs of the front and back matter: interview quotes, the municipal context, the imprint, the literature.

Each is checked with clear errors (file, key, what was expected); a quote never names a
person and is printed only with consent; without an interview file the method says no
interviews were held.
"""

from __future__ import annotations

import copy

import pytest
import yaml

from exploitation_report.chapters.templates import render
from exploitation_report.inputs import interviews, municipal_context
from exploitation_report.inputs.errors import InputError
from exploitation_report.inputs.literature import load as load_literature
from exploitation_report.inputs.params import load_params
from exploitation_report.paths import PROJECT_ROOT, REPORT_DIR

SHIPPED_INTERVIEWS = PROJECT_ROOT / "data" / "2024" / "interviews_synthetic.yml"
SHIPPED_CONTEXT = PROJECT_ROOT / "data" / "context_groningen.yml"


def write(tmp_path, data, name="file.yml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def raw(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def problems(path, loader, *args):
    with pytest.raises(InputError) as err:
        loader(path, *args)
    return err.value.problems


# --------------------------------------------------------------------------- interviews

def test_shipped_interviews_are_synthetic_marked_and_name_no_one():
    data = interviews.load(SHIPPED_INTERVIEWS)
    assert data.synthetic and "SYNTHETISCH" in data.source and data.held == 12
    assert "SYNTHETIC" in SHIPPED_INTERVIEWS.read_text(encoding="utf-8").splitlines()[0]
    assert all(q.consent for q in data.quotes) and {q.theme for q in data.quotes} <= set(interviews.THEMES)
    assert [q.role for q in data.by_theme("signalen")] == ["wijkagent"]
    with pytest.raises(ValueError, match="unknown interview theme"):
        data.by_theme("daders")


@pytest.mark.parametrize("key", ["name", "naam"])
def test_a_quote_with_a_name_is_refused(tmp_path, key):
    data = raw(SHIPPED_INTERVIEWS)
    data["quotes"][2][key] = "Jan Jansen"
    [problem] = problems(write(tmp_path, data), interviews.load)
    assert problem.key == "quotes.2" and f"no '{key}' key" in str(problem) and "never the person" in str(problem)


def test_a_quote_without_consent_is_refused(tmp_path):
    data = raw(SHIPPED_INTERVIEWS)
    data["quotes"][1]["consent"] = False
    del data["quotes"][3]["consent"]
    found = problems(write(tmp_path, data), interviews.load)
    assert [p.key for p in found] == ["quotes.1", "quotes.3.consent"]
    assert "consent: true" in str(found[0]) and "this key to be present" in str(found[1])


def test_an_unknown_theme_names_the_themes(tmp_path):
    data = raw(SHIPPED_INTERVIEWS)
    data["quotes"][0]["theme"] = "daders"
    [problem] = problems(write(tmp_path, data), interviews.load)
    assert problem.key == "quotes.0.theme" and "'signalen'" in str(problem)


def test_quotes_print_literally_with_role_and_synthetic_mark():
    quote = interviews.Quote(theme="melden", role="wijkagent", consent=True, text="Zie *dit* en @fig-x [a](b)")
    text = render("interviews/quotes.md.j2", quotes=[quote], synthetic=True)
    assert r"> “Zie \*dit\* en \@fig\-x \[a\]\(b\)”" in text and "> — Wijkagent *(synthetisch citaat)*" in text
    assert "synthetisch" not in render("interviews/quotes.md.j2", quotes=[quote], synthetic=False)


def test_method_says_when_no_interviews_were_held_and_what_was_not_asked():
    none = render("survey/methode_interviews.md.j2", interviews=None)
    assert "Voor deze editie zijn geen interviews gehouden." in none
    assert "werving, dwang en daders" in none
    held = render("survey/methode_interviews.md.j2", interviews=interviews.load(SHIPPED_INTERVIEWS))
    assert "twaalf interviews gehouden" in held and "**synthetisch**" in held and "geen interviews" not in held


# --------------------------------------------------------------------------- municipal context

def test_shipped_context_sources_the_council_letter_and_marks_the_rest():
    context = municipal_context.load(SHIPPED_CONTEXT, "Groningen")
    assert context.illustrative
    sourced = [s for s in context.approach if not s.illustrative]
    assert sourced and all("Raadsbrief" in s.source for s in sourced)
    assert {p.name for p in context.partners} >= {"Politie", "CoMensha", "Zorg- en Veiligheidshuis Groningen"}
    assert "ILLUSTRATIVE" in SHIPPED_CONTEXT.read_text(encoding="utf-8")


def test_context_of_another_municipality_is_refused():
    [problem] = problems(SHIPPED_CONTEXT, municipal_context.load, "Voorbeeld")
    assert problem.key == "municipality" and "municipality.name: Voorbeeld" in str(problem)
    assert "'Groningen'" in str(problem)


def test_context_problems_name_file_and_key(tmp_path):
    data = raw(SHIPPED_CONTEXT)
    del data["partners"][1]["source"]
    data["partners"][2]["name"] = data["partners"][0]["name"]
    data["approach"] = []
    found = problems(write(tmp_path, data, "context.yml"), municipal_context.load)
    keys = {p.key for p in found}
    assert {"partners.1.source", "approach"} <= keys, keys
    assert all(p.file.endswith("context.yml") for p in found)


def test_partners_once(tmp_path):
    data = raw(SHIPPED_CONTEXT)
    data["partners"].append(copy.deepcopy(data["partners"][0]))
    [problem] = problems(write(tmp_path, data), municipal_context.load)
    assert "Zorg- en Veiligheidshuis Groningen more than once" in str(problem)


# --------------------------------------------------------------------------- imprint and literature

def test_publication_metadata_is_required_and_checked(tmp_path):
    data = raw(PROJECT_ROOT / "params" / "2024.yml")
    data["publication"]["authors"] = ["A. Auteur", " "]
    data["publication"]["date"] = "gisteren"
    found = problems(write(tmp_path, data, "2024.yml"), load_params)
    assert {p.key for p in found} == {"publication.authors", "publication.date"}
    assert "a name for every author" in str([p for p in found if p.key == "publication.authors"][0])
    del data["publication"]
    [missing] = problems(write(tmp_path, data, "2024.yml"), load_params)
    assert missing.key == "publication" and "present" in str(missing)


def test_shipped_params_name_imprint_interviews_and_context():
    p24, p26 = load_params(PROJECT_ROOT / "params" / "2024.yml"), load_params(PROJECT_ROOT / "params" / "2026.yml")
    assert p24.publication.authors and p24.inputs.interviews is not None and p26.inputs.interviews is None
    assert p24.inputs.municipal_context == p26.inputs.municipal_context


def test_literature_entries_and_citations():
    literature = load_literature(REPORT_DIR / "literature.yml")
    ids = {r.id for r in literature.references}
    assert {"sirken1970", "wilson1927", "newcombe1998", "chao2001"} <= ids
    assert literature.cite("sirken1970") == "Sirken, 1970"
    with pytest.raises(KeyError, match="no reference 'x'"):
        literature.cite("x")
    assert render("survey/methode_analyse.md.j2", resamples=2000, alpha=0.05, threshold=5, all_or_none=10,
                  pool_below=10, compares_sectors=True).count(r"(Wilson\, 1927)") == 1


def test_literature_ids_once(tmp_path):
    data = raw(REPORT_DIR / "literature.yml")
    data["references"].append(dict(data["references"][0]))
    [problem] = problems(write(tmp_path, data), load_literature)
    assert "sirken1970 more than once" in str(problem)


def test_a_quote_twice_or_an_abbreviation_for_two_partners_is_refused(tmp_path):
    """A quote pasted twice would print as two professionals' words; ZVHG for two partners names neither."""
    data = raw(SHIPPED_INTERVIEWS)
    data["quotes"].append({**data["quotes"][0], "text": "  " + data["quotes"][0]["text"].replace(" ", "  ")})
    (p,) = problems(write(tmp_path, data), interviews.load)
    assert "every quote once" in p.expected
    data = raw(SHIPPED_CONTEXT)
    short = next(q["short"] for q in data["partners"] if q.get("short"))
    data["partners"].append({**data["partners"][0], "name": "Een andere partner", "short": short})
    (p,) = problems(write(tmp_path, data, "context.yml"), municipal_context.load)
    assert "every partner abbreviation (short) once" in p.expected and short in p.expected
