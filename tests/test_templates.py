"""The Jinja2 environment for chapter text: literal inputs, formatted numbers, no suppressed figure."""

from __future__ import annotations

import pytest

from exploitation_report.chapters.markdown import Markup
from exploitation_report.chapters.templates import SuppressedFigure, TemplateProblem, render

SHARE = {"estimate": 0.55, "count": 121, "base": 220, "ci_low": 0.48, "ci_high": 0.61, "ci_level": 0.95,
         "suppressed": False}
HIDDEN = {"estimate": None, "count": None, "base": 220, "ci_low": None, "ci_high": None, "suppressed": True}


@pytest.fixture
def folder(tmp_path):
    def write(name, text):
        (tmp_path / name).write_text(text, encoding="utf-8")
        return tmp_path
    return write


def test_a_share_prints_with_its_base_and_interval_and_numbers_in_dutch(folder):
    d = folder("t.md.j2", "{{ r|share }}; {{ n|number }} van {{ year|year }}; {{ r|quantifier }}")
    out = render("t.md.j2", folder=d, r=SHARE, n=1200, year=2024)
    assert isinstance(out, Markup)
    assert out == "55% (121 van 220; 95%-BI 48–61%); 1.200 van 2024; ruim de helft"


def test_text_from_inputs_is_literal_markdown(folder):
    d = folder("t.md.j2", "{{ label }}")
    assert render("t.md.j2", folder=d, label="*vet* [x](y) @fig-a") == r"\*vet\* \[x\]\(y\) \@fig\-a"


def test_a_bare_number_is_refused_with_the_template_named(folder):
    d = folder("t.md.j2", "{{ n }}")
    with pytest.raises(TemplateProblem, match=r"t\.md\.j2.*bare number"):
        render("t.md.j2", folder=d, n=0.5483)


def test_a_suppressed_figure_is_refused_but_say_words_it(folder):
    d = folder("t.md.j2", "{{ r|share }}")
    with pytest.raises(SuppressedFigure, match="suppressed"):
        render("t.md.j2", folder=d, r=HIDDEN)
    d = folder("s.md.j2", "{{ r|say }}")
    assert "niet gepubliceerd" in render("s.md.j2", folder=d, r=HIDDEN)


def test_unknown_names_and_missing_templates_are_errors(folder):
    d = folder("t.md.j2", "{{ nobody }}")
    with pytest.raises(TemplateProblem, match="nobody"):
        render("t.md.j2", folder=d)
    with pytest.raises(TemplateProblem, match="no such template"):
        render("missing.md.j2", folder=d)


def test_compiled_templates_are_cached_and_follow_their_source(tmp_path, monkeypatch):
    import jinja2

    from exploitation_report.chapters import templates
    from exploitation_report.paths import CACHE_ENV

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "t.md.j2").write_text("Eerst {{ word }}.\n", encoding="utf-8")
    templates.environment.cache_clear()
    try:
        assert render("t.md.j2", folder=folder, word="a") == "Eerst a.\n"
        cached = list((tmp_path / "cache" / "jinja").rglob("*.cache"))
        assert len(cached) == 1
        templates.environment.cache_clear()   # a new process: the compiled code comes from the cache
        with monkeypatch.context() as patch:
            patch.setattr(jinja2.Environment, "compile", lambda *a, **k: pytest.fail("compiled again"))
            assert render("t.md.j2", folder=folder, word="<b>") == "Eerst \\<b\\>.\n"
        (folder / "t.md.j2").write_text("Nu {{ word }}.\n", encoding="utf-8")
        templates.environment.cache_clear()
        assert render("t.md.j2", folder=folder, word="b") == "Nu b.\n"   # a changed source is compiled again
    finally:
        templates.environment.cache_clear()


def test_share_words_names_a_hidden_share_in_the_words_the_template_gives(folder):
    path = folder("t.md.j2", "{{ a|share_words }}; {{ b|share_words }}; {{ b|share_words(hidden='een deel') }}")
    assert render("t.md.j2", folder=path, a=SHARE, b=HIDDEN) == "ruim de helft; een (niet te publiceren) deel; een deel"
