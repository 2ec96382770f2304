"""Complementary suppression (analysis.suppression), checked by an independent attacker
that uses linear algebra instead of the module's propagation (tests/suppression_attack.py)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from suppression_attack import MIN, attack

from analysis.suppression import suppress

REPRODUCIBLE = settings(max_examples=150, deadline=None)


def test_the_outside_tests_case_is_closed():
    """Group 245 at 83,3 % minus two shown sectors gave the hidden one (2 answers)."""
    counts = {"total": 245, "a": 120, "b": 123, "c": 2}
    relations = [("total", ["a", "b", "c"])]
    hidden = suppress(counts, relations, MIN)
    assert hidden == {"a", "c"}  # the smaller shown sector goes with the small one
    assert attack(counts, relations, hidden) == (set(), [])


def test_two_small_parts_that_are_small_together_need_a_third():
    counts = {"g": 200, "a": 10, "b": 12, "c": 40, "d": 138}
    relations = [("g", ["a", "b", "c", "d"])]
    hidden = suppress(counts, relations, MIN)
    assert hidden == {"a", "b", "c"}  # a + b = 22 < 30 would be read as one group
    assert attack(counts, relations, hidden) == (set(), [])


def test_nothing_more_is_hidden_when_the_hidden_parts_are_large_together():
    counts = {"g": 200, "a": 10, "b": 25, "c": 165}
    relations = [("g", ["a", "b", "c"])]
    assert suppress(counts, relations, MIN) == {"a", "b"}


def test_a_group_hidden_on_a_second_level_hides_one_of_its_sectors_too():
    # Total -> groups -> sectors: hiding group G2 (so that G1 stays hidden) is useless
    # if G2's sectors are all shown, since they add up to it.
    counts = {"T": 300, "G1": 20, "G2": 80, "G3": 200, "s1": 20, "s2": 40, "s3": 40,
              "s4": 100, "s5": 100}
    relations = [("T", ["G1", "G2", "G3"]), ("G1", ["s1"]), ("G2", ["s2", "s3"]),
                 ("G3", ["s4", "s5"])]
    hidden = suppress(counts, relations, MIN, fixed=["T"])
    assert attack(counts, relations, hidden, fixed=["T"]) == (set(), [])
    assert {"G1", "s1"} <= hidden


def test_cells_never_shown_count_as_hidden():
    counts = {"T": 100, "known": 90, "unknown_group": 10}
    relations = [("T", ["known", "unknown_group"])]
    hidden = suppress(counts, relations, MIN, hidden=["unknown_group"], fixed=["T"])
    assert hidden == {"known", "unknown_group"}
    assert attack(counts, relations, hidden, fixed=["T"]) == (set(), [])


@st.composite
def tables(draw):
    """A total over groups over sectors, with counts from 0 to 300."""
    counts, relations, groups = {}, [], []
    for g in range(draw(st.integers(1, 5))):
        sectors = [f"s{g}.{s}" for s in range(draw(st.integers(1, 4)))]
        for sector in sectors:
            counts[sector] = draw(st.integers(0, 300) | st.integers(0, 40))
        counts[f"g{g}"] = sum(counts[s] for s in sectors)
        relations.append((f"g{g}", sectors))
        groups.append(f"g{g}")
    counts["total"] = sum(counts[g] for g in groups)
    relations.append(("total", groups))
    return counts, relations, draw(st.booleans())


@REPRODUCIBLE
@given(tables())
@example(({"total": 245, "g0": 245, "s0.0": 120, "s0.1": 123, "s0.2": 2},
          [("g0", ["s0.0", "s0.1", "s0.2"]), ("total", ["g0"])], True))
def test_no_small_cell_can_be_derived_from_any_table(table):
    counts, relations, total_published = table
    fixed = ["total"] if total_published and counts["total"] >= MIN else []
    hidden = suppress(counts, relations, MIN, fixed=fixed)
    assert {k for k, n in counts.items() if n < MIN} - set(fixed) <= hidden
    assert attack(counts, relations, hidden, fixed) == (set(), [])
