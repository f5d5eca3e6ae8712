"""The rules that carry disclosure decisions from one survey table to the next (stats.disclosure)."""

import pytest

from exploitation_report.stats import disclosure

SHOWN = {"suppressed": False}
HIDDEN = {"suppressed": True}


def test_pooling_below_twice_the_threshold_is_defined_once():
    assert disclosure.POOL_FACTOR == 2
    assert disclosure.pool_below(5) == 10 and disclosure.pool_below(8) == 16


@pytest.mark.parametrize("condition,measure", [
    ("met_sexual == 1", "met_sexual"),
    ("met_criminal == 1", "met_criminal"),
    ("met_both == 1", "met_both"),
    ("met_sexual == 1 or met_criminal == 1", "met_any"),
    ("met_criminal==1 or met_sexual==1", "met_any"),        # order and spacing do not matter
    ("met_sexual == 1 and met_criminal == 1", None),        # 'both' is no count the audit decides
    ("works_in_municipality == 1", None),
    ("action_reported_externally == 1", None),
    ("met_sexual == 2", None),
    (None, None),
    ("", None),
])
def test_routing_names_the_encounter_count_that_is_the_base(condition, measure):
    assert disclosure.routed_measure(condition) == measure


def test_a_base_is_hidden_where_the_count_it_equals_is_hidden():
    headline = {"met_sexual": HIDDEN, "met_criminal": SHOWN, "met_both": SHOWN, "met_any": SHOWN}
    assert disclosure.base_hidden_by_routing("met_sexual == 1", headline)
    assert not disclosure.base_hidden_by_routing("met_criminal == 1", headline)
    assert not disclosure.base_hidden_by_routing("met_sexual == 1 or met_criminal == 1", headline)
    assert not disclosure.base_hidden_by_routing(None, headline)


def test_hidden_groups_categories_and_options():
    assert disclosure.hidden_groups({"only_sexual": None, "only_criminal": 29, "both_forms": 0}) == {"only_sexual"}
    assert disclosure.hidden_categories({1, 3, "total"}) == {1, 3}
    record = {"options": {"a": HIDDEN, "b": SHOWN, "c": HIDDEN}}
    assert disclosure.hidden_options(record) == {"a", "c"}
