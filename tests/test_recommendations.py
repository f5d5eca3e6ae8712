import pytest

from exploitation_report import recommendations as rc
from exploitation_report.errors import InputError
from exploitation_report.paths import REPORT_DIR


def rec(estimate, count=50, base=100, suppressed=False):
    if suppressed:
        return {"count": None, "base": base, "estimate": None, "ci_low": None, "ci_high": None, "suppressed": True}
    return {"count": count, "base": base, "estimate": estimate, "ci_low": estimate - 0.1, "ci_high": estimate + 0.1,
            "ci_level": 0.95, "suppressed": False}


def test_shipped_rules_reference_three_recommendations():
    rules = rc.load_recommendations(REPORT_DIR / "recommendations.yml")
    assert [r.number for r in rules.recommendations] == [1, 2, 3]
    assert all(r.indicators for r in rules.recommendations)


def test_assessment_follows_thresholds_and_suppression():
    r = rc.Recommendation(id="x", number=1, title="T", rationale="R", supported_when="all", indicators=[
        rc.Indicator(key="s.a", label="A", op=">=", threshold=0.3),
        rc.Indicator(key="s.b", label="B", op="<=", threshold=0.5)])
    assert rc.assess(r, {"s.a": rec(0.4), "s.b": rec(0.2)})["status"] == "supported"
    assert rc.assess(r, {"s.a": rec(0.2), "s.b": rec(0.2)})["status"] == "not_supported"
    # A suppressed indicator is not counted as passing; with nothing left it cannot be judged.
    assert rc.assess(r, {"s.a": rec(None, suppressed=True), "s.b": rec(0.2)})["status"] == "supported"
    assert rc.assess(r, {"s.a": rec(None, suppressed=True), "s.b": rec(None, suppressed=True)})["status"] == "unknown"
    with pytest.raises(KeyError, match="s.b"):
        rc.assess(r, {"s.a": rec(0.4)})


def test_indicator_line_is_dutch_with_base_and_interval():
    out = rc.evaluate(rc.Indicator(key="k", label="Kent de meldroute", op="<=", threshold=0.75), {"k": rec(0.62, 62, 100)})
    line = rc.indicator_line(out)
    assert line.startswith("Kent de meldroute: 62% (62 van 100; 95%-BI")
    assert "hoogstens 75%: voldaan" in line


def test_malformed_rules_file_names_file_and_key(tmp_path):
    bad = tmp_path / "recs.yml"
    bad.write_text("source: x\nrecommendations:\n  - id: a\n    number: one\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        rc.load_recommendations(bad)
    assert "recs.yml" in str(err.value)
    assert any(p.column == "recommendations.0.number" for p in err.value.problems)
