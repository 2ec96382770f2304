"""The feedback-case migration carries the comments already stored over as cases."""

from flask_migrate import upgrade
from sqlalchemy import text
from test_migrations import empty_database  # noqa: F401  (the fixture: SQLite and PostgreSQL)

from support import make_app
from survey_app.extensions import db

BEFORE_CASES = "ebb611ef1540"
CASES = "28cc731fc414"


def seed_comments() -> None:
    """Agencies, a staff user and five comments (with their follow-up) at BEFORE_CASES."""
    with db.engine.begin() as connection:
        run = connection.exec_driver_sql
        run("INSERT INTO levels (code, name_vi, name_en) VALUES ('x', 'x', 'x')")
        for agency in (1, 2):
            run("INSERT INTO agencies (id, code, name_vi, name_en, level_code, kind) "
                f"VALUES ({agency}, 'a{agency}', 'a', 'a', 'x', 'department')")
        run("INSERT INTO staff_users (id, username, display_name, password_hash, role, "
            "active, created_at, failed_logins, session_version) "
            "VALUES (1, 'u', 'u', 'x', 'admin', true, '2025-01-01', 0, 1)")
        run("INSERT INTO questionnaires (id, code, kind) VALUES (1, 'q', 'administrative')")
        run("INSERT INTO questionnaire_versions (id, questionnaire_id, version, status, "
            "content_sha256, title_vi, title_en, instrument, definition, loaded_at) VALUES "
            "(1, 1, 1, 'published', 'x', 'q', 'q', 'i', '{}', '2025-01-01')")
        comments = [  # score, tags, status, assigned agency, reply note, handled at
            (1, "[]", "new", "NULL", "NULL", "NULL"),
            (5, '["kiến nghị"]', "assigned", "2", "NULL", "NULL"),
            (2, '["chờ đợi"]', "handled", "NULL", "'Đã trả lời'", "'2025-08-20 02:00:00'"),
            (5, "[]", "handled", "NULL", "'Cảm ơn'", "'2025-08-02 02:00:00'"),
            (1, '["khen"]', "new", "NULL", "NULL", "NULL"),
        ]
        for n, (score, tags, status, assigned, note, handled) in enumerate(comments, 1):
            run("INSERT INTO responses (id, questionnaire_version_id, agency_id, channel, "
                "language, submitted_hour, repeat_device, overall_score) VALUES "
                f"({n}, 1, 1, 'counter', 'vi', '2025-08-01 03:00:00', false, {score})")
            connection.execute(text(
                "INSERT INTO comments (id, response_id, item_code, text, status, tags, "
                "assigned_agency_id, reply_note, handled_at, handled_by_id, contact_consent) "
                f"VALUES (:n, :n, 'c', 'x', :status, :tags, {assigned}, {note}, {handled}, "
                f"{'1' if handled != 'NULL' else 'NULL'}, false)"),
                {"n": n, "status": status, "tags": tags})


def test_existing_comments_become_cases_with_their_follow_up(empty_database):  # noqa: F811
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision=BEFORE_CASES)
        seed_comments()
        upgrade(revision=CASES)  # this migration alone: later ones are tested on their own
        with db.engine.connect() as connection:
            cases = connection.execute(text(
                "SELECT comment_id, kind, state, agency_id, deadline, answered_on "
                "FROM feedback_cases ORDER BY comment_id")).all()
            replies = connection.execute(text(
                "SELECT text, user_id FROM case_events WHERE action = 'reply'")).all()
        db.engine.dispose()
    # Praise (5) and a handled high score without tags (4) are not cases.
    assert [(c[0], c[1], c[2], c[3]) for c in cases] == [
        (1, "low_score", "new", 1), (2, "proposal", "assigned", 2), (3, "low_score", "answered", 1)]
    assert {str(c[4]) for c in cases} == {"2025-08-15"}
    assert str(cases[2][5]) == "2025-08-20"
    assert cases[0][5] is None
    assert [tuple(r) for r in replies] == [("Đã trả lời", 1)]


def test_later_migrations_keep_rows_that_point_at_rebuilt_tables(empty_database):  # noqa: F811
    """On SQLite a batch migration rebuilds a table (copy, drop, rename): with foreign
    keys enforced, dropping staff_users while comments point at it failed. Every
    migration from here to the head runs over rows that point at the tables it rebuilds."""
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision=BEFORE_CASES)
        seed_comments()
        upgrade()
        with db.engine.connect() as connection:
            users = connection.execute(text("SELECT id, username FROM staff_users")).all()
            handled = connection.execute(text(
                "SELECT count(*) FROM comments WHERE handled_by_id = 1")).scalar()
            if connection.dialect.name == "sqlite":
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            else:
                broken = []
        db.engine.dispose()
    assert [tuple(u) for u in users] == [(1, "u")]
    assert handled == 2
    assert broken == []
