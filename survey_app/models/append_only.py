"""The audit log is append-only: the database itself refuses UPDATE and DELETE on it.

Triggers on both SQLite and PostgreSQL (created with the table, and by a migration),
and a guard on the model, so that neither the app nor a mistaken script can rewrite
who did what. PostgreSQL's TRUNCATE stays possible for the table's owner only (the
test suite empties tables that way); no code of the app truncates.
"""

from __future__ import annotations

from sqlalchemy import event

MESSAGE = "audit_log is append-only"
STATEMENTS = {
    "sqlite": [
        f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql "
        f"AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$",
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    ],
}
DROPS = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_log_no_update",
               "DROP TRIGGER IF EXISTS audit_log_no_delete"],
    "postgresql": ["DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
                   "DROP FUNCTION IF EXISTS audit_log_append_only()"],
}


class AppendOnly(RuntimeError):
    """An attempt to change or delete an audit row."""


def install(connection) -> None:
    for statement in STATEMENTS.get(connection.dialect.name, ()):
        connection.exec_driver_sql(statement)


def remove(connection) -> None:
    for statement in DROPS.get(connection.dialect.name, ()):
        connection.exec_driver_sql(statement)


def guard(model) -> None:
    """Create the triggers with the table, and refuse changes in the ORM before SQL is sent."""
    event.listen(model.__table__, "after_create",
                 lambda _table, connection, **_kw: install(connection))

    def refuse(_mapper, _connection, _target):
        raise AppendOnly(MESSAGE)

    event.listen(model, "before_update", refuse)
    event.listen(model, "before_delete", refuse)
