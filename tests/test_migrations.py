"""Migrations: upgrade from empty reaches a schema equal to the models, and downgrade undoes it.

Runs on a fresh SQLite file, and on PostgreSQL when TEST_DATABASE_URL points at one
(a sibling database `<name>_migrations`, so the suite's own schema is untouched).
"""

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, make_url, text

from support import make_app
from survey_app.config import server_key
from survey_app.extensions import db
from survey_app.models import StaffUser
from survey_app.services import partitions
from survey_app.services.access import totp
from survey_app.services.responses.tokens import dossier_hmac, sha256_hex


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path, database_url):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL migrations run when TEST_DATABASE_URL points at PostgreSQL")
    migrations_url = url.set(database=f"{url.database}_migrations")
    app = make_app(migrations_url.render_as_string(hide_password=False))
    with app.app_context():
        db.drop_all()  # leftovers of an interrupted run
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()
    return migrations_url.render_as_string(hide_password=False)


def test_upgrade_matches_models_and_downgrade_empties(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "render_as_batch": True,
                # the monthly partitions only (PostgreSQL), as migrations/env.py filters
                "include_name": partitions.include_name,
                "include_object": partitions.include_object,
            })
            drift = compare_metadata(context, db.metadata)
            partitioned = _partitioned_tables(connection)
        assert drift == [], f"models and migrations differ: {drift}"
        if db.engine.dialect.name == "postgresql":
            assert {"responses", "answers", "response_factors"} <= partitioned

        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.engine.dispose()


def _partitioned_tables(connection) -> set[str]:
    if connection.dialect.name != "postgresql":
        return set()
    return set(connection.execute(text(
        "SELECT partrelid::regclass::text FROM pg_partitioned_table")).scalars())


def _one_agency_and_version(connection, definition: dict):
    """Agency 1 and questionnaire version 1 (with `definition`); returns the SQL runner."""
    run = connection.exec_driver_sql
    run("INSERT INTO levels (code, name_vi, name_en) VALUES ('x', 'x', 'x')")
    run("INSERT INTO agencies (id, code, name_vi, name_en, level_code, kind) "
        "VALUES (1, 'a', 'a', 'a', 'x', 'department')")
    run("INSERT INTO questionnaires (id, code, kind) VALUES (1, 'q', 'administrative')")
    connection.execute(text(
        "INSERT INTO questionnaire_versions (id, questionnaire_id, version, status, "
        "content_sha256, title_vi, title_en, instrument, definition, loaded_at) VALUES "
        "(1, 1, 1, 'published', 'x', 'q', 'q', 'i', :definition, '2025-01-01')"),
        {"definition": json.dumps(definition)})
    return run


def test_upgrade_tallies_the_factors_of_responses_already_stored(empty_database):
    """Responses written before response_factors existed get their tallies from their
    answers, as submissions.add_response would have written them."""
    app = make_app(empty_database)
    definition = {"factors": [{"id": "a", "items": ["a1", "a2"]}, {"id": "b", "items": ["b1"]}]}
    with app.app_context():
        upgrade(revision="73acf6b6ded5")
        with db.engine.begin() as connection:
            run = _one_agency_and_version(connection, definition)
            for response_id in (1, 2, 3):
                run("INSERT INTO responses (id, questionnaire_version_id, agency_id, channel, "
                    "language, submitted_hour, repeat_device) VALUES "
                    f"({response_id}, 1, 1, 'counter', 'vi', '2025-08-01 03:00:00', false)")
            answers = [(1, "a1", 5), (1, "a2", 2), (1, "b1", None), (1, "q0", 5),
                       (2, "b1", 4), (3, "q0", 3), (3, "a1", None)]
            for response_id, item, score in answers:
                connection.execute(text(
                    "INSERT INTO answers (response_id, item_code, score, choice) "
                    "VALUES (:r, :i, :s, :c)"),
                    {"r": response_id, "i": item, "s": score, "c": None if score else "not_used"})
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT response_id, satisfied_1, scored_1, satisfied_2, scored_2, scored_3 "
                "FROM response_factors ORDER BY response_id")).all()
        db.engine.dispose()
    # response 3 has no scored factor answer: no row, as add_response writes none
    assert [tuple(row) for row in rows] == [(1, 1, 2, 0, 0, 0), (2, 0, 0, 1, 1, 0)]


def test_upgrade_unlinks_used_invitations_and_keys_dossier_hashes(empty_database):
    """Rows stored before b5e1c0d4a9f2: the hour of use goes, the procedure of a used
    invitation goes, its times are cut to the day, and a plain dossier SHA-256 becomes
    the HMAC that invitations.issue now stores."""
    app = make_app(empty_database)
    plain = sha256_hex("000.00.12.H62-261201-1000")
    with app.app_context():
        upgrade(revision="28cc731fc414")
        with db.engine.begin() as connection:
            run = connection.exec_driver_sql
            run("INSERT INTO levels (code, name_vi, name_en) VALUES ('x', 'x', 'x')")
            run("INSERT INTO agencies (id, code, name_vi, name_en, level_code, kind) "
                "VALUES (1, 'a', 'a', 'a', 'x', 'department')")
            run("INSERT INTO counters (id, code, agency_id, name_vi, name_en, active) "
                "VALUES (1, 'c', 1, 'c', 'c', true)")
            run("INSERT INTO sector_groups (code, name_vi, name_en) VALUES ('g', 'g', 'g')")
            run("INSERT INTO sectors (id, code, name_vi, name_en, group_code) "
                "VALUES (1, 's', 's', 's', 'g')")
            run("INSERT INTO procedures (id, code, name_vi, name_en, sector_id) "
                "VALUES (1, 'p', 'p', 'p', 1)")
            for row_id, used_at, dossier in ((1, "'2026-11-30 09:00:00'", f"'{plain}'"),
                                             (2, "NULL", "NULL")):
                run("INSERT INTO invitations (id, token_sha256, counter_id, sector_id, "
                    "procedure_id, dossier_sha256, created_at, expires_at, used_at) VALUES "
                    f"({row_id}, 't{row_id}', 1, 1, 1, {dossier}, '2026-11-30 08:17:05', "
                    f"'2026-12-30 08:17:05', {used_at})")
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT used, procedure_id, created_at, expires_at, dossier_hmac "
                "FROM invitations ORDER BY id")).all()
        key = server_key(app.config, "DOSSIER_HASH_KEY")
        db.engine.dispose()
    used, unused = rows
    assert used.used
    assert used.procedure_id is None
    assert str(used.created_at).startswith("2026-11-30 00:00:00")
    assert str(used.expires_at).startswith("2026-12-31 00:00:00")
    assert used.dossier_hmac == dossier_hmac("000.00.12.H62-261201-1000", key)
    assert (bool(unused.used), unused.procedure_id, unused.dossier_hmac) == (False, 1, None)
    assert str(unused.created_at).startswith("2026-11-30 08:17:05")


def test_upgrade_encrypts_second_factor_secrets_already_stored(empty_database):
    """A secret stored in clear before c7a2e5f1b3d8 is sealed; the codes stay the same."""
    app = make_app(empty_database)
    clear = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    with app.app_context():
        upgrade(revision="4a7099023307")
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO staff_users (id, username, display_name, password_hash, role, "
                "active, created_at, failed_logins, session_version, totp_secret) VALUES "
                f"(1, 'hoa', 'Hoa', 'x', 'admin', true, '2026-11-30', 0, 1, '{clear}')")
        upgrade()
        with db.engine.connect() as connection:
            stored, failures = connection.execute(text(
                "SELECT totp_secret, totp_failures FROM staff_users")).one()
        user = StaffUser(totp_secret=stored)
        assert totp.secret_of(user) == clear
        db.engine.dispose()
    assert clear not in stored
    assert failures == 0


def test_upgrade_counts_the_responses_already_stored_into_cells(empty_database):
    """Responses stored before response_cells existed are counted by the migrations, each
    in the cell of its local month (17:00 UTC on 31 July is 1 August in Vĩnh Long)."""
    from survey_app.services.rollups import check

    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="4a2ab5997172-1")  # before the cells
        with db.engine.begin() as connection:
            run = _one_agency_and_version(connection, {})
            for response_id, hour, score in ((1, "08-01 03", 5), (2, "07-31 16", 2),
                                             (3, "07-31 17", "NULL")):
                run("INSERT INTO responses (id, questionnaire_version_id, agency_id, channel, "
                    "language, submitted_hour, repeat_device, overall_score) VALUES "
                    f"({response_id}, 1, 1, 'counter', 'vi', '2025-{hour}:00:00', "
                    f"false, {score})")
            run("INSERT INTO response_factors VALUES (1, 1, 2" + ", 0" * 14 + ")")
        upgrade()
        with db.engine.connect() as connection:
            cells = connection.execute(text(
                "SELECT month, responses, n, satisfied, tallied, x_s1_m1, x_m1_m1 "
                "FROM response_cells ORDER BY month")).all()
            assert check.differences(connection) == []
        db.engine.dispose()
    assert [tuple(row[1:]) for row in cells] == [(1, 1, 0, 0, 0, 0), (2, 1, 1, 1, 2, 4)]
    assert [str(row[0]) for row in cells] == ["2025-07-01", "2025-08-01"]


def test_upgrade_moves_stored_rows_into_the_partitioned_shape(empty_database):
    """Rows stored before the partitions: every one is still there after, each child row
    carries its response's hour, the submission ids are in their table (and keep a
    re-sent form out), the cells still agree with the rows, and on PostgreSQL the rows
    sit in their months' partitions."""
    from sqlalchemy.exc import IntegrityError

    from survey_app.services.rollups import check

    app = make_app(empty_database)
    counted = ("responses", "answers", "response_factors", "comments")
    with app.app_context():
        upgrade(revision="4a2ab5997172-1")  # before the cells: the migrations count them
        with db.engine.begin() as connection:
            run = _one_agency_and_version(connection, {})
            for response_id, hour in ((1, "2025-07-31 16"), (2, "2025-07-31 17"),
                                      (3, "2026-01-15 03")):
                run("INSERT INTO responses (id, questionnaire_version_id, agency_id, channel, "
                    "language, submitted_hour, repeat_device, overall_score, submission_id) "
                    f"VALUES ({response_id}, 1, 1, 'counter', 'vi', '{hour}:00:00', false, 4, "
                    f"'00000000-0000-4000-8000-00000000000{response_id}')")
                run("INSERT INTO answers (response_id, item_code, score) "
                    f"VALUES ({response_id}, 'q0', 4)")
                run(f"INSERT INTO response_factors VALUES ({response_id}, 1, 1" + ", 0" * 14 + ")")
            run("INSERT INTO comments (response_id, item_code, text, status, tags, "
                "contact_consent) VALUES (2, 'c', 'ok', 'new', '[]', false)")
            before = {t: connection.exec_driver_sql(f"SELECT COUNT(*) FROM {t}").scalar()
                      for t in counted}  # noqa: S608
        upgrade()
        with db.engine.begin() as connection:
            after = {t: connection.exec_driver_sql(f"SELECT COUNT(*) FROM {t}").scalar()
                     for t in counted}  # noqa: S608
            for child in counted[1:]:
                assert connection.exec_driver_sql(
                    f"SELECT COUNT(*) FROM {child} c JOIN responses r ON r.id = c.response_id "
                    "AND r.submitted_hour = c.submitted_hour").scalar() == after[child]
            ids = connection.exec_driver_sql(
                "SELECT submission_id, response_id FROM submission_ids ORDER BY 2").all()
            assert check.differences(connection) == []
            places = _partitions_of_responses(connection)
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO submission_ids VALUES ('00000000-0000-4000-8000-000000000001', "
                "3, '2026-01-15 03:00:00')")
        downgrade(revision="0a02e048a75d")
        with db.engine.connect() as connection:
            back = {t: connection.exec_driver_sql(f"SELECT COUNT(*) FROM {t}").scalar()
                    for t in counted}  # noqa: S608
        db.engine.dispose()
    assert before == after == back == {"responses": 3, "answers": 3, "response_factors": 3,
                                       "comments": 1}
    assert [row[1] for row in ids] == [1, 2, 3]
    if places is not None:  # 16:00 UTC on 31 July is July in Vĩnh Long, 17:00 is August
        assert places == {1: "responses_2025_07", 2: "responses_2025_08",
                          3: "responses_2026_01"}


def _partitions_of_responses(connection) -> dict | None:
    if connection.dialect.name != "postgresql":
        return None
    return dict(connection.exec_driver_sql(
        "SELECT id, tableoid::regclass::text FROM responses").all())
