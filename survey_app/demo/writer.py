"""Bulk writing of generated rows: COPY on PostgreSQL, executemany on SQLite.

The ORM would spend far more time building objects than the database spends
storing rows; the generator hands plain tuples to the driver instead, inside the
session's own transaction. Datetimes are naive UTC, as `UTCDateTime` stores them.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

# SQLAlchemy's SQLite DateTime storage format: the same text compares correctly in SQL.
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


class RowWriter:
    """Writes tuples into a table through the connection's driver."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"

    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple],
              datetimes: tuple[str, ...] = ()) -> None:
        """Write `rows` (tuples in `columns` order); `datetimes` names the datetime columns."""
        if not rows:
            return
        names = ", ".join(columns)
        driver = self.connection.connection.driver_connection
        if driver is None:
            raise RuntimeError("the connection to write demo rows through is closed")
        cursor = driver.cursor()
        try:
            if self.postgres:
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 - fixed names
                    _sqlite_rows(rows, [columns.index(name) for name in datetimes]),
                )
        finally:
            cursor.close()

    def sync_sequence(self, table: str) -> None:
        """PostgreSQL: move the id sequence past the ids written here."""
        if self.postgres:
            self.connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))


def _sqlite_rows(rows: list[tuple], datetime_columns: list[int]):
    """Datetimes as SQLAlchemy's SQLite text (sqlite3's own adapter is deprecated)."""
    if not datetime_columns:
        yield from rows
        return
    for row in rows:
        values = list(row)
        for i in datetime_columns:
            if values[i] is not None:
                values[i] = values[i].strftime(SQLITE_DATETIME)
        yield values
