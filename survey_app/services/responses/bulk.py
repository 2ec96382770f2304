"""Many responses in a few statements: the writer of a paper file's questionnaires.

`add_responses` writes for each response exactly the rows `submissions.add_response`
writes (the response, its answers, comments and factor tally), but a chunk of
responses at a time: one INSERT per table for the chunk instead of three or four
statements per response. A 100,000-row import spent most of its time on those
round trips, on PostgreSQL above all (bench/README.md, section 7).

The rolled-up counts are the caller's: an import counts its whole batch at once
(`rollups.upkeep.count`) after its last chunk, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from psycopg import sql
from sqlalchemy import insert

from survey_app.extensions import db
from survey_app.models import Answer, Response, response_factors
from survey_app.services.responses import factor_tallies
from survey_app.services.responses.submissions import (
    COMMENT_INSERT,
    Extras,
    Origin,
    answer_rows,
    response_row,
)

# One multi-row INSERT … RETURNING per page of rows (SQLAlchemy's "insertmanyvalues"),
# the ids returned in the order of the rows given.
RESPONSES_INSERT = insert(Response.__table__).returning(
    Response.__table__.c.id, sort_by_parameter_order=True)


def add_responses(entries: Sequence[tuple[Origin, dict, Extras]], now: datetime) -> list[int]:
    """Write responses given as (origin, checked answers, extras) in the session's
    transaction; their ids, in the order given. Not counted in the cells (see above)."""
    if not entries:
        return []
    connection = db.session.connection()
    responses = [response_row(origin, answers, None, extras, now)
                 for origin, answers, extras in entries]
    ids = list(connection.execute(RESPONSES_INSERT, responses).scalars())
    answers_rows: list[dict] = []
    comments: list[dict] = []
    tallies: list[dict] = []
    for response_id, response, (origin, answers, extras) in zip(ids, responses, entries,
                                                                strict=True):
        key = (response_id, response["submitted_hour"])  # what every child row carries
        rows, notes = answer_rows(key, origin.definition, answers, extras.contact)
        answers_rows += rows
        comments += notes
        tally = factor_tallies.tally(origin.definition, answers)
        if tally is not None:
            tallies.append({"response_id": response_id, **tally, "submitted_hour": key[1]})
    if comments:  # few, with defaults the table's INSERT fills in
        connection.execute(COMMENT_INSERT, comments)
    for table, rows in ((Answer.__table__, answers_rows), (response_factors, tallies)):
        if rows:
            _insert(connection, table, rows)
    return ids


def _insert(connection, table, rows: list[dict]) -> None:
    """Rows of one shape into `table`: COPY on PostgreSQL (an executemany there is a
    statement per row, ~37 per questionnaire), executemany elsewhere (SQLite's is one
    prepared statement run in C)."""
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = list(rows[0])
    command = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns)))
    # the session's own DBAPI connection: the rows are in the import's transaction
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(command) as copy:
            for row in rows:
                copy.write_row([_stored(row[name]) for name in columns])


def _stored(value):
    """A value as its column stores it: an hour as naive UTC (what UTCDateTime writes)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value
