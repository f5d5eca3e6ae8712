import matplotlib.pyplot as plt
import numpy as np

from exploitation_report import estimation_figures, survey_figures
from exploitation_report.estimation import Ladder


def rec(est, base=100, suppressed=False):
    if suppressed:
        return {"suppressed": True, "estimate": None, "count": None, "base": base}
    return {"estimate": est, "ci_low": est - 0.05, "ci_high": est + 0.05, "count": int(est * base), "base": base,
            "suppressed": False}


def test_share_figure_draws_bars_and_labels_suppressed_rows():
    fig = survey_figures.shares_with_intervals({"a": rec(0.55), "b": rec(0.8), "c": rec(None, suppressed=True)})
    ax = fig.axes[0]
    widths = sorted(round(p.get_width(), 6) for p in ax.patches if not np.isnan(p.get_width()))
    assert widths == [0.55, 0.8]
    texts = [t.get_text() for t in ax.texts]
    assert "55% (n = 100)" in texts and any("niet gepubliceerd" in t for t in texts)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    plt.close(fig)


def test_ladder_table_and_figure():
    lad = {f: Ladder(f, 100.0, 80.0, 80.0, 200.0, 300.0, 120.0, 380.0, 0.95) for f in ("sexual", "criminal", "any")}
    reg = {"year": 2022, "suspected": {"count": 29}, "by_form": {"any": {"display": "29"}}}
    table = estimation_figures.ladder_table(lad, reg)
    assert table.iloc[0, 3] == "29" and table.iloc[0, 1] == "–"
    assert table.iloc[-1, 1] == "120–380"
    fig = estimation_figures.ladder_figure(lad, reg)
    assert any("29" in t.get_text() for t in fig.axes[0].get_legend().get_texts())
    plt.close(fig)
