"""Survey figures: what is drawn, what is labelled, and that hidden shares show no number."""

import matplotlib.pyplot as plt
import pytest

from exploitation_report.chapters import survey_figures
from exploitation_report.chapters.present import set_theme


def rec(est, base=100, suppressed=False):
    if suppressed:
        return {"suppressed": True, "estimate": None, "count": None, "base": None}
    return {"estimate": est, "ci_low": est - 0.05, "ci_high": est + 0.05, "count": int(est * base), "base": base,
            "suppressed": False}


@pytest.fixture(autouse=True)
def theme():
    set_theme()
    yield
    plt.close("all")


def visible_widths(ax):
    return sorted(round(p.get_width(), 6) for p in ax.patches if p.get_visible() and p.get_width() > 0)


def test_share_figure_draws_bars_and_labels_suppressed_rows():
    fig = survey_figures.shares_with_intervals({"a": rec(0.55), "b": rec(0.8), "c": rec(None, suppressed=True)})
    ax = fig.axes[0]
    assert visible_widths(ax) == [0.55, 0.8]
    texts = [t.get_text() for t in ax.texts]
    assert "55% (n = 100)" in texts and survey_figures.HIDDEN_LABEL in texts
    # The hidden row keeps its label on the axis; it is not dropped.
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "100%"


def test_hidden_rows_show_no_number():
    fig = survey_figures.option_panels([("Woonsituatie (n = 40)", {"Zorginstelling": rec(0.5, 40),
                                                                    "Opvang": rec(None, suppressed=True)})])
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert texts == ["50%", survey_figures.HIDDEN_LABEL]


def test_option_panels_highlight_is_hatched_in_a_second_colour():
    panels = [("Woonsituatie (n = 127)", {"Zorginstelling": rec(0.4), "Zelfstandig": rec(0.3)}),
              ("Leeftijd (n = 127)", {"Jonger dan 18": rec(0.5)})]
    fig = survey_figures.option_panels(panels, highlight={"Zorginstelling"})
    assert len(fig.axes) == 2
    first = [p for p in fig.axes[0].patches if p.get_width() > 0]
    assert first[0].get_hatch() == survey_figures.HATCH and not first[1].get_hatch()
    assert first[0].get_facecolor() != first[1].get_facecolor()
    assert fig.axes[0].get_title(loc="left") == "Woonsituatie (n = 127)"
    assert not fig.legends                                    # no label given: no legend


def test_option_panels_explain_the_highlight_in_a_legend():
    panels = [("Woonsituatie (n = 127)", {"Zorginstelling": rec(0.4), "Zelfstandig": rec(0.3)})]
    fig = survey_figures.option_panels(panels, highlight={"Zorginstelling"}, highlight_label="uitgelicht: zorg")
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["uitgelicht: zorg"]
    assert legend.legend_handles[0].get_hatch() == survey_figures.HATCH
    # Nothing highlighted is drawn: nothing to explain.
    fig = survey_figures.option_panels(panels, highlight={"Opvang"}, highlight_label="uitgelicht: zorg")
    assert not fig.legends


def test_group_panels_one_panel_per_measure_with_x_for_hidden():
    rows = {"Zorg": {"s": rec(0.5), "c": rec(0.4)}, "Onderwijs": {"s": rec(None, suppressed=True), "c": rec(0.2)}}
    fig = survey_figures.group_panels(rows, {"s": "Seksueel", "c": "Crimineel"})
    assert len(fig.axes) == 2
    assert [t.get_text() for t in fig.axes[0].texts] == ["x"]
    assert [ax.get_title() for ax in fig.axes] == ["Seksueel", "Crimineel"]


def test_figure_labels_from_inputs_are_not_mathtext():
    # A codebook label with '$' prints as written; as mathtext this one would not even draw.
    import matplotlib.pyplot as plt

    from exploitation_report.chapters.present import set_theme

    set_theme()
    fig, ax = plt.subplots()
    label = ax.set_title(r"Kosten in $\frac$ per $x^2$")
    fig.canvas.draw()                       # mathtext would raise a ValueError on '\frac'
    assert label._preprocess_math(label.get_text()) == (r"Kosten in $\frac$ per $x^2$", False)
    plt.close(fig)
