"""Reference reads and repeated statements kept for one read-only request (reporting/memo.py)."""

from contextlib import contextmanager

from seeding import add_responses
from sqlalchemy import event, select

from survey_app.extensions import db
from survey_app.models import Sector, response_cells
from survey_app.services.reporting import memo


@contextmanager
def _statements():
    sent: list[str] = []

    def count(conn, cursor, statement, *_):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _cells(agency: int):
    return select(response_cells.c.agency_id).where(response_cells.c.agency_id == agency)


def test_within_a_request_the_same_statement_is_sent_once(reference_data):
    with memo.kept_for_request(), _statements() as sent:
        first = memo.rows(_cells(1))
        assert memo.rows(_cells(1)) == first  # built again, the same SQL and values
        memo.rows(_cells(2))  # another value: read
        groups = memo.sector_groups()
        assert memo.sector_groups() == groups
    assert len(sent) == 3
    assert groups == dict(db.session.execute(select(Sector.id, Sector.group_code)).all())


def test_outside_a_request_every_read_reaches_the_database(reference_data):
    with _statements() as sent:
        memo.rows(_cells(1))
        memo.rows(_cells(1))
        memo.sector_groups()
        memo.sector_groups()
    assert len(sent) == 4


def test_nothing_is_kept_from_one_request_to_the_next(reference_data):
    add_responses(3, scores=[5], agency="ttphc-tinh", sector="dat-dai", counter="ttphc-dat-dai")
    db.session.commit()
    with memo.kept_for_request():
        before = memo.rows(select(response_cells.c.responses))
    add_responses(2, scores=[4], agency="ttphc-tinh", sector="dat-dai", counter="ttphc-dat-dai")
    db.session.commit()
    with memo.kept_for_request():
        after = memo.rows(select(response_cells.c.responses))
    assert sum(r[0] for r in before) == 3
    assert sum(r[0] for r in after) == 5
