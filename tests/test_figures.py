import matplotlib.pyplot as plt

from exploitation_report import estimation_figures
from exploitation_report.estimation import Ladder


def test_ladder_table_and_figure():
    lad = {f: Ladder(f, 100.0, 80.0, 80.0, 200.0, 300.0, 120.0, 380.0, 0.95) for f in ("sexual", "criminal", "any")}
    reg = {"year": 2022, "suspected": {"count": 29}, "by_form": {"any": {"display": "29"}}}
    table = estimation_figures.ladder_table(lad, reg)
    assert table.iloc[0, 3] == "29" and table.iloc[0, 1] == "–"
    assert table.iloc[-1, 1] == "120–380"
    fig = estimation_figures.ladder_figure(lad, reg)
    assert any("29" in t.get_text() for t in fig.axes[0].get_legend().get_texts())
    plt.close(fig)
