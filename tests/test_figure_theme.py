"""One figure theme: every figure is drawn at the PDF's text width, so its lettering
prints at the size it is set in, and nothing is set below the theme's smallest size."""

from xml.etree import ElementTree

import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text
from test_estimation_figures import LAD, REG
from test_survey_figures import rec

from exploitation_report.chapters import estimation_figures, survey_figures
from exploitation_report.chapters.present import (
    FIGURE_MAX_HEIGHT,
    FIGURE_WIDTH,
    PALETTE,
    SMALL_SIZE,
    emit_figure,
    set_theme,
)
from exploitation_report.stats import estimation as est


def figures():
    """(name, function drawing the figure): drawn only when its test runs."""
    import pandas as pd

    tornado = pd.DataFrame([{"assumption": "nonresponse", "label": "Niet-respondenten", "low": 0.0, "central": 0.5,
                             "high": 1.0, "total_low": 300.0, "total_central": 500.0, "total_high": 700.0,
                             "swing": 400.0}])
    yield "shares", lambda: survey_figures.shares_with_intervals({"a": rec(0.55), "b": rec(0.2, suppressed=True)})
    yield "panels", lambda: survey_figures.option_panels([("Woonsituatie (n = 40)", {"Zorg": rec(0.5), "Thuis": rec(0.3)})],
                                                 highlight={"Zorg"})
    # Asked taller than a page: drawn at the page's height (present.page_size), not shrunk by the PDF.
    yield "tall", lambda: survey_figures.option_panels([(f"Vraag {i} (n = 40)", {f"Antwoord {j}": rec(0.1 * j) for j in range(6)})
                                                for i in range(6)])
    yield "groups", lambda: survey_figures.group_panels({"Zorg": {"s": rec(0.5)}, "Onderwijs": {"s": rec(0.2)}},
                                                {"s": "Seksueel"})
    yield "ladder", lambda: estimation_figures.ladder_figure({f: LAD for f in est.FORMS}, REG)
    yield "tornado", lambda: estimation_figures.tornado_figure(tornado)


@pytest.mark.parametrize("name", ["shares", "panels", "tall", "groups", "ladder", "tornado"])
def test_lettering_is_at_least_the_smallest_size_at_print_size(name, tmp_path, monkeypatch):
    set_theme()
    fig = dict(figures())[name]()
    assert fig.get_figwidth() == pytest.approx(FIGURE_WIDTH)
    sizes = {t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()}
    assert sizes and min(sizes) >= SMALL_SIZE, sorted(sizes)
    # Saved as the report saves it (tight box): no wider than the text width, so
    # neither engine scales it down (a 1:1 image keeps its point sizes).
    monkeypatch.setattr("exploitation_report.chapters.present.emit", lambda *a, **k: None)
    path = emit_figure("aard", fig, id=f"fig-{name}", caption="c", alt="a", figures_dir=tmp_path)
    svg = ElementTree.parse(path).getroot()     # sized in points, 72 to the inch
    width_in, height_in = (float(svg.get(side).removesuffix("pt")) / 72 for side in ("width", "height"))
    assert width_in <= FIGURE_WIDTH + 0.02, width_in
    assert height_in <= FIGURE_MAX_HEIGHT + 0.02, height_in
    plt.close("all")


@pytest.mark.parametrize("legend", [False, True])
def test_a_figure_asked_taller_than_a_page_is_drawn_to_fit_and_laid_out_once(legend):
    # Squeezing a figure afterwards (fit_to_page) lays all its lettering out a second time.
    from exploitation_report.chapters import present

    set_theme()
    panels = [(f"Vraag {i} (n = 40)", {f"Antwoord {j}": rec(0.1 * j) for j in range(6)}) for i in range(6)]
    fig = survey_figures.option_panels(panels, highlight={"Antwoord 1"}, highlight_label="uitgelicht" if legend else None)
    size = tuple(fig.get_size_inches())
    assert size[1] < 0.6 * 6 + 0.3 * 36   # less than it asked for
    box = present.fit_to_page(fig)
    assert tuple(fig.get_size_inches()) == size
    assert box.height + 2 * plt.rcParams["savefig.pad_inches"] <= FIGURE_MAX_HEIGHT
    plt.close(fig)


def grey(colour: str) -> float:
    """The grey value a colour prints as (ITU-R BT.601 luma)."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b


def test_the_colours_that_encode_something_stay_apart_in_greyscale():
    # Bars against highlighted bars (also hatched), points and intervals against light bars.
    pairs = [(survey_figures.BAR, survey_figures.HIGHLIGHT), (PALETTE[0], PALETTE[2]), (PALETTE[0], PALETTE[1])]
    for a, b in pairs:
        assert abs(grey(a) - grey(b)) >= 0.15, (a, b)


def test_a_label_that_cannot_fit_does_not_break_the_figure():
    """An input label of one very long word cannot wrap: the figure keeps a sane size."""
    import matplotlib.pyplot as plt

    from exploitation_report.chapters import present

    fig, ax = plt.subplots(figsize=(present.FIGURE_WIDTH, 3))
    ax.barh(["x" * 400, "kort"], [1, 2])
    present.fit_to_page(fig)
    width, height = fig.get_size_inches()
    assert width >= present.FIGURE_MIN_SIDE * present.FIGURE_WIDTH and height > 0
    plt.close(fig)
