"""satisfaction_table: the same numbers as the one-cell functions, for many cells."""

import json
import math

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from analysis import proportion_ci, satisfaction_table, target_verdict

CELLS = [
    {"sector": "đất đai", "agency": "Sở Tài nguyên", "n": 150, "satisfied": 132, "target": 0.85},
    {"sector": "hộ tịch", "agency": "UBND xã Long Hồ", "n": 200, "satisfied": 190, "target": 0.90},
    {"sector": "xây dựng", "agency": "Sở Xây dựng", "n": 40, "satisfied": 25, "target": 0.85},
    {"sector": "y tế", "agency": "Bệnh viện", "n": 1, "satisfied": 0, "target": None},
    {"sector": "giáo dục", "agency": "Trường", "n": 7, "satisfied": 7, "target": 0.85},
]


def test_rows_carry_labels_and_match_target_verdict():
    table = satisfaction_table(CELLS, targets="target")
    assert len(table) == len(CELLS)
    for cell, row in zip(CELLS, table, strict=True):
        assert (row["sector"], row["agency"]) == (cell["sector"], cell["agency"])
        assert "target" in row
        assert list(row)[:2] == ["sector", "agency"]
        assert (row["n"], row["satisfied"]) == (cell["n"], cell["satisfied"])
        assert (row["low"], row["high"]) == proportion_ci(cell["satisfied"], cell["n"])
        if cell["target"] is None:
            assert row["target"] is row["verdict"] is row["p_value"] is row["additional_n"] is None
            assert row["meets_by_rate"] is None
            continue
        v = target_verdict(cell["satisfied"], cell["n"], cell["target"])
        assert row["rate"] == v.rate
        assert row["target"] == v.target
        assert row["verdict"] == v.verdict
        assert row["meets_by_rate"] == v.meets_by_rate
        assert row["p_value"] == v.p_value
        assert row["additional_n"] == v.additional_n


def test_rows_are_plain_json_data():
    table = satisfaction_table(CELLS, targets="target", method="jeffreys")
    text = json.dumps(table.to_dicts(), ensure_ascii=False)
    assert "đất đai" in text
    row = table[0]
    assert all(type(row[k]) is float for k in ("rate", "low", "high", "target", "p_value"))
    assert type(row["n"]) is int
    assert type(row["meets_by_rate"]) is bool


def test_a_label_named_like_a_result_field_is_refused():
    with pytest.raises(ValueError, match="column 'target' has the name of a result field"):
        satisfaction_table(CELLS, targets=0.9)
    with pytest.raises(ValueError, match="column 'rate' has the name of a result field"):
        satisfaction_table({"n": [3], "satisfied": [1], "rate": [0.3]})
    mixed = satisfaction_table([{"n": 3, "satisfied": 1}, {"n": 3, "satisfied": 1, "low": 0}])
    assert mixed[0]["low"] > 0
    with pytest.raises(ValueError, match="column 'low'"):
        mixed[1]


def test_indexing_and_slicing():
    table = satisfaction_table(CELLS, targets="target")
    assert table[-1] == table[4]
    assert table[1:3] == [table[1], table[2]]
    with pytest.raises(IndexError):
        table[5]
    assert table[0] is not table[0]  # fresh dicts: a caller editing one changes nothing


def test_columns_form_equals_rows_form():
    columns = {key: [c[key] for c in CELLS] for key in CELLS[0]}
    columns["n"] = np.array(columns["n"])
    by_rows = satisfaction_table(CELLS, targets="target", confidence=0.99, method="wilson_cc")
    by_columns = satisfaction_table(columns, targets="target", confidence=0.99, method="wilson_cc")
    assert by_rows.to_dicts() == by_columns.to_dicts()


def test_targets_as_one_value_per_cell():
    targets = [c["target"] for c in CELLS]
    unlabelled = [{k: v for k, v in c.items() if k != "target"} for c in CELLS]
    rows = satisfaction_table(unlabelled, targets=np.array(targets, dtype=float))
    by_column = satisfaction_table(CELLS, targets="target")
    for a, b in zip(rows, by_column, strict=True):
        assert {k: a[k] for k in ("verdict", "p_value", "additional_n", "low")} == {
            k: b[k] for k in ("verdict", "p_value", "additional_n", "low")
        }
    assert math.isnan(rows.arrays.target[3])
    assert rows.arrays.verdict[3] == ""


def test_arrays_match_statsmodels_vectorised():
    rng = np.random.default_rng(7)
    n = rng.integers(1, 5000, 20_000)
    x = rng.binomial(n, 0.87)
    table = satisfaction_table({"n": n, "satisfied": x}, targets=0.9, confidence=0.90)
    low, high = proportion_confint(x, n, alpha=0.10, method="wilson")
    np.testing.assert_allclose(table.arrays.low, low, atol=1e-9, rtol=0)
    np.testing.assert_allclose(table.arrays.high, high, atol=1e-9, rtol=0)
    assert set(np.unique(table.arrays.verdict)) <= {"met", "not_met", "undecided"}
    met = table.arrays.verdict == "met"
    assert np.all(table.arrays.low[met] >= 0.9)
    # spot-check rows against the scalar function
    for i in rng.integers(0, len(n), 20):
        v = target_verdict(int(x[i]), int(n[i]), 0.9, confidence=0.90)
        row = table[int(i)]
        assert (row["verdict"], row["additional_n"]) == (v.verdict, v.additional_n)
        assert row["p_value"] == pytest.approx(v.p_value, abs=1e-15)


def test_a_target_column_without_any_target_gives_no_verdicts():
    cells = [{"n": 10, "satisfied": 9, "goal": None}, {"n": 20, "satisfied": 5}]
    assert [r["verdict"] for r in satisfaction_table(cells, targets="goal")] == [None, None]
    columns = {"n": [10, 20], "satisfied": [9, 5], "goal": [None, float("nan")]}
    assert [r["verdict"] for r in satisfaction_table(columns, targets="goal")] == [None, None]


def test_empty_table():
    assert len(satisfaction_table([])) == 0
    assert len(satisfaction_table({"n": [], "satisfied": []}, targets=0.9)) == 0


@pytest.mark.parametrize(
    ("cells", "kwargs", "message"),
    [
        ([{"n": 10}], {}, "cell 0 has no 'satisfied'"),
        ([{"n": 10, "satisfied": 3}, {"satisfied": 3}], {}, "cell 1 has no 'n'"),
        ([{"n": 10, "satisfied": 3}, {"n": 0, "satisfied": 0}], {}, "cell 1: n must be at least 1"),
        ([{"n": 10, "satisfied": 11}], {}, r"cell 0: satisfied \(11\) cannot exceed n \(10\)"),
        ([{"n": 10, "satisfied": -1}], {}, "cell 0: satisfied must not be negative"),
        ([{"n": 10.5, "satisfied": 1}], {}, "cell 0: n must be a whole number"),
        ([{"n": "10", "satisfied": 1}], {}, "n must hold numbers"),
        ([[10, 1]], {}, "cell 0 must be a mapping"),
        ({"n": [10, 20], "satisfied": [1]}, {}, "column 'satisfied' has 1 values"),
        ({"n": [10]}, {}, "cells has no 'satisfied' column"),
        ("n,satisfied", {}, "sequence of mappings or a mapping of columns"),
        ([{"n": 10, "satisfied": 3}], {"targets": 1.5}, "target must be strictly between"),
        ([{"n": 10, "satisfied": 3}], {"targets": "goal"}, "no target column 'goal'"),
        ([{"n": 10, "satisfied": 3, "t": 90}], {"targets": "t"}, "cell 0: target must be strictly"),
        ([{"n": 10, "satisfied": 3, "t": "0.9"}], {"targets": "t"}, "targets must be numbers"),
        ([{"n": 10, "satisfied": 3}], {"targets": [0.9, 0.9]}, "targets has 2 values for 1 cells"),
        ([{"n": 10, "satisfied": 3}], {"targets": {"a": 0.9}}, "targets must be None, a number"),
        ([{"n": 10, "satisfied": 3}], {"method": "exact"}, "unknown method"),
        ([{"n": 10, "satisfied": 3}], {"confidence": 1}, "confidence"),
    ],
)
def test_bad_cells_are_refused(cells, kwargs, message):
    with pytest.raises(ValueError, match=message):
        satisfaction_table(cells, **kwargs)
