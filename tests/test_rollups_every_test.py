"""The check tests/conftest.py runs after every test (issue 19: `flask rollups verify`
reports no difference after the test suite's own data): it finds a cell the rows do not
give, and a test that leaves one on purpose says so with its reason."""

from __future__ import annotations

import pytest
from seeding import add_responses
from sqlalchemy import update

from support import cell_differences
from survey_app.extensions import db
from survey_app.models import response_cells


def _one_cell_off_by_one() -> None:
    add_responses(3, scores=[5, 2], agency="p-thanh-duc", sector="dat-dai")
    db.session.execute(update(response_cells).values(satisfied=response_cells.c.satisfied + 1))
    db.session.commit()


def test_the_after_test_check_finds_a_cell_the_rows_do_not_give(reference_data, runner,
                                                                cells_engine):
    assert cell_differences(cells_engine) == []  # nothing yet: nothing counted
    _one_cell_off_by_one()
    found = cell_differences(cells_engine)
    assert [(d.column, d.stored, d.counted) for d in found] == [("satisfied", 3, 2)]
    assert "satisfied is 3, the rows give 2" in found[0].describe()
    result = runner.invoke(args=["rollups", "rebuild"])
    assert result.exit_code == 0, result.output
    assert cell_differences(cells_engine) == []  # repaired: this test leaves none


@pytest.mark.cells_differ(reason="shows that the opt-out is honoured: without it, "
                                 "this test's teardown would report the cell it spoils")
def test_a_test_marked_cells_differ_may_leave_a_cell_off(reference_data, cells_engine):
    _one_cell_off_by_one()
    assert len(cell_differences(cells_engine)) == 1
