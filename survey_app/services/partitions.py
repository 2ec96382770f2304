"""Monthly partitions of responses and their rows on PostgreSQL (docs/deployment.md §8).

`responses`, `answers` and `response_factors` become tables partitioned by range of
`submitted_hour`, one partition per month in DISPLAY_TIMEZONE (a local month starts
at 17:00 UTC the day before in Asia/Ho_Chi_Minh), and a DEFAULT partition that
catches a row whose month was not created (never a lost row). A period of the
reports is a whole number of months, so its queries, which bound `submitted_hour` by
a plain range, read only the period's partitions.

- `partition(connection)` converts the plain tables (a migration, and the test
  suite's schema): a partitioned table is made beside each one (`LIKE … INCLUDING
  DEFAULTS`), the rows copied month by month, the two swapped by rename in the
  caller's transaction, keys, indexes, checks and the foreign keys pointing at it
  made again (a partitioned table's primary key holds `submitted_hour`), and the id
  sequence re-owned so that `TRUNCATE … RESTART IDENTITY` still resets it.
- `ensure(connection, months_ahead)` creates the coming months (idempotent; the
  worker runs it daily) and refuses a month whose rows already sit in the default
  partition: moving them is a maintenance step, not a silent one.
- `unpartition(connection)` is the way back (the migration's downgrade).

On SQLite, which has no partitions, each one does nothing and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.engine import Connection

from survey_app.errors import DomainError
from survey_app.i18n import utc_offset_hours

TABLES = ("responses", "answers", "response_factors")
KEY = "submitted_hour"
MONTHS_AHEAD = 3
SQLITE = "SQLite has no partitions: nothing to do"
# The partitions' own names: Alembic compares the models with the parents only.
PARTITION_NAME = re.compile(rf"^({'|'.join(TABLES)})_(\d{{4}}_\d{{2}}|default)$")


class PartitionRefused(DomainError):
    """A month cannot be created: its rows are in the default partition already (an
    operator's matter, said in English by the command and the worker's log)."""


@dataclass(frozen=True)
class Partition:
    table: str
    name: str
    bounds: str
    rows: int


def include_name(name, type_, parent_names) -> bool:
    """Alembic's filter: the partitions are not tables of the models."""
    return not (type_ == "table" and name is not None and PARTITION_NAME.match(name))


def include_object(object_, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: PostgreSQL keeps one foreign key row per partition of the
    referenced table (`…_fkey1`, …); only the parent's own, as the models say, counts."""
    if type_ == "foreign_key_constraint" and reflected:
        referred = object_.elements[0].target_fullname.split(".")[-2]
        return not PARTITION_NAME.match(referred)
    return True


def is_postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def is_partitioned(connection: Connection, table: str) -> bool:
    return connection.execute(text(
        "SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(:t)"),
        {"t": table}).first() is not None


# --- months -------------------------------------------------------------------------------


def month_start(month: date) -> datetime:
    """The first instant of a local month, as the naive UTC the columns store."""
    return datetime(month.year, month.month, 1) - timedelta(hours=utc_offset_hours())


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def local_month(moment: datetime) -> date:
    """The local month of a naive UTC (or aware) moment."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    local = moment + timedelta(hours=utc_offset_hours())
    return date(local.year, local.month, 1)


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def partition_name(table: str, month: date) -> str:
    return f"{table}_{month.year:04d}_{month.month:02d}"


def _data_months(connection: Connection, since: date | None, months_ahead: int) -> list[date]:
    """The months of the rows stored, from `since` if earlier, to `months_ahead` past now."""
    low, high = connection.execute(text(
        f"SELECT MIN({KEY}), MAX({KEY}) FROM responses")).one()  # noqa: S608 - fixed names
    this_month = local_month(datetime.now(UTC))
    last = _plus(this_month, months_ahead)
    firsts = [this_month] + ([since] if since else []) + ([local_month(low)] if low else [])
    return months_between(min(firsts), max(last, local_month(high) if high else last))


# --- converting ---------------------------------------------------------------------------


def partition(connection: Connection, *, since: date | None = None,
              months_ahead: int = MONTHS_AHEAD) -> str:
    """Make `responses`, `answers` and `response_factors` partitioned tables (see the
    module doc), in the caller's transaction; what it did, in a sentence."""
    if not is_postgres(connection):
        return SQLITE
    months = _data_months(connection, since, months_ahead)
    done = []
    for table in TABLES:
        if not is_partitioned(connection, table):
            _rebuild(connection, table, months)
            done.append(table)
    if not done:
        return "already partitioned"
    return (f"{', '.join(done)} partitioned by month: {months[0]:%Y-%m} to "
            f"{months[-1]:%Y-%m} and a default partition")


def unpartition(connection: Connection) -> str:
    """Make the partitioned tables plain again (their rows kept), in the caller's
    transaction."""
    if not is_postgres(connection):
        return SQLITE
    for table in reversed(TABLES):
        if is_partitioned(connection, table):
            _rebuild(connection, table, None)
    return "plain tables"


def _rebuild(connection: Connection, table: str, months: list[date] | None) -> None:
    """Swap `table` for a copy partitioned over `months` (plain when None)."""
    run = connection.exec_driver_sql
    own, incoming, indexes = _definitions(connection, table)
    primary = [c for c in _primary_key(connection, table) if c != KEY]
    sequence = connection.execute(text(
        "SELECT pg_get_serial_sequence(attrelid::regclass::text, attname) FROM pg_attribute "
        "WHERE attrelid = to_regclass(:t) AND attname = 'id'"), {"t": table}).scalar()
    new = f"{table}_rebuilt"
    shape = f" PARTITION BY RANGE ({KEY})" if months is not None else ""
    run(f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS){shape}")
    if months is not None:
        for month in months:
            _create_month(connection, new, partition_name(table, month), month)
        run(f"CREATE TABLE {table}_default PARTITION OF {new} DEFAULT")
        # rows copied month by month: each INSERT fills one partition
        for month in months:
            run(f"INSERT INTO {new} SELECT * FROM {table} "  # noqa: S608 - fixed names
                f"WHERE {KEY} >= %(low)s AND {KEY} < %(high)s",
                {"low": month_start(month), "high": month_start(next_month(month))})
        run(f"INSERT INTO {new} SELECT * FROM {table} "  # noqa: S608 - fixed names
            f"WHERE {KEY} < %(low)s OR {KEY} >= %(high)s",
            {"low": month_start(months[0]), "high": month_start(next_month(months[-1]))})
    else:
        run(f"INSERT INTO {new} SELECT * FROM {table}")  # noqa: S608 - fixed names
    for child, name, _definition in incoming:
        run(f'ALTER TABLE {child} DROP CONSTRAINT "{name}"')
    if sequence:
        run(f"ALTER SEQUENCE {sequence} OWNED BY {new}.id")
    run(f"DROP TABLE {table}")
    run(f"ALTER TABLE {new} RENAME TO {table}")
    keys = primary + [KEY] if months is not None else primary
    run(f'ALTER TABLE {table} ADD CONSTRAINT "pk_{table}" PRIMARY KEY ({", ".join(keys)})')
    for owner, name, definition in own + incoming:
        run(f'ALTER TABLE {owner} ADD CONSTRAINT "{name}" {definition}')
    for definition in indexes:
        run(definition.replace(" ON ONLY ", " ON ", 1))


def _definitions(connection: Connection, table: str):
    """The table's constraints other than its primary key (unique first, then checks and
    foreign keys), the foreign keys of other tables that reference it, and its plain
    indexes: what the rebuilt table must get again."""
    own = connection.execute(text(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE conrelid = to_regclass(:t) AND contype IN ('u', 'c', 'f') "
        "AND conparentid = 0 "
        "ORDER BY CASE contype WHEN 'u' THEN 0 WHEN 'c' THEN 1 ELSE 2 END, conname"),
        {"t": table}).all()
    incoming = connection.execute(text(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE confrelid = to_regclass(:t) AND contype = 'f' "
        "AND conrelid <> confrelid AND conparentid = 0 ORDER BY conname"),
        {"t": table}).all()
    indexes = connection.execute(text(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = to_regclass(:t) AND NOT EXISTS ("
        "SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid "
        "AND c.conrelid = i.indrelid) ORDER BY i.indexrelid"),
        {"t": table}).scalars().all()
    return [tuple(r) for r in own], [tuple(r) for r in incoming], list(indexes)


def _primary_key(connection: Connection, table: str) -> list[str]:
    return list(connection.execute(text(
        "SELECT a.attname FROM pg_index i "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = to_regclass(:t) AND i.indisprimary "
        "ORDER BY array_position(i.indkey, a.attnum)"), {"t": table}).scalars())


def _create_month(connection: Connection, parent: str, name: str, month: date) -> None:
    connection.exec_driver_sql(
        f"CREATE TABLE {name} PARTITION OF {parent} FOR VALUES "
        f"FROM ('{month_start(month):%Y-%m-%d %H:%M}') "
        f"TO ('{month_start(next_month(month)):%Y-%m-%d %H:%M}')")


# --- keeping them ahead -------------------------------------------------------------------


def ensure(connection: Connection, months_ahead: int = MONTHS_AHEAD) -> list[str]:
    """Create the partitions of this month and the `months_ahead` next (idempotent), in
    the caller's transaction; returns the names created. Raises PartitionRefused,
    before creating any, when a missing month's rows are in a default partition."""
    if not is_postgres(connection):
        return []
    this_month = local_month(datetime.now(UTC))
    months = months_between(this_month, _plus(this_month, months_ahead))
    existing = {p.name for p in _partitions(connection)}
    missing = [(table, month) for table in TABLES if is_partitioned(connection, table)
               for month in months if partition_name(table, month) not in existing]
    for table, month in missing:
        stray = connection.execute(text(
            f"SELECT COUNT(*) FROM {table}_default "  # noqa: S608 - fixed names
            f"WHERE {KEY} >= :low AND {KEY} < :high"),
            {"low": month_start(month), "high": month_start(next_month(month))}).scalar_one()
        if stray:
            raise PartitionRefused("partition_rows_in_default", table=table, rows=stray,
                                   month=f"{month:%Y-%m}",
                                   partition=partition_name(table, month))
    for table, month in missing:
        _create_month(connection, table, partition_name(table, month), month)
    return [partition_name(table, month) for table, month in missing]


def _plus(month: date, count: int) -> date:
    for _ in range(count):
        month = next_month(month)
    return month


def listing(connection: Connection) -> list[Partition]:
    """Every partition of the three tables with its bounds and rows (counted)."""
    if not is_postgres(connection):
        return []
    return [Partition(p.table, p.name, p.bounds, connection.execute(text(
        f'SELECT COUNT(*) FROM "{p.name}"')).scalar_one())  # noqa: S608 - catalogue names
        for p in _partitions(connection)]


def _partitions(connection: Connection) -> list[Partition]:
    """The partitions of the three tables, bounds as PostgreSQL writes them, rows not
    counted (-1)."""
    found = connection.execute(text(
        "SELECT p.relname, c.relname, pg_get_expr(c.relpartbound, c.oid) "
        "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent "
        "WHERE p.relname = ANY(:tables) AND c.relkind IN ('r', 'p') "
        "ORDER BY p.relname, c.relname"), {"tables": list(TABLES)}).all()
    return [Partition(table, name, bounds, -1) for table, name, bounds in found]
